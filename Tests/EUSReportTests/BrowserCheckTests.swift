import EUSReport
import EUSSupport
import Foundation
import XCTest

/// The report in real renderers: `scripts/check-report.sh` screenshots report.html with
/// headless Chromium (not blank, filter and sort work) and turns report.pdf into PNG pages.
///
/// `.ci/run` installs Chromium, poppler-utils and ImageMagick, so under CI (`CI=true`) a
/// missing tool is a failure; on a developer machine without them the test is skipped.
final class BrowserCheckTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    func testReportRendersInChromiumAndPoppler() throws {
        let tools = ["chromium", "pdftoppm", "convert"]
        let missing = tools.filter { !Self.onPath($0) }
        if !missing.isEmpty {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("CI must install \(missing.joined(separator: ", ")) (see .ci/run)")
                return
            }
            throw XCTSkip("not installed: \(missing.joined(separator: ", "))")
        }
        let root = ReportFixture.temporaryFolder("browser")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ReportFixture.makeEvaluationFolder(in: root)
        let input = try ReportInput.load(folder, options: ReportFixture.options)
        let out = root.appendingPathComponent("report")
        _ = try ReportWriter.write(input, to: out, templates: .embedded)

        let script = ReportFixture.repositoryRoot.appendingPathComponent("scripts/check-report.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, out.path, root.appendingPathComponent("pages").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "check-report.sh failed:\n\(log)")
        XCTAssertTrue(log.contains("grey std-dev"), log)
        let pages = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pages").path)
            .filter { $0.hasPrefix("page-") && $0.hasSuffix(".png") }
        XCTAssertGreaterThanOrEqual(pages.count, ReportSection.shown(crossValidated: false).count)
    }

    private static func onPath(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
    }
}
