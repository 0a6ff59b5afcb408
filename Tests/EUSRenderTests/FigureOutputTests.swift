import EUSRender
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// A figure drawn once comes out as a one-page PDF, a well-formed SVG and a 300 dpi PNG of the
/// column width.
final class FigureOutputTests: XCTestCase {
    private func sampleFigure(_ width: ColumnWidth) -> Figure {
        Figure(name: "sample", width: width, heightMillimetres: 60) { canvas, size in
            let axes = Axes(outer: Rect(x: 4, y: 4, width: size.width - 8, height: size.height - 8),
                            x: AxisSpec(range: 0...1, label: "False-positive rate"),
                            y: AxisSpec(range: 0...1, label: "Sensitivity"), title: "Sample", on: canvas)
            axes.drawGrid(on: canvas)
            canvas.polyline([axes.point(0, 0), axes.point(0.2, 0.8), axes.point(1, 1)],
                            stroke: Stroke(OkabeIto.blue, width: 1.25))
            axes.drawFrame(on: canvas)
            Legend([(.line(Stroke(OkabeIto.blue)), "model")]).draw(on: canvas, in: axes.frame, corner: .bottomRight)
        }
    }

    func testPNGWidthsMatchColumnsAt300DPIWithPHYs() throws {
        for (width, pixels) in [(ColumnWidth.single, 1004), (.double, 2102)] {
            let png = try sampleFigure(width).render(.png(dotsPerInch: 300))
            let size = try PNGInfo.dimensions(of: png)
            XCTAssertEqual(size.width, pixels, "\(width) column")
            XCTAssertEqual(size.height, Int((60 / 25.4 * 300).rounded()))
            let dpi = try XCTUnwrap(try PNGInfo.dotsPerInch(of: png), "pHYs chunk missing")
            XCTAssertEqual(dpi.x, 300, accuracy: 0.01)
            XCTAssertEqual(dpi.y, 300, accuracy: 0.01)
        }
    }

    func testPNGIsNotBlank() throws {
        let png = try sampleFigure(.single).render(.png(dotsPerInch: 300))
        // A blank white PNG of this size compresses to well under 10 kB; axes, text and a curve do not.
        XCTAssertGreaterThan(png.count, 10_000)
    }

    func testSVGParsesAsXMLAndPDFHasOnePage() throws {
        let svg = try sampleFigure(.single).render(.svg)
        let parser = XMLParser(data: svg)
        XCTAssertTrue(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
        XCTAssertTrue(String(decoding: svg, as: UTF8.self).contains("<svg"))
        let pdf = try sampleFigure(.double).render(.pdf)
        XCTAssertEqual(PDFInfo.pageCount(of: pdf), 1)
        XCTAssertTrue(PDFInfo.embedsFonts(pdf), "the PDF has no embedded font file")
    }

    func testWriteCreatesThreeFormats() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eus-render-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let urls = try sampleFigure(.single).write(to: folder)
        XCTAssertEqual(urls.map(\.lastPathComponent).sorted(), ["sample.pdf", "sample.png", "sample.svg"])
        for url in urls { XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), url.path) }
    }

    func testMultiPagePDFCountsPages() throws {
        let canvas = Canvas(kind: .pdf, size: Size(width: 595, height: 842))
        for page in 1...3 {
            if page > 1 { canvas.newPage() }
            canvas.text("page \(page)", at: Point(x: 50, y: 50), font: Font(size: 10))
        }
        let pdf = try canvas.finish()
        XCTAssertEqual(PDFInfo.pageCount(of: pdf), 3)
    }

    func testCRC32CheckValue() {
        XCTAssertEqual(PNGInfo.crc32(Array("123456789".utf8)), 0xCBF4_3926)
    }
}
