import EUSRender
import XCTest

final class TextAndScaleTests: XCTestCase {
    func testNiceTicks() {
        XCTAssertEqual(NiceScale.ticks(from: 0, to: 1, count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(NiceScale.ticks(from: 0.31, to: 2.7, count: 5), [0.5, 1, 1.5, 2, 2.5], accuracy: 1e-12)
        XCTAssertEqual(NiceScale.ticks(from: 1, to: 30, count: 5), [5, 10, 15, 20, 25, 30], accuracy: 1e-12)
        XCTAssertEqual(NiceScale.label(0.4, step: 0.2), "0.4")
        XCTAssertEqual(NiceScale.label(0.25, step: 0.25), "0.25")
        XCTAssertEqual(NiceScale.label(10, step: 5), "10")
    }

    func testWrappedLinesFitTheWidth() {
        let canvas = Canvas(kind: .svg, size: Size(width: 200, height: 200))
        let font = Font(size: 9)
        let text = "The threshold was fixed at 0.5 before evaluation; the split is a single stratified hold-out, so the intervals at n = 29 are wide. Supercalifragilisticexpialidociouslylongword."
        for width in [60.0, 120, 180] {
            let lines = TextLayout.wrap(text, font: font, width: width, on: canvas)
            XCTAssertGreaterThan(lines.count, 1)
            for line in lines {
                XCTAssertLessThanOrEqual(canvas.measure(line, font: font).width, width + 1e-9, "'\(line)' at width \(width)")
            }
            XCTAssertEqual(lines.joined(separator: " ").filter { $0 != " " }, text.filter { $0 != " " })
        }
        _ = try? canvas.finish()
    }

    /// A hostile case id or model name (here 300,000 characters, one word) is cut to
    /// `maximumCharacters` with an ellipsis before any measuring, and every cut point is found
    /// by binary search: the longest prefix that fits, as a one-character-at-a-time search
    /// would find it, but in O(log n) measurements.
    func testHugeStringsAreCappedAndCutByBinarySearch() {
        let canvas = Canvas(kind: .svg, size: Size(width: 200, height: 200))
        let font = Font(size: 9)
        let huge = String(repeating: "abcdefghij", count: 30_000)
        XCTAssertEqual(TextLayout.capped(huge).count, TextLayout.maximumCharacters + 1)
        let truncated = TextLayout.truncate(huge, font: font, width: 80, on: canvas)
        XCTAssertTrue(truncated.hasSuffix("…"))
        XCTAssertLessThanOrEqual(canvas.measure(truncated, font: font).width, 80)
        let oneMore = String(huge.prefix(truncated.count)) + "…"
        XCTAssertGreaterThan(canvas.measure(oneMore, font: font).width, 80, "the longest prefix that fits")
        let lines = TextLayout.wrap(huge, font: font, width: 120, on: canvas)
        XCTAssertEqual(lines.joined().count, TextLayout.maximumCharacters + 1, "wrapped, capped, nothing lost in between")
        for line in lines { XCTAssertLessThanOrEqual(canvas.measure(line, font: font).width, 120 + 1e-9) }
        XCTAssertEqual(TextLayout.truncate("short", font: font, width: 80, on: canvas), "short")
        _ = try? canvas.finish()
    }

    func testFitShrinksUntilTheTextFits() {
        let canvas = Canvas(kind: .svg, size: Size(width: 200, height: 200))
        let text = "Sensitivity 85.71% (67.38%–100.00%)"
        let wide = canvas.measure(text, font: Font(size: 9)).width
        let fitted = TextLayout.fit(text, font: Font(size: 9), width: wide * 0.8, minimumSize: 5, on: canvas)
        XCTAssertLessThan(fitted.size, 9)
        XCTAssertLessThanOrEqual(canvas.measure(text, font: fitted).width, wide * 0.8)
        let truncated = TextLayout.truncate(text, font: Font(size: 9), width: 50, on: canvas)
        XCTAssertTrue(truncated.hasSuffix("…"))
        XCTAssertLessThanOrEqual(canvas.measure(truncated, font: Font(size: 9)).width, 50)
        _ = try? canvas.finish()
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}

final class IntegerTicksAndLinesTests: XCTestCase {
    func testIntegerTicksNeverFallBetweenWholeNumbers() {
        XCTAssertEqual(NiceScale.ticks(from: 0, to: 20, count: 8, integer: true), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20])
        XCTAssertEqual(NiceScale.ticks(from: 0, to: 3, count: 6, integer: true), [0, 1, 2, 3])
        for upper in stride(from: 2.0, through: 60, by: 1) {
            for value in NiceScale.ticks(from: 0, to: upper, count: 5, integer: true) {
                XCTAssertEqual(value, value.rounded(), "tick \(value) for 0...\(upper)")
            }
        }
    }

    func testExplicitLineBreaksAreKept() {
        let canvas = Canvas(kind: .svg, size: Size(width: 100, height: 100))
        XCTAssertEqual(TextLayout.wrap("a b\nc\n\nd", font: Font(size: 8), width: 500, on: canvas), ["a b", "c", "", "d"])
        _ = try? canvas.finish()
    }
}
