import Foundation
import XCTest

/// Bad datasets given to `train` and `run`: one `error:` line naming the problem, exit status
/// 1, and nothing written at the destination.
final class DatasetErrorTests: CLITestCase {
    private let tiny = ["--arch", "resnet18", "--width", "8", "--image-size", "32", "--epochs", "1", "--batch-size", "4"]

    private func train(_ data: String, out: String = "run") throws -> CLI.Result {
        try CLI.run(["train", path(data), "--out", path(out)] + tiny)
    }

    private func assertNothingWritten(_ out: String = "run", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(exists(out), "\(out) should not exist", file: file, line: line)
        assertNoStagingLeft(file: file, line: line)
    }

    func testMissingDataFolder() throws {
        assertFails(try train("nowhere"), with: "nowhere: no such file or folder")
        assertNothingWritten()
    }

    func testFolderWithoutImages() throws {
        try FileManager.default.createDirectory(at: url("empty/GIST"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: url("empty/LM"), withIntermediateDirectories: true)
        try write("not an image", to: "empty/GIST/notes.txt")
        let result = try train("empty")
        assertFails(result, with: "empty")
        XCTAssertTrue(result.stderr.contains("GIST") || result.stderr.contains("no "), result.stderr)
        assertNothingWritten()
    }

    func testOneClassOnly() throws {
        try makeDataset("data", gist: 4, lm: 0)
        assertFails(try train("data"), with: "found 1 class")
        assertNothingWritten()
    }

    func testThreeClasses() throws {
        try makeDataset("data")
        try PNGWriter.copy(from: url("data/LM/l0.png"), to: url("data/Schwannoma/s0.png"))
        assertFails(try train("data"), with: "found 3 classes")
        assertNothingWritten()
    }

    func testEmptyClass() throws {
        try makeDataset("data", gist: 4, lm: 0)
        try FileManager.default.createDirectory(at: url("data/LM"), withIntermediateDirectories: true)
        assertFails(try train("data"), with: "class 'LM' is empty")
        assertNothingWritten()
    }

    func testDuplicateCaseIDInManifest() throws {
        try makeDataset("data")
        try write("case_id,path,label\na,GIST/g0.png,GIST\na,LM/l0.png,LM\nb,GIST/g1.png,GIST\nc,LM/l1.png,LM\n", to: "data/manifest.csv")
        let result = try train("data/manifest.csv")
        assertFails(result, with: "manifest.csv")
        XCTAssertTrue(result.stderr.contains("'a'") && result.stderr.lowercased().contains("duplicate"), result.stderr)
        assertNothingWritten()
    }

    func testManifestRowWithMissingFile() throws {
        try makeDataset("data")
        try write("case_id,path,label\na,GIST/g0.png,GIST\nb,LM/gone.png,LM\n", to: "data/manifest.csv")
        let result = try train("data/manifest.csv")
        assertFails(result, with: "gone.png")
        assertNothingWritten()
    }

    func testUnreadableImageIsNamed() throws {
        try makeDataset("data", gist: 10, lm: 10)
        try write("\u{89}PNG\r\n\u{1A}\n truncated", to: "data/LM/l3.png")
        let result = try CLI.run(["run", path("data"), "--out", path("report")] + tiny.dropFirst(2))
        assertFails(result, with: "l3.png")
        XCTAssertFalse(exists("report"))
        assertNoStagingLeft()
    }

    func testSplitThatDoesNotMatchTheData() throws {
        try makeDataset("data")
        try write("case_id,label,partition\ng0,GIST,train\nzz9,LM,validation\n", to: "split.csv")
        let result = try CLI.run(["train", path("data"), "--split", path("split.csv"), "--out", path("run")] + tiny)
        assertFails(result, with: "unknown case id 'zz9'")
        XCTAssertTrue(result.stderr.contains("split.csv line 3"), result.stderr)
        assertNothingWritten()
    }

    func testUnknownPositiveClass() throws {
        try makeDataset("data")
        let result = try CLI.run(["train", path("data"), "--out", path("run"), "--positive", "Schwannoma"] + tiny)
        assertFails(result, with: "positive class 'Schwannoma'")
        assertNothingWritten()
    }
}

enum PNGWriter {
    static func copy(from source: URL, to destination: URL) throws {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
    }
}
