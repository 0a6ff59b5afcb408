import Foundation

/// The report step: an evaluation folder to `report.html`, `report.pdf` and figures.
enum ReportStep {
    static func write(evaluation: URL, to out: URL) throws {}
}
