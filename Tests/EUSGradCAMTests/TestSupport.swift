import Foundation
import XCTest
@testable import EUSGradCAM
import EUSRender

/// The URL of a file in this target's Fixtures folder.
func fixtureURL(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
    guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
        XCTFail("missing fixture \(name)", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    return url
}

/// A `.npy` fixture made by scripts/make_gradcam_fixtures.py.
func npyFixture(_ name: String) throws -> NPYArray {
    try NPYFile.read(try fixtureURL(name + ".npy"))
}

func heatMap(_ array: NPYArray) -> HeatMap {
    precondition(array.shape.count == 2, "expected (H, W), got \(array.shape)")
    return HeatMap(width: array.shape[1], height: array.shape[0], values: array.values)
}

/// max_i |a_i − b_i|, and the first index where it is reached.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    var worst: Float = 0, at = 0
    for i in a.indices where abs(a[i] - b[i]) > worst {
        worst = abs(a[i] - b[i])
        at = i
    }
    return (worst, at)
}

/// Asserts |a − b| ≤ tolerance everywhere; reports maxdiff and the first values on failure.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        return XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
    }
    let (worst, at) = maxAbsDifference(actual, expected)
    XCTAssertLessThanOrEqual(worst, tolerance,
        "\(what): maxdiff \(worst) at \(at) (tolerance \(tolerance)); first actual \(actual.prefix(4)), expected \(expected.prefix(4))",
        file: file, line: line)
}

/// The float32 and int64 tensors of a safetensors file (enough for the reference fixtures).
struct SafeTensorsFixture {
    var tensors: [String: (shape: [Int], values: [Float])] = [:]

    init(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: try fixtureURL(name)))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as! [String: Any]
        let dataStart = 8 + headerLength
        for (key, entry) in header where key != "__metadata__" {
            let info = entry as! [String: Any]
            let shape = (info["shape"] as! [NSNumber]).map(\.intValue)
            let offsets = (info["data_offsets"] as! [NSNumber]).map(\.intValue)
            let raw = bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])]
            switch info["dtype"] as! String {
            case "F32":
                tensors[key] = (shape, stride(from: raw.startIndex, to: raw.endIndex, by: 4).map { i in
                    Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(raw[i + $1]) << (8 * UInt32($1)) })
                })
            case "I64":
                tensors[key] = (shape, stride(from: raw.startIndex, to: raw.endIndex, by: 8).map { i in
                    Float(Int64(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[i + $1]) << (8 * UInt64($1)) }))
                })
            default:
                continue
            }
        }
    }

    subscript(name: String) -> (shape: [Int], values: [Float]) {
        guard let tensor = tensors[name] else { fatalError("fixture has no tensor \(name)") }
        return tensor
    }

    /// Image n of an (N, H, W) tensor.
    func map(_ name: String, image n: Int) -> HeatMap {
        let (shape, values) = self[name]
        let size = shape[1] * shape[2]
        return HeatMap(width: shape[2], height: shape[1], values: Array(values[(n * size)..<((n + 1) * size)]))
    }
}
