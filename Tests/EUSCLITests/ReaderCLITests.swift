import Foundation
import XCTest

/// `--readers` on `evaluate` and `run`, reader columns in `metrics` and `report`, and
/// `--patient-aggregation`, end to end on a tiny phantom and synthetic calls.
final class ReaderCLITests: CLITestCase {
    func testEvaluateWithReadersThenReport() throws {
        XCTAssertEqual(try CLI.run(["synth", "--out", path("phantom"), "--gist", "6", "--lm", "6", "--size", "48", "--seed", "5"]).status, 0)
        XCTAssertEqual(try CLI.run(["split", path("phantom"), "--out", path("split.csv"), "--seed", "5", "--ratio", "0.5"]).status, 0)
        let train = try CLI.run(["train", path("phantom"), "--arch", "resnet18", "--split", path("split.csv"), "--out", path("run"),
                                 "--width", "8", "--image-size", "32", "--epochs", "1", "--batch-size", "4", "--seed", "5"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let split = try csvRows("split.csv").rows
        let validation = split.filter { $0[2] == "validation" }
        // expert1 calls every validation case right but the first, which it leaves unread; junior
        // calls everything GIST (lower case, as a spreadsheet might); a training case is listed too.
        var readers = "case_id,reader:expert1,junior,expert1+ai\n"
        for (index, row) in validation.enumerated() {
            readers += "\(row[0]),\(index == 0 ? "" : row[1]),gist,\(row[1])\n"
        }
        readers += "\(split.first { $0[2] == "train" }![0]),LM,LM,LM\n"
        try readers.write(to: url("readers.csv"), atomically: true, encoding: .utf8)

        let evaluate = try CLI.run(["evaluate", path("phantom"), "--split", path("split.csv"), "--model", "tiny=\(path("run"))",
                                    "--out", path("eval"), "--readers", path("readers.csv"), "--quiet"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let predictions = try csvRows("eval/predictions.csv")
        XCTAssertEqual(Array(predictions.header.suffix(3)), ["reader:expert1", "reader:junior", "reader:expert1+ai"])
        for row in predictions.rows {
            let index = validation.firstIndex { $0[0] == row[0] }!
            XCTAssertEqual(Array(row.suffix(3)), [index == 0 ? "" : row[1], "GIST", row[1]], row[0])
        }

        let report = try CLI.run(["report", path("eval"), "--out", path("report"), "--quiet"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try read("report/report.html")
        for words in ["Readers: 2×2 table", "expert1 + AI − expert1", "tiny − expert1", "Cohen&#39;s κ"] where !html.contains(words) {
            XCTFail("report lacks \(words)")
        }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: url("report/metrics.json"))) as? [String: Any]
        let readerMetrics = (metrics?["readers"] as? [String: Any])?["readers"] as? [[String: Any]]
        XCTAssertEqual(readerMetrics?.map { $0["name"] as? String }, ["expert1", "junior", "expert1+ai"])
        XCTAssertEqual(readerMetrics?.first?["n"] as? Int, validation.count - 1)
        XCTAssertEqual(readerMetrics?.first?["unread"] as? Int, 1)
        let checklist = try csvRows("report/checklist.csv").rows
        XCTAssertEqual(checklist.first { $0[0] == "CLAIM 2024" && $0[1] == "18" }?[3], "addressed", "two unaided readers: inter-reader κ")

        // metrics on the same predictions gives the same readers' analysis.
        let direct = try CLI.run(["metrics", path("eval/predictions.csv"), "--out", path("metrics")])
        XCTAssertEqual(direct.status, 0, direct.stderr)
        let again = try JSONSerialization.jsonObject(with: Data(contentsOf: url("metrics/metrics.json"))) as? [String: Any]
        XCTAssertEqual((again?["readers"] as? [String: Any])?["readers"] as? NSArray, (metrics?["readers"] as? [String: Any])?["readers"] as? NSArray)

        // A call that is not a class: one line, no evaluation folder.
        try "case_id,expert1\n\(validation[0][0]),maybe\n".write(to: url("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["evaluate", path("phantom"), "--split", path("split.csv"), "--model", "tiny=\(path("run"))",
                               "--out", path("eval-bad"), "--readers", path("bad.csv"), "--quiet"])
        assertFails(bad, with: "bad.csv line 2, column expert1: 'maybe' is not a class (expected GIST or LM, or blank for a case the reader did not read)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("eval-bad")))
        try "case_id,expert1\nnobody,GIST\n".write(to: url("unknown.csv"), atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["evaluate", path("phantom"), "--split", path("split.csv"), "--model", "tiny=\(path("run"))",
                                   "--out", path("eval-bad"), "--readers", path("unknown.csv"), "--quiet"])
        assertFails(unknown, with: "unknown.csv line 2, column case_id: 'nobody' is not a case of")
        assertNoStagingLeft()
    }

    func testRunRefusesReadersWithFolds() throws {
        XCTAssertEqual(try CLI.run(["synth", "--out", path("phantom"), "--gist", "4", "--lm", "4", "--size", "32"]).status, 0)
        try "case_id,expert1\n".write(to: url("readers.csv"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", path("phantom"), "--out", path("out"), "--folds", "2", "--readers", path("readers.csv"), "--quiet"])
        assertFails(run, with: "--readers: reader calls are analysed beside a hold-out evaluation, not with --folds")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")))
    }

    func testPatientAggregationOption() throws {
        var csv = "case_id,label,net,patient_id\n"
        let rows: [(String, Double, String)] = [("GIST", 0.9, "a"), ("GIST", 0.2, "a"), ("GIST", 0.7, "b"), ("GIST", 0.4, "c"),
                                                 ("LM", 0.6, "d"), ("LM", 0.1, "d"), ("LM", 0.3, "e"), ("LM", 0.2, "f")]
        for (index, row) in rows.enumerated() { csv += "c\(index),\(row.0),\(row.1),\(row.2)\n" }
        try csv.write(to: url("p.csv"), atomically: true, encoding: .utf8)
        // Mean: a 0.55, b 0.7 called GIST, c 0.4 not; d 0.35 → 2 TP, 0 FP. Max: d 0.6 → a false positive.
        for (aggregation, tp, fp) in [("mean", 2, 0), ("max", 2, 1)] {
            let result = try CLI.run(["metrics", path("p.csv"), "--out", path("m-\(aggregation)"), "--patient-aggregation", aggregation])
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url("m-\(aggregation)/metrics.json"))) as? [String: Any]
            let patients = json?["patients"] as? [String: Any]
            XCTAssertEqual(patients?["aggregation"] as? String, aggregation)
            XCTAssertEqual(patients?["n_patients"] as? Int, 6)
            let confusion = (patients?["models"] as? [[String: Any]])?.first?["confusion"] as? [String: Int]
            XCTAssertEqual([confusion?["tp"], confusion?["fp"]], [tp, fp], aggregation)
        }
        let wrong = try CLI.run(["metrics", path("p.csv"), "--out", path("m-x"), "--patient-aggregation", "median"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("median"), wrong.stderr)
    }
}
