import EUSStats
import Foundation

/// The Readers section: the endosonographers' calls beside the networks.
extension ReportContext {
    var readers: ReaderAnalysis? { metrics.readers }

    /// A reader's or network's name as the report prints it ("expert1 + AI" for `expert1+ai`).
    func raterName(_ name: String) -> String {
        if let reader = readers?.readers.first(where: { $0.name == name }) {
            return reader.assisted ? String(reader.name.dropLast(ReaderColumn.assistedSuffix.count)) + " + AI" : reader.name
        }
        return ModelNames.display(name)
    }

    var readerBlocks: [ReportBlock] {
        guard let readers else {
            let why = input.isSynthetic
                ? "The phantom's images were never read by endosonographers, so this report has no readers, and none are invented for it."
                : "The input has no reader columns, so the networks are not compared with endosonographers."
            return [.callout("No readers' calls. \(why) To add them, give run or evaluate a readers file (--readers readers.csv: case_id,<reader>..., each cell \(metrics.positiveClass), \(metrics.negativeClass) or blank), or add reader:<name> columns to a predictions CSV (docs/formats.md).", warning: false)]
        }
        var blocks: [ReportBlock] = [.paragraph("\(readers.readers.count) reading\(readers.readers.count == 1 ? "" : "s") of the same cases by endosonographers (\(readers.readers.map { raterName($0.name) }.joined(separator: ", "))). Each reader is judged on the cases it read; a comparison uses the cases both raters read. A network calls \(metrics.positiveClass) when P(\(metrics.positiveClass)) ≥ \(MetricsText.decimal(metrics.threshold, digits: 2)). The readers are the labelled squares on the ROC figure (Figures section).")]
        blocks.append(.table(readerAccuracyTable(readers)))
        blocks += readers.readers.map { .table(intervalTable(raterName($0.name), $0.proportions)) }
        if !readers.versusModels.isEmpty {
            blocks.append(.subheading("Networks against readers"))
            blocks.append(.paragraph("The difference is network − reader, on the cases both read: in sensitivity over the \(metrics.positiveClass) cases and in specificity over the \(metrics.negativeClass) cases. The 95% CI is Newcombe's method 10 for paired proportions (Newcombe 1998); McNemar's exact test uses the cases only one of the two called right, on the positives for sensitivity and on the negatives for specificity."))
            blocks.append(.table(differenceTable(readers.versusModels, measure: "Sensitivity", caption: "Sensitivity: networks against readers")))
            blocks.append(.table(differenceTable(readers.versusModels, measure: "Specificity", caption: "Specificity: networks against readers")))
        }
        if !readers.assisted.isEmpty {
            blocks.append(.subheading("Reading with the networks (AI-assisted)"))
            blocks.append(.paragraph("The same reader with the networks' output in view (+ AI) against the same reader without it, on the cases both readings cover."))
            blocks.append(.table(differenceTable(readers.assisted, measure: "Sensitivity", caption: "Sensitivity: assisted against unaided reading")))
            blocks.append(.table(differenceTable(readers.assisted, measure: "Specificity", caption: "Specificity: assisted against unaided reading")))
        }
        blocks.append(.subheading("Agreement"))
        blocks.append(.table(kappaTable(readers)))
        blocks.append(.paragraph(fleissSentence(readers.fleissKappa)))
        return blocks
    }

    func readerAccuracyTable(_ readers: ReaderAnalysis) -> ReportTable {
        var rows: [[String]] = [["Cases read"] + readers.readers.map { "\($0.n)\($0.unread > 0 ? " (\($0.unread) unread)" : "")" },
                                ["TP / FN / TN / FP"] + readers.readers.map { "\($0.confusion.tp) / \($0.confusion.fn) / \($0.confusion.tn) / \($0.confusion.fp)" }]
        for key in Proportion.allCases {
            rows.append([key.displayName] + readers.readers.map { compactProportion($0.proportions[key]) })
        }
        return ReportTable(caption: "Readers: 2×2 table and accuracy on the cases each read",
                           header: ["Measure"] + readers.readers.map { raterName($0.name) }, rows: rows,
                           note: "Proportions: estimate % (Wilson 95% CI) and x/n. Every other interval is in the tables below.")
    }

