import TestHelpers
import EUSImage
import EUSRender
import XCTest

final class OverlayTests: XCTestCase {
    func fixtureImage() throws -> RGBImage {
        let array = try npyFixture("overlay_image")
        return RGBImage(width: array.shape[1], height: array.shape[0], pixels: array.values.map { UInt8($0) })
    }

    /// Byte-for-byte `show_cam_on_image(image/255, cam, use_rgb=True, colormap, image_weight)`.
    func testOverlayMatchesShowCamOnImage() throws {
        let image = try fixtureImage()
        let cam = heatMap(try npyFixture("overlay_cam"))
        for colormap in Colormap.allCases {
            for imageWeight in [5, 3] {
                let expected = try npyFixture("overlay_\(colormap.rawValue)_w\(imageWeight)")
                let alpha = 1 - Float(imageWeight) / 10
                let overlay = CAMOverlay.draw(cam, on: image, colormap: colormap, alpha: alpha)
                XCTAssertEqual(overlay.width, image.width)
                XCTAssertEqual(overlay.height, image.height)
                let actual = overlay.pixels.map(Float.init)
                let (worst, at) = maxAbsDifference(actual, expected.values)
                XCTAssertEqual(worst, 0, "\(colormap) image_weight 0.\(imageWeight): differs by \(worst) at \(at)")
            }
        }
    }

    func testDefaultAlphaIsShowCamOnImagesDefault() {
        XCTAssertEqual(CAMOverlay.defaultAlpha, 0.5)
    }

    /// A square heat map over a wide image: the overlay keeps the image's size, and the heat
    /// map is stretched onto it (its hot right half lands on the image's right half).
    func testOverlayKeepsTheImagesSizeAndAspectRatio() {
        let image = RGBImage(width: 60, height: 20, fill: (100, 100, 100))
        let cam = HeatMap(width: 8, height: 8, values: (0..<64).map { $0 % 8 < 4 ? 0 : 1 })
        let overlay = CAMOverlay.draw(cam, on: image, colormap: .jet, alpha: 1)
        XCTAssertEqual(overlay.width, 60)
        XCTAssertEqual(overlay.height, 20)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(overlay.pixels[(3 * (y * 60 + x))..<(3 * (y * 60 + x) + 3)]) }
        // α = 1: pure colormap, divided by its maximum (255) → the table's colours.
        XCTAssertEqual(pixel(2, 10), [0, 0, 128])    // cam 0 → dark blue
        XCTAssertEqual(pixel(57, 10), [128, 0, 0])   // cam 1 → dark red
    }

    /// α = 0 shows only the image, brightened so that its brightest channel reaches 255.
    func testZeroAlphaShowsTheNormalisedImage() {
        let image = RGBImage(width: 2, height: 1, pixels: [10, 20, 50, 70, 100, 120])
        let cam = HeatMap(width: 2, height: 1, values: [0.3, 0.9])
        let overlay = CAMOverlay.draw(cam, on: image, colormap: .turbo, alpha: 0)
        // ⌊255 · v / 120⌋ for each byte v
        XCTAssertEqual(overlay.pixels, [21, 42, 106, 148, 212, 255])
    }
}
