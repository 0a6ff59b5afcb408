import EUSImage
import EUSSupport
import Foundation
import XCTest

/// The JPEG encoder: a round trip through the decoder within JPEG's error, 4:4:4 baseline
/// frames, the same bytes for the same pixels, and far fewer bytes than PNG for a noisy picture.
final class JPEGCodecTests: XCTestCase {
    /// A smooth colour picture: red and green ramps, blue a slow wave.
    private func smoothImage(width: Int = 64, height: Int = 48) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(4 * x % 256), UInt8(5 * y % 256), UInt8(128 + 100 * sin(Double(x + y) / 9))]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Speckle as a scan has it: a gray gradient with seeded noise of SD 25 levels, tinted
    /// by a colour blob as an overlay is.
    private func noisyImage(side: Int = 160) -> RGBImage {
        var random = SeededRandom(seed: 14)
        var pixels: [UInt8] = []
        for y in 0..<side {
            for x in 0..<side {
                let base = 60 + Double(x + y) / Double(2 * side) * 120 + random.normal(mean: 0, std: 25.0)
                let heat = exp(-(pow(Double(x - side / 2), 2) + pow(Double(y - side / 3), 2)) / Double(side * side / 16))
                for c in 0..<3 {
                    let tint = [255.0, 128.0, 0.0][c]
                    pixels.append(UInt8(max(0, min(255, (1 - heat / 2) * base + heat / 2 * tint)).rounded()))
                }
            }
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }

    /// The largest and the mean absolute difference between two pixel buffers, in levels.
    private func errors(_ a: [UInt8], _ b: [UInt8]) -> (worst: Int, mean: Double) {
        let differences = zip(a, b).map { abs(Int($0) - Int($1)) }
        return (differences.max() ?? 0, Double(differences.reduce(0, +)) / Double(differences.count))
    }

    /// The frame header's (component id, sampling byte) pairs: 0x11 is 1×1, so all 0x11 is 4:4:4.
    private func frameComponents(_ data: Data) throws -> (marker: UInt8, components: [UInt8]) {
        let bytes = [UInt8](data)
        var i = 2
        while i + 9 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1], length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xC3).contains(marker) {
                let count = Int(bytes[i + 9])
                return (marker, (0..<count).map { bytes[i + 10 + 3 * $0 + 1] })
            }
            i += 2 + length
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    func testRGBRoundTripsWithinJPEGErrorAsBaseline444() throws {
        let image = smoothImage()
        for quality in [75, 90] {
            let data = try JPEGCodec.encode(image, quality: quality)
            let decoded = try ImageDecoder.decode(data, source: "memory")
            XCTAssertEqual([decoded.width, decoded.height, decoded.channels], [64, 48, 3])
            let (worst, mean) = errors(decoded.rgbImage().pixels, image.pixels)
            // Measured with libjpeg-turbo 2.1: q75 worst 13, mean 1.59; q90 worst 7, mean 1.00 levels of 255.
            XCTAssertLessThanOrEqual(worst, quality == 90 ? 9 : 16, "quality \(quality): worst error \(worst) levels")
            XCTAssertLessThanOrEqual(mean, quality == 90 ? 1.25 : 2.0, "quality \(quality): mean error \(mean) levels")
            let frame = try frameComponents(data)
            XCTAssertEqual(frame.marker, 0xC0, "baseline (SOF0)")
            XCTAssertEqual(frame.components, [0x11, 0x11, 0x11], "4:4:4: no chroma subsampling")
        }
    }

    func testGrayRoundTripsAsOneChannel() throws {
        let gray = GrayImage(width: 40, height: 30, pixels: (0..<1200).map { (i: Int) -> UInt8 in UInt8(i % 40 * 5 + i / 40 * 2) })
        let data = try JPEGCodec.encode(gray, quality: 90)
        let decoded = try ImageDecoder.decode(data, source: "memory")
        XCTAssertEqual([decoded.width, decoded.height, decoded.channels, decoded.bitDepth], [40, 30, 1, 8])
        let (worst, mean) = errors(decoded.grayImage().pixels, gray.pixels)
        // Measured: worst 1, mean 0.28 levels.
        XCTAssertLessThanOrEqual(worst, 3, "worst error \(worst) levels")
        XCTAssertLessThanOrEqual(mean, 0.5, "mean error \(mean) levels")
        XCTAssertEqual(try frameComponents(data).components, [0x11])
    }

    func testTheSamePixelsGiveTheSameBytes() throws {
        let image = noisyImage(side: 48)
        let first = try JPEGCodec.encode(image, quality: 90)
        XCTAssertEqual(try JPEGCodec.encode(image, quality: 90), first)
        XCTAssertNotEqual(try JPEGCodec.encode(image, quality: 80), first, "the quality is used")
        XCTAssertEqual(Array(first.prefix(3)), [0xFF, 0xD8, 0xFF], "SOI")
        XCTAssertEqual(Array(first.suffix(2)), [0xFF, 0xD9], "EOI")
    }

    /// A speckled picture hardly compresses losslessly; at quality 90 the JPEG is a small
    /// fraction of the PNG and still within a few levels of it on average (measured: 13969 B
    /// against 64670 B, mean error 3.1 levels, where the noise's SD is 25).
    func testANoisyPictureIsMuchSmallerThanPNG() throws {
        let image = noisyImage()
        let png = try PNGCodec.encode(image), jpeg = try JPEGCodec.encode(image, quality: 90)
        XCTAssertLessThan(jpeg.count * 4, png.count, "JPEG \(jpeg.count) B vs PNG \(png.count) B")
        let (_, mean) = errors(try ImageDecoder.decode(jpeg, source: "memory").rgbImage().pixels, image.pixels)
        XCTAssertLessThanOrEqual(mean, 4, "mean error \(mean) levels")
    }
}
