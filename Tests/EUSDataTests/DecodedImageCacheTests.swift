import XCTest
@testable import EUSData
import EUSImage

/// `DecodedImageCache`: decodes a key once while the budget allows, decodes every time beyond it,
/// and replaces what a fresh read keeps.
final class DecodedImageCacheTests: XCTestCase {
    private func image(_ value: UInt16, side: Int) -> DecodedImage {
        DecodedImage(width: side, height: side, channels: 1, bitDepth: 8, samples: Array(repeating: value, count: side * side))
    }

    func testKeepsWhatTheBudgetHoldsAndDecodesTheRestEachTime() {
        // Room for one 4x4 image (16 samples of 2 bytes), not two.
        let cache = DecodedImageCache(budgetBytes: 40)
        var decodes: [String: Int] = [:]
        func read(_ key: String, _ value: UInt16) -> DecodedImage {
            cache.image(key) { decodes[key, default: 0] += 1; return image(value, side: 4) }
        }
        for _ in 0..<3 {
            XCTAssertEqual(read("a", 1), image(1, side: 4))
            XCTAssertEqual(read("b", 2), image(2, side: 4))
        }
        XCTAssertEqual(decodes, ["a": 1, "b": 3], "a is kept; b does not fit beside it")
    }

    func testAFreshReadReplacesTheKeptImage() {
        let cache = DecodedImageCache(budgetBytes: 40)
        cache.keep(image(1, side: 4), as: "a")
        cache.keep(image(7, side: 4), as: "a")
        XCTAssertEqual(cache.image("a") { XCTFail("kept images are not decoded"); return image(0, side: 4) }, image(7, side: 4))
        cache.keep(image(3, side: 4), as: "b")
        XCTAssertEqual(cache.image("b") { image(9, side: 4) }, image(9, side: 4), "b did not fit beside a")
    }
}
