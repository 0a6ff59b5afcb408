import Foundation
import XCTest
import EUSImage
@testable import EUSGradCAM

import EUSSupport

final class NPYFileTests: XCTestCase {
    /// `np.save` of ((arange(15) − 7) / 4).reshape(3, 5) as float32, byte for byte.
    func testEncodingIsByteIdenticalToNumPy() throws {
        let expected = try Data(contentsOf: try fixtureURL("npy_example.npy"))
        let values = (0..<15).map { (Float($0) - 7) / 4 }
        XCTAssertEqual(NPYFile.encode(values: values, shape: [3, 5]), expected)
        let map = HeatMap(width: 5, height: 3, values: values)
        XCTAssertEqual(NPYFile.encode(map), expected)
    }

    func testHeaderIsPaddedTo64BytesAndEndsInANewline() {
        for shape in [[128, 128], [1], [7], [2, 3, 4], [1000, 1000]] {
            let data = NPYFile.encode(values: [Float](repeating: 0, count: shape.reduce(1, *)), shape: shape)
            let headerLength = Int(data[8]) | Int(data[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "\(shape)")
            XCTAssertEqual(data[10 + headerLength - 1], UInt8(ascii: "\n"))
            XCTAssertEqual(data.count, 10 + headerLength + 4 * shape.reduce(1, *))
        }
        XCTAssertTrue(NPYFile.headerText(descriptor: "<f4", shape: [7]).hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }"))
    }

    func testRoundTripThroughAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let map = HeatMap(width: 3, height: 2, values: [0, 0.25, 1, .leastNonzeroMagnitude, 0.5, 0.75])
        let url = directory.appendingPathComponent("case.npy")
        try NPYFile.write(map, to: url)
        let array = try NPYFile.read(url)
        XCTAssertEqual(array.shape, [2, 3])
        XCTAssertEqual(array.descriptor, "<f4")
        XCTAssertEqual(array.values, map.values)
    }

    func testReadsUInt8Fixtures() throws {
        let image = try npyFixture("overlay_image")
        XCTAssertEqual(image.descriptor, "|u1")
        XCTAssertEqual(image.shape, [18, 26, 3])
        XCTAssertEqual(image.values.count, 18 * 26 * 3)
    }

    func testBadFilesAreUserErrorsNamingTheFile() {
        XCTAssertThrowsError(try NPYFile.decode(Data("not numpy at all".utf8), source: "x.npy")) { error in
            XCTAssertEqual((error as? UserError)?.message, "x.npy: not a NumPy .npy file (bad magic)")
        }
        var int32 = NPYFile.encode(values: [1, 2], shape: [2])
        let header = String(decoding: int32[10..<74], as: UTF8.self).replacingOccurrences(of: "<f4", with: "<i4")
        int32.replaceSubrange(10..<74, with: Data(header.utf8))
        XCTAssertThrowsError(try NPYFile.decode(int32, source: "y.npy")) { error in
            XCTAssertTrue((error as? UserError)?.message.hasPrefix("y.npy: .npy dtype '<i4'") ?? false, "\(error)")
        }
        let truncated = NPYFile.encode(values: [1, 2, 3], shape: [3]).dropLast(4)
        XCTAssertThrowsError(try NPYFile.decode(Data(truncated), source: "z.npy"))
    }
}

final class CAMExportTests: XCTestCase {
    /// The .npy holds the map at the network's size, and nothing else is written.
    func testWritesTheMapAsNPY() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cams-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let map = HeatMap(width: 16, height: 16, values: (0..<256).map { Float($0) / 255 })
        let npy = try CAMExport.write(map, caseID: "case_007", directory: directory)
        XCTAssertEqual(npy.lastPathComponent, "case_007.npy")
        let array = try NPYFile.read(npy)
        XCTAssertEqual(array.shape, [16, 16])
        XCTAssertEqual(array.values, map.values)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(leftovers, ["case_007.npy"])
    }

    func testCaseIDsThatAreNotFileNamesAreRefused() {
        let map = HeatMap(width: 2, height: 2, values: [0, 1, 0, 1])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cams-\(UUID())")
        for bad in ["", "a/b", ".."] {
            XCTAssertThrowsError(try CAMExport.write(map, caseID: bad, directory: directory))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path))
    }
}
