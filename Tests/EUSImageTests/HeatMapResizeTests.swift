import TestHelpers
import EUSImage
import XCTest

/// `HeatMap.resized` against OpenCV (fixtures from scripts/make_gradcam_fixtures.py).

final class HeatMapResizeTests: XCTestCase {
    /// `cv2.resize(x, (W, H))`, INTER_LINEAR on float32: upscale ×32, odd factors, shrink in one
    /// axis and grow in the other, the 2× shrink (OpenCV's INTER_AREA fast path) and identity.
    func testBilinearResizeMatchesOpenCV() throws {
        for name in ["up4to128", "odd", "mixed", "half", "same"] {
            let input = heatMap(try npyFixture("resize_\(name)_in"))
            let expected = heatMap(try npyFixture("resize_\(name)_out"))
            let actual = input.resized(width: expected.width, height: expected.height)
            XCTAssertEqual(actual.width, expected.width)
            XCTAssertEqual(actual.height, expected.height)
            assertClose(actual.values, expected.values, tolerance: 5e-7, "resize \(name)")
        }
    }

    /// Half-pixel centres: a 2-pixel row [0, 1] grown to 4 pixels gives 0, 0.25, 0.75, 1.
    func testHalfPixelCentresOnAWorkedExample() {
        let map = HeatMap(width: 2, height: 1, values: [0, 1]).resized(width: 4, height: 1)
        XCTAssertEqual(map.values, [0, 0.25, 0.75, 1])
    }
}
