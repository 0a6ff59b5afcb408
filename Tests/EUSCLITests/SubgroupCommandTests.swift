import Foundation
import XCTest

/// `--subgroup`, `--subgroup-cut` and `--manifest` on the command line: the statistics they add
/// and every misuse as one `error:` line.
final class SubgroupCommandTests: CLITestCase {
    /// 12 cases of two models and a manifest with a categorical and a numeric column.
    func writeInputs() throws {
        var predictions = ["case_id,label,resnet34,resnet50"], manifest = ["case_id,path,label,scanner,semi_axis_along_px"]
        let a = [0.9, 0.8, 0.35, 0.7, 0.6, 0.2, 0.1, 0.4, 0.3, 0.65, 0.2, 0.05]
        let b = [0.7, 0.6, 0.55, 0.4, 0.8, 0.3, 0.2, 0.1, 0.45, 0.35, 0.6, 0.15]
        for i in 0..<12 {
            let label = i < 6 ? "GIST" : "LM"
            predictions.append("c\(i),\(label),\(a[i]),\(b[i])")
            manifest.append("c\(i),img/c\(i).png,\(label),\(i % 3 == 0 ? "linear" : "radial"),\(30 + 5 * i)")
        }
        try (predictions.joined(separator: "\n") + "\n").write(to: url("preds.csv"), atomically: true, encoding: .utf8)
        try (manifest.joined(separator: "\n") + "\n").write(to: url("manifest.csv"), atomically: true, encoding: .utf8)
    }

    func testMetricsWithSubgroupsWritesThemToJSONAndCSV() throws {
        try writeInputs()
        let result = try CLI.run(["metrics", path("preds.csv"), "--out", path("m"), "--manifest", path("manifest.csv"),
                                  "--subgroup", "scanner", "--subgroup", "semi_axis_along_px", "--subgroup-cut", "semi_axis_along_px=50"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url("m/metrics.json"))) as? [String: Any])
        let subgroups = try XCTUnwrap(json["subgroups"] as? [[String: Any]])
        XCTAssertEqual(subgroups.map { $0["column"] as? String }, ["scanner", "semi_axis_along_px"])
        XCTAssertEqual(subgroups[1]["cut"] as? Double, 50)
        XCTAssertEqual(subgroups[1]["cut_source"] as? String, "given")
        let groups = try XCTUnwrap(subgroups[1]["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.map { $0["label"] as? String }, ["≤ 50", "> 50"])
        XCTAssertEqual(groups.map { $0["n"] as? Int }, [5, 7], "30, 35, …, 50 and 55, …, 85")
        // ≤ 50 holds c0…c4, all GIST: no specificity and no AUC.
        let model = try XCTUnwrap((groups[0]["models"] as? [[String: Any]])?.first)
        XCTAssertTrue(model["auc"] is NSNull)
        XCTAssertTrue((model["specificity"] as? [String: Any])?["value"] is NSNull)
        let csv = try read("m/metrics.csv")
        XCTAssertTrue(csv.contains("resnet34,subgroup:semi_axis_along_px=≤ 50:specificity,%,n/a,0,0"), csv)
        XCTAssertTrue(csv.contains("resnet34,subgroup:scanner=linear:auc,%"), csv)
        for key in ["decision_curve", "calibration", "sample_size"] { XCTAssertNotNil(json[key], key) }
    }

    func testMisusesAreOneLineErrors() throws {
        try writeInputs()
        let base = ["metrics", path("preds.csv"), "--out", path("m")]
        assertFails(try CLI.run(base + ["--manifest", path("manifest.csv"), "--subgroup", "lesion_size"]),
                    with: "--subgroup lesion_size: no such column")
        assertFails(try CLI.run(base + ["--subgroup", "scanner"]), with: "--subgroup needs --manifest")
        assertFails(try CLI.run(base + ["--manifest", path("manifest.csv"), "--subgroup", "scanner", "--subgroup-cut", "scanner"]),
                    with: "expected COLUMN=NUMBER")
        assertFails(try CLI.run(base + ["--manifest", path("manifest.csv"), "--subgroup", "scanner", "--subgroup-cut", "size=3"]),
                    with: "size is not one of the --subgroup columns")
        XCTAssertFalse(exists("m"), "no half-written output")
    }

    /// `run` checks the columns before training: a folder without a manifest fails at once.
    func testRunChecksTheSubgroupColumnBeforeTraining() throws {
        try makeDataset("images", gist: 4, lm: 4, sizes: [40])
        let result = try CLI.run(["run", path("images"), "--out", path("out/study"), "--subgroup", "scanner", "--epochs", "1"])
        assertFails(result, with: "--subgroup scanner: no manifest to read it from")
        XCTAssertFalse(exists("out/study.work/runs"), "nothing trained")
    }
}

/// `--decision-thresholds FROM:TO:STEP` sets the decision curve's grid; a bad grid is one error line.
final class DecisionThresholdsCommandTests: CLITestCase {
    func testGridIsTheOneAskedForAndBadGridsAreRefused() throws {
        let lines = ["case_id,label,m"] + (0..<10).map { "c\($0),\($0 < 5 ? "GIST" : "LM"),\(Double($0 + 1) / 11)" }
        try (lines.joined(separator: "\n") + "\n").write(to: url("p.csv"), atomically: true, encoding: .utf8)
        let ok = try CLI.run(["metrics", path("p.csv"), "--out", path("m"), "--decision-thresholds", "0.05:0.6:0.05"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url("m/metrics.json"))) as? [String: Any])
        let curve = try XCTUnwrap(json["decision_curve"] as? [String: Any])
        XCTAssertEqual(curve["thresholds"] as? [Double], (1...12).map { Double($0 * 5) / 100 })
        for bad in ["0:0.5:0.1", "0.1:0.5", "0.5:0.2:0.1", "0.1:0.9:0"] {
            assertFails(try CLI.run(["metrics", path("p.csv"), "--out", path("m2"), "--decision-thresholds", bad]),
                        with: "--decision-thresholds '\(bad)'")
        }
        XCTAssertFalse(exists("m2"))
    }
}
