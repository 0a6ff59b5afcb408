@testable import EUSModels
import EUSCore
import XCTest

final class WeightAverageTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    /// The average follows d_t = min(decay, (1 + t)/(10 + t)), ema = d·ema + (1 − d)·θ, on the
    /// parameters and the BatchNorm running statistics, and is written into the network on request.
    func testAverageFollowsTheWarmedUpDecayAndCoversBuffers() throws {
        let model = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 3)
        let average = WeightAverage(model: model, decay: 0.9)
        let weight = model.namedParameters[0].value, buffer = model.namedBuffers[0].tensor
        let (w0, b0) = (weight[0], buffer[0])
        var (expectedW, expectedB) = (Double(w0), Double(b0))
        for t in 0..<30 {
            weight[0] = Float(t)
            buffer[0] = Float(2 * t)
            average.update()
            let d = min(0.9, Double(1 + t) / Double(10 + t))
            expectedW = d * expectedW + (1 - d) * Double(t)
            expectedB = d * expectedB + (1 - d) * Double(2 * t)
        }
        XCTAssertEqual(average.updates, 30)
        average.applyToNetwork()
        XCTAssertEqual(Double(weight[0]), expectedW, accuracy: 1e-4)
        XCTAssertEqual(Double(buffer[0]), expectedB, accuracy: 1e-4)
    }

    func testAverageRoundTripsThroughCheckpointTensors() throws {
        let model = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 3)
        let average = WeightAverage(model: model, decay: 0.99)
        model.namedParameters[5].value[0] += 1
        average.update()
        let restored = WeightAverage(model: model, decay: 0.99)
        try restored.loadState(average.stateTensors(), source: "test")
        XCTAssertEqual(restored.updates, 1)
        XCTAssertEqual(restored.stateTensors(), average.stateTensors())
        XCTAssertThrowsError(try restored.loadState(average.stateTensors().filter { $0.name != "ema.fc.bias" }, source: "ckpt")) { error in
            XCTAssert("\(error)".contains("ckpt") && "\(error)".contains("ema.fc.bias"), "\(error)")
        }
    }

    /// Weight decay applies to convolution and fc weights only: a step with zero gradient
    /// shrinks those and leaves BatchNorm's γ, β and the fc bias as they were.
    func testWeightDecaySparesBatchNormAndBiases() {
        let model = ResNet(architecture: .resnet18, numClasses: 2, baseWidth: 4, seed: 3)
        let parameters = model.namedParameters
        let decays = WeightDecay.appliesTo(parameters)
        let decayed = Dictionary(uniqueKeysWithValues: zip(parameters.map(\.name), decays))
        XCTAssertEqual(["conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv2.weight", "fc.weight", "fc.bias"].map { decayed[$0] },
                       [true, false, false, true, true, false])
        for optimizer in [AdamW(parameters: parameters, learningRate: 0.1, weightDecay: 0.5, decays: decays) as Optimizer,
                          SGD(parameters: parameters, learningRate: 0.1, weightDecay: 0.5, decays: decays)] {
            let before = parameters.map { $0.value.scalars }
            model.zeroGrad()
            optimizer.step()
            for (index, p) in parameters.enumerated() {
                let changed = p.value.scalars != before[index]
                XCTAssertEqual(changed, decays[index] && before[index].contains { $0 != 0 }, p.name)
                XCTAssertEqual(decays[index], p.value.shape.count >= 2, p.name)
            }
        }
    }
}
