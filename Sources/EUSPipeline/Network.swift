import Foundation
import EUSSupport
import EUSCore
import EUSModels
import EUSGradCAM

/// A ResNet with its optimiser, as the pipeline uses it: train steps, eval logits, Grad-CAM
/// maps, weights in and out. The one place where the pipeline meets the network engine.
final class Network {
    let arch: Architecture
    let model: ResNet
    private var optimizer: Optimizer?
    /// The weight average that is saved and evaluated, when the settings ask for one.
    private var average: WeightAverage?

    /// A freshly initialised network (torchvision's initialisation, seeded).
    init(arch: Architecture, width: Int, seed: UInt64) throws {
        self.arch = arch
        model = ResNet(architecture: arch, numClasses: 2, baseWidth: width, seed: seed)
    }

    /// A network for trained weights. The base width is read from `conv1.weight`, so any
    /// torchvision ResNet of this architecture loads; a tensor that does not fit is named.
    init(weights url: URL, arch: Architecture) throws {
        self.arch = arch
        let file = try WeightsFile.read(url)
        guard let conv1 = file["conv1.weight"], conv1.shape.count == 4 else {
            throw UserError("\(url.path): missing tensor 'conv1.weight' (not a torchvision ResNet state_dict)")
        }
        if let fc = file["fc.weight"], fc.shape.first != 2 {
            throw UserError("\(url.path): tensor 'fc.weight' has shape \(fc.shape), a 2-class \(arch.rawValue) expects [2, …]; use it with `train --init` instead")
        }
        model = ResNet(architecture: arch, numClasses: 2, baseWidth: conv1.shape[0], seed: 0)
        try model.load(file.tensors, source: url.path, strict: true)
    }

    var parameterCount: Int { model.parameterCount }
    func flops(imageSize: Int) -> Double { model.flops(imageSize: imageSize) }

    /// `--init`: other weights to start from; an `fc` of another shape is re-initialised.
    func loadInitial(from url: URL) throws {
        for warning in try model.load(contentsOf: url, reinitialiseMismatchedFC: true) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }

    /// The optimiser (weight decay on the weights only) and, when `settings.emaDecay` > 0, the
    /// weight average, both starting from the current weights.
    func makeOptimizer(_ settings: TrainingSettings) {
        let (lr, parameters) = (Float(settings.learningRate), model.namedParameters)
        let decays = WeightDecay.appliesTo(parameters)
        switch settings.optimizer {
        case .sgd:
            optimizer = SGD(parameters: parameters, learningRate: lr, momentum: Float(settings.momentum),
                            weightDecay: Float(settings.weightDecay), decays: decays)
        case .adamw:
            optimizer = AdamW(parameters: parameters, learningRate: lr, weightDecay: Float(settings.weightDecay), decays: decays)
        }
        average = settings.emaDecay > 0 ? WeightAverage(model: model, decay: settings.emaDecay) : nil
    }

    /// One optimisation step on a batch (N, 3, S, S): forward in train mode, mean
    /// cross-entropy (label-smoothed by `labelSmoothing`), backward, update, then the weight
    /// average. A non-finite loss is returned without an update.
    func trainStep(input: [Float], labels: [Int], imageSize: Int, learningRate: Double,
                   labelSmoothing: Double = 0) -> (loss: Float, correct: Int) {
        let x = Tensor(shape: [labels.count, 3, imageSize, imageSize], scalars: input)
        model.zeroGrad()
        let logits = model.forward(x, mode: .train)
        let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: labels, labelSmoothing: labelSmoothing)
        guard loss.isFinite, let optimizer else { return (loss, 0) }
        model.backward(dLogits)
        optimizer.learningRate = Float(learningRate)
        Profiler.measure("optimizer step") { optimizer.step() }
        Profiler.measure("weight average") { average?.update() }
        let z = logits.scalars
        let correct = labels.enumerated().filter { n, label in
            (z[2 * n + 1] > z[2 * n] ? 1 : 0) == label
        }.count
        return (loss, correct)
    }

    /// Eval-mode logits (N, 2), BatchNorm folded into the convolutions.
    func evalLogits(input: [Float], count: Int, imageSize: Int) -> [Float] {
        model.forward(Tensor(shape: [count, 3, imageSize, imageSize], scalars: input), mode: .eval).scalars
    }

    /// Grad-CAM maps at the input size for a batch, explaining the class that `settings`
    /// names (EUSGradCAM: eval-mode forward keeping the block, one-hot backward, fixed
    /// post-processing).
    func camMaps(input: [Float], count: Int, imageSize: Int, settings: CAMSettings, positiveIndex: Int) throws -> [CAMMap] {
        let cam = try GradCAM(model: model, layer: settings.layer ?? CAMSettings.defaultLayer(imageSize: imageSize), method: settings.method,
                              positiveClass: positiveIndex)
        let x = Tensor(shape: [count, 3, imageSize, imageSize], scalars: input)
        return try cam.compute(input: x, target: settings.target)
    }

    /// The torchvision path of the block that `layer` (default: `CAMSettings.defaultLayer`) names.
    func camLayer(_ layer: String?, imageSize: Int) throws -> String {
        try GradCAM(model: model, layer: layer ?? CAMSettings.defaultLayer(imageSize: imageSize)).layer
    }

    // MARK: - Weights out and in

    /// Puts the weight average (if any) into the network: training is over.
    func finishTraining() {
        average?.applyToNetwork()
        model.invalidateFolding()
    }

    /// model.safetensors: the torchvision state_dict.
    func stateDictData() -> Data {
        Safetensors.encode(model.stateDict(), metadata: ["arch": arch.rawValue, "format": "pt"])
    }

    /// checkpoint.safetensors: the state_dict, the optimiser's buffers, and `state` (as JSON in
    /// the header's metadata) so that one atomically written file is the whole checkpoint.
    func checkpointData(state: Data) -> Data {
        let tensors = model.stateDict() + (optimizer?.stateTensors() ?? []) + (average?.stateTensors() ?? [])
        return Safetensors.encode(tensors, metadata: ["arch": arch.rawValue, "checkpoint": String(decoding: state, as: UTF8.self)])
    }

    /// Restores weights and optimiser buffers from a checkpoint file.
    func restore(from file: SafetensorsFile, source: String, settings: TrainingSettings) throws {
        try model.load(file.tensors, source: source)
        makeOptimizer(settings)
        try optimizer?.loadState(file.tensors, source: source)
        try average?.loadState(file.tensors, source: source)
    }
}
