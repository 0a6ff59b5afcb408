import Foundation
import XCTest
import EUSSupport
@testable import EUSStats

final class CrossValidationTests: XCTestCase {
    /// The worked example of `CrossValidation`'s documentation: 8 cases in 2 folds.
    func workedExample() throws -> PredictionTable {
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h"]
        return try PredictionTable(
            source: "oof.csv", caseIDs: ids, labels: ["GIST", "GIST", "GIST", "GIST", "LM", "LM", "LM", "LM"],
            models: [.init(name: "m1", scores: [0.9, 0.8, 0.7, 0.4, 0.3, 0.6, 0.2, 0.1]),
                     .init(name: "m2", scores: [0.6, 0.4, 0.9, 0.7, 0.5, 0.2, 0.8, 0.3])],
            foldColumns: .init(repeats: Array(repeating: 1, count: 8), folds: [1, 1, 2, 2, 1, 1, 2, 2]))
    }

    /// 45 cases, two networks, 5 folds × 2 repeats; the second repeat lists the cases in reverse
    /// order, with other folds and other scores (other trained networks).
    func repeatedTable() throws -> PredictionTable {
        let count = 45
        let first = randomCases(count: count, seed: 11), second = randomCases(count: count, seed: 12)
        let firstB = randomCases(count: count, seed: 21), secondB = randomCases(count: count, seed: 22)
        let ids = (0..<count).map { "case\($0)" }
        let labels = first.isPositive.map { $0 ? "GIST" : "LM" }
        let reversed = Array((0..<count).reversed())
        return try PredictionTable(
            source: "oof.csv", caseIDs: ids + reversed.map { ids[$0] }, labels: labels + reversed.map { labels[$0] },
            models: [.init(name: "resnet34", scores: first.scores + reversed.map { second.scores[$0] }),
                     .init(name: "resnet50", scores: firstB.scores + reversed.map { secondB.scores[$0] })],
            foldColumns: .init(repeats: Array(repeating: 1, count: count) + Array(repeating: 2, count: count),
                               folds: (0..<count).map { $0 % 5 + 1 } + reversed.map { ($0 * 7 / 3) % 5 + 1 }))
    }

    func testWorkedExample() throws {
        let document = try MetricsComputer.compute(workedExample(), bootstrapResamples: 0)
        let cv = try XCTUnwrap(document.crossValidation)
        XCTAssertEqual(cv.folds, 2)
        XCTAssertEqual(cv.repeats, 1)
        XCTAssertEqual(cv.n, 8)
        XCTAssertEqual(cv.nTest, 4)
        XCTAssertEqual(cv.nTrain, 4)
        XCTAssertEqual(cv.perFold.map { $0.models.map { $0.proportions.accuracy.value! } }, [[0.75, 0.5], [0.75, 0.75]])
        XCTAssertEqual(cv.perFold.map { $0.models.map { $0.auc! } }, [[1, 0.75], [1, 0.75]])
        XCTAssertEqual(cv.perFold[0].models[1].confusion, ConfusionCounts(tp: 1, fn: 1, tn: 1, fp: 1))
        XCTAssertEqual(cv.acrossFolds[1].accuracy.mean, 0.625)
        assertClose(cv.acrossFolds[1].accuracy.sd, 0.125 * 2.0.squareRoot(), tolerance: 1e-15)
        XCTAssertEqual(cv.acrossFolds[1].accuracy.min, 0.5)
        XCTAssertEqual(cv.acrossFolds[1].accuracy.max, 0.75)
        let accuracy = cv.comparisons[0].correctedTTest.accuracy
        XCTAssertEqual(accuracy.differences, [0.25, 0])
        assertClose(accuracy.correctedSD, (1.5 * 0.03125).squareRoot(), tolerance: 1e-15)
        assertClose(accuracy.t, 1 / 3.0.squareRoot(), tolerance: 1e-14)
        XCTAssertEqual(accuracy.df, 1)
        assertClose(accuracy.p, 2.0 / 3, tolerance: 1e-14)
        let auc = cv.comparisons[0].correctedTTest.auc
        XCTAssertEqual(auc.differences, [0.25, 0.25])
        XCTAssertNil(auc.t)
        XCTAssertNil(auc.p)
        XCTAssertEqual(auc.reason, "the per-fold differences are all equal (zero variance): t is undefined")
    }

