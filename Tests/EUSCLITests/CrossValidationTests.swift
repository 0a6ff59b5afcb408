import Foundation
import XCTest

/// `demo --folds 3` and `split --folds` at the tiniest settings: the new JSON keys, the CSV
/// rows, the section in the HTML and the PDF, the folds figure in its three formats, the
/// predictions of every case once per repeat, and `--resume` across folds.
final class CrossValidationTests: CLITestCase {
    static let tiny = ["--cases", "24", "--synth-size", "64", "--image-size", "64", "--epochs", "1",
                       "--width", "8", "--batch-size", "5"]

    func testDemoWithThreeFoldsWritesTheCrossValidatedReport() throws {
        let result = try CLI.run(["demo", "--out", path("cv"), "--folds", "3"] + Self.tiny)
        XCTAssertEqual(result.status, 0, result.stderr)

        // metrics.json: the cross_validation block, with the tests' inputs recorded.
        let metrics = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url("cv/metrics.json"))) as? [String: Any])
        let cv = try XCTUnwrap(metrics["cross_validation"] as? [String: Any])
        XCTAssertEqual(cv["folds"] as? Int, 3)
        XCTAssertEqual(cv["repeats"] as? Int, 1)
        XCTAssertEqual(cv["n"] as? Int, 24)
        XCTAssertEqual((cv["per_fold"] as? [[String: Any]])?.count, 3)
        XCTAssertEqual((cv["per_fold"] as? [[String: Any]])?.compactMap { $0["n"] as? Int }.reduce(0, +), 24, "every case once")
        let comparison = try XCTUnwrap((cv["comparisons"] as? [[String: Any]])?.first)
        let ttest = try XCTUnwrap((comparison["corrected_ttest"] as? [String: Any])?["accuracy"] as? [String: Any])
        for key in ["differences", "n_train", "n_test", "t", "df", "p", "ci", "mean_difference"] {
            XCTAssertNotNil(ttest[key], "corrected_ttest.accuracy lacks \(key)")
        }
        XCTAssertEqual((ttest["differences"] as? [Double])?.count, 3)
        XCTAssertNotNil(comparison["pooled_ignoring_folds"])

        // metrics.csv: per-fold and across-fold rows after the pooled ones.
        let csv = try read("cv/metrics.csv")
        for prefix in ["resnet34,cv_r1_f1_accuracy,", "resnet50,cv_r1_f3_auc,", "resnet34,cv_mean_accuracy,", "resnet50,cv_sd_auc,"] {
            XCTAssertTrue(csv.contains("\n" + prefix), "metrics.csv lacks \(prefix)")
        }
        // predictions.csv: out-of-fold, every case once, with its fold.
        let predictions = try csvRows("cv.work/eval/predictions.csv")
        XCTAssertTrue(predictions.header.contains("fold") && predictions.header.contains("repeat"))
        XCTAssertEqual(Set(predictions.rows.map { $0[0] }).count, 24)
        XCTAssertEqual(predictions.rows.count, 24)

        // eval.json records the design; the figure exists in three formats.
        let eval = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url("cv.work/eval/eval.json"))) as? [String: Any])
        let design = try XCTUnwrap(eval["cross_validation"] as? [String: Any])
        XCTAssertEqual(design["folds"] as? Int, 3)
        XCTAssertEqual((design["counts"] as? [[[String: Int]]])?.first?.count, 3)
        for ext in ["pdf", "svg", "png"] {
            XCTAssertGreaterThan(try Data(contentsOf: url("cv/figures/folds.\(ext)")).count, 1000, "folds.\(ext)")
        }
        let html = try read("cv/report.html")
        for words in ["Cross-validation", "corrected resampled t-test", "3-fold cross-validation", "out-of-fold"] {
            XCTAssertTrue(html.contains(words), "the HTML lacks \(words)")
        }
        let pdf = try Data(contentsOf: url("cv/report.pdf"))
        XCTAssertTrue(String(decoding: pdf, as: UTF8.self).contains("/Title (3. Cross-validation)"), "no PDF bookmark for the section")
        // The gallery shows every case once per network.
        XCTAssertEqual(html.components(separatedBy: "data:image/jpeg;base64,").count - 1 >= 24, true)

        // The closing lines lead with the cross-validated comparison.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[1].hasPrefix("Data: 24 cases (12 GIST, 12 LM; synthetic phantom); 3-fold cross-validation"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("resnet34 vs resnet50 over 3 folds (corrected resampled t-test)"), lines[2])

        // A resumed run skips every finished fold.
        let resumed = try CLI.run(["demo", "--out", path("cv"), "--folds", "3", "--resume"] + Self.tiny, environment: ["EUS_REPORT_QUIET": "0"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        for step in ["fold 1/3: train resnet34", "fold 3/3: train resnet50", "fold 3/3: evaluate", "combine folds"] {
            XCTAssertTrue(resumed.stderr.contains("\(step): already done, skipped"), "resume reran \(step): \(resumed.stderr)")
        }
        assertNoStagingLeft()
    }

    func testSplitWritesFoldsAndRefusesTooManyFolds() throws {
        let synth = try CLI.run(["synth", "--out", path("data"), "--gist", "4", "--lm", "6", "--size", "32"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let split = try CLI.run(["split", path("data"), "--out", path("folds.csv"), "--folds", "2", "--repeats", "2"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let rows = try csvRows("folds.csv")
        XCTAssertEqual(rows.header, ["case_id", "label", "repeat", "fold"])
        XCTAssertEqual(rows.rows.count, 2 * 10)
        XCTAssertEqual(Set(rows.rows.map { $0[3] }), ["1", "2"])
        let tooMany = try CLI.run(["split", path("data"), "--out", path("folds5.csv"), "--folds", "5"])
        assertFails(tooMany, with: "4 GIST cases, fewer than the 5 folds asked for")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("folds5.csv")))
        let badRepeats = try CLI.run(["split", path("data"), "--out", path("x.csv"), "--repeats", "2"])
        assertFails(badRepeats, with: "--repeats needs --folds")
    }

    /// Ctrl-C in fold 2; --resume skips fold 1 and continues fold 2 from its last finished epoch.
    func testResumeContinuesFromTheLastFinishedFoldAndEpoch() throws {
        let arguments = ["demo", "--out", path("cv"), "--folds", "3"] + Self.tiny + ["--epochs", "30"]
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["EUS_REPORT_QUIET": "1"]) { $1 }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let checkpoint = path("cv.work/folds/r1-f2/runs/resnet34/checkpoint.json")
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: checkpoint), process.isRunning, Date() < deadline { usleep(20_000) }
        XCTAssertTrue(process.isRunning, "the demo finished before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: url("cv.work/folds/r1-f2/runs/resnet34/checkpoint.json"))) as? [String: Any]
        let finished = try XCTUnwrap(state?["epoch"] as? Int)
        let losses = (state?["history"] as? [[String: Any]] ?? []).compactMap { $0["train_loss"] as? Double }
        XCTAssertLessThan(finished, 30)

        let resumed = try CLI.run(arguments + ["--resume"], environment: ["EUS_REPORT_QUIET": "0"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("fold 1/3: train resnet50: already done, skipped"), resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("fold 2/3: train resnet34: already done"), "fold 2 had not finished")
        let history = try csvRows("cv.work/folds/r1-f2/runs/resnet34/history.csv")
        XCTAssertEqual(history.rows.map { Int($0[0]) }, (1...30).map { $0 }, "fold 2's epochs continue after the last finished one")
        XCTAssertEqual(history.rows.prefix(finished).map { $0[1] }, losses.map { String(format: "%.6f", $0) }, "finished epochs are kept")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(contentsOf: url("cv/metrics.json"))) as? [String: Any])
        assertNoStagingLeft()
    }
}
