import ArgumentParser
import EUSReport
import EUSSupport
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the validation report (HTML, PDF, figures) from an evaluation folder or a predictions CSV.",
        discussion: """
        INPUT is an evaluation folder written by `eus-report evaluate` (eval.json, \
        predictions.csv, cams/, histories/, configs/), which gives the full report, \
        or a predictions CSV as `eus-report metrics` accepts it \
        (case_id,label,<model>...), which gives the statistics and figures; the \
        image and Grad-CAM parts then say that they are absent.

        The report folder (built under a temporary name, then renamed into place):
          report.html      one self-contained file, works offline
          report.pdf       A4 with page numbers, one section per page or more
          figures/         roc, confusion, forest, calibration, flow,
                           decision_curve, and training, gradcam_gallery and
                           subgroup_forest when the input has them,
                           each as .pdf, .svg and 300 dpi .png (85 or 178 mm)
          metrics.json, metrics.csv, predictions.csv
          checklist.csv    CLAIM 2024 and STARD 2015, filled in from the run

        reader:NAME columns (endosonographers' calls) add the Readers section and the \
        readers' points on the ROC figure; patient_id with several images per patient adds \
        the Per-patient analysis (see `eus-report metrics --help`).

        Beyond the 2x2 table the report has decision curves (net benefit of \
        managing a lesion as GIST when P(GIST) >= p_t, against treating all and \
        none), the recalibration intercept and slope with their CIs and the ECE, \
        and "was the study big enough?" (CI half-widths, Buderer's n, the power of \
        the paired DeLong test). --subgroup COLUMN adds a Subgroups section from a \
        manifest column: the evaluation's own manifest (or manifest.csv in its data \
        folder), or --manifest FILE for a predictions CSV.

        HTML templates: --templates DIR, else $EUS_REPORT_TEMPLATES, else the \
        copy built into eus-report (a templates/ folder nearby is never used \
        unasked).

        Examples:
          eus-report report eval/ --out output/study
          eus-report report other.csv --out output/other --threshold 0.4
          eus-report report eval/ --out output/study --subgroup scanner \\
            --subgroup semi_axis_along_px --subgroup-cut semi_axis_along_px=40
        """
    )

    @Argument(help: "An evaluation folder or a predictions CSV.")
    var input: String

    @Option(help: "The report folder to write (replaced as a whole when the report is complete).")
    var out: String

    @Option(help: "The positive class: the class whose probability the model columns hold.")
    var positive: String = "GIST"

    @Option(parsing: .unconditional, help: "Call a case positive when P(positive) >= this value (default: eval.json's threshold, else 0.5).")
    var threshold: Double?

    @Option(help: "A folder of Mustache templates to use instead of the default ones.")
    var templates: String?

    @OptionGroup var subgroups: SubgroupOptions
    @OptionGroup var decisionCurve: DecisionCurveOptions

    @Option(help: ArgumentHelp("The CSV with case_id and the --subgroup columns (default: the evaluation's data manifest, or the manifest.csv in its data folder).", valueName: "file"))
    var manifest: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var patients: PatientOptions

    func validate() throws {
        if let threshold, !(threshold.isFinite && threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0,1] (got \(threshold))")
        }
    }

    func run() throws {
        do {
            output.apply()
            try AtomicOutput.checkSeparate(output: URL(fileURLWithPath: out), from: [URL(fileURLWithPath: input)])
            var options = ReportInput.Options(threshold: threshold, positiveClass: positive)
            options.patientAggregation = patients.aggregation
            options.subgroups = try subgroups.requests()
            options.manifest = manifest.map { URL(fileURLWithPath: $0) }
            options.decisionThresholds = try decisionCurve.grid()
            let report = try ReportInput.load(URL(fileURLWithPath: input), options: options)
            let source: TemplateLibrary.Source = templates.map { .folder(URL(fileURLWithPath: $0)) } ?? .automatic
            let result = try ReportWriter.write(report, to: URL(fileURLWithPath: out), templates: source)
            print("report: \(result.folder.appendingPathComponent("report.html").path)")
            print("        \(result.folder.appendingPathComponent("report.pdf").path) (\(result.pdfPages) pages)")
        } catch let error as UserError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