    /// Each fold's entries are the existing functions applied to that fold's cases.
    func testPerFoldEqualsTheExistingFunctionsOnEachFold() throws {
        let table = try repeatedTable()
        let threshold = 0.45
        let cv = try XCTUnwrap(MetricsComputer.compute(table, threshold: threshold, bootstrapResamples: 0).crossValidation)
        let folds = try XCTUnwrap(table.foldColumns)
        XCTAssertEqual(cv.folds, 5)
        XCTAssertEqual(cv.repeats, 2)
        XCTAssertEqual(cv.n, 45)
        XCTAssertEqual(cv.perFold.count, 10)
        XCTAssertEqual(cv.perFold.map { "\($0.repeatNumber).\($0.fold)" },
                       ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5"])
        for entry in cv.perFold {
            let rows = table.caseIDs.indices.filter { folds.repeats[$0] == entry.repeatNumber && folds.folds[$0] == entry.fold }
            let isPositive = rows.map { table.labels[$0] == "GIST" }
            XCTAssertEqual(entry.n, rows.count)
            XCTAssertEqual(entry.nTrain, 45 - rows.count)
            XCTAssertEqual(entry.nPositive, isPositive.filter { $0 }.count)
            XCTAssertEqual(entry.nNegative, isPositive.filter { !$0 }.count)
            XCTAssertGreaterThan(entry.nPositive * entry.nNegative, 0, "every fold of this table has both classes")
            for (model, metrics) in zip(table.models, entry.models) {
                let scores = rows.map { model.scores[$0] }
                let confusion = ConfusionCounts(isPositive: isPositive, scores: scores, threshold: threshold)
                XCTAssertEqual(metrics.name, model.name)
                XCTAssertEqual(metrics.confusion, confusion)
                XCTAssertEqual(metrics.proportions, confusion.proportions())
                XCTAssertEqual(metrics.proportions.sensitivity.wilson,
                               BinomialInterval.wilson.interval(x: confusion.tp, n: confusion.tp + confusion.fn))
                XCTAssertEqual(metrics.auc, AUC.mannWhitney(ClassScores(isPositive: isPositive, scores: scores)))
            }
        }
        // Across folds: mean, SD (ddof 1), min and max of the per-fold values.
        for (index, across) in cv.acrossFolds.enumerated() {
            let values = cv.perFold.map { $0.models[index].proportions.accuracy.value! }
            let mean = values.reduce(0, +) / 10
            assertClose(across.accuracy.mean, mean, tolerance: 1e-15)
            assertClose(across.accuracy.sd, (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 9).squareRoot(), tolerance: 1e-15)
            XCTAssertEqual(across.accuracy.min, values.min())
            XCTAssertEqual(across.accuracy.max, values.max())
            XCTAssertEqual(across.auc.folds, 10)
        }
        // n_test is the mean fold size (90 predictions in 10 folds), n_train the rest.
        XCTAssertEqual(cv.nTest, 9)
        XCTAssertEqual(cv.nTrain, 36)
        // The t-tests are CorrectedResampledTTest on the per-fold differences, in (repeat, fold) order.
        let comparison = cv.comparisons[0]
        XCTAssertEqual(comparison.a, "resnet34")
        XCTAssertEqual(comparison.b, "resnet50")
        let accuracyDifferences = cv.perFold.map { $0.models[0].proportions.accuracy.value! - $0.models[1].proportions.accuracy.value! }
        let aucDifferences = cv.perFold.map { $0.models[0].auc! - $0.models[1].auc! }
        XCTAssertEqual(comparison.correctedTTest.accuracy,
                       CorrectedResampledTTest(differences: accuracyDifferences, nTrain: 36, nTest: 9))
        XCTAssertEqual(comparison.correctedTTest.auc, CorrectedResampledTTest(differences: aucDifferences, nTrain: 36, nTest: 9))
        XCTAssertEqual(comparison.correctedTTest.auc.df, 9)
        XCTAssertNotNil(comparison.correctedTTest.auc.p)
    }

    /// Pooled: each repeat's cases as a hold-out table give exactly MetricsComputer's entries,
    /// every interval included; the top level is the first repeat's.
    func testPooledEqualsMetricsComputerOnAllCasesOfEachRepeat() throws {
        let table = try repeatedTable()
        let document = try MetricsComputer.compute(table, bootstrapResamples: 100, seed: 5)
        let cv = try XCTUnwrap(document.crossValidation)
        XCTAssertEqual(cv.pooled.map(\.repeatNumber), [1, 2])
        for (offset, rows) in [Array(0..<45), Array(45..<90)].enumerated() {
            let holdOut = try PredictionTable(
                source: "oof.csv", caseIDs: rows.map { table.caseIDs[$0] }, labels: rows.map { table.labels[$0] },
                models: table.models.map { model in .init(name: model.name, scores: rows.map { model.scores[$0] }) })
            let expected = try MetricsComputer.compute(holdOut, bootstrapResamples: 100, seed: 5)
            XCTAssertEqual(cv.pooled[offset].n, 45)
            XCTAssertEqual(cv.pooled[offset].models, expected.models)
            let pooledTests = cv.comparisons[0].pooledIgnoringFolds[offset]
            XCTAssertEqual(pooledTests.repeatNumber, offset + 1)
            XCTAssertEqual(pooledTests.delong, expected.comparisons[0].delong)
            XCTAssertEqual(pooledTests.mcnemar, expected.comparisons[0].mcnemar)
            XCTAssertEqual(pooledTests.agreement, expected.comparisons[0].agreement)
            if offset == 0 {
                var topLevel = document
                topLevel.crossValidation = nil
                XCTAssertEqual(topLevel, expected)
            }
        }
        XCTAssertNotEqual(cv.pooled[0].models, cv.pooled[1].models, "the repeats are pooled separately")
    }

    /// A fold with one class: its AUC is null, the across-fold AUC counts the other folds, and
    /// the AUC t-test is not computed, with the reason; PPV with nothing called positive is
    /// left out of its across-fold summary. Nothing is NaN (the JSON encoder refuses NaN).
    func testDegenerateFolds() throws {
        let ids = (0..<9).map { "c\($0)" }
        let table = try PredictionTable(
            source: "oof.csv", caseIDs: ids,
            labels: ["GIST", "GIST", "GIST", "LM", "LM", "GIST", "LM", "LM", "LM"],
            models: [.init(name: "a", scores: [0.9, 0.8, 0.7, 0.3, 0.6, 0.8, 0.2, 0.4, 0.1]),
                     .init(name: "b", scores: [0.6, 0.4, 0.9, 0.5, 0.2, 0.7, 0.3, 0.4, 0.2])],
            foldColumns: .init(repeats: Array(repeating: 1, count: 9), folds: [1, 1, 1, 2, 2, 3, 3, 3, 3]))
        let cv = try XCTUnwrap(MetricsComputer.compute(table, bootstrapResamples: 0).crossValidation)
        XCTAssertEqual(cv.perFold.map(\.nPositive), [3, 0, 1])
        XCTAssertNil(cv.perFold[0].models[0].auc, "fold 1 holds GIST only")
        XCTAssertNil(cv.perFold[1].models[0].auc, "fold 2 holds LM only")
        XCTAssertNil(cv.perFold[1].models[0].proportions.sensitivity.value)
        XCTAssertEqual(cv.acrossFolds[0].auc.folds, 1)
        XCTAssertEqual(cv.acrossFolds[0].auc.mean, 1)
        XCTAssertNil(cv.acrossFolds[0].auc.sd, "one defined fold: no SD")
        XCTAssertEqual(cv.acrossFolds[0].sensitivity.folds, 2)
        let auc = cv.comparisons[0].correctedTTest.auc
        XCTAssertEqual(auc.differences.count, 1)
        XCTAssertNil(auc.t)
        XCTAssertNil(auc.p)
        XCTAssertNil(auc.ci)
        XCTAssertEqual(auc.reason, "AUC is undefined in 2 of 3 folds (a fold with one class only); differences lists the other folds, "
                       + "and the test needs every fold")
        XCTAssertNotNil(cv.comparisons[0].correctedTTest.accuracy.p)
        let strict = try XCTUnwrap(MetricsComputer.compute(table, threshold: 1, bootstrapResamples: 0).crossValidation)
        XCTAssertEqual(strict.acrossFolds[0].ppv.folds, 0)
        XCTAssertNil(strict.acrossFolds[0].ppv.mean)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONFile.encode(MetricsComputer.compute(table, threshold: 1,
                                                                                                        bootstrapResamples: 0))) as? [String: Any])
        let across = try XCTUnwrap(((json["cross_validation"] as? [String: Any])?["across_folds"] as? [[String: Any]])?.first)
        let ppv = try XCTUnwrap(across["ppv"] as? [String: Any])
        for key in ["mean", "sd", "min", "max"] { XCTAssertTrue(ppv[key] is NSNull, "ppv.\(key) is an explicit null") }
    }

    /// The JSON keys under `cross_validation`; the document decodes back to itself.
    func testJSONShape() throws {
        let document = try MetricsComputer.compute(repeatedTable(), bootstrapResamples: 20)
        let data = try JSONFile.encode(document)
        XCTAssertEqual(try JSONDecoder().decode(MetricsDocument.self, from: data), document)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cv = try XCTUnwrap(json["cross_validation"] as? [String: Any])
        XCTAssertEqual(Set(cv.keys), ["folds", "repeats", "n", "n_train", "n_test", "pooling", "per_fold", "across_folds",
                                      "pooled", "comparisons"])
        let fold = try XCTUnwrap((cv["per_fold"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(fold.keys), ["repeat", "fold", "n", "n_train", "n_positive", "n_negative", "models"])
        let foldModel = try XCTUnwrap((fold["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(foldModel.keys), ["name", "confusion", "proportions", "auc"])
        let across = try XCTUnwrap((cv["across_folds"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(across.keys), ["name", "sensitivity", "specificity", "ppv", "npv", "accuracy", "auc"])
        XCTAssertEqual(Set(try XCTUnwrap(across["auc"] as? [String: Any]).keys), ["folds", "mean", "sd", "min", "max"])
        let pooled = try XCTUnwrap((cv["pooled"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(pooled.keys), ["repeat", "n", "models"])
        let comparison = try XCTUnwrap((cv["comparisons"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(comparison.keys), ["a", "b", "corrected_ttest", "pooled_ignoring_folds"])
        let ttest = try XCTUnwrap((comparison["corrected_ttest"] as? [String: Any])?["accuracy"] as? [String: Any])
        XCTAssertEqual(Set(ttest.keys), ["differences", "n_train", "n_test", "mean_difference", "sd", "corrected_sd", "t", "df",
                                         "p", "ci", "reason"])
        XCTAssertEqual((ttest["differences"] as? [Double])?.count, 10)
        XCTAssertEqual(ttest["n_test"] as? Double, 9)
        let pooledTest = try XCTUnwrap((comparison["pooled_ignoring_folds"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(pooledTest.keys), ["repeat", "delong", "mcnemar", "agreement"])
    }

    /// metrics.csv: the hold-out-shaped rows first, unchanged, then per fold and across folds.
    func testCSVRows() throws {
        let document = try MetricsComputer.compute(repeatedTable(), bootstrapResamples: 20)
        var holdOutShaped = document
        holdOutShaped.crossValidation = nil
        let text = document.csv()
        XCTAssertTrue(text.hasPrefix(holdOutShaped.csv()))
        let csv = try CSVTable(parsing: text, source: "metrics.csv")
        XCTAssertEqual(csv.header, MetricsDocument.csvHeader)
        // 2 networks × (11 hold-out rows + 10 folds × 6 measures + 6 measures × 4 statistics),
        // and the first repeat's calibration (2 × 4), power (2) and net-benefit (9 × 3) rows.
        XCTAssertEqual(csv.rows.count, 2 * (11 + 60 + 24) + 2 * 4 + 2 + 9 * 3)
        let cv = try XCTUnwrap(document.crossValidation)
        let column = { (name: String) in csv.header.firstIndex(of: name)! }
        let fold = cv.perFold[6]
        XCTAssertEqual(fold.repeatNumber, 2)
        XCTAssertEqual(fold.fold, 2)
        let sensitivity = try XCTUnwrap(csv.rows.first { $0[0] == "resnet50" && $0[1] == "cv_r2_f2_sensitivity" })
        let s = fold.models[1].proportions.sensitivity
        XCTAssertEqual(sensitivity[column("x")], "\(s.x)")
        XCTAssertEqual(sensitivity[column("n")], "\(s.n)")
        XCTAssertEqual(sensitivity[column("value")], MetricsText.percentNumber(s.value))
        XCTAssertEqual(sensitivity[column("clopper_pearson_lower")], MetricsText.percentNumber(s.clopperPearson?.lower))
        let auc = try XCTUnwrap(csv.rows.first { $0[0] == "resnet50" && $0[1] == "cv_r2_f2_auc" })
        XCTAssertEqual(auc[column("value")], MetricsText.percentNumber(fold.models[1].auc))
        XCTAssertEqual(auc[column("wald_lower")], "")
        for (statistic, value) in [("mean", cv.acrossFolds[0].auc.mean), ("sd", cv.acrossFolds[0].auc.sd),
                                   ("min", cv.acrossFolds[0].auc.min), ("max", cv.acrossFolds[0].auc.max)] {
            let row = try XCTUnwrap(csv.rows.first { $0[0] == "resnet34" && $0[1] == "cv_\(statistic)_auc" })
            XCTAssertEqual(row[column("value")], MetricsText.percentNumber(value))
            XCTAssertEqual(row[column("unit")], "%")
        }
    }

    /// A predictions CSV with a fold column, read like any other, gives the cross-validation.
    func testFromAPredictionsCSV() throws {
        let text = """
        case_id,label,fold,m1,m2
        a,GIST,1,0.9,0.6
        b,GIST,1,0.8,0.4
        c,GIST,2,0.7,0.9
        d,GIST,2,0.4,0.7
        e,LM,1,0.3,0.5
        f,LM,1,0.6,0.2
        g,LM,2,0.2,0.8
        h,LM,2,0.1,0.3
        """
        let table = try PredictionTable(csv: CSVTable(parsing: text, source: "oof.csv"))
        XCTAssertEqual(try MetricsComputer.compute(table, bootstrapResamples: 0),
                       try MetricsComputer.compute(workedExample(), bootstrapResamples: 0))
    }
}

extension CrossValidationTests {
    /// The terminal summary says what the table pools and gives the t-tests, or why not.
    func testSummaryTable() throws {
        let document = try MetricsComputer.compute(workedExample(), bootstrapResamples: 0)
        let summary = document.summaryTable()
        XCTAssertTrue(summary.contains("Cross-validation: 2 folds × 1 repeat, n = 8. The table above pools the out-of-fold "
                                       + "predictions of repeat 1; its paired tests ignore the fold structure."), summary)
        XCTAssertTrue(summary.contains("  m2 across 2 folds: accuracy 62.50% ± 17.68% (50.00%–75.00%, 2 folds); "
                                       + "AUC 0.750 ± 0.000 (0.750–0.750, 2 folds)"), summary)
        XCTAssertTrue(summary.contains("m1 vs m2, corrected resampled t-test (Nadeau & Bengio) over 2 folds (n_train 4.0, n_test 4.0):"))
        XCTAssertTrue(summary.contains("  accuracy: mean difference 0.125 (95% CI "), summary)
        XCTAssertTrue(summary.contains("t = 0.58, df = 1, p = 0.667: not significant at 5%"), summary)
        XCTAssertTrue(summary.contains("  AUC: mean difference 0.250; not tested: the per-fold differences are all equal "
                                       + "(zero variance): t is undefined"), summary)
    }
}
