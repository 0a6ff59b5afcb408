import Foundation
import XCTest
@testable import EUSModels
import ReferenceNetworks

/// The PyTorch reference fixtures (`ReferenceNetworks`): narrow torchvision ResNets (base
/// width 8), a batch of two 128-pixel images.
enum Fixture {
    static func url(_ name: String) -> URL { ReferenceNetworks.url(name) }

    static func io(_ architecture: String) throws -> SafetensorsFile { try ReferenceNetworks.io(architecture) }

    /// The fixture network with its reference weights loaded.
    static func network(_ architecture: String) throws -> ResNet {
        let (model, warnings) = try ReferenceNetworks.model(architecture)
        XCTAssertEqual(warnings, [])
        return model
    }

    static func labels(_ io: SafetensorsFile) -> [Int] { io["labels"]!.int64s!.map { Int($0) } }
}

/// The largest absolute difference, with the first values of both for failure messages.
func maxAbsDifference(_ actual: [Float], _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) -> Float {
    XCTAssertEqual(actual.count, expected.count, "element counts differ", file: file, line: line)
    return zip(actual, expected).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

func describeFirst(_ actual: [Float], _ expected: [Float]) -> String {
    "first values: ours \(actual.prefix(4)), torch \(expected.prefix(4))"
}

extension Fixture {
    static func float64(_ architecture: String) throws -> Float64Reference { try ReferenceNetworks.float64(architecture) }
}

/// Asserts each comparison within max(tolerance, 3 × spread), and prints one line for the group
/// so that its figures can be quoted.
func assertWithinBounds(_ group: String, _ comparisons: [Float64Comparison], file: StaticString = #filePath, line: UInt = #line) {
    print(Float64Comparison.summary(group, comparisons))
    for comparison in comparisons where !comparison.holds {
        XCTFail("\(group) \(comparison.failure)", file: file, line: line)
    }
}

/// Prints, without asserting, the figures of comparisons that fall short of the f64 rule, under
/// the rule and against the rounding ensemble, and what is asserted about them instead.
func reportShortOfFloat64Rule(_ group: String, _ comparisons: [Float64Comparison], assertedInstead: String) {
    guard !comparisons.isEmpty else { return }
    print(Float64Comparison.summary("\(group) [short of the f64 rule, not asserted under it; asserted instead: \(assertedInstead)]", comparisons))
    print(Float64Comparison.ensembleSummary(group, comparisons))
}
