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
            // Outputs j whose window 2j-1 ... 2j+1 lies inside the row (the stem's 3/2/1 case).
            let interiorColumns = (w - 2) / 2 + 1
            winners.withUnsafeMutableBufferPointer { winners in
                Parallel.forRanges(x.shape[0] * x.shape[1], costPerItem: oh * ow * k * k) { range in
                    for plane in range {
                        let source = x.data + plane * h * w
                        let target = y + plane * oh * ow
                        let indices = winners.baseAddress! + plane * oh * ow
                        for i in 0..<oh {
                            var j = 0
                            while j < ow {
                                if k == 3 && s == 2 && p == 1 && j >= 1 && j + 8 <= interiorColumns {
                                    maxOfEightStemWindows(target + i * ow + j, indices + i * ow + j, source,
                                                          row: i, column: j, height: h, width: w)
                                    j += 8
                                } else {
                                    (target[i * ow + j], indices[i * ow + j]) = maxOfWindow(source, row: i, column: j, height: h, width: w)
                                    j += 1
                                }
                            }
                        }
                    }
                }
            }
            return output
        }
    }

    /// The max of one window and the flat index of its winner. As in PyTorch's kernel, the
    /// window is scanned in row-major order from -infinity, a larger value or a NaN replaces
    /// the best, and the index starts at the window's first element.
    @inline(__always)
    private func maxOfWindow(_ source: UnsafePointer<Float>, row i: Int, column j: Int, height h: Int, width w: Int)
        -> (Float, Int32)
    {
        let (top, bottom) = (max(0, i * stride - padding), min(h, i * stride - padding + kernelSize))
        let (left, right) = (max(0, j * stride - padding), min(w, j * stride - padding + kernelSize))
        var best = -Float.infinity, winner = top * w + left
        for a in top..<bottom {
            for b in left..<right {
                let value = source[a * w + b]
                if value > best || value.isNaN { best = value; winner = a * w + b }
            }
        }
        return (best, Int32(winner))
    }

    /// `maxOfWindow` for outputs j ..< j+8 of row i with K = 3, s = 2, pad = 1, whose windows
    /// lie inside the row: the three taps of a window row are the odd elements of 16 floats
    /// from 2j-2 and the even and odd elements of 16 floats from 2j.
    @inline(__always)
    private func maxOfEightStemWindows(_ target: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>,
                                       _ source: UnsafePointer<Float>, row i: Int, column j: Int, height h: Int, width w: Int) {
        typealias Indices = SIMD8<Int32>
        let (top, bottom) = (max(0, 2 * i - 1), min(h, 2 * i + 2))
        let lanes = Indices(0, 2, 4, 6, 8, 10, 12, 14)
        var best = Lanes.Vector(repeating: -.infinity)
        var winner = Indices(repeating: Int32(top * w + 2 * j - 1)) &+ lanes
        for a in top..<bottom {
            let row = source + a * w
            let before = UnsafeRawPointer(row + 2 * j - 2).loadUnaligned(as: SIMD16<Float>.self)
            let at = UnsafeRawPointer(row + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
            let first = Indices(repeating: Int32(a * w + 2 * j - 1)) &+ lanes
            func consider(_ value: Lanes.Vector, _ index: Indices) {
                let take = (value .> best) .| (value .!= value)
                best.replace(with: value, where: take)
                winner.replace(with: index, where: take)
            }
            consider(before.oddHalf, first)
            consider(at.evenHalf, first &+ 1)
            consider(at.oddHalf, first &+ 2)
        }
        Lanes.store(best, target, 0)
        UnsafeMutableRawPointer(indices).storeBytes(of: winner, as: Indices.self)
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
