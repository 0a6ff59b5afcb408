import EUSModels
import Foundation

/// The PyTorch reference networks that the engine and Grad-CAM tests share, copied from the
/// reference folder (made by make_resnet_fixtures.py with PyTorch 2.15 and torchvision 0.29.2):
/// torchvision ResNet-34 and ResNet-50 of base width 8 and 2 classes, their weights
/// (`<arch>.weights.safetensors`), and a batch of two 128-pixel images with PyTorch's eval and
/// train-mode outputs, gradients, SGD losses and pytorch-grad-cam maps (`<arch>.io.safetensors`).
public enum ReferenceNetworks {
    public static func url(_ name: String) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "resnet") else {
            preconditionFailure("ReferenceNetworks: no resnet/\(name).safetensors in the bundle")
        }
        return url
    }

    /// The inputs and PyTorch's outputs for `architecture` ("resnet34" or "resnet50").
    public static func io(_ architecture: String) throws -> SafetensorsFile {
        try Safetensors.read(url("\(architecture).io"))
    }

    /// The network with PyTorch's weights, and the loader's warnings (expected: none).
    public static func model(_ architecture: String) throws -> (model: ResNet, warnings: [String]) {
        let model = ResNet(depth: ResNet.Depth(architecture: architecture)!, numClasses: 2, baseWidth: 8, seed: 1)
        let warnings = try model.load(contentsOf: url("\(architecture).weights"))
        return (model, warnings)
    }
}
