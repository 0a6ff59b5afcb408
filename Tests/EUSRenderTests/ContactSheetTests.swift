import EUSImage
import EUSRender
import XCTest

final class ContactSheetTests: XCTestCase {
    /// Seven tiles in rows of six: two rows; the tiles' own pixels land unchanged on the sheet.
    func testTilesAreLaidOutSixARowAndKeepTheirPixels() throws {
        let white = RGBImage(width: 150, height: 150, fill: (255, 255, 255))
        let tiles = (0..<7).map { (image: white, caption: "case \($0)") }
        let sheet = ContactSheet(title: "Seven", groups: [(heading: "Group", tiles: tiles)])
        let image = try ImageDecoder.decode(try sheet.png(), source: "sheet").rgbImage()
        // 6 + 6 × (150 + 6) wide; title, group heading, two rows of (tile + caption + gap), gap.
        XCTAssertEqual(image.width, 6 + 6 * 156)
        XCTAssertEqual(image.height, 34 + 24 + 2 * (150 + 16 + 6) + 6)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(y * image.width + x) * 3 ..< (y * image.width + x) * 3 + 3]) }
        XCTAssertEqual(pixel(6 + 75, 34 + 24 + 75), [255, 255, 255], "inside the first tile")
        XCTAssertEqual(pixel(2, image.height - 2), [24, 24, 28], "the ground")
        let captionRow = (0..<image.width).map { pixel($0, 34 + 24 + 150 + 9) }
        XCTAssertTrue(captionRow.contains { $0[0] > 150 && $0 != [255, 255, 255] || $0[0] > 100 && $0[0] < 250 },
                      "captions are drawn under the tiles")
    }
}
