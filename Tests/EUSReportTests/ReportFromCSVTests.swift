import EUSReport
import EUSRender
import EUSStats
import EUSSupport
import Foundation
import XCTest

/// A report from a bare predictions CSV with two models: statistics and figures, with the
/// image and Grad-CAM parts saying that they are absent.
final class ReportFromCSVTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    /// The sections in order, with the anchors and titles the HTML and the PDF show.
    func testSectionsInOrder() {
        XCTAssertEqual(ReportSection.allCases.map(\.id),
                       ["summary", "data", "cross-validation", "metrics", "figures", "paired-tests", "readers", "patients",
                        "clinical-utility", "subgroups", "sample-size", "training", "gradcam", "audit", "reproducibility", "checklist"])
        XCTAssertEqual(ReportSection.allCases.map(\.title),
                       ["Summary", "Data and flow", "Cross-validation", "Diagnostic accuracy", "Figures", "Paired comparison", "Readers",
                        "Per-patient analysis", "Calibration and clinical utility", "Subgroups", "Was the study big enough?", "Training",
                        "Grad-CAM gallery", "Misclassified-case audit", "Reproducibility", "Reporting checklist"])
    }

    func testReportFromPredictionsCSV() throws {
        let root = ReportFixture.temporaryFolder("csv")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = try ReportInput.load(ReportFixture.predictionsCSV, options: ReportFixture.options)
        XCTAssertEqual(input.modelNames, ["resnet34", "resnet50"])
        XCTAssertEqual(input.cases.count, 29)
        let out = root.appendingPathComponent("report")
        let result = try ReportWriter.write(input, to: out, templates: .embedded)

        for name in ["report.html", "report.pdf", "metrics.json", "metrics.csv", "predictions.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        try ReportFixture.checkFigures(out, expected: ["calibration", "confusion", "decision_curve", "flow", "forest", "roc"])

        let pdf = try Data(contentsOf: out.appendingPathComponent("report.pdf"))
        XCTAssertGreaterThanOrEqual(PDFInfo.pageCount(of: pdf), ReportSection.shown(crossValidated: false).count)
        XCTAssertEqual(result.pdfPages, PDFInfo.pageCount(of: pdf))

        let html = try ReportFixture.text(out.appendingPathComponent("report.html"))
        for section in ReportSection.shown(crossValidated: false) {
            XCTAssertTrue(html.contains("id=\"\(section.id)\""), "HTML lacks section \(section.id)")
            XCTAssertTrue(html.contains("href=\"#\(section.id)\""), "table of contents lacks \(section.id)")
        }
        XCTAssertEqual(ReportFixture.externalReferences(in: html), [])
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "the HTML mentions a URL")
        XCTAssertTrue(html.contains("No Grad-CAM overlays"), "the gallery should say that overlays are absent")
        XCTAssertFalse(html.contains("SYNTHETIC PHANTOM DATA"), "a CSV is not known to be synthetic")
        // Honest wording: threshold, single hold-out, wide intervals.
        XCTAssertTrue(html.contains("the threshold was the default 0.5, not tuned on these cases"))
        XCTAssertTrue(html.contains("single stratified hold-out split"))
        XCTAssertTrue(html.contains("confidence intervals are wide"))
        // The sortable case table has one row per case, flagged when either model was wrong.
        XCTAssertEqual(html.components(separatedBy: "data-wrong=\"").count - 1, 29)
        XCTAssertEqual(html.components(separatedBy: "data-wrong=\"1\"").count - 1, input.misclassified.count)
        XCTAssertEqual(input.misclassified.count, 6, "fixture: 3 + 5 errors, 2 shared")

        let written = try JSONFile.read(MetricsDocument.self, from: out.appendingPathComponent("metrics.json"))
        XCTAssertEqual(written, input.metrics)
        XCTAssertEqual(written.models.map { $0.proportions.accuracy.x }, [26, 24])

        let predictions = try CSVTable(contentsOf: out.appendingPathComponent("predictions.csv"))
        XCTAssertEqual(predictions.header, ["case_id", "label", "resnet34", "resnet50", "resnet34_call", "resnet50_call", "resnet34_correct", "resnet50_correct"])
        XCTAssertEqual(predictions.rows.count, 29)
        let g03 = try XCTUnwrap(predictions.rows.first { $0[0] == "G03" })
        XCTAssertEqual(Array(g03[4...7]), ["LM", "LM", "0", "0"])
    }

    func testExternalReferenceCheckFindsWhatItShould() {
        let html = ##"<a href="#summary">s</a><img src='data:image/png;base64,AAAA'><script src="//cdn.example/x.js"></script><link href=/tmp/a.css><img SRC="http://x/y.png"><a href="figures/roc.pdf">"##
        XCTAssertEqual(ReportFixture.externalReferences(in: html), ["//cdn.example/x.js", "/tmp/a.css", "http://x/y.png", "figures/roc.pdf"])
    }

    func testThresholdOptionChangesCallsAndWording() throws {
        let input = try ReportInput.load(ReportFixture.predictionsCSV, options: ReportInput.Options(threshold: 0.3, bootstrapResamples: 0))
        XCTAssertEqual(input.metrics.threshold, 0.3)
        XCTAssertEqual(input.metrics.thresholdSource, "set to 0.3 on the command line")
        let calledPositive = input.cases.filter { $0.calls(threshold: 0.3)[0] }.count
        XCTAssertEqual(calledPositive, input.metrics.models[0].confusion.tp + input.metrics.models[0].confusion.fp)
    }

    func testMissingInputNamesThePath() {
        XCTAssertThrowsError(try ReportInput.load(URL(fileURLWithPath: "/nonexistent/predictions.csv"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/predictions.csv"), "\(error)")
        }
        let empty = ReportFixture.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try ReportInput.load(empty)) { error in
            XCTAssertTrue("\(error)".contains("no predictions.csv"), "\(error)")
        }
    }

    /// A predictions CSV with a fold column gives the same cross-validation section as
    /// `run --folds`: the per-fold figure and tables, and the corrected t-tests.
    func testPredictionsWithAFoldColumnGiveTheCrossValidationSection() throws {
        let root = ReportFixture.temporaryFolder("folds")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = try CSVTable(contentsOf: ReportFixture.predictionsCSV)
        var writer = CSVWriter(header: source.header + ["fold"])
        for (index, row) in source.rows.enumerated() { writer.append(row + [String(index % 3 + 1)]) }
        let csv = root.appendingPathComponent("oof.csv")
        try AtomicOutput.write(writer.text, to: csv)
        let input = try ReportInput.load(csv, options: ReportFixture.options)
        let cv = try XCTUnwrap(input.metrics.crossValidation)
        XCTAssertEqual(cv.folds, 3)
        XCTAssertEqual(input.cases.count, source.rows.count, "every case once")
        let out = root.appendingPathComponent("report")
        let result = try ReportWriter.write(input, to: out, templates: .embedded)
        XCTAssertEqual(result.sections, ReportSection.shown(crossValidated: true))
        try ReportFixture.checkFigures(out, expected: ["calibration", "confusion", "decision_curve", "flow", "folds", "forest", "roc"])
        let html = try ReportFixture.text(out.appendingPathComponent("report.html"))
        for words in ["id=\"cross-validation\"", "corrected resampled t-test", "Per fold: accuracy", "Across the 3 folds"] {
            XCTAssertTrue(html.contains(words), "HTML lacks \(words)")
        }
        let pdf = String(decoding: try Data(contentsOf: out.appendingPathComponent("report.pdf")), as: UTF8.self)
        XCTAssertTrue(pdf.contains("/Title (3. Cross-validation)"))
    }
}
