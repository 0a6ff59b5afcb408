import EUSCore

/// torchvision's ResNet-18/34/50, NCHW float32, with torchvision's module names.
///
///     conv1 (7x7, s2) - bn1 - relu - maxpool (3x3, s2) - layer1..layer4 - avgpool - fc
///
/// layer1..layer4 hold [2,2,2,2] (ResNet-18) or [3,4,6,3] (ResNet-34, ResNet-50) residual
/// blocks of widths w, 2w, 4w, 8w (torchvision: w = 64); ResNet-50 uses Bottleneck v1.5
/// blocks (stride in the 3x3 convolution) with 4x expansion. Each stage after the first halves
/// the resolution in its first block.
///
/// References: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016;
/// torchvision.models.resnet (Bottleneck v1.5).
public final class ResNet {
    /// Train mode uses batch statistics and updates BatchNorm's running statistics; eval mode
    /// uses the running statistics (folded into the convolutions).
    public enum Mode: Sendable { case train, eval }

    public let architecture: Architecture
    public let numClasses: Int
    /// The width of layer1 (torchvision: 64).
    public let baseWidth: Int

    let stem: ConvBatchNorm
    let maxPool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
    /// layer1..layer4, each a list of blocks.
    let stages: [[ResidualBlock]]
    let averagePool = GlobalAveragePool()
    let fc: Linear
    let pool = TensorPool()
    /// How train-mode passes compute their convolutions: `.winogradGradients` (the default)
    /// runs the forward directly (oneDNN's direct convolutions, or im2col + sgemm on OpenBLAS)
    /// and the gradients of the 3x3 convolutions with stride 1 by Winograd F(4x4, 3x3) where
    /// they pay; `.direct` runs every pass directly, the oracle of the parity tests.
    /// Predictions take Winograd and Grad-CAM's differentiated eval pass `.direct`, whatever
    /// this says.
    public var trainingAlgorithm = Conv2D.Algorithm.winogradGradients
    private var lastMode = Mode.train
    var seed: UInt64
    /// The block whose activation the last Grad-CAM forward kept.
    var capturedBlock: Int?

    /// A network with torchvision's initialisation (see `reinitialise`).
    /// - Parameters:
    ///   - numClasses: outputs of `fc` (2 for GIST vs leiomyoma).
    ///   - baseWidth: the width of layer1 (64 in torchvision; the test fixtures use 8).
    ///   - seed: seeds the initial weights.
    public init(architecture: Architecture, numClasses: Int = 2, baseWidth: Int = 64, seed: UInt64 = 0) {
        precondition(numClasses > 0 && baseWidth > 0, "ResNet: numClasses and baseWidth must be positive")
        self.architecture = architecture
        self.numClasses = numClasses
        self.baseWidth = baseWidth
        self.seed = seed
        let workspace = ConvolutionWorkspace()
        stem = ConvBatchNorm("conv1", "bn1", inputChannels: 3, outputChannels: baseWidth,
                             kernelSize: 7, stride: 2, padding: 3, rectified: true, workspace: workspace)
        var channels = baseWidth
        var stages: [[ResidualBlock]] = []
        for (stage, count) in architecture.blockCounts.enumerated() {
            let planes = baseWidth << stage
            stages.append((0..<count).map { index in
                let block = ResidualBlock(
                    name: "layer\(stage + 1).\(index)", inputChannels: channels, planes: planes,
                    stride: index == 0 && stage > 0 ? 2 : 1, bottleneck: architecture.usesBottleneck,
                    workspace: workspace)
                channels = planes * architecture.expansion
                return block
            })
        }
        self.stages = stages
        fc = Linear(inputFeatures: channels, outputFeatures: numClasses)
        reinitialise(seed: seed)
    }

    var blocks: [ResidualBlock] { stages.flatMap { $0 } }

    /// Every conv+BN unit in torchvision's registration order.
    var units: [ConvBatchNorm] { [stem] + blocks.flatMap(\.allUnits) }

    // MARK: - Forward and backward

    /// The logits (N, numClasses) for images (N, 3, H, W). The result is a fresh tensor.
    ///
    /// An eval-mode call is a prediction: nothing differentiates it, so its 3x3 convolutions
    /// take the Winograd path (`Conv2D.forward`). Grad-CAM's forward, which is differentiated
    /// directly, is `forward(_:capturingBlock:)`; a train-mode call takes
    /// `trainingAlgorithm`.
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        forward(input, mode: mode, capturing: nil, differentiable: mode == .train)
        return fc.output.copy()
    }

    /// Runs the network; returns the output of the block at `capturing` (the live buffer).
    @discardableResult
    func forward(_ input: Tensor, mode: Mode, capturing captured: Int?, differentiable: Bool = true) -> Tensor? {
        precondition(input.shape.count == 4 && input.shape[1] == 3,
                     "ResNet: expected images (N, 3, H, W), got \(input.shape)")
        lastMode = mode
        let algorithm = mode == .train ? trainingAlgorithm : differentiable ? .direct : .winograd
        // conv1, bn1, relu, maxpool
        var h = maxPool.forward(stem.forward(input, mode: mode, differentiable: differentiable, algorithm: algorithm))
        var capturedOutput: Tensor?
        for (index, block) in blocks.enumerated() {
            h = block.forward(h, mode: mode, differentiable: differentiable, algorithm: algorithm)
            if index == captured { capturedOutput = h }
        }
        fc.forward(averagePool.forward(h))
        return capturedOutput
    }

    /// Accumulates dLoss/dparameter for every parameter from dLoss/dlogits (N, numClasses),
    /// walking the layers of the last train-mode forward in reverse.
    public func backward(_ dLogits: Tensor) {
        precondition(lastMode == .train, "ResNet: backward for parameter gradients needs a train-mode forward")
        var gradient = backward(dLogits, stoppingAfter: 0, parameterGradients: true)
        let beforePool = pool.take()
        maxPool.backward(gradient, inputGradient: beforePool)
        pool.give(gradient)
        gradient = beforePool
        _ = stem.backward(gradient, pool: pool, needsInputGradient: false)
        pool.give(gradient)
    }

    /// Backward from the logits through fc, avgpool and the blocks from the last down to
    /// `stoppingAfter` (inclusive); returns dLoss/d(input of that block) from `pool`.
    func backward(_ dLogits: Tensor, stoppingAfter first: Int, parameterGradients: Bool) -> Tensor {
        precondition(dLogits.shape == fc.output.shape,
                     "ResNet: dLogits \(dLogits.shape) does not match logits \(fc.output.shape)")
        let features = pool.take()
        fc.backward(dLogits, inputGradient: features, accumulateParameterGradients: parameterGradients)
        var gradient = pool.take()
        averagePool.backward(features, inputGradient: gradient)
        pool.give(features)
        let blocks = blocks
        for index in stride(from: blocks.count - 1, through: first, by: -1) {
            let dx = blocks[index].backward(gradient, pool: pool)
            pool.give(gradient)
            gradient = dx
        }
        return gradient
    }

    /// Clears every parameter gradient.
    public func zeroGrad() {
        for parameter in namedParameters { parameter.parameter.zeroGrad() }
    }
}
