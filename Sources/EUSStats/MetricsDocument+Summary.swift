import Foundation

extension MetricsDocument {
    /// The terminal summary: one model per column, proportions with their 95% Wald interval
    /// (the study's convention), AUC with DeLong and bootstrap intervals, then one paragraph
    /// per comparison. Every other interval is in metrics.csv. A cross-validation adds its
    /// paragraphs (`CrossValidationSummary.summaryLines`).
    public func summaryTable() -> String {
        let positives = models.first.map { $0.confusion.tp + $0.confusion.fn } ?? 0
        var lines = ["\(positiveClass) positive, \(negativeClass) negative; threshold \(MetricsText.decimal(threshold, digits: 2)) "
            + "(\(thresholdSource)); n = \(n) (\(positives) \(positiveClass), \(n - positives) \(negativeClass))", ""]
        let rows = summaryRows()
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let columnWidths = models.indices.map { i in
            max(models[i].name.count, rows.map { $0.cells[i].count }.max() ?? 0)
        }
        func line(_ label: String, _ cells: [String]) -> String {
            let padded = zip(cells, columnWidths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            return ([label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)] + padded)
                .joined(separator: "   ").replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        }
        lines.append(line("", models.map(\.name)))
        lines += rows.map { line($0.label, $0.cells) }
        lines += ["", "Intervals: 95% Wald (clipped to [0,1]); Wilson, Wilson-CC, Clopper-Pearson, Agresti-Coull "
                  + "and Jeffreys are in metrics.csv.", "* exploratory: chosen on these same cases."]
        for comparison in comparisons { lines += ["", comparisonText(comparison)] }
        lines += crossValidation?.summaryLines() ?? []
        return lines.joined(separator: "\n") + "\n"
    }

    private func summaryRows() -> [(label: String, cells: [String])] {
        func row(_ label: String, _ cell: (ModelMetrics) -> String) -> (label: String, cells: [String]) {
            (label, models.map(cell))
        }
        return [
            row("TP / FN / TN / FP") { "\($0.confusion.tp) / \($0.confusion.fn) / \($0.confusion.tn) / \($0.confusion.fp)" },
        ] + Proportion.allCases.map { proportion in
            row(proportion.displayName) { MetricsText.proportion($0.proportions[proportion]) }
        } + [
            row("F1") { MetricsText.percent($0.f1) },
            row("Balanced accuracy") { MetricsText.percent($0.balancedAccuracy) },
            row("LR+") { MetricsText.decimal($0.lrPositive) },
            row("LR-") { MetricsText.decimal($0.lrNegative) },
            row("AUC (DeLong CI)") { MetricsText.auc($0.auc.value, interval: $0.auc.delongCI) },
            row("AUC (bootstrap CI)") { MetricsText.auc($0.auc.value, interval: $0.auc.bootstrapCI) },
            row("Brier score") { MetricsText.decimal($0.brier, digits: 4) },
            row("Youden threshold*") { MetricsText.decimal($0.youdenThreshold, digits: 3) },
        ]
    }

    private func comparisonText(_ c: ModelComparison) -> String {
        let d = c.delong, m = c.mcnemar, g = c.agreement
        // "to", not a dash: the lower bound is often negative.
        let ci = d.diffCI.map { "\(MetricsText.decimal($0.lower, digits: 3)) to \(MetricsText.decimal($0.upper, digits: 3))" }
            ?? MetricsText.notAvailable
        return """
        \(c.a) vs \(c.b):
          AUC difference \(MetricsText.decimal(d.aucDiff, digits: 3)) (95% CI \(ci)), paired DeLong z = \(MetricsText.decimal(d.z, digits: 2)), p = \(MetricsText.pValue(d.p))
          McNemar: \(m.b) only \(c.a) right, \(m.c) only \(c.b) right; exact p = \(MetricsText.pValue(m.exactP)), continuity-corrected p = \(MetricsText.pValue(m.chi2CCP))
          Agreement: both right \(g.bothCorrect), only \(c.a) \(g.onlyA), only \(c.b) \(g.onlyB), both wrong \(g.bothWrong)
        """
    }
}
