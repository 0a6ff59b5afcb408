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

    /// A freshly initialised network (torchvision's initialisation, seeded).
    init(arch: Architecture, width: Int, seed: UInt64) throws {
        self.arch = arch
        model = ResNet(depth: arch.depth, numClasses: 2, baseWidth: width, seed: seed)
    }

    /// A network for trained weights. The base width is read from `conv1.weight`, so any
    /// torchvision ResNet of this architecture loads; a tensor that does not fit is named.
    init(weights url: URL, arch: Architecture) throws {
        self.arch = arch
        let file = try Safetensors.read(url)
        guard let conv1 = file["conv1.weight"], conv1.shape.count == 4 else {
            throw UserError("\(url.path): missing tensor 'conv1.weight' (not a torchvision ResNet state_dict)")
        }
        if let fc = file["fc.weight"], fc.shape.first != 2 {
            throw UserError("\(url.path): tensor 'fc.weight' has shape \(fc.shape), a 2-class \(arch.rawValue) expects [2, …]; use it with `train --init` instead")
        }
        model = ResNet(depth: arch.depth, numClasses: 2, baseWidth: conv1.shape[0], seed: 0)
        try model.load(file.tensors, source: url.path)
    }

    var parameterCount: Int { model.parameterCount }
    func flops(imageSize: Int) -> Double { model.flops(imageSize: imageSize) }

    /// `--init`: other weights to start from; an `fc` of another shape is re-initialised.
    func loadInitial(from url: URL) throws {
        for warning in try model.load(contentsOf: url, reinitialiseMismatchedFC: true) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }

    func makeOptimizer(_ settings: TrainingSettings) {
        let lr = Float(settings.learningRate)
        switch settings.optimizer {
        case .sgd:
            optimizer = SGD(parameters: model.namedParameters, learningRate: lr, momentum: Float(settings.momentum),
                            weightDecay: Float(settings.weightDecay))
        case .adamw:
            optimizer = AdamW(parameters: model.namedParameters, learningRate: lr, weightDecay: Float(settings.weightDecay))
        }
    }

    /// One optimisation step on a batch (N, 3, S, S): forward in train mode, mean
    /// cross-entropy, backward, update. A non-finite loss is returned without an update.
    func trainStep(input: [Float], labels: [Int], imageSize: Int, learningRate: Double) -> (loss: Float, correct: Int) {
        let x = Tensor(shape: [labels.count, 3, imageSize, imageSize], scalars: input)
        model.zeroGrad()
        let logits = model.forward(x, mode: .train)
        let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: labels)
        guard loss.isFinite, let optimizer else { return (loss, 0) }
        model.backward(dLogits)
        optimizer.learningRate = Float(learningRate)
        optimizer.step()
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
    /// names: the eval-mode forward captures the block's activation A, the gradient of the
    /// target logit y_c (dLoss/dlogits one-hot at c) flows back to it, and EUSGradCAM's fixed
    /// pipeline turns (A, ∂y_c/∂A) into maps.
    func camMaps(input: [Float], count: Int, imageSize: Int, settings: CAMSettings, positiveIndex: Int) throws -> [CAMMap] {
        let layer = settings.layer ?? CAMStep.defaultLayer(arch)
        guard model.blockIndex(named: layer) != nil else {
            throw UserError("--cam-layer '\(layer)' is not a block of \(arch.rawValue) (blocks: \(model.blockNames.joined(separator: ", ")))")
        }
        let target = try CAMStep.target(settings)
        guard let method = CAMMethod(rawValue: settings.method) else {
            throw UserError("--cam must be gradcam or gradcampp, got '\(settings.method)'")
        }
        let x = Tensor(shape: [count, 3, imageSize, imageSize], scalars: input)
        let (logits, activation) = model.forward(x, capturingBlock: layer)
        let z = logits.scalars
        let classes = (0 ..< count).map { n in target.classIndex(logits: Array(z[2 * n ..< 2 * n + 2]), positiveClass: positiveIndex) }
        let seed = Tensor(shape: [count, 2])
        for (n, c) in classes.enumerated() { seed[2 * n + c] = 1 }
        let gradient = model.gradientOfCapturedBlock(seed)
        let shape = activation.shape
        let maps = CAMPipeline.heatMaps(
            activations: FeatureMaps(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], values: activation.scalars),
            gradients: FeatureMaps(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], values: gradient.scalars),
            method: method, outputWidth: imageSize, outputHeight: imageSize)
        return maps.enumerated().map { n, map in
            CAMMap(heatMap: map, targetClass: classes[n], logits: Array(z[2 * n ..< 2 * n + 2]))
        }
    }

    // MARK: - Weights out and in

    /// model.safetensors: the torchvision state_dict.
    func stateDictData() -> Data {
        Safetensors.encode(model.stateDict(), metadata: ["arch": arch.rawValue, "format": "pt"])
    }

    /// checkpoint.safetensors: the state_dict, the optimiser's buffers, and `state` (as JSON in
    /// the header's metadata) so that one atomically written file is the whole checkpoint.
    func checkpointData(state: Data) -> Data {
        let tensors = model.stateDict() + (optimizer?.stateTensors() ?? [])
        return Safetensors.encode(tensors, metadata: ["arch": arch.rawValue, "checkpoint": String(decoding: state, as: UTF8.self)])
    }

    /// Restores weights and optimiser buffers from a checkpoint file.
    func restore(from file: SafetensorsFile, source: String, settings: TrainingSettings) throws {
        try model.load(file.tensors, source: source)
        makeOptimizer(settings)
        try optimizer?.loadState(file.tensors, source: source)
    }
}

extension Architecture {
    var depth: ResNet.Depth {
        switch self {
        case .resnet18: return .resNet18
        case .resnet34: return .resNet34
        case .resnet50: return .resNet50
        }
    }
}
