import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class MetricsComputerTests: XCTestCase {
    /// The n29 case of delong_paired.json as a table of two models, plus a third (their mean).
    func pairedTable() throws -> (PredictionTable, Fixtures.PairedCases.Case) {
        let reference = try Fixtures.load(Fixtures.PairedCases.self, "delong_paired")
        let c = try XCTUnwrap(reference.cases.first { $0.name == "n29" })
        let mean = zip(c.scores_a, c.scores_b).map { ($0 + $1) / 2 }
        let table = try PredictionTable(
            source: "n29", caseIDs: c.labels.indices.map { "case\($0)" },
            labels: c.labels.map { $0 == 1 ? "GIST" : "LM" },
            models: [.init(name: "resnet34", scores: c.scores_a), .init(name: "resnet50", scores: c.scores_b),
                     .init(name: "mean", scores: mean)])
        return (table, c)
    }

    func testComputeAgreesWithTheReferenceAndTheParts() throws {
        let (table, c) = try pairedTable()
        let doc = try MetricsComputer.compute(table, bootstrapResamples: 200, seed: 3)
        XCTAssertEqual(doc.positiveClass, "GIST")
        XCTAssertEqual(doc.negativeClass, "LM")
        XCTAssertEqual(doc.n, 29)
        XCTAssertEqual(doc.models.map(\.name), ["resnet34", "resnet50", "mean"])
        XCTAssertEqual(doc.comparisons.map { "\($0.a)-\($0.b)" }, ["resnet34-resnet50", "resnet34-mean", "resnet50-mean"])
        assertClose(doc.models[0].auc.value, c.auc_a, tolerance: 1e-12)
        assertClose(doc.models[1].auc.value, c.auc_b, tolerance: 1e-12)
        let delong = doc.comparisons[0].delong
        assertClose(delong.z, c.z, tolerance: 1e-6)
        assertClose(delong.p, c.p, tolerance: 1e-6)
        assertClose(delong.diffCI?.lower, c.diff_ci[0], tolerance: 1e-6)
        assertClose(delong.diffCI?.upper, c.diff_ci[1], tolerance: 1e-6)
        // Same cases, same calls: the parts computed directly.
        let isPositive = c.labels.map { $0 == 1 }
        let confusion = ConfusionCounts(isPositive: isPositive, scores: c.scores_a, threshold: 0.5)
        XCTAssertEqual(doc.models[0].confusion, confusion)
        XCTAssertEqual(doc.models[0].proportions, confusion.proportions())
        let agreement = doc.comparisons[0].agreement
        XCTAssertEqual(agreement.bothCorrect + agreement.onlyA + agreement.onlyB + agreement.bothWrong, 29)
        XCTAssertEqual(agreement.bothCorrect + agreement.onlyA, confusion.tp + confusion.tn)
        XCTAssertEqual(doc.comparisons[0].mcnemar.b, agreement.onlyA)
        XCTAssertEqual(doc.comparisons[0].mcnemar.c, agreement.onlyB)
        XCTAssertEqual(doc.models[0].reliability.map(\.count).reduce(0, +), 29)
        let bootstrap = try XCTUnwrap(doc.models[0].auc.bootstrapCI)
        XCTAssertEqual(bootstrap, BootstrapAUC.interval(ClassScores(isPositive: isPositive, scores: c.scores_a), resamples: 200, seed: 3))
        // The threshold moves the calls.
        let strict = try MetricsComputer.compute(table, threshold: 0.9, bootstrapResamples: 0)
        XCTAssertLessThanOrEqual(strict.models[0].confusion.tp, confusion.tp)
        XCTAssertEqual(strict.thresholdSource, "set to 0.9")
        XCTAssertEqual(doc.thresholdSource, "fixed at 0.5 before evaluation")
        XCTAssertNil(strict.models[0].auc.bootstrapCI)
    }

    /// The other class can be the positive one; labels are class names.
    func testPositiveClassChoiceAndErrors() throws {
        let (table, _) = try pairedTable()
        let flipped = try MetricsComputer.compute(table, positiveClass: "LM", bootstrapResamples: 0)
        XCTAssertEqual(flipped.negativeClass, "GIST")
        XCTAssertEqual(flipped.models[0].confusion.tp + flipped.models[0].confusion.fn, 15)
        XCTAssertThrowsError(try MetricsComputer.compute(table, positiveClass: "SCHW")) { error in
            XCTAssertEqual((error as? UserError)?.message,
                           "n29, column label: positive class 'SCHW' not found (classes: GIST, LM)")
        }
        let tiny = try PredictionTable(source: "t.csv", caseIDs: ["a", "b", "c"], labels: ["GIST", "LM", "LM"],
                                       models: [.init(name: "m", scores: [0.9, 0.1, 0.2])])
        XCTAssertThrowsError(try MetricsComputer.compute(tiny)) { error in
            XCTAssertEqual((error as? UserError)?.message,
                           "t.csv, column label: only 1 case of class 'GIST'; the DeLong variance needs at least 2 cases of each class")
        }
    }

    /// The issue's example confusion (TP 12, FN 2, TN 14, FP 1) and perfect separation end to end.
    func testIssueExampleAndPerfectSeparation() throws {
        let positives = (0..<14).map { $0 < 12 ? 0.6 + Double($0) / 100 : 0.2 }
        let negatives = (0..<15).map { $0 < 1 ? 0.7 : 0.1 + Double($0) / 100 }
        let table = try PredictionTable(source: "x", caseIDs: (0..<29).map { "c\($0)" },
                                        labels: Array(repeating: "GIST", count: 14) + Array(repeating: "LM", count: 15),
                                        models: [.init(name: "resnet34", scores: positives + negatives),
                                                 .init(name: "perfect", scores: positives.map { _ in 0.9 } + negatives.map { _ in 0.1 })])
        let doc = try MetricsComputer.compute(table, bootstrapResamples: 100)
        XCTAssertEqual(doc.models[0].confusion, ConfusionCounts(tp: 12, fn: 2, tn: 14, fp: 1))
        XCTAssertEqual(MetricsText.proportion(doc.models[0].proportions.sensitivity), "85.71% (67.38%–100.00%)")
        let perfect = doc.models[1]
        XCTAssertEqual(perfect.auc.value, 1)
        XCTAssertEqual(perfect.auc.delongSE, 0)
        XCTAssertEqual(perfect.auc.delongCI, Interval(1, 1))
        XCTAssertEqual(perfect.auc.bootstrapCI, Interval(1, 1))
        XCTAssertNil(perfect.lrPositive)
        XCTAssertEqual(perfect.roc.thresholds, [nil, 0.9, 0.1])
        XCTAssertEqual(perfect.youdenThreshold, 0.9)
    }

    /// n = 0 end to end: at threshold 1 nothing is called positive, so PPV is undefined:
    /// nil in Swift, null in metrics.json, "n/a" in metrics.csv and in the summary.
    func testUndefinedProportionEndToEnd() throws {
        let (table, _) = try pairedTable()
        let doc = try MetricsComputer.compute(table, threshold: 1, bootstrapResamples: 0)
        let ppv = doc.models[0].proportions.ppv
        XCTAssertEqual(ppv.n, 0)
        XCTAssertNil(ppv.value)
        XCTAssertNil(ppv.clopperPearson)
        XCTAssertEqual(doc.models[0].f1, 0, "F1 = 0/(0 + FN) is defined")
        XCTAssertNil(doc.models[0].lrPositive, "specificity 1: LR+ undefined")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONFile.encode(doc)) as? [String: Any])
        let model = try XCTUnwrap((json["models"] as? [[String: Any]])?.first)
        let ppvJSON = try XCTUnwrap((model["proportions"] as? [String: Any])?["ppv"] as? [String: Any])
        for key in ["value", "wald", "wald_unclipped", "wilson", "wilson_cc", "clopper_pearson", "agresti_coull", "jeffreys"] {
            XCTAssertTrue(ppvJSON[key] is NSNull, "ppv.\(key) should be null")
        }
        XCTAssertTrue(model["lr_positive"] is NSNull)
        XCTAssertTrue((model["auc"] as? [String: Any])?["bootstrap_ci"] is NSNull)
        let row = try XCTUnwrap(doc.csv().split(separator: "\n").first { $0.hasPrefix("resnet34,ppv,") })
        XCTAssertEqual(String(row), "resnet34,ppv,%,n/a,0,0," + Array(repeating: "n/a", count: 14).joined(separator: ",") + ",,,,")
        let summaryPPV = try XCTUnwrap(doc.summaryTable().split(separator: "\n").first { $0.hasPrefix("PPV") })
        XCTAssertTrue(summaryPPV.contains("n/a"))
    }

    /// metrics.json has exactly the keys the issue lists (more may be added), +∞ as null, and
    /// undefined values as explicit nulls; it decodes back to the same document.
    func testJSONShape() throws {
        let (table, _) = try pairedTable()
        let doc = try MetricsComputer.compute(table, bootstrapResamples: 50)
        let data = try JSONFile.encode(doc)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        func keys(_ object: Any?, _ required: [String], _ what: String) throws -> [String: Any] {
            let dictionary = try XCTUnwrap(object as? [String: Any], what)
            XCTAssertTrue(Set(required).isSubset(of: dictionary.keys), "\(what): missing \(Set(required).subtracting(dictionary.keys))")
            return dictionary
        }
        _ = try keys(json, ["positive_class", "negative_class", "threshold", "n", "models", "comparisons"], "top")
        XCTAssertEqual(json["threshold"] as? Double, 0.5)
        XCTAssertEqual(json["n"] as? Int, 29)
        let models = try XCTUnwrap(json["models"] as? [Any])
        XCTAssertEqual(models.count, 3)
        let model = try keys(models[0], ["name", "confusion", "proportions", "f1", "balanced_accuracy", "lr_positive",
                                         "lr_negative", "brier", "auc", "roc"], "model")
        _ = try keys(model["confusion"], ["tp", "fn", "tn", "fp"], "confusion")
        let proportions = try keys(model["proportions"], ["sensitivity", "specificity", "ppv", "npv", "accuracy"], "proportions")
        for (name, value) in proportions {
            let p = try keys(value, ["x", "n", "value", "wald", "wald_unclipped", "wilson", "wilson_cc", "clopper_pearson"], name)
            XCTAssertEqual((p["wald"] as? [Double])?.count, 2, name)
        }
        let auc = try keys(model["auc"], ["value", "delong_se", "delong_ci", "bootstrap_ci"], "auc")
        XCTAssertEqual((auc["delong_ci"] as? [Double])?.count, 2)
        let roc = try keys(model["roc"], ["fpr", "tpr", "thresholds"], "roc")
        let thresholds = try XCTUnwrap(roc["thresholds"] as? [Any])
        XCTAssertTrue(thresholds[0] is NSNull, "+inf threshold is null")
        XCTAssertEqual((roc["fpr"] as? [Double])?.first, 0)
        let comparisons = try XCTUnwrap(json["comparisons"] as? [Any])
        XCTAssertEqual(comparisons.count, 3)
        let comparison = try keys(comparisons[0], ["a", "b", "delong", "mcnemar", "agreement"], "comparison")
        XCTAssertEqual(comparison["a"] as? String, "resnet34")
        _ = try keys(comparison["delong"], ["z", "p", "auc_diff", "diff_ci"], "delong")
        _ = try keys(comparison["mcnemar"], ["b", "c", "exact_p"], "mcnemar")
        _ = try keys(comparison["agreement"], ["both_correct", "only_a", "only_b", "both_wrong"], "agreement")
        XCTAssertEqual(try JSONDecoder().decode(MetricsDocument.self, from: data), doc)
    }

    /// metrics.csv: one row per model per measure, percentages with 2 decimals.
    func testCSVRows() throws {
        let (table, _) = try pairedTable()
        let doc = try MetricsComputer.compute(table, bootstrapResamples: 50)
        let csv = try CSVTable(parsing: doc.csv(), source: "metrics.csv")
        XCTAssertEqual(csv.header, MetricsDocument.csvHeader)
        // 3 models × 11 measures, then per model 3 calibration rows and Buderer's n, per pair (3)
        // the power and the cases needed, and net benefit at 0.1…0.9 for 3 models and treat all.
        XCTAssertEqual(csv.rows.count, 3 * 11 + 3 * 4 + 3 * 2 + 9 * 4)
        let column = { (name: String) in csv.header.firstIndex(of: name)! }
        let sensitivity = try XCTUnwrap(csv.rows.first { $0[0] == "resnet34" && $0[1] == "sensitivity" })
        let s = doc.models[0].proportions.sensitivity
        XCTAssertEqual(sensitivity[column("x")], "\(s.x)")
        XCTAssertEqual(sensitivity[column("n")], "\(s.n)")
        XCTAssertEqual(sensitivity[column("value")], String(format: "%.2f", s.value! * 100))
        XCTAssertEqual(sensitivity[column("clopper_pearson_lower")], String(format: "%.2f", s.clopperPearson!.lower * 100))
        XCTAssertEqual(sensitivity[column("wald_unclipped_upper")], String(format: "%.2f", s.waldUnclipped!.upper * 100))
        let auc = try XCTUnwrap(csv.rows.first { $0[0] == "resnet50" && $0[1] == "auc" })
        XCTAssertEqual(auc[column("delong_lower")], String(format: "%.2f", doc.models[1].auc.delongCI.lower * 100))
        XCTAssertEqual(auc[column("wald_lower")], "")
        for row in csv.rows where row[2] == "%" {
            for (index, cell) in row.enumerated() where index >= 3 && index != column("x") && index != column("n")
                && !cell.isEmpty && cell != "n/a" {
                XCTAssertNotNil(cell.range(of: #"^-?\d+\.\d\d$"#, options: .regularExpression), "\(row[0]) \(row[1]): \(cell)")
            }
        }
    }

    func testSummaryTableHasOneColumnPerModel() throws {
        let (table, _) = try pairedTable()
        let doc = try MetricsComputer.compute(table, bootstrapResamples: 50)
        let summary = doc.summaryTable()
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try XCTUnwrap(lines.first { $0.contains("resnet34") && $0.contains("resnet50") && $0.contains("mean") })
        XCTAssertLessThan(header.range(of: "resnet34")!.lowerBound, header.range(of: "resnet50")!.lowerBound)
        let sensitivity = try XCTUnwrap(lines.first { $0.hasPrefix("Sensitivity") })
        XCTAssertTrue(sensitivity.contains(MetricsText.proportion(doc.models[0].proportions.sensitivity)))
        XCTAssertTrue(sensitivity.contains(MetricsText.proportion(doc.models[2].proportions.sensitivity)))
        XCTAssertTrue(summary.contains("resnet34 vs resnet50"))
        XCTAssertTrue(summary.contains("p = \(MetricsText.pValue(doc.comparisons[0].delong.p))"))
    }

    func testTextFormatting() {
        XCTAssertEqual(MetricsText.percent(12.0 / 14), "85.71%")
        XCTAssertEqual(MetricsText.decimal(2.3456, digits: 2), "2.35")
        XCTAssertEqual(MetricsText.percent(12.0 / 14, interval: Interval(0.6738, 1)), "85.71% (67.38%–100.00%)")
        XCTAssertEqual(MetricsText.percent(nil as Double?), "n/a")
        XCTAssertEqual(MetricsText.percent(nil as Interval?), "n/a")
        XCTAssertEqual(MetricsText.percent(0.5, interval: nil), "50.00%")
        XCTAssertEqual(MetricsText.percent(nil, interval: Interval(0, 1)), "n/a")
        XCTAssertEqual(MetricsText.decimal(-1e-9), "0.00")
        XCTAssertEqual(MetricsText.decimal(.nan), "n/a")
        XCTAssertEqual(MetricsText.pValue(0.0131907524923831), "0.0132")
        XCTAssertEqual(MetricsText.pValue(0.428987), "0.429")
        XCTAssertEqual(MetricsText.pValue(0.00048828125), "<0.001")
        XCTAssertEqual(MetricsText.pValue(1), "1.000")
        XCTAssertEqual(MetricsText.pValue(nil), "n/a")
        XCTAssertEqual(MetricsText.auc(0.8714285, interval: Interval(0.736, 1)), "0.871 (0.736–1.000)")
        XCTAssertEqual(MetricsText.fraction(ProportionSummary(x: 12, n: 14)), "12/14")
    }
}
