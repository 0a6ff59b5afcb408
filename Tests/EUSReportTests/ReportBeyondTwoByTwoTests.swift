import EUSRender
import EUSReport
import EUSStats
import EUSSupport
import Foundation
import XCTest

/// The report's sections beyond the 2×2 table: calibration and clinical utility, subgroups and
/// "was the study big enough?", in the HTML and the PDF, with their figures.
final class ReportBeyondTwoByTwoTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    /// A manifest for the fixture's 29 cases: scanner alternating, size growing with the row.
    func writeManifest(in root: URL) throws -> URL {
        let table = try CSVTable(contentsOf: ReportFixture.predictionsCSV)
        var writer = CSVWriter(header: ["case_id", "path", "label", "scanner", "semi_axis_along_px"])
        for (i, row) in table.rows.enumerated() {
            writer.append([row[0], "x.png", row[1], i % 2 == 0 ? "radial" : "linear", String(20 + 3 * i)])
        }
        let url = root.appendingPathComponent("manifest.csv")
        try writer.text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testSectionsFiguresAndMetricsWithSubgroups() throws {
        let root = ReportFixture.temporaryFolder("beyond")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = ReportFixture.options
        options.subgroups = [SubgroupRequest(column: "scanner"), SubgroupRequest(column: "semi_axis_along_px")]
        options.manifest = try writeManifest(in: root)
        let input = try ReportInput.load(ReportFixture.predictionsCSV, options: options)
        let analyses = try XCTUnwrap(input.metrics.subgroups)
        XCTAssertEqual(analyses.map(\.kind), ["categorical", "numeric"])
        XCTAssertEqual(analyses[1].cut, 62, "median of 20, 23, …, 104")
        let out = root.appendingPathComponent("report")
        let result = try ReportWriter.write(input, to: out, templates: .embedded)
        XCTAssertEqual(result.sections, ReportSection.shown(crossValidated: false, subgroups: true))
        XCTAssert(result.sections.contains(.subgroups))
        try ReportFixture.checkFigures(out, expected: ["calibration", "confusion", "decision_curve", "flow", "forest", "roc",
                                                       "subgroup_forest"])
        let html = try ReportFixture.text(out.appendingPathComponent("report.html"))
        for id in ["clinical-utility", "subgroups", "sample-size", "figure-decision_curve", "figure-subgroup_forest"] {
            XCTAssert(html.contains("id=\"\(id)\""), id)
        }
        for text in ["Calibration and clinical utility", "Was the study big enough?", "Subgroups by scanner",
                     "Subgroups by semi_axis_along_px (numeric, cut at 62.00 (the median))", "Buderer", "not evidence that the networks are equivalent"] {
            XCTAssert(html.contains(text), text)
        }
        let pdf = try Data(contentsOf: out.appendingPathComponent("report.pdf"))
        XCTAssertEqual(PDFInfo.pageCount(of: pdf), result.pdfPages)
        XCTAssertGreaterThanOrEqual(result.pdfPages, result.sections.count)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
        for key in ["decision_curve", "calibration", "subgroups", "sample_size"] { XCTAssertNotNil(json[key], key) }
        let csv = try ReportFixture.text(out.appendingPathComponent("metrics.csv"))
        XCTAssert(csv.contains("resnet34,subgroup:scanner=radial:sensitivity,%"))
        XCTAssert(csv.contains("resnet34,calibration_slope,score"))
    }

    func testWithoutSubgroupsThereIsNoSubgroupSection() throws {
        let input = try ReportInput.load(ReportFixture.predictionsCSV, options: ReportFixture.options)
        XCTAssertNil(input.metrics.subgroups)
        let context = ReportContext(input: input, figures: ReportFigures.all(for: input), reportTimings: [])
        XCTAssertFalse(context.sections.map(\.section).contains(.subgroups))
        XCTAssert(context.sections.map(\.section).contains(.clinicalUtility))
    }

    func testAMissingSubgroupColumnNamesTheManifestAndTheColumn() throws {
        let root = ReportFixture.temporaryFolder("beyond-missing")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = ReportFixture.options
        options.subgroups = [SubgroupRequest(column: "lesion_size_mm")]
        options.manifest = try writeManifest(in: root)
        XCTAssertThrowsError(try ReportInput.load(ReportFixture.predictionsCSV, options: options)) { error in
            let message = (error as? UserError)?.message ?? "\(error)"
            XCTAssert(message.contains("manifest.csv") && message.contains("lesion_size_mm") && message.contains("no such column"), message)
        }
        options.manifest = nil
        XCTAssertThrowsError(try ReportInput.load(ReportFixture.predictionsCSV, options: options)) { error in
            XCTAssert(((error as? UserError)?.message ?? "").contains("--manifest"), "\(error)")
        }
    }

    /// The summary claims clinical utility only where the decision curve shows net benefit.
    func testSummaryMentionsClinicalUtilityOnlyWhereTheCurveSupportsIt() throws {
        let root = ReportFixture.temporaryFolder("beyond-summary")
        defer { try? FileManager.default.removeItem(at: root) }
        func summary(_ a: [Double], _ b: [Double]) throws -> String {
            var writer = CSVWriter(header: ["case_id", "label", "resnet34", "resnet50"])
            for i in 0..<12 { writer.append(["c\(i)", i < 6 ? "GIST" : "LM", "\(a[i])", "\(b[i])"]) }
            let url = root.appendingPathComponent("p\(a[0])\(b[0]).csv")
            try writer.text.write(to: url, atomically: true, encoding: .utf8)
            let input = try ReportInput.load(url, options: ReportFixture.options)
            let context = ReportContext(input: input, figures: [], reportTimings: [])
            return context.sections[0].blocks.compactMap { block -> String? in
                if case .paragraph(let text) = block, text.hasPrefix("Decision-curve analysis") { return text }
                return nil
            }.joined()
        }
        let constant = [Double](repeating: 0.5, count: 12)
        let none = try summary(constant, constant)
        XCTAssert(none.contains("neither network adds net benefit"), none)
        XCTAssert(none.contains("no support for clinical utility"), none)
        let perfect = (0..<12).map { $0 < 6 ? 0.9 : 0.1 }
        let one = try summary(perfect, constant)
        XCTAssert(one.contains("net benefit over treating all or none for ResNet-34 for threshold probabilities within 11%–90%"), one)
        XCTAssert(one.contains("none for ResNet-50"), one)
    }
}
