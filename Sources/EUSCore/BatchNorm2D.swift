import Foundation

/// Batch normalisation over (N, H, W) for each channel, with PyTorch's exact semantics.
///
/// Train mode normalises with the batch statistics, the biased variance:
///
///     mean_c = (1/M) sum x,  var_c = (1/M) sum (x - mean_c)^2,  M = N*H*W
///     y = gamma_c * (x - mean_c) / sqrt(var_c + eps) + beta_c
///
/// and updates the running statistics with the unbiased variance:
///
///     running_mean = (1 - momentum) * running_mean + momentum * mean_c
///     running_var  = (1 - momentum) * running_var  + momentum * var_c * M / (M - 1)
///
/// Eval mode uses the running statistics in place of the batch's. The statistics are summed in
/// Double and y is formed in Double, so each output is x's normalisation rounded once to float32,
/// with no cancellation error of its own where gamma * mean / std is large beside y.
/// Layout: x, y (N, C, H, W); gamma, beta, running statistics (C).
///
/// Reference: Ioffe & Szegedy, "Batch Normalization" (2015); torch.nn.BatchNorm2d.
public final class BatchNorm2D {
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    /// gamma (C), initialised to 1.
    public let weight: Parameter
    /// beta (C), initialised to 0.
    public let bias: Parameter
    /// (C), initialised to 0.
    public let runningMean: Tensor
    /// (C), initialised to 1.
    public let runningVar: Tensor
    /// The number of train-mode forwards, as torch's `num_batches_tracked` (int64).
    public var batchesTracked: Int64 = 0
    /// (N, C, H, W), owned by the layer.
    public let output = Tensor(shape: [0])

