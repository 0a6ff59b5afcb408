import EUSRender
import EUSStats
import EUSSupport
import Foundation

/// Writes a report folder: `report.html`, `report.pdf`, `figures/<name>.{pdf,svg,png}`,
/// `metrics.json`, `metrics.csv` and `predictions.csv`. Everything is built in a hidden staging
/// folder and renamed into place at the end (`AtomicOutput.buildDirectory`), so a failed run
/// leaves no half-written report and an earlier report survives until the new one is complete.
public enum ReportWriter {
    public struct Result: Sendable {
        public var folder: URL
        public var figures: [String]
        public var pdfPages: Int
        public var sections: [ReportSection]
    }

    /// Writes the report for `input` into `destination`. `templates` is where the HTML
    /// templates come from (see `TemplateLibrary`).
    @discardableResult
    public static func write(_ input: ReportInput, to destination: URL, templates: TemplateLibrary.Source = .automatic) throws -> Result {
        let library = try TemplateLibrary.load(templates)
        let figures = ReportFigures.all(for: input)
        let progress = Progress(title: "report", total: figures.count + 3)
        var timings: [(name: String, seconds: Double)] = []
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            let value = try body()
            timings.append((name, Date().timeIntervalSince(start)))
            progress.advance(detail: name)
            return value
        }
        return try AtomicOutput.buildDirectory(at: destination) { staging in
            let figureFolder = staging.appendingPathComponent("figures")
            try AtomicOutput.createDirectory(figureFolder)
            for figure in figures {
                try timed("figure \(figure.name)") { _ = try figure.write(to: figureFolder) }
            }
            try timed("metrics files") {
                try JSONFile.write(input.metrics, to: staging.appendingPathComponent("metrics.json"))
                try AtomicOutput.write(input.metrics.csv(), to: staging.appendingPathComponent("metrics.csv"))
                try AtomicOutput.write(predictionsCSV(input), to: staging.appendingPathComponent("predictions.csv"))
            }
            let context = ReportContext(input: input, figures: figures, reportTimings: timings)
            let pdf = try timed("report.pdf") { try ReportPDF(context: context).render() }
            try AtomicOutput.write(pdf, to: staging.appendingPathComponent("report.pdf"))
            let html = try timed("report.html") { try ReportHTML(context: context, library: library).render() }
            try AtomicOutput.write(html, to: staging.appendingPathComponent("report.html"))
            try AtomicOutput.write(context.checklistCSV, to: staging.appendingPathComponent("checklist.csv"))
            progress.finish(detail: destination.path)
            return Result(folder: destination, figures: figures.map(\.name), pdfPages: PDFInfo.pageCount(of: pdf),
                          sections: context.sections.map(\.section))
        }
    }

    /// The per-case table: the evaluation folder's `predictions.csv` as it is, or, for a bare
    /// predictions CSV, `case_id,label,<model>...,<model>_call...,<model>_correct...`.
    static func predictionsCSV(_ input: ReportInput) -> Data {
        if input.kind == .evaluationFolder { return input.predictionsCSV }
        let models = input.modelNames
        var writer = CSVWriter(header: ["case_id", "label"] + models + models.map { "\($0)_call" } + models.map { "\($0)_correct" })
        for item in input.cases {
            let calls = item.calls(threshold: input.threshold).map { $0 ? input.metrics.positiveClass : input.metrics.negativeClass }
            let correct = item.correct(threshold: input.threshold).map { $0 ? "1" : "0" }
            writer.append([item.id, item.label] + item.probabilities.map { String($0) } + calls + correct)
        }
        return Data(writer.text.utf8)
    }
}
