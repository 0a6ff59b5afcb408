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
