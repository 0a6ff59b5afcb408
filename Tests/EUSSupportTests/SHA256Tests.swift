import Foundation
import XCTest

import EUSSupport

/// FIPS 180-4 test vectors (NIST CSRC example values) and a multi-block streaming check.
final class SHA256Tests: XCTestCase {
    func testEmptyMessage() {
        XCTAssertEqual(SHA256.hexDigest(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testABC() {
        XCTAssertEqual(SHA256.hexDigest(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTwoBlockMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        XCTAssertEqual(SHA256.hexDigest(Data(message.utf8)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testMillionAsFedInUnevenChunks() {
        var hasher = SHA256()
        var remaining = 1_000_000
        var chunk = 1
        while remaining > 0 {
            let count = min(chunk, remaining)
            hasher.update(Data(repeating: UInt8(ascii: "a"), count: count))
            remaining -= count
            chunk = chunk * 3 % 997 + 1
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundary (55, 56, 63, 64 bytes) against the system's sha256sum.
    func testPaddingBoundariesAgainstSha256sum() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum") else { throw XCTSkip("no sha256sum") }
        for length in [55, 56, 63, 64, 65, 119, 120, 128] {
            let data = Data((0 ..< length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(length)-\(getpid())")
            try data.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            process.arguments = [file.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
            XCTAssertEqual(try SHA256.hexDigest(ofFileAt: file), String(expected), "length \(length)")
        }
    }
}
