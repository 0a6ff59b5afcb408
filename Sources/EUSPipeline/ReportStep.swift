import Foundation
import EUSSupport
import EUSReport

/// The report step of `run` and `demo`: EUSReport's writer on the evaluation folder, with the
/// positive class and seed that the evaluation recorded.
enum ReportStep {
    static func write(evaluation: URL, to out: URL) throws {
        let document = try JSONFile.read(EvaluationDocument.self, from: evaluation.appendingPathComponent("eval.json"))
        Interruption.watch(out.deletingLastPathComponent(), recursive: false)
        let options = ReportInput.Options(threshold: document.threshold, positiveClass: document.data.positiveClass,
                                          seed: document.seed)
        try ReportWriter.write(try ReportInput.load(evaluation, options: options), to: out)
    }
}
