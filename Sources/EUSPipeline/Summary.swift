import Foundation
import EUSReport
import EUSSupport
import EUSStats

/// The closing words of `run` and `demo`: where the report is, then five lines that say what
/// it found (data, one line per model, the paired comparison, the wall time).
enum Summary {
    static func lines(report: URL, evaluation: URL, seconds: Double, workFolder: URL) throws -> String {
        let metrics = try JSONFile.read(MetricsDocument.self, from: report.appendingPathComponent("metrics.json"))
        let eval = try JSONFile.read(EvaluationDocument.self, from: evaluation.appendingPathComponent("eval.json"))
        var lines = ["Report: \(report.appendingPathComponent("report.html").path)  (PDF: \(report.appendingPathComponent("report.pdf").path))"]
        if let cv = metrics.crossValidation, let design = eval.crossValidation {
            lines.append(foldsDataLine(eval.data, design: design, cv: cv))
            for comparison in cv.comparisons { lines.append(correctedTestLine(comparison, cv)) }
            for model in metrics.models { lines.append("pooled out-of-fold " + modelLine(model)) }
            for comparison in metrics.comparisons { lines.append("pooled, ignoring the folds: " + comparisonLine(comparison)) }
        } else {
            lines.append(dataLine(eval.data))
            for model in metrics.models { lines.append(modelLine(model)) }
            for comparison in metrics.comparisons { lines.append(comparisonLine(comparison)) }
        }
        let steps = stepTotals(eval.steps).map { "\($0.name) \(Progress.clock($0.seconds))" }.joined(separator: ", ")
        lines.append("Wall time \(Progress.clock(seconds)) (\(steps)); models and work files in \(workFolder.path)")
        return lines.joined(separator: "\n")
    }

    static func dataLine(_ data: EvaluationDocument.DataSummary) -> String {
        let (p, n) = (data.positiveClass, data.negativeClass)
        func count(_ partition: String, _ label: String) -> Int { data.counts[partition]?[label] ?? 0 }
        let total = ["train", "validation"].reduce(0) { $0 + count($1, p) + count($1, n) }
        let validation = count("validation", p) + count("validation", n)
        let kind = data.synthetic ? "synthetic phantom" : "images"
        return "Data: \(total) cases (\(count("train", p) + count("validation", p)) \(p), \(count("train", n) + count("validation", n)) \(n); \(kind)); validation \(validation) (\(count("validation", p)) \(p), \(count("validation", n)) \(n))"
    }

    /// The counts come from the predictions themselves (the first repeat's folds).
    static func foldsDataLine(_ data: EvaluationDocument.DataSummary, design: EvaluationDocument.CrossValidationDesign,
                              cv: CrossValidationSummary) -> String {
        let first = cv.perFold.filter { $0.repeatNumber == cv.perFold.first?.repeatNumber }
        let (positives, negatives) = (first.reduce(0) { $0 + $1.nPositive }, first.reduce(0) { $0 + $1.nNegative })
        let (p, n) = (data.positiveClass, data.negativeClass)
        let kind = data.synthetic ? "synthetic phantom" : "images"
        return "Data: \(positives + negatives) cases (\(positives) \(p), \(negatives) \(n); \(kind)); \(design.folds)-fold cross-validation"
            + (design.repeats > 1 ? " × \(design.repeats) repeats" : "") + ", every case predicted out of fold"
    }

    static func correctedTestLine(_ c: CrossValidationComparison, _ cv: CrossValidationSummary) -> String {
        let parts = [("accuracy", c.correctedTTest.accuracy), ("AUC", c.correctedTTest.auc)].map { name, test in
            "\(name) " + CrossValidationSummary.testText(test)
        }
        return "\(c.a) vs \(c.b) over \(cv.perFold.count) folds (corrected resampled t-test): " + parts.joined(separator: "; ")
    }

    /// The fold steps ("fold 2/5: train resnet34") summed by what they did, so the line stays short.
    static func stepTotals(_ steps: [EvaluationDocument.StepTiming]) -> [EvaluationDocument.StepTiming] {
        var totals: [EvaluationDocument.StepTiming] = []
        for step in steps {
            let name = step.name.range(of: ": ").map { "folds: " + step.name[$0.upperBound...] } ?? step.name
            if let index = totals.firstIndex(where: { $0.name == name }) { totals[index].seconds += step.seconds }
            else { totals.append(.init(name: name, seconds: step.seconds)) }
        }
        return totals
    }

    static func modelLine(_ model: ModelMetrics) -> String {
        let accuracy = model.proportions.accuracy
        let auc = model.auc
        return "\(model.name): accuracy \(format(accuracy.value)) (\(accuracy.x)/\(accuracy.n)), "
            + "AUC \(format(auc.value)) [\(format(auc.delongCI.lower))–\(format(auc.delongCI.upper))], "
            + "sensitivity \(format(model.proportions.sensitivity.value)), specificity \(format(model.proportions.specificity.value))"
    }

    static func comparisonLine(_ comparison: ModelComparison) -> String {
        let delong = comparison.delong
        return "\(comparison.a) vs \(comparison.b): AUC difference \(format(delong.aucDiff)), DeLong p = \(format(delong.p)); "
            + "McNemar exact p = \(format(comparison.mcnemar.exactP))"
    }

    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.3f", value)
    }
}
