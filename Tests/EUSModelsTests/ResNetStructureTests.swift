import Foundation
import XCTest
@testable import EUSModels
import EUSCore
import EUSSupport

final class ResNetStructureTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    /// torchvision's parameter counts with a 2-class fc; FLOPs against the published
    /// multiply-add counts (3.6 G and 4.1 G at 224 pixels) times two.
    func testFullSizeCountsMatchTorchvision() {
        let r34 = ResNet(architecture: .resnet34, numClasses: 2)
        XCTAssertEqual(r34.parameterCount, 21_285_698)
        XCTAssertEqual(r34.namedParameters.count, 110)
        XCTAssertEqual(r34.flops(imageSize: 224) / 1e9, 7.33, accuracy: 0.01)
        let r50 = ResNet(architecture: .resnet50, numClasses: 2)
        XCTAssertEqual(r50.parameterCount, 23_512_130)
        XCTAssertEqual(r50.namedParameters.count, 161)
        XCTAssertEqual(r50.flops(imageSize: 224) / 1e9, 8.18, accuracy: 0.02)
        XCTAssertEqual(ResNet(architecture: .resnet18, numClasses: 1000).parameterCount, 11_689_512)
    }

    func testArchitectureNamesAndBlockNames() throws {
        XCTAssertEqual(Architecture(name: "resnet34"), .resnet34)
        XCTAssertEqual(Architecture(name: "ResNet50"), .resnet50)
        XCTAssertNil(Architecture(name: "resnet101"))
        XCTAssertEqual(Architecture.resnet50.rawValue, "resnet50")
        XCTAssertEqual(Architecture.allCases.map(\.rawValue), ["resnet18", "resnet34", "resnet50"])
        // In a file, as config.json and the checkpoints write it; any case reads, as before.
        let decoded = try JSONDecoder().decode([Architecture].self, from: Data(#"["resnet18", "ResNet34"]"#.utf8))
        XCTAssertEqual(decoded, [.resnet18, .resnet34])
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([Architecture.resnet50]), as: UTF8.self), #"["resnet50"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode([Architecture].self, from: Data(#"["resnet101"]"#.utf8))) {
            XCTAssert("\($0)".contains("unknown architecture 'resnet101' (choose resnet18, resnet34 or resnet50)"), "\($0)")
        }
        let model = ResNet(architecture: .resnet34, baseWidth: 8)
        XCTAssertEqual(model.blockNames.count, 16)
        XCTAssertEqual(model.blockIndex(named: "layer4"), 15)
        XCTAssertEqual(model.blockIndex(named: "layer4.2"), 15)
        XCTAssertEqual(model.blockIndex(named: "layer4.-1"), 15)
        XCTAssertEqual(model.blockIndex(named: "layer3.5"), 12)
        XCTAssertNil(model.blockIndex(named: "layer3.6"))
        XCTAssertNil(model.blockIndex(named: "layer5"))
    }

    /// The prediction forward keeps each 3x3 layer's Winograd kernels from batch to batch, and
    /// forgets them with the folding whenever the weights change: by `load`, or by training.
    func testPredictionForwardKeepsItsKernelsOnlyWhileTheWeightsStand() throws {
        var random = SeededRandom(seed: 9)
        let x = Tensor(shape: [4, 3, 32, 32], scalars: (0..<(4 * 3 * 32 * 32)).map { _ in random.normal(std: 1) })
        let model = ResNet(architecture: .resnet34, baseWidth: 8, seed: 1)
        let first = model.forward(x, mode: .eval).scalars
        XCTAssertEqual(model.forward(x, mode: .eval).scalars, first, "a second batch with the kept kernels")

        let other = ResNet(architecture: .resnet34, baseWidth: 8, seed: 2)
        let expected = other.forward(x, mode: .eval).scalars
        XCTAssertNotEqual(expected, first)
        try model.load(other.stateDict(), source: "seed 2")
        XCTAssertEqual(model.forward(x, mode: .eval).scalars, expected, "kernels of the loaded weights")

        _ = model.forward(x, mode: .train)
        let fresh = ResNet(architecture: .resnet34, baseWidth: 8, seed: 2)
        try fresh.load(model.stateDict(), source: "after a train forward")
        XCTAssertEqual(model.forward(x, mode: .eval).scalars, fresh.forward(x, mode: .eval).scalars,
                       "kernels of the running statistics that training moved")
    }

    /// Initialisation statistics: Kaiming normal (fan_out) convolutions, unit BN, uniform fc.
    func testTorchvisionInitialisation() {
        let model = ResNet(architecture: .resnet34, baseWidth: 16, seed: 3)
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.value) })
        let w = parameters["layer3.0.conv2.weight"]!.scalars   // (64, 64, 3, 3): fan_out 576
        let std = (w.map { Double($0 * $0) }.reduce(0, +) / Double(w.count)).squareRoot()
        XCTAssertEqual(std, (2.0 / 576).squareRoot(), accuracy: 0.003)
        XCTAssertEqual(parameters["layer3.0.bn2.weight"]!.scalars, Array(repeating: 1, count: 64))
        XCTAssertEqual(parameters["layer3.0.bn2.bias"]!.scalars, Array(repeating: 0, count: 64))
        XCTAssertLessThanOrEqual(parameters["fc.weight"]!.maxAbs, 1 / Float(128).squareRoot())
        // Seeded: the same seed gives the same weights, another seed others.
        XCTAssertEqual(ResNet(architecture: .resnet18, baseWidth: 4, seed: 1).stateDict(), ResNet(architecture: .resnet18, baseWidth: 4, seed: 1).stateDict())
        XCTAssertNotEqual(ResNet(architecture: .resnet18, baseWidth: 4, seed: 1).stateDict(), ResNet(architecture: .resnet18, baseWidth: 4, seed: 2).stateDict())
    }
}
