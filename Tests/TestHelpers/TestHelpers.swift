import EUSGradCAM
import EUSImage
import Foundation
import XCTest

/// Helpers shared by several test targets: `.npy` fixtures (made by
/// scripts/make_gradcam_fixtures.py), closeness checks, scratch folders, expected errors.

/// The URL of a file in `bundle`'s Fixtures folder (a test target's `Bundle.module`).
public func fixtureURL(_ name: String, in bundle: Bundle, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
    guard let url = bundle.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
        XCTFail("missing fixture \(name)", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    return url
}

/// The `.npy` fixture `name` in `bundle`.
public func npyFixture(_ name: String, in bundle: Bundle) throws -> NPYArray {
    try NPYFile.read(try fixtureURL(name + ".npy", in: bundle))
}

/// An (H, W) array as a heat map.
public func heatMap(_ array: NPYArray) -> HeatMap {
    precondition(array.shape.count == 2, "expected (H, W), got \(array.shape)")
    return HeatMap(width: array.shape[1], height: array.shape[0], values: array.values)
}

/// max_i |a_i − b_i|, and the first index where it is reached.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    var worst: Float = 0, at = 0
    for i in a.indices where abs(a[i] - b[i]) > worst {
        worst = abs(a[i] - b[i])
        at = i
    }
    return (worst, at)
}

/// Asserts |a − b| ≤ tolerance everywhere; reports maxdiff and the first values on failure.
public func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        return XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    }
    let (worst, at) = maxAbsDifference(actual, expected)
    XCTAssertLessThanOrEqual(worst, tolerance,
        "\(what): maxdiff \(worst) at \(at) (tolerance \(tolerance)); first actual \(actual.prefix(4)), expected \(expected.prefix(4))",
        file: file, line: line)
}

/// A fresh temporary folder, removed at the end of the test.
public func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("eus-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Asserts that `body` throws an error whose description contains every fragment.
public func assertThrows<T>(_ body: @autoclosure () throws -> T, containing fragments: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch {
        let message = "\(error)"
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "error '\(message)' lacks '\(fragment)'", file: file, line: line)
        }
    }
}