    /// "89.5% (68.6–97.1) 17/19", or "n/a".
    func compactProportion(_ summary: ProportionSummary) -> String {
        guard let value = summary.value else { return MetricsText.notAvailable }
        let ci = summary.wilson.map { String(format: " (%.1f–%.1f)", $0.lower * 100, $0.upper * 100) } ?? ""
        return String(format: "%.1f%%", value * 100) + ci + " " + MetricsText.fraction(summary)
    }

    /// A − B in one measure for each comparison.
    func differenceTable(_ comparisons: [ReaderComparison], measure: String, caption: String) -> ReportTable {
        let rows = comparisons.map { comparison -> [String] in
            let d = measure == "Sensitivity" ? comparison.sensitivity : comparison.specificity
            return ["\(raterName(comparison.a)) − \(raterName(comparison.b))", "\(d.n)",
                    d.n > 0 ? MetricsText.percent(Double(d.aCorrect) / Double(d.n)) : MetricsText.notAvailable,
                    d.n > 0 ? MetricsText.percent(Double(d.bCorrect) / Double(d.n)) : MetricsText.notAvailable,
                    "\(d.onlyA) / \(d.onlyB)", pointDifference(d.difference, d.newcombeCI), MetricsText.pValue(d.mcnemar.exactP)]
        }
        let cases = measure == "Sensitivity" ? metrics.positiveClass : metrics.negativeClass
        return ReportTable(caption: caption,
                           header: ["A − B", "\(cases) cases", "A", "B", "Only A / only B right", "Difference (95% CI)", "McNemar exact p"],
                           rows: rows, note: "Differences in percentage points with Newcombe's paired 95% CI; n/a where no case was read by both.")
    }

    /// "+25.0 pp (−12.4 to 55.2)", or "n/a".
    func pointDifference(_ value: Double?, _ interval: Interval?) -> String {
        guard let value else { return MetricsText.notAvailable }
        func points(_ x: Double) -> String { (x > 0 ? "+" : x < 0 ? "−" : "") + String(format: "%.1f", abs(x) * 100) }
        return "\(points(value)) pp" + (interval.map { " (\(points($0.lower)) to \(points($0.upper)))" } ?? "")
    }

    func kappaTable(_ readers: ReaderAnalysis) -> ReportTable {
        let rows = readers.cohenKappa.map { pair -> [String] in
            ["\(raterName(pair.a)) – \(raterName(pair.b))", "\(pair.n)", MetricsText.percent(pair.observedAgreement),
             pair.kappa.map { k in MetricsText.decimal(k, digits: 3) + (pair.ci.map { " (\(MetricsText.decimal($0.lower, digits: 3)) to \(MetricsText.decimal($0.upper, digits: 3)))" } ?? "") } ?? MetricsText.notAvailable,
             MetricsText.decimal(pair.standardError, digits: 3)]
        }
        return ReportTable(caption: "Cohen's κ for every pair of readers and networks", header: ["Pair", "Cases both called", "Agreement", "κ (95% CI)", "SE"],
                           rows: rows, textColumns: [0],
                           note: "κ = (p_o − p_e)/(1 − p_e) on the cases both called; the SE is the large-sample one of Fleiss, Cohen & Everitt (1969), as statsmodels computes it, and the CI is κ ± 1.96 SE. n/a: κ is undefined when both always gave the same single call.")
    }

    func fleissSentence(_ fleiss: FleissSummary?) -> String {
        guard let fleiss else { return "Fleiss' κ needs at least two unaided readers; there is one." }
        guard let kappa = fleiss.kappa else {
            return "Fleiss' κ over \(fleiss.raters.map(raterName).joined(separator: ", ")) is undefined here (\(fleiss.n) cases read by all of them\(fleiss.n > 0 ? ", all given the same call" : ""))."
        }
        return "Fleiss' κ over the \(fleiss.raters.count) unaided readers (\(fleiss.raters.map(raterName).joined(separator: ", "))), on the \(fleiss.n) cases all of them read: \(MetricsText.decimal(kappa, digits: 3)) (Fleiss 1971; statsmodels' fleiss_kappa)."
    }
}
