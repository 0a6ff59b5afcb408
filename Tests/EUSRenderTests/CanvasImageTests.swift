import EUSImage
import EUSRender
import Foundation
import XCTest

/// `Canvas.image(_:in:smooth:encoding:)`: with `.jpeg` the PDF carries the JPEG stream itself
/// (DCTDecode) and the SVG a `data:image/jpeg`; lossless images and line art are untouched, and
/// a PNG canvas draws the same pixels either way.
final class CanvasImageTests: XCTestCase {
    private let size = Size(width: 200, height: 120)

    /// A colour picture and a gray one (all three channels equal).
    private let colour = RGBImage(width: 40, height: 30, pixels: (0..<3600).map { (i: Int) -> UInt8 in UInt8((i * 7 + i / 120 * 3) % 256) })
    private let gray = RGBImage(width: 32, height: 32, pixels: (0..<1024).flatMap { (i: Int) -> [UInt8] in
        [UInt8](repeating: UInt8(i % 32 * 8), count: 3)
    })

    private func draw(_ kind: Canvas.Kind, encoding: Canvas.ImageEncoding) throws -> Data {
        let canvas = Canvas(kind: kind, size: size)
        canvas.image(colour, in: Rect(x: 10, y: 10, width: 80, height: 60), encoding: encoding)
        canvas.image(gray, in: Rect(x: 100, y: 10, width: 60, height: 60), encoding: encoding)
        canvas.line(from: Point(x: 10, y: 100), to: Point(x: 190, y: 100), stroke: Stroke(.black))
        canvas.text("line art", at: Point(x: 10, y: 115), font: Font(size: 8))
        return try canvas.finish()
    }

    private func count(_ needle: String, in data: Data) -> Int {
        String(decoding: data, as: UTF8.self).components(separatedBy: needle).count - 1
    }

    func testPDFCarriesTheJPEGStreamsThemselves() throws {
        let pdf = try draw(.pdf, encoding: .jpeg(quality: 90))
        XCTAssertEqual(count("/DCTDecode", in: pdf), 2, "one JPEG stream per image")
        XCTAssertEqual(PDFInfo.pageCount(of: pdf), 1)
        XCTAssertTrue(PDFInfo.embedsFonts(pdf), "text stays text")
        let colourJPEG = try JPEGCodec.encode(colour, quality: 90)
        XCTAssertNotNil(pdf.range(of: colourJPEG), "the colour image's JPEG bytes are in the PDF as they are")
        let grayPlane = GrayImage(width: 32, height: 32, pixels: stride(from: 0, to: gray.pixels.count, by: 3).map { gray.pixels[$0] })
        XCTAssertNotNil(pdf.range(of: try JPEGCodec.encode(grayPlane, quality: 90)), "a gray image is one gray JPEG channel")
        XCTAssertEqual(count("/DeviceGray", in: pdf), 1)

        let lossless = try draw(.pdf, encoding: .lossless)
        XCTAssertEqual(count("/DCTDecode", in: lossless), 0)
        XCTAssertGreaterThanOrEqual(count("/Subtype /Image", in: lossless), 2)
    }

    func testSVGEmbedsJPEGDataURIs() throws {
        let svg = String(decoding: try draw(.svg, encoding: .jpeg(quality: 90)), as: UTF8.self)
        XCTAssertEqual(svg.components(separatedBy: "data:image/jpeg;base64,").count - 1, 2)
        XCTAssertFalse(svg.contains("data:image/png;base64,"))
        let lossless = String(decoding: try draw(.svg, encoding: .lossless), as: UTF8.self)
        XCTAssertFalse(lossless.contains("data:image/jpeg"))
        XCTAssertTrue(lossless.contains("data:image/png;base64,"))
    }

    func testPNGCanvasDrawsThePixelsEitherWay() throws {
        let raster = try draw(.png(dotsPerInch: 150), encoding: .jpeg(quality: 50))
        XCTAssertEqual(raster, try draw(.png(dotsPerInch: 150), encoding: .lossless))
    }

    /// Many JPEG images over several pages: Cairo keeps each image's bytes until it writes the
    /// page, then releases them through the destroy callback; the file is whole.
    func testManyJPEGImagesOverPagesMakeAWholePDF() throws {
        let canvas = Canvas(kind: .pdf, size: size)
        for page in 0..<3 {
            if page > 0 { canvas.newPage() }
            for i in 0..<10 {
                var image = colour
                for p in 0..<(8 * 40 * 3) { image.pixels[p] = UInt8(8 * (page * 10 + i)) }
                canvas.image(image, in: Rect(x: Double(i) * 18, y: 10, width: 16, height: 12), encoding: .jpeg(quality: 85))
            }
        }
        let pdf = try canvas.finish()
        XCTAssertEqual(PDFInfo.pageCount(of: pdf), 3)
        XCTAssertEqual(count("/DCTDecode", in: pdf), 30)
        XCTAssertTrue(String(decoding: pdf.suffix(16), as: UTF8.self).contains("%%EOF"))
    }

    /// The same picture drawn again (on another page, at another size) is embedded once; a
    /// lossless one is not shared.
    func testTheSameJPEGIsEmbeddedOnce() throws {
        for kind in [Canvas.Kind.pdf, .svg] {
            let canvas = Canvas(kind: kind, size: size)
            canvas.image(colour, in: Rect(x: 10, y: 10, width: 80, height: 60), encoding: .jpeg(quality: 90))
            if kind == .pdf { canvas.newPage() }
            canvas.image(colour, in: Rect(x: 100, y: 10, width: 40, height: 30), encoding: .jpeg(quality: 90))
            canvas.image(gray, in: Rect(x: 150, y: 10, width: 30, height: 30), encoding: .jpeg(quality: 90))
            let data = try canvas.finish()
            XCTAssertEqual(count(kind == .pdf ? "/DCTDecode" : "data:image/jpeg;base64,", in: data), 2, "\(kind)")
        }
    }
}
