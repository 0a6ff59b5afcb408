import Foundation
import XCTest

/// Runs the built `eus-report` binary as a subprocess, the way a user does.
///
/// The binary is looked for beside the test bundle (SwiftPM puts both in `.build/<config>/`),
/// or at `$EUS_REPORT_BINARY`.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The `error:` lines of stderr.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") } }
    }

    static func binary(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["EUS_REPORT_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var folder = executable.deletingLastPathComponent()
        for _ in 0 ..< 4 {
            candidates.append(folder.appendingPathComponent("eus-report"))
            folder = folder.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("eus-report"))
        }
        if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) { return found }
        XCTFail("eus-report binary not found beside the tests (looked in: \(candidates.map(\.path))); run `swift build` first", file: file, line: line)
        throw XCTSkip("no eus-report binary")
    }

    /// Runs `eus-report args` with progress silenced, in `directory`, and waits.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        try run(executable: binary(file: file, line: line), arguments: arguments, in: directory, environment: environment)
    }

    /// Runs a shell command line (for resource limits) with the binary in `$EUS`.
    static func shell(_ script: String, in directory: URL? = nil) throws -> Result {
        try run(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script], in: directory,
                environment: ["EUS": try binary().path])
    }

    static func run(executable: URL, arguments: [String], in directory: URL?, environment: [String: String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["EUS_REPORT_QUIET"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let errHandle = err.fileHandleForReading
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = errHandle.readDataToEndOfFile()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh temporary folder per test, removed afterwards.
class CLITestCase: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("eus-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func path(_ relative: String) -> String { scratch.appendingPathComponent(relative).path }
    func url(_ relative: String) -> URL { scratch.appendingPathComponent(relative) }

    /// Every file under `folder`, relative, sorted.
    func files(under folder: String) -> [String] {
        let root = url(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isDirectory),
               !isDirectory.boolValue { found.append(item) }
        }
        return found.sorted()
    }

    /// Fails when anything under the scratch folder looks like a half-written output.
    func assertNoStagingLeft(file: StaticString = #filePath, line: UInt = #line) {
        let leftovers = files(under: ".").filter { $0.contains(".partial-") || $0.contains(".old-") }
        XCTAssertEqual(leftovers, [], "staging leftovers", file: file, line: line)
        let folders = (try? FileManager.default.subpathsOfDirectory(atPath: scratch.path)) ?? []
        XCTAssertEqual(folders.filter { $0.contains(".partial-") }, [], "staging folders left", file: file, line: line)
    }

    /// Checks a failed run: the exit status, one `error:` line containing `fragment`.
    func assertFails(_ result: CLI.Result, with fragment: String, status: Int32 = 1,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "exit status; stderr: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.errorLines.count, 1, "one error line expected; stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.errorLines.first?.contains(fragment) ?? false,
                      "error should mention '\(fragment)'; got: \(result.stderr)", file: file, line: line)
    }
}
