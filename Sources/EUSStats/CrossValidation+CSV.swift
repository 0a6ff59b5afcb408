import Foundation
import EUSSupport

extension CrossValidationSummary {
    /// metrics.csv's cross-validation rows, after the hold-out-shaped rows and in the same
    /// columns (`MetricsDocument.csvHeader`), network by network:
    /// - per fold, measure `cv_r<repeat>_f<fold>_<name>` for sensitivity, specificity, ppv, npv
    ///   and accuracy (with x, n and every binomial interval, so the fold's 2×2 table is there:
    ///   TP and TP+FN on the sensitivity row, TN and TN+FP on the specificity row) and auc
    ///   (value only);
    /// - across folds, measures `cv_mean_<name>`, `cv_sd_<name>`, `cv_min_<name>` and
    ///   `cv_max_<name>` for the same six, the SD in percentage points.
    /// Every value is a percentage with 2 decimals; undefined values are "n/a".
    public func appendCSVRows(to writer: inout CSVWriter) {
        let blankIntervals = [String](repeating: "", count: 2 * BinomialInterval.allCases.count)
        let blankAUC = ["", "", "", ""]
        for (index, across) in acrossFolds.enumerated() {
            for fold in perFold {
                let model = fold.models[index]
                let prefix = "cv_r\(fold.repeatNumber)_f\(fold.fold)_"
                for (name, summary) in model.proportions.ordered {
                    var row = [model.name, prefix + name.rawValue, "%", MetricsText.percentNumber(summary.value), "\(summary.x)", "\(summary.n)"]
                    for method in BinomialInterval.allCases {
                        row += summary.interval(method).map { [MetricsText.percentNumber($0.lower), MetricsText.percentNumber($0.upper)] }
                            ?? [MetricsText.notAvailable, MetricsText.notAvailable]
                    }
                    writer.append(row + blankAUC)
                }
                writer.append([model.name, prefix + "auc", "%", MetricsText.percentNumber(model.auc), "", ""] + blankIntervals + blankAUC)
            }
            for (name, spread) in across.ordered {
                let statistics: [(String, Double?)] = [("mean", spread.mean), ("sd", spread.sd), ("min", spread.min), ("max", spread.max)]
                for (statistic, value) in statistics {
                    writer.append([across.name, "cv_\(statistic)_\(name)", "%", MetricsText.percentNumber(value), "", ""]
                        + blankIntervals + blankAUC)
                }
            }
        }
    }
}
