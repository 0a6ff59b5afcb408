import EUSImage
import EUSReport
import EUSRender
import EUSSupport
import Foundation
import XCTest

/// A report from a small evaluation folder built in code: every figure, the synthetic banner,
/// embedded images, the gallery and the misclassified-case audit.
final class ReportFromEvaluationTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    func testReportFromEvaluationFolder() throws {
        let root = ReportFixture.temporaryFolder("eval")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ReportFixture.makeEvaluationFolder(in: root)
        let input = try ReportInput.load(folder, options: ReportFixture.options)
        XCTAssertTrue(input.isSynthetic)
        XCTAssertEqual(input.histories.map(\.model), ["resnet34", "resnet50"])
        XCTAssertEqual(input.misclassified.map(\.id), ["G0", "G1", "L0"])
        XCTAssertNotNil(input.images.image(for: input.cases[0]))
        XCTAssertNotNil(input.images.overlay(model: "resnet50", caseID: "L3"))

        let out = root.appendingPathComponent("output/report")
        let result = try ReportWriter.write(input, to: out, templates: .embedded)
        try ReportFixture.checkFigures(out, expected: ["calibration", "confusion", "decision_curve", "flow", "forest", "gradcam_gallery", "roc", "training"])
        XCTAssertEqual(result.figures.count, 8)

        let pdf = try Data(contentsOf: out.appendingPathComponent("report.pdf"))
        XCTAssertGreaterThanOrEqual(PDFInfo.pageCount(of: pdf), ReportSection.shown(crossValidated: false).count)
        XCTAssertTrue(PDFInfo.embedsFonts(pdf))
        let pdfText = String(decoding: pdf, as: UTF8.self)
        // The scans and overlays are the PDF's only rasters, each a JPEG stream (DCTDecode),
        // each distinct one once: the fixture's 4 gray shades (case i of either class) and its
        // 2 flat overlay colours (one per model), drawn in 8 gallery and 3 audit panels. The
        // figures drawn into the pages stay vectors.
        func occurrences(_ needle: String, _ text: String) -> Int { text.components(separatedBy: needle).count - 1 }
        XCTAssertEqual(occurrences("/DCTDecode", pdfText), 4 + 2)
        XCTAssertEqual(occurrences("/Subtype /Image", pdfText), occurrences("/DCTDecode", pdfText), "a raster that is not a JPEG")
        for name in ["roc", "confusion", "forest", "calibration", "flow", "training"] {
            let figure = String(decoding: try Data(contentsOf: out.appendingPathComponent("figures/\(name).pdf")), as: UTF8.self)
            XCTAssertEqual(occurrences("/Subtype /Image", figure), 0, "\(name).pdf holds a raster")
        }
        let gallery = String(decoding: try Data(contentsOf: out.appendingPathComponent("figures/gradcam_gallery.pdf")), as: UTF8.self)
        XCTAssertEqual(occurrences("/DCTDecode", gallery), 4 + 2, "the gallery figure's tiles are JPEG")
        XCTAssertEqual(occurrences("/Subtype /Image", gallery), 4 + 2)
        let gallerySVG = try ReportFixture.text(out.appendingPathComponent("figures/gradcam_gallery.svg"))
        XCTAssertEqual(occurrences("data:image/jpeg;base64,", gallerySVG), 4 + 2)
        XCTAssertFalse(gallerySVG.contains("data:image/png"))
        for (index, section) in ReportSection.shown(crossValidated: false).enumerated() {
            XCTAssertTrue(pdfText.contains("/Title (\(index + 1). \(section.title))"), "no PDF bookmark for \(section.title)")
        }

        let html = try ReportFixture.text(out.appendingPathComponent("report.html"))
        for section in ReportSection.shown(crossValidated: false) { XCTAssertTrue(html.contains("id=\"\(section.id)\""), section.id) }
        XCTAssertEqual(ReportFixture.externalReferences(in: html), [])
        XCTAssertTrue(html.contains("SYNTHETIC PHANTOM DATA"))
        let predictions = try Data(contentsOf: folder.appendingPathComponent("predictions.csv"))
        XCTAssertTrue(html.contains(SHA256.hexDigest(predictions)), "the input predictions' digest is reported")
        let evalJSON = try SHA256.hexDigest(ofFileAt: folder.appendingPathComponent("eval.json"))
        XCTAssertTrue(html.contains(evalJSON), "eval.json's digest is reported")
        // Every case image and overlay is a JPEG data URI: (8 gallery + 3 audit panels) × 3 tiles.
        XCTAssertEqual(html.components(separatedBy: "data:image/jpeg;base64,").count - 1, (8 + 3) * 3, "case images are embedded as JPEG")
        XCTAssertFalse(html.contains("data:image/png"), "no case image is embedded losslessly")
        let firstJPEG = try XCTUnwrap(html.components(separatedBy: "data:image/jpeg;base64,").dropFirst().first?.prefix { $0 != "\"" })
        let thumbnail = try ImageDecoder.decode(try XCTUnwrap(Data(base64Encoded: String(firstJPEG))), source: "report.html")
        XCTAssertEqual([thumbnail.width, thumbnail.height], [24, 24])
        XCTAssertTrue(html.contains("data:image/svg+xml;base64,"), "figures are embedded")
        XCTAssertFalse(html.contains("No Grad-CAM overlays"))
        // The audit has one panel per misclassified case; the gallery one per case.
        XCTAssertEqual(html.components(separatedBy: "<article class=\"case").count - 1, 8 + 3)
        XCTAssertTrue(html.contains("stratified single hold-out"), "the split is described")
        // Cases with mask, blank maps, mean energy, hits; the blank map is left out of both scores.
        XCTAssertTrue(html.contains("<td class=\"num\">8</td><td class=\"num\">0</td><td class=\"num\">60.00%</td><td class=\"num\">8/8 (100.00%)</td>"),
                      "resnet34 localisation")
        XCTAssertTrue(html.contains("<td class=\"num\">8</td><td class=\"num\">1</td><td class=\"num\">30.00%</td><td class=\"num\">4/7 (57.14%)</td>"),
                      "resnet50 localisation")
        XCTAssertTrue(html.contains("A blank map is zero everywhere"), "blank maps are explained")
        XCTAssertTrue(html.contains(String(repeating: "ab", count: 32)), "image digests are listed")
        XCTAssertTrue(html.contains("Configuration of each run") && html.contains(">arch</td>"), "configurations are shown as a table")

