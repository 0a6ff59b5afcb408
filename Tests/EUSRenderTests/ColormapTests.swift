import XCTest
import TestHelpers
import EUSRender

final class ColormapTests: XCTestCase {
    /// OpenCV's jet (colormap.cpp, `class Jet`) is a 256-entry float table, converted with
    /// `convertTo(CV_8U, 255)` (round half to even). The expected bytes below come from its
    /// float entries: e.g. i = 96 has r = 0.00588235294117645 → 1.5 → 2 and
    /// b = 0.9941176470588236 → 253.5 → 254; i = 0 has b = 0.5 → 127.5 → 128.
    func testJetMatchesOpenCVAtEightSampledEntries() {
        let expected: [(index: Int, rgb: [UInt8])] = [
            (0, [0, 0, 128]),      // b 0.5
            (32, [0, 0, 255]),     // g 0.001960784 → 0.5 → 0
            (64, [0, 128, 255]),   // g 0.503921568 → 128.5 → 128
            (96, [2, 255, 254]),   // r 0.005882353 → 1.5 → 2
            (128, [130, 255, 126]),// r 0.507843137 → 129.5 → 130, b 0.492156863 → 125.5 → 126
            (160, [255, 252, 0]),  // g 0.990196078 → 252.5 → 252
            (192, [255, 124, 0]),  // g 0.488235294 → 124.5 → 124
            (255, [128, 0, 0]),    // r 0.5
        ]
        for (index, rgb) in expected {
            let c = Colormap.jet.color(index: index)
            XCTAssertEqual([c.red, c.green, c.blue], rgb, "jet[\(index)]")
        }
    }

    /// Turbo's first and last entries from Google's float table × 255, rounded:
    /// (0.18995, 0.07176, 0.23217) and (0.47960, 0.01583, 0.01055).
    func testTurboEndsMatchGooglesTable() {
        let first = Colormap.turbo.color(index: 0), last = Colormap.turbo.color(index: 255)
        XCTAssertEqual([first.red, first.green, first.blue], [48, 18, 59])
        XCTAssertEqual([last.red, last.green, last.blue], [122, 4, 3])
    }

    /// Every entry of both tables against `cv2.applyColorMap(0...255)` (opencv-python 5.0.0).
    func testWholeTablesMatchOpenCVApplyColorMap() throws {
        for colormap in Colormap.allCases {
            let reference = try npyFixture("colormap_\(colormap.rawValue)")
            XCTAssertEqual(reference.shape, [256, 3])
            XCTAssertEqual(colormap.table.map(Float.init), reference.values, "\(colormap)")
        }
    }

    /// The stored jet is the piecewise-linear definition, off by at most one level where the
    /// formula falls on an exact half.
    func testJetFollowsItsPiecewiseLinearDefinition() {
        func clamp(_ v: Double) -> Double { min(1, max(0, v)) }
        for i in 0..<256 {
            let x = Double(i) / 255
            let formula = [clamp(min(4 * x - 1.5, 4.5 - 4 * x)), clamp(min(4 * x - 0.5, 3.5 - 4 * x)),
                           clamp(min(4 * x + 0.5, 2.5 - 4 * x))].map { $0 * 255 }
            let c = Colormap.jet.color(index: i)
            for (stored, exact) in zip([c.red, c.green, c.blue], formula) {
                let isHalf = abs(exact - exact.rounded(.down) - 0.5) < 1e-6
                XCTAssertLessThanOrEqual(abs(Double(stored) - exact), isHalf ? 0.5 + 1e-6 : 0.5 - 1e-6,
                                         "jet[\(i)] = \(stored), formula \(exact)")
            }
        }
    }

    /// A value picks entry ⌊255·v⌋ as `np.uint8(255 * cam)` does, clamped at the ends.
    func testValueToIndexTruncatesLikeNumPy() {
        XCTAssertEqual(Colormap.index(for: 0), 0)
        XCTAssertEqual(Colormap.index(for: 1), 255)
        XCTAssertEqual(Colormap.index(for: 0.999), 254)       // 254.745 → 254
        XCTAssertEqual(Colormap.index(for: 0.5), 127)         // 127.5 → 127
        XCTAssertEqual(Colormap.index(for: 3.9 / 255), 3)
        XCTAssertEqual(Colormap.index(for: -0.2), 0)
        XCTAssertEqual(Colormap.index(for: 1.7), 255)
        XCTAssertEqual(Colormap.index(for: .nan), 0)
    }
}
