@testable import EUSImage
import TestHelpers
import EUSSupport
import Foundation
import XCTest

/// Decoding every PNG kind (fixtures from scripts/make_image_fixtures.py, whose pixel
/// formulas are recomputed here), JPEG, the PNG encoder, and the errors for bad files.
final class ImageCodecTests: XCTestCase {
    let width = 5, height = 4
    func v8(_ x: Int, _ y: Int, _ c: Int) -> UInt16 { UInt16((37 * x + 11 * y + 71 * c) % 256) }
    func v16(_ x: Int, _ y: Int, _ c: Int) -> UInt16 { UInt16((9001 * x + 677 * y + 17000 * c) % 65536) }

    func testEveryPNGColourTypeAndDepthDecodesExactly() throws {
        for (name, channels, depth) in [("gray8", 1, 8), ("gray_alpha8", 2, 8), ("rgb8", 3, 8), ("rgba8", 4, 8),
                                        ("gray16", 1, 16), ("gray_alpha16", 2, 16), ("rgb16", 3, 16), ("rgba16", 4, 16)] {
            let image = try ImageDecoder.decode(fixture(name + ".png"))
            XCTAssertEqual([image.width, image.height, image.channels, image.bitDepth], [width, height, channels, depth], name)
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels {
                        let expected = depth == 8 ? v8(x, y, c) : v16(x, y, c)
                        XCTAssertEqual(image.samples[(y * width + x) * channels + c], expected, "\(name) (\(x),\(y),\(c))")
                    }
                }
            }
        }
    }

    func testOneBitGrayIsExpandedToEightBits() throws {
        let image = try ImageDecoder.decode(fixture("gray1.png"))
        XCTAssertEqual(image.channels, 1)
        XCTAssertEqual(image.bitDepth, 8)
        for y in 0..<height { for x in 0..<width { XCTAssertEqual(image.samples[y * width + x], (x + y) % 2 == 1 ? 255 : 0) } }
    }

    func testPaletteWithTransparencyExpandsToRGBAAndConvertsToRGB() throws {
        let image = try ImageDecoder.decode(fixture("palette8.png"))
        XCTAssertEqual(image.channels, 4, "tRNS adds an alpha channel")
        let rgb = image.rgbImage()
        for y in 0..<height {
            for x in 0..<width {
                let i = (x + 2 * y) % 8
                XCTAssertEqual(Array(rgb.pixels[((y * width + x) * 3)..<((y * width + x) * 3 + 3)]),
                               [UInt8(30 * i), UInt8(255 - 30 * i), UInt8(7 * i)])
                XCTAssertEqual(image.samples[(y * width + x) * 4 + 3], i == 0 ? 0 : 255)
            }
        }
    }

    func testConversionsReplicateGrayDropAlphaAndRoundSixteenBits() throws {
        let ga = try ImageDecoder.decode(fixture("gray_alpha8.png")).rgbImage()
        XCTAssertEqual(Array(ga.pixels[3..<6]), [UInt8(v8(1, 0, 0)), UInt8(v8(1, 0, 0)), UInt8(v8(1, 0, 0))])
        let rgb16 = try ImageDecoder.decode(fixture("rgb16.png"))
        let v = v16(2, 1, 1)
        XCTAssertEqual(rgb16.rgbImage().pixels[(1 * width + 2) * 3 + 1], UInt8((Double(v) / 257).rounded()))
        let planes = rgb16.rgbPlanes01()
        XCTAssertEqual(planes[1 * width * height + 1 * width + 2], Float(v) / 65535, accuracy: 1e-7)
    }

    func testJPEGDecodesRGBAndGrayWithinCompressionError() throws {
        for (name, channels) in [("rgb.jpg", 3), ("gray.jpg", 1)] {
            let image = try ImageDecoder.decode(fixture(name))
            XCTAssertEqual([image.width, image.height, image.channels, image.bitDepth], [32, 24, channels, 8], name)
            var worst = 0
            for y in 0..<24 {
                for x in 0..<32 {
                    for c in 0..<channels {
                        let expected = 3 * x + 3 * y + 40 * c
                        worst = max(worst, abs(Int(image.samples[(y * 32 + x) * channels + c]) - expected))
                    }
                }
            }
            XCTAssertLessThanOrEqual(worst, 6, "\(name): worst JPEG error \(worst) levels")
        }
    }

    func testInterlacedPNGAndProgressiveJPEG() throws {
        let interlaced = try ImageDecoder.decode(fixture("interlaced.png"))
        let progressive = try ImageDecoder.decode(fixture("progressive.jpg"))
        for y in 0..<24 {
            for x in 0..<32 {
                for c in 0..<3 {
                    let i = (y * 32 + x) * interlaced.channels + c
                    XCTAssertEqual(Int(interlaced.samples[i]), 3 * x + 3 * y + 40 * c)
                    XCTAssertLessThanOrEqual(abs(Int(progressive.samples[(y * 32 + x) * 3 + c]) - (3 * x + 3 * y + 40 * c)), 6)
                }
            }
        }
    }

    func testPNGEncoderRoundTripsAndWritesPHYs() throws {
        let rgb = RGBImage(width: 7, height: 3, pixels: (0..<63).map { UInt8($0 * 4 % 256) })
        let data = try PNGCodec.encode(rgb, dotsPerInch: 300)
        XCTAssertEqual(try ImageDecoder.decode(data, source: "memory").rgbImage(), rgb)
        // pHYs: 300 dpi = 11811 pixels per metre in x and y, unit 1 (metre).
        let bytes = [UInt8](data)
        let tag = try XCTUnwrap((0..<(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual("pHYs".utf8) })
        let ppm = bytes[(tag + 4)..<(tag + 8)].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(ppm, 11811)
        XCTAssertEqual(bytes[tag + 12], 1)
        let gray = GrayImage(width: 4, height: 5, pixels: (0..<20).map { UInt8($0 * 13) })
        let grayData = try PNGCodec.encode(gray)
        let decoded = try ImageDecoder.decode(grayData, source: "memory")
        XCTAssertEqual(decoded.channels, 1)
        XCTAssertEqual(decoded.grayImage(), gray)
        XCTAssertFalse([UInt8](grayData).indices.dropLast(4).contains { [UInt8](grayData)[$0..<($0 + 4)].elementsEqual("pHYs".utf8) })
        XCTAssertEqual(try PNGCodec.encode(gray), grayData, "the same pixels give the same bytes")
    }

    func testTruncatedCorruptAndUnsupportedFilesAreRefusedWithTheFileName() throws {
        let folder = try temporaryDirectory(self)
        let png = try Data(contentsOf: fixture("rgb8_100x80.png"))
        let jpeg = try Data(contentsOf: fixture("rgb.jpg"))
        var corrupt = png
        for i in 200..<260 { corrupt[i] ^= 0x5A }
        let files: [(String, Data, [String])] = [
            ("truncated.png", png.prefix(png.count / 2), ["truncated.png", "cannot decode", "PNG, JPEG"]),
            ("header-only.png", png.prefix(40), ["header-only.png", "cannot decode"]),
            ("corrupt.png", corrupt, ["corrupt.png", "cannot decode"]),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), ["truncated.jpg", "cannot decode"]),
            ("image.gif", Data("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), ["image.gif", "not a supported image format", "PNG, JPEG"]),
            ("notes.png", Data("just text".utf8), ["notes.png", "not a supported image format"]),
            ("empty.png", Data(), ["empty.png"]),
        ]
        for (name, data, fragments) in files {
            let url = folder.appendingPathComponent(name)
            try data.write(to: url)
            assertThrows(try ImageDecoder.decode(url), containing: fragments)
        }
        assertThrows(try ImageDecoder.decode(folder.appendingPathComponent("missing.png")), containing: ["missing.png", "cannot read"])
        assertThrows(try ImageDecoder.decode(fixture("cmyk.jpg")), containing: ["cmyk.jpg", "CMYK JPEG is not supported"])
    }

    /// A file that claims 20000×20000 pixels (here only its header: a real one compresses to
    /// a few hundred kilobytes) is refused from the header, before any allocation, naming the
    /// limit and the option; the size read from the header is the size decoded.
    func testImagesOverThePixelBudgetAreRefusedFromTheirHeader() throws {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        png += Data("IHDR".utf8)
        for side in [20_000, 20_000] { png += Data([UInt8(side >> 24 & 255), UInt8(side >> 16 & 255), UInt8(side >> 8 & 255), UInt8(side & 255)]) }
        png += Data([8, 0, 0, 0, 0, 0, 0, 0, 0])
        assertThrows(try ImageDecoder.decode(png, source: "huge.png"),
                     containing: ["huge.png", "20000x20000", "over the limit of \(ImageDecoder.maxPixels)", "--max-pixels"])
        for name in ["gray8_300x260.png", "interlaced.png", "rgb.jpg", "gray.jpg", "progressive.jpg"] {
            let data = try Data(contentsOf: try fixture(name)), image = try ImageDecoder.decode(data, source: name)
            let header = try XCTUnwrap(ImageHeader.dimensions(data), name)
            XCTAssertEqual([header.width, header.height], [image.width, image.height], name)
        }
    }
}
