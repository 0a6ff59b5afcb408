import Foundation
import EUSSupport

extension MetricsDocument {
    /// metrics.csv rows for calibration, sample size, decision curves and subgroups, after the
    /// per-model measures (and before a cross-validation's rows). Measures:
    /// - `calibration_intercept`, `calibration_slope` (unit `score`, the Wald CI in the
    ///   `wald_*` columns), `ece` (`score`), per model;
    /// - `buderer_n` (unit `n`: Buderer's cases for the observed sensitivity and specificity at
    ///   ±10%), per model; `power` (`score`, the paired DeLong comparison at the observed AUCs and
    ///   n) and `cases_needed` (`n`, GIST cases for 80% power), model `A vs B`;
    /// - `net_benefit@<p_t>` (`score`) per model and for `treat_all`, at p_t = 0.10, 0.20, …, 0.90
    ///   when the grid holds them (the whole curve is in metrics.json);
    /// - `subgroup:<column>=<level>:<measure>` for sensitivity, specificity, accuracy (`%`, with
    ///   x, n and every interval) and AUC (`%`, DeLong CI).
    func appendBeyondTwoByTwoRows(to writer: inout CSVWriter) {
        let width = MetricsDocument.csvHeader.count
        func row(_ model: String, _ measure: String, _ unit: String, _ value: String, wald: Interval? = nil) -> [String] {
            var cells = [model, measure, unit, value, "", ""] + [String](repeating: "", count: width - 6)
            if let wald {
                cells[6] = MetricsText.decimal(wald.lower, digits: 4)
                cells[7] = MetricsText.decimal(wald.upper, digits: 4)
            }
            return cells
        }
        for fit in calibration ?? [] {
            writer.append(row(fit.model, "calibration_intercept", "score", MetricsText.decimal(fit.intercept, digits: 4), wald: fit.interceptCI))
            writer.append(row(fit.model, "calibration_slope", "score", MetricsText.decimal(fit.slope, digits: 4), wald: fit.slopeCI))
            writer.append(row(fit.model, "ece", "score", MetricsText.decimal(fit.ece, digits: 4)))
        }
        if let sampleSize {
            for model in sampleSize.models {
                writer.append(row(model.name, "buderer_n", "n", model.budererN.map(String.init) ?? MetricsText.notAvailable))
            }
            for power in sampleSize.comparisons {
                let name = "\(power.a) vs \(power.b)"
                writer.append(row(name, "power", "score", MetricsText.decimal(power.power, digits: 4)))
                writer.append(row(name, "cases_needed", "n", power.casesNeeded.map { $0 < 1e9 ? String(Int($0.rounded(.up))) : MetricsText.decimal($0, digits: 0) } ?? MetricsText.notAvailable))
            }
        }
        if let curve = decisionCurve {
            for tenth in 1...9 {
                let pt = Double(tenth) / 10
                guard let i = curve.thresholds.firstIndex(where: { abs($0 - pt) < 1e-12 }) else { continue }
                let measure = "net_benefit@\(MetricsText.decimal(pt, digits: 2))"
                for model in curve.models {
                    writer.append(row(model.name, measure, "score", MetricsText.decimal(model.netBenefit[i], digits: 4)))
                }
                writer.append(row("treat_all", measure, "score", MetricsText.decimal(curve.treatAll[i], digits: 4)))
            }
        }
        for analysis in subgroups ?? [] {
            for group in analysis.groups {
                for model in group.models {
                    let prefix = "subgroup:\(analysis.column)=\(group.label):"
                    for (name, summary) in [("sensitivity", model.sensitivity), ("specificity", model.specificity),
                                            ("accuracy", model.accuracy)] {
                        var cells = [model.name, prefix + name, "%", MetricsText.percentNumber(summary.value), "\(summary.x)", "\(summary.n)"]
                        for method in BinomialInterval.allCases {
                            cells += summary.interval(method).map { [MetricsText.percentNumber($0.lower), MetricsText.percentNumber($0.upper)] }
                                ?? [MetricsText.notAvailable, MetricsText.notAvailable]
                        }
                        writer.append(cells + ["", "", "", ""])
                    }
                    var auc = row(model.name, prefix + "auc", "%", MetricsText.percentNumber(model.auc))
                    auc[width - 4] = model.aucCI.map { MetricsText.percentNumber($0.lower) } ?? MetricsText.notAvailable
                    auc[width - 3] = model.aucCI.map { MetricsText.percentNumber($0.upper) } ?? MetricsText.notAvailable
                    writer.append(auc)
                }
            }
        }
    }
}
