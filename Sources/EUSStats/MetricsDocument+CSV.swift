import Foundation
import EUSSupport

extension MetricsDocument {
    /// The header of metrics.csv. `unit` says how `value` and the bounds are printed:
    /// `%` (percent, 2 decimals; AUC too), `ratio` (2 decimals)
    /// or `score` (4 decimals). x and n are given for proportions only.
    public static let csvHeader: [String] = {
        var header = ["model", "measure", "unit", "value", "x", "n"]
        for method in BinomialInterval.allCases {
            header += ["\(method.rawValue)_lower", "\(method.rawValue)_upper"]
        }
        return header + ["delong_lower", "delong_upper", "bootstrap_lower", "bootstrap_upper"]
    }()

    /// metrics.csv: one row per model per measure, as a paper prints them. Proportions
    /// (sensitivity, specificity, PPV, NPV, accuracy) carry x, n and every binomial interval;
    /// AUC its DeLong and bootstrap intervals; F1 and balanced accuracy are percentages;
    /// LR± ratios; Brier a score. Undefined values are "n/a"; cells that do not apply are empty.
    /// A cross-validation adds its per-fold and across-fold rows after these
    /// (`CrossValidationSummary.appendCSVRows`).
    public func csv() -> String {
        var writer = CSVWriter(header: MetricsDocument.csvHeader)
        let blankIntervals = [String](repeating: "", count: 2 * BinomialInterval.allCases.count)
        for model in models {
            for (name, summary) in model.proportions.ordered {
                var row = [model.name, name.rawValue, "%", MetricsText.percentNumber(summary.value), "\(summary.x)", "\(summary.n)"]
                for method in BinomialInterval.allCases { row += MetricsDocument.bounds(summary.interval(method)) }
                writer.append(row + ["", "", "", ""])
            }
            let auc = model.auc
            writer.append([model.name, "auc", "%", MetricsText.percentNumber(auc.value), "", ""] + blankIntervals
                + MetricsDocument.bounds(auc.delongCI) + MetricsDocument.bounds(auc.bootstrapCI))
            let scalars: [(String, String, String)] = [
                ("f1", "%", MetricsText.percentNumber(model.f1)),
                ("balanced_accuracy", "%", MetricsText.percentNumber(model.balancedAccuracy)),
                ("lr_positive", "ratio", MetricsText.decimal(model.lrPositive)),
                ("lr_negative", "ratio", MetricsText.decimal(model.lrNegative)),
                ("brier", "score", MetricsText.decimal(model.brier, digits: 4)),
            ]
            for (name, unit, value) in scalars {
                writer.append([model.name, name, unit, value, "", ""] + blankIntervals + ["", "", "", ""])
            }
        }
        appendBeyondTwoByTwoRows(to: &writer)
        crossValidation?.appendCSVRows(to: &writer)
        return writer.text
    }

    private static func bounds(_ interval: Interval?) -> [String] {
        guard let interval else { return [MetricsText.notAvailable, MetricsText.notAvailable] }
        return [MetricsText.percentNumber(interval.lower), MetricsText.percentNumber(interval.upper)]
    }
}