        // The evaluation folder's predictions.csv is copied as it is.
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("predictions.csv")),
                       try Data(contentsOf: folder.appendingPathComponent("predictions.csv")))
        // Nothing is left beside the report but the report.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["report"])
    }

    func testThresholdWordingFollowsTheEvaluation() throws {
        let root = ReportFixture.temporaryFolder("wording")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ReportFixture.makeEvaluationFolder(in: root, count: 3)
        let same = try ReportInput.load(folder, options: ReportInput.Options(threshold: 0.5, bootstrapResamples: 0))
        XCTAssertEqual(same.metrics.thresholdSource, "fixed at 0.5 before evaluation", "eval.json's own words")
        let other = try ReportInput.load(folder, options: ReportInput.Options(threshold: 0.7, bootstrapResamples: 0))
        XCTAssertEqual(other.metrics.thresholdSource, "set to 0.7 on the command line")
        XCTAssertEqual(other.metrics.threshold, 0.7)
    }

    func testAFailedReportLeavesTheEarlierOneInPlace() throws {
        let root = ReportFixture.temporaryFolder("atomic")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try AtomicOutput.write("earlier", to: out.appendingPathComponent("report.html"))
        let input = try ReportInput.load(ReportFixture.predictionsCSV, options: ReportInput.Options(bootstrapResamples: 0))
        let badTemplates = root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: badTemplates, withIntermediateDirectories: true)
        try AtomicOutput.write("{{#unclosed}}", to: badTemplates.appendingPathComponent("report.mustache"))
        XCTAssertThrowsError(try ReportWriter.write(input, to: out, templates: .folder(badTemplates))) { error in
            XCTAssertTrue("\(error)".contains("report.mustache"), "\(error)")
        }
        XCTAssertEqual(try ReportFixture.text(out.appendingPathComponent("report.html")), "earlier")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), ["report", "templates"])
    }

    /// eval.json is decoded as `EvaluationDocument`: a file of an older version (no
    /// test-time-augmentation flag, no recipe, a given split written with ratio and seed 0)
    /// still reads, and a broken one is one line naming the file and the key.
    func testEvaluationInfoReadsOlderFilesAndNamesBrokenOnes() throws {
        let root = ReportFixture.temporaryFolder("info")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ReportFixture.makeEvaluationFolder(in: root)
        let url = folder.appendingPathComponent("eval.json")
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        json["test_time_augmentation"] = nil
        json["split"] = ["method": "given: /data/split.csv", "ratio": 0, "seed": 0]
        try AtomicOutput.write(try JSONSerialization.data(withJSONObject: json), to: url)
        let info = try EvaluationInfo(contentsOf: url)
        XCTAssertTrue(info.synthetic)
        XCTAssertEqual(info.threshold, 0.5)
        XCTAssertNil(info.testTimeAugmentation)
        XCTAssertEqual(info.split.map(\.key), ["method"], "a given split has no ratio or seed")
        XCTAssertEqual(info.models.map(\.recipe), [[], []])
        XCTAssertEqual(info.fileSHA256, SHA256.hexDigest(try Data(contentsOf: url)))
        json["threshold"] = "half"
        try AtomicOutput.write(try JSONSerialization.data(withJSONObject: json), to: url)
        XCTAssertThrowsError(try EvaluationInfo(contentsOf: url)) {
            XCTAssertTrue("\($0)".contains("eval.json: not a valid EvaluationDocument JSON file (threshold:"), "\($0)")
        }
        try AtomicOutput.write("[1, 2]", to: url)
        XCTAssertThrowsError(try EvaluationInfo(contentsOf: url)) { XCTAssertTrue("\($0)".contains("eval.json"), "\($0)") }
    }
}
