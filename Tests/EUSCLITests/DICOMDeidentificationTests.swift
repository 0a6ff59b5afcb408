import CZlib
import Foundation
import XCTest

/// DICOM datasets end to end, and de-identification by construction: the fixture objects
/// (Fixtures/dicom-deid/, made by scripts/make_dicom_fixtures.py with pydicom 3.0.2 and
/// Pillow 13.0.0) carry a fake patient name, ID, birth date, institution and referrer; none of
/// them may appear in any file that `run`, `evaluate` or `report` writes, searched as bytes,
/// inside every inflated PDF stream, every base64 image of the HTML and every PNG text chunk.
final class DICOMDeidentificationTests: CLITestCase {
    private let tiny = ["--width", "8", "--image-size", "32", "--epochs", "1", "--batch-size", "4", "--ratio", "0.5"]
    /// The fixture's identity, as stored (a DICOM PN uses ^; a DA is YYYYMMDD) and as a
    /// careless writer might reformat it.
    private let identity = ["PHANTOM^NOTAPATIENT", "NOTAPATIENT", "EUSFAKE0042", "19010203", "1901-02-03",
                            "NOWHERE CLINIC", "NOBODY^REFERRER", "19020304"]

    private func copyDataset() throws -> URL {
        let source = try XCTUnwrap(Bundle.module.url(forResource: "dicom-deid", withExtension: nil, subdirectory: "Fixtures"))
        try FileManager.default.copyItem(at: source, to: url("data"))
        return url("data")
    }

    func testNoIdentifyingAttributeReachesAnyOutput() throws {
        let data = try copyDataset()
        // The search finds the identity where it is: in the inputs.
        var inputTally = OutputSearch.Tally()
        XCTAssertEqual(Set(OutputSearch.find(identity, under: [data], tally: &inputTally).map { $0.components(separatedBy: " in ")[0] }),
                       Set(identity.filter { $0 != "1901-02-03" }), "the fixture carries the identity")

        let run = try CLI.run(["run", data.path, "--out", path("out")] + tiny)
        XCTAssertEqual(run.status, 0, run.stderr)
        let warnings = run.stderr.components(separatedBy: "BurnedInAnnotation").count - 1
        XCTAssertEqual(warnings, 1, "one burned-in-text warning per dataset: \(run.stderr)")
        XCTAssertTrue(run.stderr.contains("2 DICOM images are screen captures"), run.stderr)

        let evaluate = try CLI.run(["evaluate", data.path, "--split", path("out.work/split.csv"),
                                    "--model", "resnet34=\(path("out.work/runs/resnet34"))",
                                    "--model", "resnet50=\(path("out.work/runs/resnet50"))", "--out", path("eval")])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let report = try CLI.run(["report", path("eval"), "--out", path("report")])
        XCTAssertEqual(report.status, 0, report.stderr)

        var tally = OutputSearch.Tally()
        let found = OutputSearch.find(identity, under: [url("out"), url("out.work"), url("eval"), url("report")], tally: &tally)
        XCTAssertEqual(found, [], "identifying values in outputs")
        print("de-identification search: \(tally.files) files, \(tally.inflatedStreams) PDF streams inflated, \(tally.embeddedImages) embedded images, \(tally.pngs) PNGs with \(tally.pngTextChunks) text chunks; found \(found.count)")
        XCTAssertGreaterThan(tally.inflatedStreams, 10, "the PDFs' streams were read")
        XCTAssertGreaterThan(tally.embeddedImages, 4, "the HTML's images were read")
        XCTAssertGreaterThan(tally.pngs, 20, "the PNGs' chunks were read")
        // Case ids are the file names, the one without extension kept whole.
        let predictions = try read("out/predictions.csv")
        XCTAssertTrue(predictions.contains("gist0,") || predictions.contains("gist1,") || predictions.contains("lm1,"), predictions)
    }

    /// `--frame all`: one case per frame, named <id>_frame<k>, grouped under one patient.
    func testFrameAllMakesOneCasePerFrame() throws {
        let data = try copyDataset()
        let frames = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EUSImageTests/Fixtures/dicom/multiframe_mono.dcm")
        try FileManager.default.copyItem(at: frames, to: data.appendingPathComponent("GIST/clip.dcm"))
        let split = try CLI.run(["split", data.path, "--out", path("split.csv"), "--ratio", "0.5", "--frame", "all"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let rows = try csvRows("split.csv").rows
        let clip = rows.filter { $0[0].hasPrefix("clip_frame") }
        XCTAssertEqual(clip.map { $0[0] }.sorted(), ["clip_frame1", "clip_frame2", "clip_frame3"])
        XCTAssertEqual(Set(clip.map { $0[2] }).count, 1, "the frames of one object share a partition: \(clip)")

        let bad = try CLI.run(["split", data.path, "--out", path("s2.csv"), "--frame", "last"])
        assertFails(bad, with: "--frame: 'last' is not first, middle, all or a frame number from 1")
    }
}

/// The search itself finds a value hidden where the test looks: a Flate PDF stream, a
/// zTXt chunk of a PNG embedded as base64 in HTML.
final class OutputSearchTests: CLITestCase {
    private func deflate(_ text: String) -> Data {
        let input = [UInt8](text.utf8)
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        XCTAssertEqual(compress2(&output, &size, input, uLong(input.count), 9), Z_OK)
        return Data(output.prefix(Int(size)))
    }

    func testFindsValuesInsideStreamsAndChunks() throws {
        var pdf = Data("%PDF-1.5\n1 0 obj << /Filter /FlateDecode >> stream\n".utf8)
        pdf += deflate("BT (EUSFAKE0042) Tj ET") + Data("\nendstream\nendobj\n".utf8)
        try pdf.write(to: url("a.pdf"))
        let chunk = Data("Comment".utf8) + Data([0, 0]) + deflate("PHANTOM^NOTAPATIENT")
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        withUnsafeBytes(of: UInt32(chunk.count).bigEndian) { png.append(contentsOf: $0) }
        png += Data("zTXt".utf8) + chunk + Data([0, 0, 0, 0])
        try Data("<img src=\"data:image/png;base64,\(png.base64EncodedString())\">".utf8).write(to: url("b.html"))
        var tally = OutputSearch.Tally()
        let found = OutputSearch.find(["EUSFAKE0042", "PHANTOM^NOTAPATIENT", "19010203"], under: [scratch], tally: &tally)
        XCTAssertEqual(found.map { $0.components(separatedBy: " in ")[0] }.sorted(), ["EUSFAKE0042", "PHANTOM^NOTAPATIENT"])
        XCTAssertEqual(tally.inflatedStreams, 1)
        XCTAssertEqual(tally.embeddedImages, 1)
        XCTAssertEqual(tally.pngTextChunks, 1)
    }
}
