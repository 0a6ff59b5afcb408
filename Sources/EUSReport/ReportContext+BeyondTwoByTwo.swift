import Foundation
import EUSStats

/// The sections beyond the 2×2 table: calibration and clinical utility (decision curves),
/// subgroups, and "was the study big enough?".
extension ReportContext {
    // MARK: - Calibration and clinical utility

    var clinicalUtilityBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = []
        if let curve = metrics.decisionCurve {
            blocks.append(.paragraph("Decision-curve analysis (Vickers & Elkin 2006) asks whether acting on a network's call does more good than harm. Here \"treat\" means managing the lesion as \(metrics.positiveClass) (resection or close follow-up). The threshold probability p_t is the risk of \(metrics.positiveClass) at which a clinician would choose that management: its odds p_t/(1 − p_t) say how many unnecessary interventions are accepted to catch one \(metrics.positiveClass) (p_t = 20% accepts four). Net benefit = TP/n − FP/n · p_t/(1 − p_t), in true positives per patient net of the harm of false positives; a network is useful at p_t only where its curve lies above both treat all and treat none (0)."))
            blocks += curve.models.map { .paragraph(usefulRangeSentence($0, curve: curve)) }
            blocks.append(.figure(name: "decision_curve", caption: "Decision curve: net benefit against threshold probability for each network, treating all lesions as \(metrics.positiveClass), and treating none. Computed on the \(curve.n) evaluated cases; net benefit has no interval here, so small differences between the curves are not evidence."))
            blocks.append(.table(decisionCurveTable(curve)))
        }
        if let fits = metrics.calibration, !fits.isEmpty {
            blocks.append(.subheading("Calibration"))
            blocks.append(.paragraph("Logistic recalibration fits logit P(\(metrics.positiveClass)) = a + b·logit(p) to the evaluated cases. The calibration slope b should be 1 (below 1: predictions too extreme; above 1: too timid) and the calibration-in-the-large a, fitted with the slope fixed at 1, should be 0 (above 0: the network under-predicts \(metrics.positiveClass) on average). 95% CIs are Wald intervals from the fitted GLM. Probabilities of exactly 0 or 1 are clipped to [10⁻⁶, 1 − 10⁻⁶] before the logit. The expected calibration error (ECE) is the case-weighted mean gap between the mean predicted probability and the observed rate over \(CalibrationFit.eceBinningText); the reliability diagram in Figures shows the same bins with Clopper-Pearson 95% bands."))
            blocks.append(.table(calibrationTable(fits)))
            for fit in fits { if let note = fit.note { blocks.append(.callout("\(ModelNames.display(fit.model)): \(note).", warning: false)) } }
        }
        return blocks
    }

    /// "ResNet-34 adds net benefit … for p_t from 12% to 45%", or that it adds none.
    func usefulRangeSentence(_ model: DecisionCurve.Model, curve: DecisionCurve) -> String {
        let name = ModelNames.display(model.name)
        let grid = "\(percent(curve.thresholds.first ?? 0))–\(percent(curve.thresholds.last ?? 1))"
        guard !model.usefulRanges.isEmpty else {
            return "\(name) adds no net benefit over treating all lesions as \(metrics.positiveClass) or treating none at any threshold probability from \(grid): on these cases its calls would not improve on the simple strategies."
        }
        let ranges = model.usefulRanges.map { $0.lower == $0.upper ? "at \(percent($0.lower))" : "from \(percent($0.lower)) to \(percent($0.upper))" }
        return "\(name) adds net benefit over both treating all lesions as \(metrics.positiveClass) and treating none for threshold probabilities \(ranges.joined(separator: ", ")) (on the grid \(grid)); outside \(ranges.count == 1 ? "this range" : "these ranges") one of the simple strategies does at least as well."
    }

    /// The summary's sentence on clinical utility: only where the decision curve supports it.
    var clinicalUtilityFinding: String? {
        guard let curve = metrics.decisionCurve else { return nil }
        let useful = curve.models.filter { !$0.usefulRanges.isEmpty }
        guard !useful.isEmpty else {
            return "Decision-curve analysis: neither network adds net benefit over treating all lesions as \(metrics.positiveClass) or treating none at any threshold probability, so these cases give no support for clinical utility."
        }
        let parts = useful.map { model -> String in
            let span = Interval(model.usefulRanges.first!.lower, model.usefulRanges.last!.upper)
            return "\(ModelNames.display(model.name)) for threshold probabilities within \(percent(span.lower))–\(percent(span.upper))"
        }
        let none = curve.models.filter { $0.usefulRanges.isEmpty }.map { ModelNames.display($0.name) }
        return "Decision-curve analysis: net benefit over treating all or none for \(parts.joined(separator: " and "))\(none.isEmpty ? "" : "; none for \(none.joined(separator: ", "))") (see Calibration and clinical utility; descriptive, without intervals)."
    }

    func decisionCurveTable(_ curve: DecisionCurve) -> ReportTable {
        var shown = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5].compactMap { pt in curve.thresholds.firstIndex { abs($0 - pt) < 1e-9 } }
        if shown.count < 2 {  // a grid of its own (--decision-thresholds): up to 6 of its points, evenly spread
            let count = curve.thresholds.count
            shown = Array(Set((0..<min(6, count)).map { $0 * (count - 1) / max(min(6, count) - 1, 1) })).sorted()
        }
        var header = ["p_t", "Treat all"]
        for model in curve.models { header += ["\(ModelNames.display(model.name)) NB", "sNB", "Avoided /100"] }
        let rows = shown.map { i -> [String] in
            var row = [percent(curve.thresholds[i]), MetricsText.decimal(curve.treatAll[i], digits: 3)]
            for model in curve.models {
                row += [MetricsText.decimal(model.netBenefit[i], digits: 3), MetricsText.decimal(model.standardizedNetBenefit[i], digits: 3),
                        MetricsText.decimal(model.interventionsAvoidedPer100[i], digits: 1)]
            }
            return row
        }
        return ReportTable(caption: "Net benefit (NB), standardised net benefit (sNB = NB / prevalence \(MetricsText.decimal(curve.prevalence, digits: 3))) and the net reduction in unnecessary interventions per 100 patients against treating all",
                           header: header, rows: rows,
                           note: "The whole curve (p_t \(percent(curve.thresholds.first ?? 0))–\(percent(curve.thresholds.last ?? 1)), \(curve.thresholds.count) thresholds) is in metrics.json under decision_curve.")
    }

    func calibrationTable(_ fits: [CalibrationFit]) -> ReportTable {
        func estimate(_ value: Double?, _ ci: Interval?) -> String {
            guard let value else { return MetricsText.notAvailable }
            return MetricsText.decimal(value, digits: 2) + (ci.map { " (\(MetricsText.decimal($0.lower, digits: 2)) to \(MetricsText.decimal($0.upper, digits: 2)))" } ?? "")
        }
        let rows = fits.map { fit -> [String] in
            let brier = models.first { $0.name == fit.model }.map { MetricsText.decimal($0.brier, digits: 3) } ?? MetricsText.notAvailable
            return [ModelNames.display(fit.model), estimate(fit.intercept, fit.interceptCI), estimate(fit.slope, fit.slopeCI),
                    MetricsText.decimal(fit.ece, digits: 3), brier, "\(fit.clipped)"]
        }
        return ReportTable(caption: "Calibration: intercept and slope with Wald 95% CIs, ECE and Brier score",
                           header: ["Model", "Intercept a (95% CI)", "Slope b (95% CI)", "ECE", "Brier", "Clipped"], rows: rows,
                           note: "Ideal: a = 0, b = 1, ECE = 0. With few cases the intervals are wide; an interval that holds 1 (slope) or 0 (intercept) does not show good calibration, only that miscalibration was not detected.")
    }

    // MARK: - Subgroups

    var subgroupBlocks: [ReportBlock] {
        guard let analyses = metrics.subgroups, !analyses.isEmpty else { return [] }
        var blocks: [ReportBlock] = [.paragraph("Accuracy within subgroups of the evaluated cases, by the manifest columns asked for (--subgroup). A numeric column is cut in two at its median over these cases, or at --subgroup-cut. Subgroups are small: their intervals are wide, they are descriptive, and no test of interaction is made. A subgroup with one class only cannot define specificity (or sensitivity) or AUC, which show as n/a.")]
        if input.isSynthetic, analyses.contains(where: { $0.column == "semi_axis_along_px" }) {
            blocks.append(.paragraph("In the phantom's manifest, scanner is the simulated probe (radial or linear) and semi_axis_along_px, the lesion's long semi-axis in pixels, is its size: the lesion-size subgroups split the cases at the cut in the table's caption."))
        }
        blocks.append(.figure(name: "subgroup_forest", caption: "Subgroup forest plot: sensitivity, specificity and accuracy with Wilson 95% CIs and AUC with DeLong 95% CI, per subgroup and network."))
        for analysis in analyses { blocks.append(.table(subgroupTable(analysis))) }
        return blocks
    }

    func subgroupTable(_ analysis: SubgroupAnalysis) -> ReportTable {
        var rows: [[String]] = []
        for group in analysis.groups {
            for model in group.models {
                rows.append([group.label, "\(group.n) (\(group.positives)/\(group.negatives))", ModelNames.display(model.name),
                             MetricsText.proportion(model.sensitivity, method: .wilson), MetricsText.proportion(model.specificity, method: .wilson),
                             MetricsText.proportion(model.accuracy, method: .wilson),
                             model.auc.map { auc in MetricsText.decimal(auc, digits: 3) + (model.aucCI.map { " (\(MetricsText.decimal($0.lower, digits: 2))–\(MetricsText.decimal($0.upper, digits: 2)))" } ?? "") } ?? MetricsText.notAvailable])
            }
        }
        let how = analysis.kind == "numeric"
            ? "numeric, cut at \(analysis.cut.map { MetricsText.decimal($0, digits: 2) } ?? "?") (\(analysis.cutSource == "median" ? "the median" : "given"))"
            : "categorical"
        return ReportTable(caption: "Subgroups by \(analysis.column) (\(how))",
                           header: ["Subgroup", "n (\(metrics.positiveClass)/\(metrics.negativeClass))", "Model", "Sensitivity", "Specificity", "Accuracy", "AUC (95% CI)"],
                           rows: rows, textColumns: [0, 2])
    }

    // MARK: - Was the study big enough?

    var sampleSizeBlocks: [ReportBlock] {
        guard let size = metrics.sampleSize else { return [] }
        var blocks: [ReportBlock] = [.paragraph("CLAIM asks for the intended sample size and STARD for the precision of every estimate. This section says how precise the estimates are with \(size.n) cases, how many cases Buderer's (1996) formula asks for to estimate each network's observed sensitivity and specificity to ±\(Int(size.precision * 100)) percentage points at the observed prevalence (\(percent(size.prevalence))), and what power the paired DeLong comparison had.")]
        blocks.append(.table(precisionTable(size)))
        for power in size.comparisons { blocks.append(.paragraph(powerSentence(power, size: size))) }
        return blocks
    }

    func precisionTable(_ size: SampleSizeSummary) -> ReportTable {
        func half(_ value: Double?) -> String { value.map { "±" + MetricsText.percentNumber($0) } ?? MetricsText.notAvailable }
        let rows = size.models.map { m -> [String] in
            [ModelNames.display(m.name), half(m.sensitivityHalfWidth), half(m.specificityHalfWidth), half(m.accuracyHalfWidth),
             "±" + MetricsText.decimal(m.aucHalfWidth, digits: 3),
             m.budererSensitivityN.map(String.init) ?? MetricsText.notAvailable,
             m.budererSpecificityN.map(String.init) ?? MetricsText.notAvailable,
             m.budererN.map { "\($0)\($0 > size.n ? " (> \(size.n))" : "")" } ?? MetricsText.notAvailable]
        }
        return ReportTable(caption: "Achieved 95% CI half-widths in percentage points (Wilson; DeLong for AUC, on the 0–1 scale) and Buderer's n for ±\(Int(size.precision * 100))% precision",
                           header: ["Model", "Sensitivity", "Specificity", "Accuracy", "AUC", "n for Se", "n for Sp", "n needed"], rows: rows,
                           note: "Buderer: n = z²·Se(1 − Se)/(d²·prevalence) for sensitivity and z²·Sp(1 − Sp)/(d²·(1 − prevalence)) for specificity, rounded up; the study needs the larger. Undefined (n/a) at an observed 0% or 100%.")
    }

    func powerSentence(_ power: SampleSizeSummary.Power, size: SampleSizeSummary) -> String {
        let a = ModelNames.display(power.a), b = ModelNames.display(power.b)
        guard let p = power.power, let cases = power.casesNeeded, let controls = power.controlsNeeded else {
            return "Power of the paired DeLong comparison of \(a) and \(b): not defined (\(power.note ?? "undefined"))."
        }
        guard let total = power.totalNeeded else {
            return "Power of the paired DeLong comparison of \(a) and \(b) at the observed AUCs and n: \(percent(p)); \(power.note ?? "the cases needed are beyond any study"). A non-significant difference at such power is not evidence that the networks are equivalent."
        }
        let comparison = metrics.comparisons.first { $0.a == power.a && $0.b == power.b }
        let significant = (comparison?.delong.p).map { $0 < size.alpha } ?? false
        var text = "Power of the paired DeLong comparison of \(a) (AUC \(MetricsText.decimal(power.aucA, digits: 3))) and \(b) (AUC \(MetricsText.decimal(power.aucB, digits: 3))) with \(power.cases) \(metrics.positiveClass) and \(power.controls) \(metrics.negativeClass) cases, at the observed difference and two-sided α = \(MetricsText.decimal(size.alpha, digits: 2)): \(percent(p)) (Obuchowski's method as pROC's power.roc.test computes it). Detecting this difference with \(Int(size.targetPower * 100))% power would need about \(Int(cases.rounded(.up))) \(metrics.positiveClass) and \(Int(controls.rounded(.up))) \(metrics.negativeClass) cases (\(total) in all)."
        if !significant {
            text += p < size.targetPower
                ? " The comparison was not significant at this low power: that is not evidence that the networks are equivalent, only that a difference of this size could easily go undetected with \(metrics.n) cases."
                : " The comparison was not significant; a non-significant result is still not evidence of equivalence, which needs an equivalence design with a stated margin."
        }
        return text + " This power is computed at the observed AUCs, so it restates the observed p-value rather than adding evidence (Hoenig & Heisey 2001); it is a guide to the size of a confirmatory study."
    }

    private func percent(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 10
        return (scaled == scaled.rounded() ? String(Int(scaled)) : String(format: "%.1f", scaled)) + "%"
    }
}
