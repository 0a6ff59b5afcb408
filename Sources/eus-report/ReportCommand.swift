import ArgumentParser
import EUSReport
import EUSSupport
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the validation report (HTML, PDF, figures) from an evaluation folder or a predictions CSV.",
        discussion: """
        INPUT is either
          - an evaluation folder written by `eus-report evaluate` (eval.json, predictions.csv, \
        cams/<model>/<case>.png, histories/, configs/): the full report, with the data flow, \
        training, Grad-CAM gallery and misclassified-case audit; or
          - a predictions CSV as `eus-report metrics` accepts (case_id,label,<model>...): the \
        statistics and figures, with the image and Grad-CAM pages saying that they are absent.

        The report folder (written to a hidden temporary folder, then renamed into place):
          report.html        one self-contained file (images embedded, works offline)
          report.pdf         A4, one section per page or more, page numbers
          figures/           roc, confusion, forest, calibration, flow[, training, gradcam_gallery]
                             each as .pdf (vector), .svg and .png (300 dpi, 85 or 178 mm wide)
          metrics.json, metrics.csv, predictions.csv

        The HTML templates come from $EUS_REPORT_TEMPLATES, else from a templates/ folder found \
        above the executable or the current directory, else from the copy built into eus-report \
        (--templates overrides all three).

        Example:
          eus-report report eval/ --out output/study
          eus-report report other-trainer.csv --out output/csv-report --threshold 0.4
        """
    )

    @Argument(help: "An evaluation folder or a predictions CSV.")
    var input: String

    @Option(help: "The report folder to write (replaced as a whole when the report is complete).")
    var out: String

    @Option(help: "The positive class: the class whose probability the model columns hold.")
    var positive: String = "GIST"

    @Option(help: "Call a case positive when P(positive) >= this value (default: eval.json's threshold, else 0.5).")
    var threshold: Double?

    @Option(help: "A folder of Mustache templates to use instead of the default ones.")
    var templates: String?

    @Flag(help: "Print no progress.")
    var quiet = false

    func validate() throws {
        if let threshold, !(threshold.isFinite && threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0,1] (got \(threshold))")
        }
    }

    func run() throws {
        do {
            Progress.enabled = !quiet
            let options = ReportInput.Options(threshold: threshold, positiveClass: positive)
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
