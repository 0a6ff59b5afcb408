import EUSImage
import EUSRender
import EUSReport
import EUSStats
import EUSSupport
import Foundation
import XCTest

/// The Readers and Per-patient sections, the readers on the ROC figure, and the reporting
/// checklist, on three runs: a bare predictions CSV, a synthetic hold-out evaluation folder (as
/// the demo writes), and a predictions CSV with readers' calls and patients.
final class ReadersAndChecklistTests: XCTestCase {
    override func setUp() { Progress.enabled = false }

    /// The two-model fixture with synthetic calls of three readers (expert1 skips every fifth
    /// case; expert1+ai is expert1 with the networks in view) and patients of one to three
    /// images.
    static func readersCSV(in root: URL) throws -> URL {
        let source = try CSVTable(contentsOf: ReportFixture.predictionsCSV)
        var writer = CSVWriter(header: source.header + ["patient_id", "reader:expert1", "reader:expert2", "reader:junior", "reader:expert1+ai"])
        var generator = SeededRandom(seed: 17)
        for (index, row) in source.rows.enumerated() {
            let label = row[1], other = label == "GIST" ? "LM" : "GIST"
            func call(_ accuracy: Double) -> String { generator.chance(accuracy) ? label : other }
            let expert = call(0.8)
            writer.append(row + ["\(label)-\(index / 3)", index % 5 == 4 ? "" : expert, call(0.75), call(0.65),
                                 generator.chance(0.5) ? label : expert])
        }
        let url = root.appendingPathComponent("readers.csv")
        try AtomicOutput.write(writer.text, to: url)
        return url
    }

    struct Run {
        var input: ReportInput
        var out: URL
        var html: String
        var context: ReportContext { ReportContext(input: input, figures: ReportFigures.all(for: input), reportTimings: []) }
        func status(_ guideline: ChecklistItem.Guideline, _ number: String) -> ChecklistItem.Status? {
            context.checklist.first { $0.guideline == guideline && $0.number == number }?.status
        }
    }

    /// The three reports, written once for all the tests.
    static let runs: [String: Run] = {
        let root = ReportFixture.temporaryFolder("checklist")
        func write(_ name: String, _ source: URL) -> Run {
            let input = try! ReportInput.load(source, options: ReportFixture.options)
            let out = root.appendingPathComponent(name)
            try! ReportWriter.write(input, to: out, templates: .embedded)
            return Run(input: input, out: out, html: try! ReportFixture.text(out.appendingPathComponent("report.html")))
        }
        return ["csv": write("csv", ReportFixture.predictionsCSV),
                "holdout": write("holdout", try! ReportFixture.makeEvaluationFolder(in: root)),
                "readers": write("readers", try! readersCSV(in: root))]
    }()

    func testChecklistHasEveryItemOfBothGuidelines() throws {
        let items = try XCTUnwrap(Self.runs["csv"]).context.checklist
        let claim = items.filter { $0.guideline == .claim2024 }, stard = items.filter { $0.guideline == .stard2015 }
        XCTAssertEqual(claim.map(\.number), (1...44).map(String.init))
        XCTAssertEqual(Set(stard.map { $0.number.filter(\.isNumber) }).count, 30, "STARD 2015 has 30 items")
        XCTAssertEqual(stard.count, 34, "10, 12, 13 and 21 have parts a and b")
        XCTAssertTrue(items.allSatisfy { !$0.text.isEmpty && !$0.detail.isEmpty })
        XCTAssertTrue(items.allSatisfy { $0.status != .addressed || $0.section != nil }, "an addressed item names its section")
    }

    func testChecklistStatusesFollowTheRun() throws {
        let csv = try XCTUnwrap(Self.runs["csv"]), holdout = try XCTUnwrap(Self.runs["holdout"]), readers = try XCTUnwrap(Self.runs["readers"])
        let expectations: [(ChecklistItem.Guideline, String, [ChecklistItem.Status])] = [
            // CSV, hold-out, readers + patients
            (.claim2024, "18", [.notDone, .notDone, .addressed]),      // inter-reader variability
            (.claim2024, "31", [.notDone, .addressed, .notDone]),      // explainability: Grad-CAM only in the evaluation folder
            (.claim2024, "32", [.authors, .notDone, .authors]),        // external validation: not done for a single hold-out
            (.claim2024, "25", [.authors, .addressed, .authors]),      // training details
            (.claim2024, "7", [.authors, .addressed, .authors]),       // data source: the phantom is known
            (.claim2024, "21", [.authors, .partly, .partly]),          // disjoint partitions
            (.claim2024, "13", [.authors, .authors, .partly]),         // missing data: unread cases
            (.claim2024, "30", [.partly, .partly, .partly]),
            (.stard2015, "17", [.notDone, .notDone, .addressed]),      // variability: readers
            (.stard2015, "13a", [.authors, .addressed, .partly]),
            (.stard2015, "10a", [.partly, .addressed, .partly]),
            (.claim2024, "41", [.authors, .authors, .authors]),        // registration: always the authors'
            (.claim2024, "28", [.addressed, .addressed, .addressed]),
        ]
        for (guideline, number, statuses) in expectations {
            XCTAssertEqual([csv, holdout, readers].map { $0.status(guideline, number) }, statuses.map { Optional($0) }, "\(guideline.rawValue) \(number)")
        }
        XCTAssertEqual(readers.context.checklist.first { $0.number == "30" && $0.guideline == .claim2024 }?.section, .patients)
        // The three runs' checklists differ as a whole.
        let statuses = [csv, holdout, readers].map { $0.context.checklist.map(\.status.rawValue) }
        XCTAssertEqual(Set(statuses).count, 3)
    }

