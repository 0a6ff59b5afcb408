/// The rectifier, applied in place as torchvision's `ReLU(inplace=True)`.
///
///     y = max(x, 0)
///
/// Any layout; the tensor keeps its shape.
public enum ReLU {
    /// x <- max(x, 0).
    public static func forward(_ x: Tensor) {
        Profiler.measure("relu forward") {
            let data = x.data
            Parallel.forRanges(x.count) { range in
                for i in range { data[i] = data[i] > 0 ? data[i] : 0 }
            }
        }
    }

    /// Differentiates `y = max(x, 0)` from its output: dy <- dy * [y > 0], in place.
    public static func backward(_ dy: Tensor, output y: Tensor) {
        Profiler.measure("relu backward") {
            precondition(dy.count == y.count, "ReLU: dy \(dy.shape) does not match y \(y.shape)")
            let (g, data) = (dy.data, y.data)
            Parallel.forRanges(dy.count) { range in
                for i in range { g[i] = data[i] > 0 ? g[i] : 0 }
            }
        }
    }
}
