import Foundation
import XCTest
@testable import EUSGradCAM
import EUSRender
import EUSModels
import EUSCore
import ReferenceNetworks

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

/// The PyTorch reference fixtures (shared reference/resnet): narrow torchvision ResNets (base
/// width 8), a batch of two normalised 128-pixel images, and pytorch-grad-cam's maps.
enum ReferenceNetwork {
    static func io(_ architecture: String) throws -> SafetensorsFile { try ReferenceNetworks.io(architecture) }

    /// The fixture network with its reference weights loaded.
    static func model(_ architecture: String) throws -> ResNet {
        let (model, warnings) = try ReferenceNetworks.model(architecture)
        XCTAssertEqual(warnings, [])
        return model
    }
}

extension SafetensorsFile {
    /// Image n of an (N, H, W) float32 tensor.
    func map(_ name: String, image n: Int) -> HeatMap {
        let tensor = self[name]!
        let size = tensor.shape[1] * tensor.shape[2]
        return HeatMap(width: tensor.shape[2], height: tensor.shape[1],
                       values: Array(tensor.floats![(n * size)..<((n + 1) * size)]))
    }
}
