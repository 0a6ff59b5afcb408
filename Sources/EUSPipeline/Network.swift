import Foundation
import EUSSupport
import EUSGradCAM

/// The optimiser's state as `checkpoint.json` stores it (buffers live in the checkpoint's
/// safetensors).
struct OptimizerSnapshot: Codable {
    var kind: String
    var step: Int
}

/// A ResNet with its optimiser, as the pipeline uses it: train steps, eval logits, weights in
/// and out. The one place where the pipeline meets the network engine.
final class Network {
    let arch: Architecture

    init(arch: Architecture, width: Int, seed: UInt64) throws {
        self.arch = arch
        throw UserError("the network engine is not built into this binary")
    }

    init(weights: URL, arch: Architecture) throws {
        self.arch = arch
        throw UserError("the network engine is not built into this binary")
    }

    var parameterCount: Int { 0 }
    func flops(imageSize: Int) -> Double { 0 }
    func loadInitial(from url: URL) throws {}
    func makeOptimizer(_ settings: TrainingSettings) {}
    func loadCheckpoint(from url: URL, optimizerState: OptimizerSnapshot, settings: TrainingSettings) throws {}
    func optimizerState() -> OptimizerSnapshot { OptimizerSnapshot(kind: "", step: 0) }
    func checkpointData() throws -> Data { Data() }
    func stateDictData() throws -> Data { Data() }
    func trainStep(input: [Float], labels: [Int], imageSize: Int, learningRate: Double) -> (loss: Float, correct: Int) { (0, 0) }
    func evalLogits(input: [Float], count: Int, imageSize: Int) -> [Float] { [] }
    func camMaps(input: [Float], count: Int, imageSize: Int, settings: CAMSettings, positiveIndex: Int) throws -> [CAMMap] { [] }
}
