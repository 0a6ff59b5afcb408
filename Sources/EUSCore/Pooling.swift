/// Max pooling with a square window, as torch.nn.MaxPool2d (padding counts as -infinity).
///
///     y[n, c, i, j] = max_{p, q < K} x[n, c, i*s - pad + p, j*s - pad + q]
///
/// Layout: x (N, C, H, W), y (N, C, OH, OW), OH = (H + 2*pad - K) / s + 1. The ResNet stem
/// uses K = 3, s = 2, pad = 1.
public final class MaxPool2D {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let output = Tensor(shape: [0])
    /// For each output, the flat index (within its plane) of the input that won.
    private var winners: [Int32] = []
    private var inputShape: [Int] = []

    public init(kernelSize: Int = 3, stride: Int = 2, padding: Int = 1) {
        precondition(kernelSize > 0 && stride > 0 && padding >= 0 && 2 * padding <= kernelSize,
                     "MaxPool2D: invalid K=\(kernelSize) s=\(stride) p=\(padding)")
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    @discardableResult
    public func forward(_ x: Tensor) -> Tensor {
        Profiler.measure("pool forward") {
            // x: (N, C, H, W), y: (N, C, OH, OW)
            precondition(x.shape.count == 4, "MaxPool2D: expected (N, C, H, W), got \(x.shape)")
            let (h, w) = (x.shape[2], x.shape[3])
            let oh = (h + 2 * padding - kernelSize) / stride + 1
            let ow = (w + 2 * padding - kernelSize) / stride + 1
            inputShape = x.shape
            output.resize(to: [x.shape[0], x.shape[1], oh, ow])
            if winners.count < output.count { winners = Array(repeating: 0, count: output.count) }
            let (k, s, p, y) = (kernelSize, stride, padding, output.data)
            winners.withUnsafeMutableBufferPointer { winners in
                Parallel.forRanges(x.shape[0] * x.shape[1], costPerItem: oh * ow * k * k) { range in
                    for plane in range {
                        let source = x.data + plane * h * w
                        for i in 0..<oh {
                            for j in 0..<ow {
                                var best = -Float.infinity, winner = -1
                                for a in max(0, i * s - p)..<min(h, i * s - p + k) {
                                    for b in max(0, j * s - p)..<min(w, j * s - p + k) {
                                        let value = source[a * w + b]
                                        if value > best || value.isNaN || winner < 0 { best = value; winner = a * w + b }
                                    }
                                }
                                let o = (plane * oh + i) * ow + j
                                y[o] = best
                                winners[o] = Int32(winner)
                            }
                        }
                    }
                }
            }
            return output
        }
    }

    /// Differentiates the max: each dy goes to the input that won its window (dx overwritten).
    public func backward(_ dy: Tensor, inputGradient dx: Tensor) {
        Profiler.measure("pool backward") {
            precondition(dy.shape == output.shape, "MaxPool2D: dy \(dy.shape) does not match y \(output.shape)")
            dx.resize(to: inputShape)
            let planeIn = inputShape[2] * inputShape[3], planeOut = output.shape[2] * output.shape[3]
            let (g, target) = (dy.data, dx.data)
            winners.withUnsafeBufferPointer { winners in
                Parallel.forRanges(inputShape[0] * inputShape[1], costPerItem: planeIn) { range in
                    for plane in range {
                        let base = target + plane * planeIn
                        base.update(repeating: 0, count: planeIn)
                        for o in plane * planeOut..<(plane + 1) * planeOut {
                            base[Int(winners[o])] += g[o]
                        }
                    }
                }
            }
        }
    }
}

/// Adaptive average pooling to 1x1, flattened, as torchvision's `avgpool` then `flatten(1)`.
///
///     y[n, c] = (1 / (H*W)) sum_{h, w} x[n, c, h, w]
///
/// Layout: x (N, C, H, W), y (N, C).
public final class GlobalAveragePool {
    public let output = Tensor(shape: [0])
    private var inputShape: [Int] = []

    public init() {}

    @discardableResult
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4, "GlobalAveragePool: expected (N, C, H, W), got \(x.shape)")
        inputShape = x.shape
        let plane = x.shape[2] * x.shape[3]
        output.resize(to: [x.shape[0], x.shape[1]])
        for row in 0..<output.count {
            let base = x.data + row * plane
            var sum: Float = 0
            for i in 0..<plane { sum += base[i] }
            output[row] = sum / Float(plane)
        }
        return output
    }

    /// Differentiates the mean: dx[n, c, h, w] = dy[n, c] / (H*W) (dx overwritten).
    public func backward(_ dy: Tensor, inputGradient dx: Tensor) {
        precondition(dy.shape == output.shape, "GlobalAveragePool: dy \(dy.shape) does not match y \(output.shape)")
        dx.resize(to: inputShape)
        let plane = inputShape[2] * inputShape[3]
        for row in 0..<dy.count {
            (dx.data + row * plane).update(repeating: dy[row] / Float(plane), count: plane)
        }
    }
}
