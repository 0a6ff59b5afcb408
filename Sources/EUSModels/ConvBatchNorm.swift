import EUSCore

/// A convolution without bias followed by BatchNorm: the unit every ResNet layer is made of.
///
/// Train mode runs the two layers. Eval mode's predictions run one convolution with the
/// BatchNorm folded into its weights (Ioffe & Szegedy 2015, sec. 3.1: eval-mode BN is affine):
///
///     w'[o] = w[o] * gamma[o] / sqrt(running_var[o] + eps)
///     b'[o] = beta[o] - running_mean[o] * gamma[o] / sqrt(running_var[o] + eps)
///
/// Eval mode's differentiable pass (Grad-CAM's) runs the two layers, BatchNorm with its running
/// statistics, as PyTorch does: the folded weights are rounded once more, which was enough to
/// put ResNet-34's raw Grad-CAM map, a sum with heavy cancellation, past the float64 rule.
final class ConvBatchNorm {
    let conv: Conv2D
    let norm: BatchNorm2D
    /// torchvision module paths, e.g. "layer1.0.conv1" and "layer1.0.bn1".
    let convName: String
    let normName: String
    /// Whether a ReLU follows (fused into this unit's forward and backward).
    let rectified: Bool
    private var foldedWeight: Tensor?
    private var foldedBias: Tensor?
    /// The folded weight's Winograd transform, made by the first eval forward that needs it
    /// (a 3x3 layer's is 4x its weight); it lives and dies with the folding.
    private var foldedKernels: Tensor?
    /// How the last forward ran: both layers (train mode, or eval's differentiable pass), and in
    /// train mode.
    private var ranBothLayers = true
    private var lastModeWasTrain = true

    init(_ convName: String, _ normName: String, inputChannels: Int, outputChannels: Int,
         kernelSize: Int, stride: Int, padding: Int, rectified: Bool, workspace: ConvolutionWorkspace) {
        conv = Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                      stride: stride, padding: padding, bias: false, workspace: workspace)
        norm = BatchNorm2D(channels: outputChannels)
        self.convName = convName
        self.normName = normName
        self.rectified = rectified
    }

    /// The output of the last forward (BN's when the two layers ran, else the folded convolution's).
    var output: Tensor { ranBothLayers ? norm.output : conv.output }

    /// `differentiable: false` (eval mode only) promises that no backward follows;
    /// `algorithm` is the convolution's (see `Conv2D.forward`).
    func forward(_ x: Tensor, mode: ResNet.Mode, differentiable: Bool = true, algorithm: Conv2D.Algorithm = .direct) -> Tensor {
        lastModeWasTrain = mode == .train
        ranBothLayers = mode == .train || differentiable
        switch mode {
        case .train:
            invalidateFolding()
            return norm.forward(conv.forward(x, algorithm: algorithm), training: true, rectify: rectified)
        case .eval where differentiable:
            return norm.forward(conv.forward(x, algorithm: algorithm), training: false, rectify: rectified)
        case .eval:
            if foldedWeight == nil { fold() }
            return conv.forward(x, weight: foldedWeight, bias: foldedBias, rectify: rectified,
                                differentiable: differentiable, algorithm: algorithm, winogradKernels: foldedKernels)
        }
    }

    /// Differentiates `y = bn(conv(x))` (train, and eval's differentiable pass) or `y = conv'(x)`
    /// (eval, folded), each followed by `max(., 0)` when `rectified`, writing dx into a tensor
    /// taken from `pool` (nil when `needsInputGradient` is false). Parameter gradients
    /// accumulate only in train mode.
    /// dy may be overwritten.
    func backward(_ dy: Tensor, pool: TensorPool, needsInputGradient: Bool) -> Tensor? {
        let dx = needsInputGradient ? pool.take() : nil
        if ranBothLayers {
            let dz = pool.take()
            norm.backward(dy, inputGradient: dz, accumulateParameterGradients: lastModeWasTrain)
            conv.backward(dz, inputGradient: dx, accumulateParameterGradients: lastModeWasTrain)
            pool.give(dz)
        } else {
            if rectified { ReLU.backward(dy, output: conv.output) }
            conv.backward(dy, inputGradient: dx, weight: foldedWeight, accumulateParameterGradients: false)
        }
        return dx
    }

    /// Forgets the folded weights; the next eval forward folds again.
    func invalidateFolding() {
        foldedWeight = nil
        foldedBias = nil
        foldedKernels = nil
    }

    func fold() {
        let w = conv.weight.value
        let (channels, perChannel) = (w.shape[0], w.count / w.shape[0])
        let weight = Tensor(shape: w.shape), bias = Tensor(shape: [channels])
        for o in 0..<channels {
            let scale = norm.weight.value[o] / (norm.runningVar[o] + norm.epsilon).squareRoot()
            for i in 0..<perChannel { weight[o * perChannel + i] = w[o * perChannel + i] * scale }
            bias[o] = norm.bias.value[o] - norm.runningMean[o] * scale
        }
        foldedWeight = weight
        foldedBias = bias
        foldedKernels = Tensor(shape: [0])
    }
}

/// Reusable gradient tensors: backward takes one for each intermediate gradient and gives it
/// back when done, so a step needs only a handful of activation-sized buffers.
public final class TensorPool {
    private var free: [Tensor] = []
    public init() {}
    public func take() -> Tensor { free.popLast() ?? Tensor(shape: [0]) }
    public func give(_ tensor: Tensor) { free.append(tensor) }
}
