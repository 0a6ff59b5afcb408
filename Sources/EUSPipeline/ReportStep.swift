import Foundation
import EUSSupport
import EUSReport
import EUSStats

/// The report step of `run` and `demo`: EUSReport's writer on the evaluation folder, with the
/// positive class and seed that the evaluation recorded.
enum ReportStep {
    static func write(evaluation: URL, to out: URL, subgroups: [SubgroupRequest] = []) throws {
        let document = try JSONFile.read(EvaluationDocument.self, from: evaluation.appendingPathComponent("eval.json"))
        Interruption.watch(out.deletingLastPathComponent(), recursive: false)
        var options = ReportInput.Options(threshold: document.threshold, positiveClass: document.data.positiveClass,
                                          seed: document.seed)
        options.subgroups = subgroups
        try ReportWriter.write(try ReportInput.load(evaluation, options: options), to: out)
    }
}