    private var input: Tensor?
    private var trained = false
    private var rectified = false
    /// The per-channel mean and 1/sqrt(var + eps) used by the last forward.
    private var mean: [Float]
    private var inverseStd: [Float]
    /// The last forward's y = x * scale + shift per channel, in Double from Double statistics, so
    /// that each output is x's exact normalisation rounded once to float32.
    private var scale: [Double]
    private var shift: [Double]

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        precondition(channels > 0, "BatchNorm2D: channels must be positive, got \(channels)")
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(Tensor(shape: [channels], scalars: Array(repeating: 1, count: channels)))
        bias = Parameter(Tensor(shape: [channels]))
        runningMean = Tensor(shape: [channels])
        runningVar = Tensor(shape: [channels], scalars: Array(repeating: 1, count: channels))
        mean = Array(repeating: 0, count: channels)
        inverseStd = Array(repeating: 1, count: channels)
        scale = Array(repeating: 1, count: channels)
        shift = Array(repeating: 0, count: channels)
    }

    /// - Parameter rectify: also apply ReLU, y = max(bn(x), 0), in the same pass (backward then
    ///   differentiates the rectifier too).
    @discardableResult
    public func forward(_ x: Tensor, training: Bool, rectify: Bool = false) -> Tensor {
        Profiler.measure("bn forward") {
            // x: (N, C, H, W), y: (N, C, H, W)
            precondition(x.shape.count == 4 && x.shape[1] == channels,
                         "BatchNorm2D: expected (N, \(channels), H, W), got \(x.shape)")
            input = x
            trained = training
            rectified = rectify
            output.resize(to: x.shape)
            let (n, plane) = (x.shape[0], x.shape[2] * x.shape[3])
            let m = n * plane
            if training {
                precondition(m > 1, "BatchNorm2D: train mode needs more than one value per channel, got \(x.shape)")
                batchStatistics(x, images: n, plane: plane)
                batchesTracked += 1
            } else {
                for c in 0..<channels {
                    let inverse = 1 / (Double(runningVar[c]) + Double(epsilon)).squareRoot()
                    mean[c] = runningMean[c]
                    inverseStd[c] = Float(inverse)
                    setAffine(c, mean: Double(runningMean[c]), inverseStd: inverse)
                }
            }
            normalise(x, images: n, plane: plane)
            return output
        }
    }

    /// Sets `mean`/`inverseStd` from the batch (two passes, Double sums) and updates the running
    /// statistics.
    private func batchStatistics(_ x: Tensor, images n: Int, plane: Int) {
        let m = n * plane
        let channels = channels
        mean.withUnsafeMutableBufferPointer { meanOut in
            inverseStd.withUnsafeMutableBufferPointer { inverseOut in
                Parallel.forRanges(channels, costPerItem: 2 * m) { range in
                    for c in range {
                        var sum: Double = 0
                        for image in 0..<n {
                            sum += Double(Reductions.sum(x.data + (image * channels + c) * plane, plane))
                        }
                        let mu = sum / Double(m)
                        var squares: Double = 0
                        for image in 0..<n {
                            let base = x.data + (image * channels + c) * plane
                            squares += Double(Reductions.squaredDeviations(base, plane, mean: Float(mu)))
                        }
                        let variance = squares / Double(m)
                        let inverse = 1 / (variance + Double(epsilon)).squareRoot()
                        meanOut[c] = Float(mu)
                        inverseOut[c] = Float(inverse)
                        setAffine(c, mean: mu, inverseStd: inverse)
                        let unbiased = squares / Double(m - 1)
                        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * Float(mu)
                        runningVar[c] = (1 - momentum) * runningVar[c] + momentum * Float(unbiased)
                    }
                }
            }
        }
    }

    /// y = gamma * (x - mean) * inverseStd + beta as x * scale + shift, all in Double.
    private func setAffine(_ c: Int, mean: Double, inverseStd: Double) {
        scale[c] = Double(weight.value[c]) * inverseStd
        shift[c] = Double(bias.value[c]) - mean * scale[c]
    }

    private func normalise(_ x: Tensor, images n: Int, plane: Int) {
        let channels = channels
        let y = output.data
        let floor: Float = rectified ? 0 : -.infinity
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                Parallel.forRanges(n * channels, costPerItem: plane) { range in
                    for row in range {
                        let (a, b) = (scale[row % channels], shift[row % channels])
                        let source = x.data + row * plane, target = y + row * plane
                        for i in 0..<plane {
                            target[i] = max(Float(Double(source[i]) * a + b), floor)
                        }
                    }
                }
            }
        }
    }

    /// Differentiates `y = gamma * xhat + beta`, `xhat = (x - mean) * inverseStd`:
    ///
    ///     dgamma += sum dy * xhat,  dbeta += sum dy
    ///     train: dx = gamma * inverseStd * (dy - mean(dy) - xhat * mean(dy * xhat))
    ///     eval:  dx = gamma * inverseStd * dy
    ///
    /// `dx` may be the same tensor as `dy` (the gradient is then computed in place). After a
    /// rectified forward, dy is first multiplied by [y > 0]. `accumulateParameterGradients`:
    /// false when only dx is wanted (Grad-CAM).
    public func backward(_ dy: Tensor, inputGradient dx: Tensor, accumulateParameterGradients: Bool = true) {
        Profiler.measure("bn backward") {
            guard let x = input else { preconditionFailure("BatchNorm2D: backward before forward") }
            precondition(dy.shape == x.shape, "BatchNorm2D: dy \(dy.shape) does not match x \(x.shape)")
            let (n, plane) = (x.shape[0], x.shape[2] * x.shape[3])
            if dx !== dy { dx.resize(to: x.shape) }
            let m = Double(n * plane)
            let channels = channels, training = trained
            // With a fused ReLU, dy is first masked by y > 0 (y is the rectified output).
            let mask: UnsafeMutablePointer<Float>? = rectified ? output.data : nil
            let (gamma, dgamma, dbeta) = (weight.value.data, weight.grad.data, bias.grad.data)
            mean.withUnsafeBufferPointer { mean in
                inverseStd.withUnsafeBufferPointer { inverseStd in
                    Parallel.forRanges(channels, costPerItem: 3 * n * plane) { range in
                        for c in range {
                            let (mu, inv) = (mean[c], inverseStd[c])
                            var sumDy: Double = 0, sumDyXhat: Double = 0
                            for image in 0..<n {
                                let offset = (image * channels + c) * plane
                                let (a, b) = Reductions.gradientSums(dy.data + offset, x.data + offset, plane, mean: mu,
                                                                     mask: mask.map { UnsafePointer($0 + offset) })
                                sumDy += Double(a)
                                sumDyXhat += Double(b) * Double(inv)
                            }
                            if accumulateParameterGradients {
                                dgamma[c] += Float(sumDyXhat)
                                dbeta[c] += Float(sumDy)
                            }
                            let scale = gamma[c] * inv
                            let meanDy = training ? Float(sumDy / m) : 0
                            let meanDyXhat = training ? Float(sumDyXhat / m) : 0
                            for image in 0..<n {
                                let offset = (image * channels + c) * plane
                                Reductions.batchNormInputGradient(
                                    dx.data + offset, dy.data + offset, x.data + offset, plane,
                                    mask: mask.map { UnsafePointer($0 + offset) }, scale: scale, mean: mu,
                                    inverseStd: inv, meanDy: meanDy, meanDyXhat: meanDyXhat)
                            }
                        }
                    }
                }
            }
        }
    }
}
