import ArgumentParser
import EUSStats
import EUSSupport
import Foundation

/// `--readers readers.csv` for `run` and `evaluate`.
struct ReaderOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Endosonographers' calls of the same images: case_id,<reader>..., each cell GIST, LM or \
        blank (not read); a column expert1+ai is expert1 reading with the networks' output. \
        The report adds each reader's accuracy, every network against every reader (differences \
        in sensitivity and specificity with Newcombe CIs, exact McNemar), Cohen's and Fleiss' \
        kappa, and the readers as points on the ROC figure. Hold-out only.
        """, valueName: "readers.csv"))
    var readers: String?
}

extension PatientAggregation: ExpressibleByArgument {}

/// `--patient-aggregation mean|max` for `metrics` and `report`.
struct PatientOptions: ParsableArguments {
    @Option(name: .customLong("patient-aggregation"), help: ArgumentHelp("""
        With a patient_id column and a patient with several images: a patient's P(positive) is \
        the mean or the max over its images, for the per-patient tables (the per-image tables \
        are unchanged).
        """, valueName: "mean|max"))
    var aggregation: PatientAggregation = .mean
}

extension ReaderOptions {
    /// The readers' file, refused beside `--folds`: reader calls are compared with one
    /// hold-out evaluation's predictions.
    func holdOutReaders(folds: Bool) throws -> URL? {
        guard let readers else { return nil }
        if folds { throw UserError("--readers: reader calls are analysed beside a hold-out evaluation, not with --folds") }
        return URL(fileURLWithPath: readers)
    }
}
