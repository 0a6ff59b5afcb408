import Foundation
import XCTest

/// Bad inputs around folds, out-of-fold predictions and eval.json: each ends with one error
/// line naming the file or option, exit status 1, nothing crashed and nothing lost.
final class CrossValidationRobustnessTests: CLITestCase {
    static let tiny = ["--width", "8", "--image-size", "32", "--epochs", "1", "--batch-size", "3", "--arch", "resnet18"]

    /// A folds.csv for `data` (4 GIST, 4 LM) in two folds; `edit` changes its rows.
    func foldsFile(_ name: String, edit: (inout [String]) -> Void = { _ in }) throws -> String {
        let made = try CLI.run(["split", path("data"), "--out", path(name), "--folds", "2"])
        XCTAssertEqual(made.status, 0, made.stderr)
        var lines = try read(name).split(separator: "\n").map(String.init)
        edit(&lines)
        try write(lines.joined(separator: "\n") + "\n", to: name)
        return path(name)
    }

    func testOptionsOutOfRangeAreOneLineErrors() throws {
        try makeDataset("data")
        assertFails(try CLI.run(["split", path("data"), "--out", path("f.csv"), "--folds", "2", "--repeats", "9223372036854775807"]),
                    with: "--repeats must be between 1 and 100")
        assertFails(try CLI.run(["split", path("data"), "--out", path("f.csv"), "--folds", "-1"]), with: "--folds must be at least 2 (got -1)")
        assertFails(try CLI.run(["run", path("data"), "--out", path("r"), "--ratio", "1.5"] + Self.tiny),
                    with: "--ratio must be strictly between 0 and 1 (got 1.5)")
        assertFails(try CLI.run(["metrics", path("p.csv"), "--out", path("m"), "--threshold", "-0.5"]),
                    with: "--threshold must be in [0,1] (got -0.5)")
        XCTAssertFalse(exists("f.csv") || exists("r") || exists("m"))
    }

    func testBadFoldsFilesAreRefusedNamingTheFile() throws {
        try makeDataset("data")
        let huge = try foldsFile("huge.csv") { $0[1] = $0[1].split(separator: ",").prefix(3).joined(separator: ",") + ",1000000000" }
        assertFails(try CLI.run(["run", path("data"), "--out", path("r"), "--folds", "2", "--split", huge] + Self.tiny),
                    with: "huge.csv, column fold: fold 1000000000 but only 8 cases")
        let given = try foldsFile("two.csv")
        assertFails(try CLI.run(["run", path("data"), "--out", path("r"), "--folds", "3", "--split", given] + Self.tiny),
                    with: "two.csv: holds 2 folds × 1 repeat(s), but --folds 3 --repeats 1 was asked for")
        let empty = try foldsFile("empty.csv") { $0 = [$0[0]] }
        assertFails(try CLI.run(["run", path("data"), "--out", path("r"), "--folds", "2", "--split", empty] + Self.tiny),
                    with: "empty.csv: no rows after the header")
        XCTAssertFalse(exists("r"))
        assertNoStagingLeft()
    }

    /// A given folds file that puts one patient's images in two folds would leak the patient.
    func testAGivenFoldsFileMustKeepPatientsTogether() throws {
        try makeDataset("images")
        var manifest = "case_id,path,label,patient_id\n", folds = "case_id,label,repeat,fold\n"
        for (label, prefix) in [("GIST", "g"), ("LM", "l")] {
            for i in 0..<4 {
                manifest += "\(prefix)\(i),images/\(label)/\(prefix)\(i).png,\(label),\(prefix.uppercased())\(i / 2)\n"
                // Patient G0 (g0, g1) is split across folds 1 and 2; the LM patients are kept whole.
                folds += "\(prefix)\(i),\(label),1,\(label == "GIST" ? i % 2 + 1 : i / 2 + 1)\n"
            }
        }
        try write(manifest, to: "manifest.csv")
        try write(folds, to: "leak.csv")
        assertFails(try CLI.run(["run", path("manifest.csv"), "--out", path("r"), "--folds", "2", "--split", path("leak.csv")] + Self.tiny),
                    with: "leak.csv: patient 'G0' has case 'g0' in fold 1 of repeat 1 but 'g1' in fold 2 of repeat 1")
    }

    func testPredictionsAndEvalJSONThatDisagreeAreRefused() throws {
        try write("case_id,label,Fold,m\na,GIST,1,0.9\nb,LM,2,0.2\n", to: "p.csv")
        assertFails(try CLI.run(["metrics", path("p.csv"), "--out", path("m")]), with: "p.csv, column Fold: column names are case-sensitive; did you mean 'fold'?")
        try write("case_id,label,m\n\"a\nerror: second line\",GIST,0.9\n\"a\nerror: second line\",LM,0.2\n", to: "dup.csv")
        let duplicate = try CLI.run(["metrics", path("dup.csv"), "--out", path("m")])
        assertFails(duplicate, with: "duplicate case id 'a\\nerror: second line'")
        XCTAssertFalse(exists("m"))
    }

