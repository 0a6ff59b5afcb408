import ArgumentParser
import EUSPipeline
import EUSStats
import EUSSupport
import Foundation

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Compute diagnostic-accuracy statistics from a predictions CSV.",
        discussion: """
        Reads PREDICTIONS.csv (case_id,label,<model>...: each model column holds P(positive) \
        in [0,1]; columns path, mask_path, patient_id, partition and *_call, *_correct, \
        *_cam_energy, *_cam_hit are ignored) and writes:

          DIR/metrics.json  every number, for `eus-report report` and for scripts
          DIR/metrics.csv   one row per model per measure, percentages with 2 decimals

        and prints a summary, one model per column.

        Per model: the 2x2 table at the threshold (P(positive) >= threshold is called \
        positive); sensitivity, specificity, PPV, NPV and accuracy with 95% Wald (clipped), \
        Wilson, Wilson-CC, Clopper-Pearson, Agresti-Coull and Jeffreys intervals; F1, balanced \
        accuracy, LR+ and LR-; AUC with its DeLong CI and a stratified bootstrap CI (2000 \
        resamples, seed 1); the ROC curve; the Brier score and a 10-bin reliability table; the \
        Youden threshold (exploratory). Per pair of models: the paired DeLong test, McNemar's \
        exact and continuity-corrected tests, and the agreement table. Beyond the 2x2 table: decision curves (net benefit for p_t 0.01-0.99), the logistic recalibration intercept and slope with Wald CIs and the ECE, and the sample size (CI half-widths, Buderer's n, the power of the paired DeLong comparison as pROC's power.roc.test computes it). With --subgroup COLUMN and --manifest FILE: the same accuracy per subgroup.

        Columns reader:NAME hold endosonographers' calls (GIST, LM or blank for unread; \
        reader:NAME+ai the same reader with the networks in view): each reader's 2x2 table and \
        proportions, every network and assisted reading against the reader (differences in \
        sensitivity and specificity with Newcombe CIs, exact McNemar), Cohen's kappa for every \
        pair and Fleiss' kappa over the readers. With patient_id and a patient of several \
        images: per-patient metrics (--patient-aggregation) and a patient-level bootstrap CI \
        of the AUC.

        Example:
          eus-report metrics eval/predictions.csv --out output/metrics --positive GIST
        """
    )

    @Argument(help: "The predictions CSV (case_id,label,<model>...).")
    var predictions: String

    @Option(help: "The output folder for metrics.json and metrics.csv.")
    var out: String

    @Option(help: "The positive class: the class whose probability the model columns hold.")
    var positive: String = "GIST"

    @Option(parsing: .unconditional, help: "Call a case positive when P(positive) >= this value.")
    var threshold: Double = 0.5

    @OptionGroup var patients: PatientOptions
    @OptionGroup var subgroups: SubgroupOptions
    @OptionGroup var decisionCurve: DecisionCurveOptions

    @Option(help: ArgumentHelp("The CSV with case_id and the --subgroup columns, e.g. the data's manifest.csv (needed with --subgroup).", valueName: "file"))
    var manifest: String?

    func validate() throws {
        if !subgroups.subgroup.isEmpty, manifest == nil {
            throw ValidationError("--subgroup needs --manifest FILE: a predictions CSV holds no subgroup columns")
        }
        guard threshold.isFinite, threshold >= 0, threshold <= 1 else {
            throw ValidationError("--threshold must be in [0,1] (got \(threshold))")
        }
    }

    func run() throws {
        do {
            let table = try PredictionTable(contentsOf: URL(fileURLWithPath: predictions))
            let source = threshold == 0.5 ? "fixed at 0.5 before evaluation" : "set to \(threshold) with --threshold"
            var document = try MetricsComputer.compute(table, positiveClass: positive, threshold: threshold,
                                                       thresholdSource: source, patientAggregation: patients.aggregation)
            if let grid = try decisionCurve.grid() {
                document.decisionCurve = try MetricsComputer.decisionCurve(table, positiveClass: document.positiveClass, thresholds: grid)
            }
            if let manifest, !subgroups.subgroup.isEmpty {
                document.subgroups = try SubgroupAnalysis.analyse(try subgroups.requests(), manifest: CSVTable(contentsOf: URL(fileURLWithPath: manifest)),
                                                                  table: table, positiveClass: document.positiveClass, threshold: threshold)
            }
            let folder = URL(fileURLWithPath: out)
            try AtomicOutput.checkSeparate(output: folder, from: [URL(fileURLWithPath: predictions)])
            // Both files or neither: the folder is built aside and swapped in whole.
            Interruption.watch(folder.deletingLastPathComponent(), recursive: false)
            try AtomicOutput.buildDirectory(at: folder) { staging in
                try JSONFile.write(document, to: staging.appendingPathComponent("metrics.json"))
                try AtomicOutput.write(document.csv(), to: staging.appendingPathComponent("metrics.csv"))
            }
            print(document.summaryTable(), terminator: "")
        } catch let error as UserError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
