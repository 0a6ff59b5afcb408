import Foundation

extension CrossValidationSummary {
    /// The terminal summary's cross-validation paragraphs, after the hold-out-shaped table
    /// (whose columns are then the first repeat's pooled out-of-fold predictions): the design,
    /// accuracy and AUC across folds per network (mean ± SD, min–max), and each pair's
    /// corrected resampled t-tests, saying plainly when a test is undefined.
    public func summaryLines() -> [String] {
        let design = "\(folds) folds × \(repeats) repeat\(repeats == 1 ? "" : "s")"
        var lines = ["", "Cross-validation: \(design), n = \(n). The table above pools the out-of-fold predictions of "
                     + "repeat \(pooled.first?.repeatNumber ?? 1); its paired tests ignore the fold structure."]
        for across in acrossFolds {
            lines.append("  \(across.name) across \(perFold.count) folds: accuracy "
                         + CrossValidationSummary.spreadText(across.accuracy, MetricsText.percent)
                         + "; AUC " + CrossValidationSummary.spreadText(across.auc) { MetricsText.decimal($0, digits: 3) })
        }
        for comparison in comparisons {
            lines.append("\(comparison.a) vs \(comparison.b), corrected resampled t-test (Nadeau & Bengio) over \(perFold.count) folds "
                         + "(n_train \(MetricsText.decimal(nTrain, digits: 1)), n_test \(MetricsText.decimal(nTest, digits: 1))):")
            for (name, test) in [("accuracy", comparison.correctedTTest.accuracy), ("AUC", comparison.correctedTTest.auc)] {
                lines.append("  \(name): " + CrossValidationSummary.testText(test))
            }
        }
        return lines
    }

    /// "85.00% ± 3.10% (80.00%–89.66%, 5 folds)" (values printed by `format`), or "n/a" when
    /// no fold defines it.
    public static func spreadText(_ spread: FoldSpread, _ format: (Double?) -> String) -> String {
        guard spread.mean != nil else { return MetricsText.notAvailable }
        let sd = spread.sd.map { " ± " + format($0) } ?? ""
        return "\(format(spread.mean))\(sd) (\(format(spread.min))–\(format(spread.max)), \(spread.folds) folds)"
    }

    /// "mean difference 0.120 (95% CI -0.052 to 0.292), t = 1.93, df = 4, p = 0.125: not
    /// significant at 5%", or why the test is undefined.
    public static func testText(_ test: CorrectedResampledTTest) -> String {
        let mean = MetricsText.decimal(test.meanDifference, digits: 3)
        guard let t = test.t, let ci = test.ci else {
            return "mean difference \(mean); not tested: \(test.reason ?? "undefined")"
        }
        let verdict = (test.p ?? 1) < 0.05 ? "significant at 5%" : "not significant at 5%"
        return "mean difference \(mean) (95% CI \(MetricsText.decimal(ci.lower, digits: 3)) to \(MetricsText.decimal(ci.upper, digits: 3))), "
            + "t = \(MetricsText.decimal(t, digits: 2)), df = \(test.df), p = \(MetricsText.pValue(test.p)): \(verdict)"
    }
}
