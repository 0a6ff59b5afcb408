import Foundation
import XCTest

/// The reference values in Fixtures/ (see Fixtures/SOURCE.md).
enum Fixtures {
    static func data(_ name: String, extension ext: String = "json") throws -> Data {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"),
                                "missing fixture \(name).\(ext)")
        return try Data(contentsOf: url)
    }

    /// Decodes a fixture; Python's bare `Infinity` is first turned into a string the decoder maps back.
    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        var text = String(decoding: try data(name), as: UTF8.self)
        text = text.replacingOccurrences(of: ": Infinity", with: ": \"Infinity\"")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    struct Proportions: Decodable {
        struct Case: Decodable {
            var x: Int
            var n: Int
            var alpha: Double
            var methods: [String: [Double]]

            init(from decoder: Decoder) throws {
                let keyed = try decoder.container(keyedBy: AnyKey.self)
                x = try keyed.decode(Int.self, forKey: AnyKey("x"))
                n = try keyed.decode(Int.self, forKey: AnyKey("n"))
                alpha = try keyed.decode(Double.self, forKey: AnyKey("alpha"))
                methods = [:]
                for key in keyed.allKeys where !["x", "n", "alpha"].contains(key.stringValue) {
                    methods[key.stringValue] = try keyed.decode([Double].self, forKey: key)
                }
            }
        }
        var z: Double
        var cases: [Case]
    }

    struct McNemarCases: Decodable {
        struct Case: Decodable {
            var b: Int
            var c: Int
            var exact_p: Double
            var chi2_cc: Double
            var chi2_cc_p: Double
        }
        var cases: [Case]
    }

    struct ROCCases: Decodable {
        struct Case: Decodable {
            var name: String
            var labels: [Int]
            var scores: [Double]
            var fpr: [Double]
            var tpr: [Double]
            var thresholds: [Double?]
            var auc: Double
            var delong_ci: [Double]
            var delong_var: Double
        }
        var cases: [Case]
    }

    struct PairedCases: Decodable {
        struct Case: Decodable {
            var name: String
            var labels: [Int]
            var scores_a: [Double]
            var scores_b: [Double]
            var z: Double
            var p: Double
            var diff_ci: [Double]
            var auc_a: Double
            var auc_b: Double
        }
        var cases: [Case]
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// |actual − expected| ≤ tolerance, with the tolerance in the message.
func assertClose<T: BinaryFloatingPoint>(_ actual: T?, _ expected: T, tolerance: T, _ message: @autoclosure () -> String = "",
                                         file: StaticString = #filePath, line: UInt = #line) {
    guard let actual else { return XCTFail("nil, expected \(expected) \(message())", file: file, line: line) }
    XCTAssert(abs(actual - expected) <= tolerance,
              "\(actual) vs \(expected): |diff| \(abs(actual - expected)) > \(tolerance) \(message())", file: file, line: line)
}

/// Scores with ties, and labels, for brute-force oracles: a fixed LCG so the test is repeatable.
func randomCases(count: Int, seed: UInt64, levels: Int = 7) -> (isPositive: [Bool], scores: [Double]) {
    var state = seed
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    var isPositive: [Bool] = [], scores: [Double] = []
    for i in 0..<count {
        let positive = i % 3 != 0
        isPositive.append(positive)
        let level = Double(next() % UInt64(levels)) / Double(levels - 1)
        scores.append(positive ? min(1, level * 0.8 + 0.2) : level * 0.9)
    }
    return (isPositive, scores)
}
