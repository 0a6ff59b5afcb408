import Foundation
import XCTest

/// `demo` at the tiniest settings: the report's files, the closing summary, reproducibility,
/// Ctrl-C leaving the previous report intact, and `--resume`.
final class DemoTests: CLITestCase {
    static let tiny = ["--cases", "20", "--synth-size", "48", "--image-size", "32", "--epochs", "1",
                       "--width", "8", "--batch-size", "4"]

    func demo(_ out: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["demo", "--out", path(out)] + Self.tiny + extra)
    }

    func testTinyDemoWritesTheWholeReport() throws {
        let result = try demo("output/demo")
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = files(under: "output/demo")
        for name in ["report.html", "report.pdf", "metrics.json", "metrics.csv", "predictions.csv"] {
            XCTAssertTrue(report.contains(name), "report lacks \(name): \(report)")
        }
        let figures = report.filter { $0.hasPrefix("figures/") }
        XCTAssertFalse(figures.isEmpty, "no figures")
        for stem in Set(figures.map { ($0 as NSString).deletingPathExtension }) {
            for ext in ["pdf", "svg", "png"] {
                XCTAssertTrue(figures.contains("\(stem).\(ext)"), "\(stem) lacks .\(ext)")
            }
        }
        for file in report {
            let size = (try? FileManager.default.attributesOfItem(atPath: path("output/demo/\(file)"))[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size ?? 0, 0, "\(file) is empty")
        }
        let html = try read("output/demo/report.html")
        XCTAssertTrue(html.contains("resnet34") && html.contains("resnet50"), "both models in the HTML")
        XCTAssertTrue(html.contains("data:image/jpeg;base64,"), "images embedded in the HTML as JPEG")
        for words in ["Training recipe", "rotated about the transducer", "label smoothing", "Model selection",
                      "No validation case was seen", "No test-time augmentation"] {
            XCTAssertTrue(html.contains(words), "the Training section says \(words)")
        }
        XCTAssertEqual(Array(try Data(contentsOf: url("output/demo/report.pdf")).prefix(5)), Array("%PDF-".utf8))
        for words in ["Subgroups by scanner (categorical)", "Subgroups by semi_axis_along_px (numeric, cut at",
                      "Calibration and clinical utility", "Was the study big enough?"] {
            XCTAssertTrue(html.contains(words), "the demo's report has \(words)")
        }
        XCTAssertTrue(figures.contains("figures/subgroup_forest.png") && figures.contains("figures/decision_curve.png"), "\(figures)")

        // The closing lines: the report's path, then five lines of summary.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, result.stdout)
        XCTAssertTrue(lines.first?.contains(path("output/demo/report.html")) ?? false, result.stdout)
        XCTAssertTrue(lines[1].hasPrefix("Data: 20 cases"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("resnet34: accuracy"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("resnet50: accuracy"), lines[3])
        XCTAssertTrue(lines[4].hasPrefix("resnet34 vs resnet50"), lines[4])
        XCTAssertTrue(lines[5].hasPrefix("Wall time"), lines[5])

        try checkEvaluationFolder("output/demo.work/eval")
        assertNoStagingLeft()
    }

    /// eval.json as docs/formats.md describes it, and the folder's other files.
    func checkEvaluationFolder(_ folder: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url("\(folder)/eval.json"))) as? [String: Any]
        let data = json?["data"] as? [String: Any]
        XCTAssertEqual(data?["synthetic"] as? Bool, true, file: file, line: line)
        XCTAssertEqual(data?["positive_class"] as? String, "GIST", file: file, line: line)
        let counts = data?["counts"] as? [String: [String: Int]]
        XCTAssertEqual(counts?["train"]?["GIST"], 8, file: file, line: line)
        XCTAssertEqual(counts?["validation"]?["LM"], 2, file: file, line: line)
        let digests = data?["image_sha256"] as? [String: String]
        XCTAssertEqual(digests?.count, 20, file: file, line: line)
        XCTAssertTrue(digests?.values.allSatisfy { $0.count == 64 } ?? false, file: file, line: line)
        let models = json?["models"] as? [[String: Any]]
        XCTAssertEqual(models?.map { $0["name"] as? String }, ["resnet34", "resnet50"], file: file, line: line)
        for model in models ?? [] {
            XCTAssertGreaterThan(model["parameters"] as? Int ?? 0, 0, file: file, line: line)
            XCTAssertGreaterThan(model["flops"] as? Double ?? 0, 0, file: file, line: line)
            XCTAssertEqual(model["image_size"] as? Int, 32, file: file, line: line)
        }
        XCTAssertEqual((json?["cam"] as? [String: Any])?["layer"] as? String, "layer3.5",
                       "below 224 px the default CAM block is layer3[-1]", file: file, line: line)
        let software = json?["software"] as? [String: String]
        for key in ["swift", "openblas", "cairo"] { XCTAssertNotNil(software?[key], key, file: file, line: line) }
        let steps = (json?["steps"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertEqual(steps, ["synth", "split", "train resnet34", "train resnet50", "evaluate"], file: file, line: line)

        let listing = files(under: folder)
        for name in ["predictions.csv", "split.csv", "histories/resnet34.csv", "histories/resnet50.csv",
                     "configs/resnet34.json", "configs/resnet50.json"] {
            XCTAssertTrue(listing.contains(name), "\(folder) lacks \(name)", file: file, line: line)
        }
        XCTAssertEqual(listing.filter { $0.hasPrefix("cams/resnet34/") }.count, 8, "4 validation cases × (.npy, .png)", file: file, line: line)
        let predictions = try csvRows("\(folder)/predictions.csv")
        XCTAssertEqual(Array(predictions.header.prefix(4)), ["case_id", "label", "resnet34", "resnet50"], file: file, line: line)
        XCTAssertEqual(predictions.rows.count, 4, file: file, line: line)
    }

    /// `run` on a user's folder of images (no masks, mixed sizes), with options passed through
    /// to split, train and evaluate.
    func testRunOnAFolderOfImages() throws {
        try makeDataset("images", gist: 10, lm: 10, sizes: [40, 56, 48])
        let result = try CLI.run(["run", path("images"), "--out", path("out/study"), "--arch", "resnet18",
                                  "--width", "8", "--image-size", "32", "--epochs", "2", "--batch-size", "4",
                                  "--ratio", "0.75", "--cam", "gradcampp", "--seed", "5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Data: 20 cases (10 GIST, 10 LM; images)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("resnet18: accuracy"), result.stdout)
        for name in ["report.html", "report.pdf", "metrics.json"] { XCTAssertTrue(exists("out/study/\(name)"), name) }
        let split = try csvRows("out/study.work/split.csv").rows
        XCTAssertEqual(split.filter { $0[2] == "train" }.count, 16, "round(0.75 × 10) = 8 per class")
        let history = try csvRows("out/study.work/runs/resnet18/history.csv").rows
        XCTAssertEqual(history.count, 2)
        let eval = try JSONSerialization.jsonObject(with: Data(contentsOf: url("out/study.work/eval/eval.json"))) as? [String: Any]
        XCTAssertEqual((eval?["data"] as? [String: Any])?["synthetic"] as? Bool, false)
        XCTAssertEqual((eval?["cam"] as? [String: Any])?["method"] as? String, "gradcampp")
        XCTAssertEqual((eval?["split"] as? [String: Any])?["seed"] as? Int, 5)
        let predictions = try csvRows("out/study.work/eval/predictions.csv")
        let energy = try XCTUnwrap(predictions.header.firstIndex(of: "resnet18_cam_energy"))
        XCTAssertTrue(predictions.rows.allSatisfy { $0[energy].isEmpty }, "no masks, so no localisation scores")
        assertNoStagingLeft()
    }

    /// The same seed on the same machine gives the same metrics.json, byte for byte.
    func testSameSeedGivesIdenticalMetrics() throws {
        let first = try demo("a")
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try demo("b")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try Data(contentsOf: url("a/metrics.json")), try Data(contentsOf: url("b/metrics.json")))
        XCTAssertEqual(try Data(contentsOf: url("a.work/runs/resnet50/model.safetensors")),
                       try Data(contentsOf: url("b.work/runs/resnet50/model.safetensors")))
    }

    /// Ctrl-C in the middle of training: exit 130, the previous report untouched, no staging
    /// folders; then `--resume` finishes from the last finished epoch.
    func testInterruptionKeepsThePreviousReportAndResumeFinishes() throws {
        let first = try demo("out")
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = files(under: "out")
        let metricsBefore = try Data(contentsOf: url("out/metrics.json"))

        let longer = ["--epochs", "40"]
        // Only the report at `out` must survive; the finished run's work folder goes, so that
        // the checkpoint waited for below is the new run's.
        try FileManager.default.removeItem(at: url("out.work"))
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = ["demo", "--out", path("out")] + Self.tiny + longer
        process.environment = ProcessInfo.processInfo.environment.merging(["EUS_REPORT_QUIET": "1"]) { $1 }
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let checkpoint = path("out.work/runs/resnet34/checkpoint.json")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint), process.isRunning, Date() < deadline {
            usleep(20_000)
        }
        XCTAssertTrue(process.isRunning, "the demo finished before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("error: interrupted"), stderr)
        XCTAssertEqual(files(under: "out"), before, "the previous report is intact")
        XCTAssertEqual(try Data(contentsOf: url("out/metrics.json")), metricsBefore)
        assertNoStagingLeft()

        // The checkpoint (not history.csv, written just after it) is what a resume starts from.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: url("out.work/runs/resnet34/checkpoint.json"))) as? [String: Any]
        let finished = state?["epoch"] as? Int ?? 0
        let losses = (state?["history"] as? [[String: Any]] ?? []).compactMap { $0["train_loss"] as? Double }
        XCTAssertGreaterThan(finished, 0)
        XCTAssertLessThan(finished, 40)
        let resumed = try CLI.run(["demo", "--out", path("out"), "--resume"] + Self.tiny + longer)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let full = try csvRows("out.work/runs/resnet34/history.csv")
        XCTAssertEqual(full.rows.map { Int($0[0]) }, (1 ... 40).map { $0 }, "epochs continue after the last finished one")
        XCTAssertEqual(full.rows.prefix(finished).map { $0[1] }, losses.map { String(format: "%.6f", $0) }, "finished epochs are kept")
        XCTAssertNotEqual(try Data(contentsOf: url("out/metrics.json")), Data())
        assertNoStagingLeft()
    }
}