    func testEveryAddressedItemLinksToASectionOfTheHTML() throws {
        for (name, run) in Self.runs {
            let items = run.context.checklist
            let checklist = try XCTUnwrap(run.html.range(of: "<section id=\"checklist\">"), name)
            let checklistHTML = String(run.html[checklist.lowerBound...])
            for item in items where item.status == .addressed {
                let section = try XCTUnwrap(item.section)
                XCTAssertTrue(run.html.contains("<section id=\"\(section.id)\">"), "\(name): \(item.guideline.rawValue) \(item.number) links to #\(section.id), which the HTML lacks")
                XCTAssertTrue(checklistHTML.contains("<a href=\"#\(section.id)\">"), "\(name): no link to #\(section.id)")
            }
            for item in items where item.section != nil {
                XCTAssertTrue(run.html.contains("<section id=\"\(item.section!.id)\">"), "\(name): \(item.number) names a section not shown")
            }
            let csv = try CSVTable(contentsOf: run.out.appendingPathComponent("checklist.csv"))
            XCTAssertEqual(csv.header, ["guideline", "item", "topic", "status", "section", "detail"])
            XCTAssertEqual(csv.rows.count, 44 + 34)
            XCTAssertEqual(csv.rows.map { $0[3] }, items.map(\.status.rawValue))
        }
    }

    func testReaderAndPatientSectionsRenderInHTMLAndPDF() throws {
        let run = try XCTUnwrap(Self.runs["readers"])
        XCTAssertEqual(run.context.sections.map(\.section), ReportSection.shown(crossValidated: false, perPatient: true))
        for words in ["<section id=\"readers\">", "Readers: 2×2 table and accuracy on the cases each read", "Networks against readers",
                      "Sensitivity: networks against readers", "Reading with the networks (AI-assisted)", "expert1 + AI − expert1",
                      "Cohen&#39;s κ for every pair", "Fleiss&#39; κ over the 3 unaided readers", "<section id=\"patients\">",
                      "Cluster bootstrap 95% CI", "Unit of analysis: the patient", "Squares: each reader"] {
            XCTAssertTrue(run.html.contains(words), "HTML lacks \(words)")
        }
        let pdf = String(decoding: try Data(contentsOf: run.out.appendingPathComponent("report.pdf")), as: UTF8.self)
        for (index, section) in run.context.sections.map(\.section).enumerated() {
            XCTAssertTrue(pdf.contains("/Title (\(index + 1). \(section.title))"), "no PDF bookmark for \(section.title)")
        }
        let csvPages = try XCTUnwrap(Self.runs["csv"]).out.appendingPathComponent("report.pdf")
        XCTAssertGreaterThan(PDFInfo.pageCount(of: try Data(contentsOf: run.out.appendingPathComponent("report.pdf"))),
                             PDFInfo.pageCount(of: try Data(contentsOf: csvPages)), "the reader and patient pages add pages")
        // The metrics tables state the image as their unit.
        for case .table(let table) in run.context.sections.first(where: { $0.section == .metrics })!.blocks {
            XCTAssertTrue(table.note?.contains("Unit of analysis: the image (29 images of") ?? false, table.caption ?? "")
        }
    }

    /// The ROC figure of the same predictions with and without reader columns: the readers add
    /// dark square markers and labels and leave the rest of the figure alone.
    func testReadersArePointsOnTheROCFigure() throws {
        let with = try ImageDecoder.decode(XCTUnwrap(Self.runs["readers"]).out.appendingPathComponent("figures/roc.png"))
        let without = try ImageDecoder.decode(XCTUnwrap(Self.runs["csv"]).out.appendingPathComponent("figures/roc.png"))
        XCTAssertEqual([with.width, with.height], [without.width, without.height])
        func dark(_ image: DecodedImage) -> Int {
            let rgb = image.rgbImage()
            return stride(from: 0, to: rgb.pixels.count, by: 3).filter { rgb.pixels[$0] < 60 && rgb.pixels[$0 + 1] < 60 && rgb.pixels[$0 + 2] < 60 }.count
        }
        XCTAssertGreaterThan(dark(with), dark(without) + 500, "reader squares and labels are drawn")
        let table = try XCTUnwrap(Self.runs["readers"]?.input.metrics.readers)
        XCTAssertEqual(table.readers.map(\.name), ["expert1", "expert2", "junior", "expert1+ai"])
    }

    func testAReportWithoutReadersSaysSo() throws {
        let holdout = try XCTUnwrap(Self.runs["holdout"]), csv = try XCTUnwrap(Self.runs["csv"])
        XCTAssertTrue(holdout.html.contains("The phantom&#39;s images were never read by endosonographers, so this report has no readers, and none are invented for it."))
        XCTAssertTrue(csv.html.contains("The input has no reader columns"))
        XCTAssertFalse(holdout.html.contains("<section id=\"patients\">"))
        XCTAssertNil(holdout.input.metrics.readers)
    }
}
