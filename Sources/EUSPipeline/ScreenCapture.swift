import Foundation
import EUSData
import EUSImage
import EUSRender
import EUSSupport

/// `synth --screen-capture`: each phantom scan drawn into a 1280×1024 frame the way an EUS
/// processor's monitor shows it, so that `--crop auto` can be tested against a known field.
///
/// Around the scan, placed off-centre (seeded by the case), the frame carries burned-in fake
/// text at the top left (a name, an ID, a date and time) and the bottom left (MHz, gain,
/// depth), a 16-step grey-scale bar at the right and a logo at the top right. The mask is
/// drawn into a frame of the same size at the same place: masks stay in frame coordinates.
public enum ScreenCapture {
    public static let width = 1280, height = 1024
    /// The margins the scan keeps from the frame's edges (the text, bar and logo live there).
    static let left = 240, right = 120, top = 120, bottom = 110

    /// Where the scan's top-left corner goes in the frame, for a scan of `size` pixels.
    public static func placement(caseID: String, size: Int, seed: UInt64) -> (x: Int, y: Int) {
        var random = SeededRandom(seed: seed, 0x5C8E, UInt64(truncatingIfNeeded: caseID.hashValueStable))
        let xs = max(0, width - left - right - size), ys = max(0, height - top - bottom - size)
        return (left + Int(random.uniform(0, Double(xs + 1))).clamped(0, xs), top + Int(random.uniform(0, Double(ys + 1))).clamped(0, ys))
    }

    /// The frame's image and mask files (PNG) for a phantom case.
    static func files(_ item: Phantom.Case, seed: UInt64) throws -> (image: Data, mask: Data) {
        let p = item.parameters
        let at = placement(caseID: p.caseID, size: item.image.width, seed: seed)
        let image = try frame(scan: item.image.rgb, at: at, caseID: p.caseID, scanner: p.scanner.rawValue)
        var mask = [UInt8](repeating: 0, count: width * height)
        for y in 0..<item.mask.height {
            for x in 0..<item.mask.width where at.x + x < width && at.y + y < height {
                mask[(at.y + y) * width + at.x + x] = item.mask.pixels[y * item.mask.width + x]
            }
        }
        return (image, try PNGCodec.encode(GrayImage(width: width, height: height, pixels: mask)))
    }

    /// The frame as PNG bytes: black, the scan at `at` (pixel for pixel), and the surround.
    static func frame(scan: RGBImage, at: (x: Int, y: Int), caseID: String, scanner: String) throws -> Data {
        let canvas = Canvas(kind: .png(dotsPerInch: 72), size: Size(width: Double(width), height: Double(height)))
        canvas.rect(Rect(x: 0, y: 0, width: Double(width), height: Double(height)), fill: .black)
        canvas.image(scan, in: Rect(x: Double(at.x), y: Double(at.y), width: Double(scan.width), height: Double(scan.height)), smooth: false)
        let white = Color(hex: 0xE8E8E8), font = Font(size: 18, bold: true, monospace: true)
        let number = caseID.filter(\.isNumber)
        for (row, line) in ["NAME: SYNTHETIC^PHANTOM", "ID: PH\(number)", "DOB: 1900-01-01", "2026-01-01 09:\(number.suffix(2))"].enumerated() {
            canvas.text(line, at: Point(x: 16, y: 32 + 26 * Double(row)), font: font, color: white)
        }
        for (row, line) in ["\(scanner == "radial" ? "7.5" : "5.0") MHz", "GAIN 12", "DR 60", "DEPTH 6 cm"].enumerated() {
            canvas.text(line, at: Point(x: 16, y: Double(height) - 110 + 26 * Double(row)), font: font, color: white)
        }
        for step in 0..<16 {
            let level = Double(step) / 15
            canvas.rect(Rect(x: Double(width) - 60, y: 200 + 32 * Double(15 - step), width: 28, height: 32),
                        fill: Color(red: level, green: level, blue: level))
        }
        canvas.circle(center: Point(x: Double(width) - 70, y: 50), radius: 26, fill: Color(hex: 0x2A6FB0))
        canvas.text("EUS", at: Point(x: Double(width) - 70, y: 57), font: Font(size: 18, bold: true), color: .white, align: .center)
        canvas.text("PHANTOM-SCOPE", at: Point(x: Double(width) - 110, y: 100), font: Font(size: 14), color: white, align: .right)
        return try canvas.finish()
    }
}

private extension Comparable {
    func clamped(_ low: Self, _ high: Self) -> Self { min(max(self, low), high) }
}

private extension String {
    /// FNV-1a of the UTF-8 bytes: the same in every process (Swift's hashValue is seeded).
    var hashValueStable: UInt64 {
        utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
