import EUSImage
@testable import EUSReport
import XCTest

final class ReportImagesTests: XCTestCase {
    /// Box-filter shrinking: every output pixel is the mean of its factor × factor block.
    func testShrinkAveragesBlocks() {
        var pixels: [UInt8] = []
        for y in 0..<6 { for x in 0..<6 { pixels += [UInt8(10 * x + y), UInt8(x), 200] } }
        let image = RGBImage(width: 6, height: 6, pixels: pixels)
        let small = ReportImages.shrink(image, maximumSide: 2)
        XCTAssertEqual(small.width, 2)
        XCTAssertEqual(small.height, 2)
        // Block (0,0): x,y in 0..<3: mean of 10x+y = 10·1 + 1 = 11; mean of x = 1.
        XCTAssertEqual(Array(small.pixels[0..<3]), [11, 1, 200])
        // Block (1,1): x,y in 3..<6: 10·4 + 4 = 44; mean of x = 4.
        XCTAssertEqual(Array(small.pixels[9..<12]), [44, 4, 200])
        XCTAssertEqual(ReportImages.shrink(image, maximumSide: 6), image, "no shrinking when it already fits")
    }
}