    /// eval.json values out of range, and a cross-validation design the predictions do not have.
    func testEvalJSONOutOfRangeIsNamedByKey() throws {
        let demo = try CLI.run(["demo", "--out", path("d"), "--cases", "20", "--synth-size", "48", "--image-size", "32", "--epochs", "1",
                                "--width", "8", "--batch-size", "4"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let eval = url("d.work/eval/eval.json")
        let original = try Data(contentsOf: eval)
        func report(_ edit: (inout [String: Any]) -> Void, fails fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
            var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            edit(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: eval)
            assertFails(try CLI.run(["report", path("d.work/eval"), "--out", path("rep")]), with: fragment, file: file, line: line)
            XCTAssertFalse(exists("rep"), file: file, line: line)
        }
        try report({ var data = $0["data"] as! [String: Any]; data["excluded"] = Int.max; $0["data"] = data },
                   fails: "eval.json: data.excluded is 9223372036854775807, not a count")
        try report({ $0["threshold"] = 5 }, fails: "eval.json: threshold is 5.0, outside [0, 1]")
        try report({ var steps = $0["steps"] as! [[String: Any]]; steps[0]["seconds"] = 1e300; $0["steps"] = steps },
                   fails: "eval.json: steps[0].seconds is 1e+300, not a time in seconds")
        try report({ $0["cross_validation"] = ["folds": 5, "repeats": 1, "method": "x", "grouped": false,
                                               "counts": [Array(repeating: ["GIST": 2, "LM": 2], count: 5)]] },
                   fails: "eval.json: cross_validation describes 5 folds, but predictions.csv has no fold column")
        try original.write(to: eval)
        try write("epoch,train_loss,train_accuracy,lr,seconds\n1,0.7,0.5,0.001,inf\n", to: "d.work/eval/histories/resnet34.csv")
        assertFails(try CLI.run(["report", path("d.work/eval"), "--out", path("rep")]), with: "column seconds: 'inf' is not a finite number")
        assertNoStagingLeft()
    }

    /// An output that is, holds or lies inside an input is refused before anything is written.
    func testOutputsNeverReplaceInputs() throws {
        try makeDataset("data")
        let files = self.files(under: "data")
        assertFails(try CLI.run(["run", path("data"), "--out", path("data")] + Self.tiny), with: "data: is also an input")
        assertFails(try CLI.run(["run", path("data"), "--out", path("data/GIST")] + Self.tiny), with: "lies inside the input")
        assertFails(try CLI.run(["split", path("data"), "--out", path("data"), "--folds", "2"]), with: "is also an input")
        try write("case_id,label,m\na,GIST,0.9\nb,LM,0.2\n", to: "ev/predictions.csv")
        assertFails(try CLI.run(["report", path("ev"), "--out", path("ev")]), with: "ev: is also an input")
        assertFails(try CLI.run(["report", path("ev/predictions.csv"), "--out", path(".")]), with: "holds the input")
        XCTAssertEqual(self.files(under: "data"), files, "the dataset is intact")
        XCTAssertTrue(exists("ev/predictions.csv"))
        // A file in the work folder's place is not a work folder to clear.
        try write("mine", to: "r.work")
        assertFails(try CLI.run(["run", path("data"), "--out", path("r")] + Self.tiny), with: "r.work: exists but is not a work folder of eus-report")
        XCTAssertEqual(try read("r.work"), "mine")
    }

    /// `metrics` replaces its folder whole: a failure leaves the previous files as they were.
    func testMetricsFolderIsReplacedWhole() throws {
        try write("case_id,label,m\na,GIST,0.9\nb,LM,0.2\nc,GIST,0.7\nd,LM,0.4\n", to: "p.csv")
        XCTAssertEqual(try CLI.run(["metrics", path("p.csv"), "--out", path("m")]).status, 0)
        let before = try Data(contentsOf: url("m/metrics.json"))
        try write("case_id,label,m\na,GIST,0.1\nb,LM,0.2\nc,GIST,0.7\nd,LM,0.4\n", to: "p.csv")
        XCTAssertEqual(try CLI.run(["metrics", path("p.csv"), "--out", path("m")]).status, 0)
        XCTAssertNotEqual(try Data(contentsOf: url("m/metrics.json")), before, "the folder was replaced")
        XCTAssertEqual(self.files(under: "m"), ["metrics.csv", "metrics.json"])
        assertNoStagingLeft()
    }
}
