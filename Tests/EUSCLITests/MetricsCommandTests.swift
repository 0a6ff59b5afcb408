import Foundation
import XCTest
import EUSStats

/// `eus-report metrics` run as a subprocess: outputs checked for content, every bad input for
/// its exit code and its one-line message.
final class MetricsCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("eus-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments) }

    /// pROC's paired DeLong test on 29 cases (`delong_paired_n29.json`, see its `source`).
    struct PairedCase: Decodable {
        var labels: [Int]
        var scores_a: [Double]
        var scores_b: [Double]
        var z: Double
        var auc_a: Double
    }

    func write(_ text: String, _ name: String = "predictions.csv") throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Two models on the n29 reference cases, in evaluate's column layout.
    func predictionsCSV() throws -> (text: String, reference: PairedCase) {
        struct File: Decodable { var `case`: PairedCase }
        let url = try XCTUnwrap(Bundle.module.url(forResource: "delong_paired_n29", withExtension: "json", subdirectory: "Fixtures"))
        let c = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).case
        var lines = ["case_id,label,resnet34,resnet50,resnet34_call,resnet50_call,path"]
        for i in c.labels.indices {
            let label = c.labels[i] == 1 ? "GIST" : "LM"
            lines.append("c\(i),\(label),\(c.scores_a[i]),\(c.scores_b[i]),\(label),\(label),img/c\(i).png")
        }
        return (lines.joined(separator: "\n") + "\n", c)
    }

    func testWritesJSONCSVAndSummary() throws {
        let (text, c) = try predictionsCSV()
        let input = try write(text)
        let out = folder.appendingPathComponent("out")
        let result = try run(["metrics", input, "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Sensitivity"), result.stdout)
        XCTAssertTrue(result.stdout.contains("resnet34 vs resnet50"), result.stdout)

        let data = try Data(contentsOf: out.appendingPathComponent("metrics.json"))
        let doc = try JSONDecoder().decode(MetricsDocument.self, from: data)
        XCTAssertEqual(doc.positiveClass, "GIST")
        XCTAssertEqual(doc.negativeClass, "LM")
        XCTAssertEqual(doc.threshold, 0.5)
        XCTAssertEqual(doc.n, 29)
        XCTAssertEqual(doc.models.map(\.name), ["resnet34", "resnet50"])
        XCTAssertEqual(doc.models[0].auc.value, c.auc_a, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(doc.comparisons[0].delong.z), c.z, accuracy: 1e-6)
        XCTAssertNotNil(doc.models[0].auc.bootstrapCI)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertTrue(Set(["positive_class", "negative_class", "threshold", "n", "models", "comparisons"]).isSubset(of: json.keys))
        let model = try XCTUnwrap((json["models"] as? [[String: Any]])?.first)
        let thresholds = try XCTUnwrap((model["roc"] as? [String: Any])?["thresholds"] as? [Any])
        XCTAssertTrue(thresholds[0] is NSNull)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), String(decoding: try JSONFile_encode(doc), as: UTF8.self))

        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.first, MetricsDocument.csvHeader.joined(separator: ","))
        // Header, 2 models × 11 measures, then per model 3 calibration rows and Buderer's n, the
        // pair's power and cases needed, and net benefit at 0.1…0.9 for 2 models and treat all.
        XCTAssertEqual(rows.count, 1 + 2 * 11 + 2 * 4 + 2 + 9 * 3)
        XCTAssertEqual(csv, doc.csv())
        let expectedSensitivity = MetricsText.percentNumber(doc.models[0].proportions.sensitivity.value)
        XCTAssertTrue(rows.contains { $0.hasPrefix("resnet34,sensitivity,%,\(expectedSensitivity),") })
    }

    func testPositiveAndThresholdOptions() throws {
        let (text, _) = try predictionsCSV()
        let input = try write(text)
        let out = folder.appendingPathComponent("out")
        let result = try run(["metrics", input, "--out", out.path, "--positive", "LM", "--threshold", "0.7"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let doc = try JSONDecoder().decode(MetricsDocument.self, from: Data(contentsOf: out.appendingPathComponent("metrics.json")))
        XCTAssertEqual(doc.positiveClass, "LM")
        XCTAssertEqual(doc.threshold, 0.7)
        XCTAssertEqual(doc.thresholdSource, "set to 0.7 with --threshold")
        XCTAssertEqual(doc.models[0].confusion.tp + doc.models[0].confusion.fn, 15)
    }

    /// Each bad input: exit code 1, `error: <file> line N, column C: ...` on stderr, no output folder.
    func testBadInputsStopWithOneLineErrors() throws {
        let cases: [(String, String)] = [
            ("case_id,label,m\na,GIST,0.2\nb,LM,abc\nc,LM,0.3\n",
             " line 3, column m: 'abc' is not a number (expected P(positive) in [0,1])"),
            ("case_id,label,m\na,GIST,0.2\nb,LM,1.01\nc,LM,0.3\n", " line 3, column m: 1.01 is outside [0,1]"),
            ("case_id,label,m\na,GIST,0.2\nb,,0.5\nc,LM,0.3\n", " line 3, column label: missing label"),
            ("case_id,label,m\na,GIST,0.2\nb,GIST,0.5\n",
             ", column label: only one class ('GIST') in 2 rows; metrics need cases of both classes"),
            ("case_id,label,m\na,GIST,0.2\nb,LM,0.5\na,LM,0.3\n",
             " line 4, column case_id: duplicate case id 'a' (first on line 2)"),
            ("case_id,label,path\na,GIST,x.png\nb,LM,y.png\n",
             ": no model columns (columns: case_id,label,path); expected case_id,label,<model>... with each model's P(positive) in [0,1]"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let input = try write(text, "bad\(index).csv")
            let out = folder.appendingPathComponent("out\(index)")
            let result = try run(["metrics", input, "--out", out.path])
            XCTAssertEqual(result.status, 1, "case \(index): \(result.stderr)")
            XCTAssertEqual(result.stderr, "error: \(input)\(expected)\n", "case \(index)")
            XCTAssertEqual(result.stdout, "")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "case \(index) left an output folder")
        }
    }

    func testMissingFileUnknownClassAndBadThreshold() throws {
        let out = folder.appendingPathComponent("out").path
        let missing = folder.appendingPathComponent("none.csv").path
        let noFile = try run(["metrics", missing, "--out", out])
        XCTAssertEqual(noFile.status, 1)
        XCTAssertEqual(noFile.stderr, "error: \(missing): cannot read the file (missing or unreadable)\n")

        let (text, _) = try predictionsCSV()
        let input = try write(text)
        let unknown = try run(["metrics", input, "--out", out, "--positive", "Schwannoma"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(unknown.stderr, "error: \(input), column label: positive class 'Schwannoma' not found (classes: GIST, LM)\n")

        let threshold = try run(["metrics", input, "--out", out, "--threshold", "1.5"])
        XCTAssertNotEqual(threshold.status, 0)
        XCTAssertTrue(threshold.stderr.contains("--threshold must be in [0,1] (got 1.5)"), threshold.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testHelpTeaches() throws {
        let help = try run(["metrics", "--help"])
        XCTAssertEqual(help.status, 0)
        for phrase in ["Compute diagnostic-accuracy statistics", "metrics.json", "metrics.csv", "--positive", "--threshold", "DeLong"] {
            XCTAssertTrue(help.stdout.contains(phrase), "help lacks \(phrase)")
        }
    }
}

import EUSSupport

/// The bytes `JSONFile` writes, to check the CLI's file is exactly the library's encoding.
func JSONFile_encode(_ document: MetricsDocument) throws -> Data { try JSONFile.encode(document) }
