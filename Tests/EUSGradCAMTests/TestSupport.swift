import Foundation
import XCTest
@testable import EUSGradCAM
import EUSImage
import TestHelpers
import EUSModels
import EUSCore
import ReferenceNetworks

/// The URL of a file in this target's Fixtures folder.
func fixtureURL(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    try TestHelpers.fixtureURL(name, in: .module, file: file, line: line)
}

/// A `.npy` fixture made by scripts/make_gradcam_fixtures.py.
func npyFixture(_ name: String) throws -> NPYArray { try TestHelpers.npyFixture(name, in: .module) }

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
