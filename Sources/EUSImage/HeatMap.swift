/// A single-channel float map, row-major: `values[y * width + x]`. Grad-CAM heat maps travel
/// in this form from the network to the overlay and the `.npy` file.
public struct HeatMap: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0, "HeatMap: size must be positive, got \(width)x\(height)")
        precondition(values.count == width * height,
                     "HeatMap: \(values.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    public var minimum: Float { values.min()! }
    public var maximum: Float { values.max()! }
}

// MARK: - Bilinear resize (OpenCV INTER_LINEAR)

extension HeatMap {
    /// The map resized to `width`×`height` with bilinear interpolation and half-pixel centres,
    /// exactly as `cv2.resize(map, (width, height))` (INTER_LINEAR) computes it on float32:
    ///
    ///     sx = (dx + 0.5) · inW / outW − 0.5,  x0 = ⌊sx⌋,  fx = Float(sx − x0)  (sx in Double)
    ///     x0 < 0         → x0 = 0,       fx = 0      (replicated border)
    ///     x0 ≥ inW − 1   → x0 = inW − 1, fx = 0
    ///     row(dx) = in[x0]·(1 − fx) + in[x0 + 1]·fx,   the same along y on the rows
    ///
    /// There is no antialiasing when shrinking (OpenCV has none either), and a resize to the
    /// same size returns the map unchanged. Horizontal pass first, then vertical, in Float.
    public func resized(width outWidth: Int, height outHeight: Int) -> HeatMap {
        precondition(outWidth > 0 && outHeight > 0, "HeatMap.resized: size must be positive")
        if outWidth == width && outHeight == height { return self }
        let xTaps = HeatMap.linearTaps(input: width, output: outWidth)
        let yTaps = HeatMap.linearTaps(input: height, output: outHeight)
        // Horizontal pass: (height, outWidth).
        var rows = [Float](repeating: 0, count: height * outWidth)
        for y in 0..<height {
            let source = y * width
            for (dx, tap) in xTaps.enumerated() {
                rows[y * outWidth + dx] = values[source + tap.lower] * tap.lowerWeight
                    + values[source + tap.upper] * tap.upperWeight
            }
        }
        // Vertical pass: (outHeight, outWidth).
        var out = [Float](repeating: 0, count: outHeight * outWidth)
        for (dy, tap) in yTaps.enumerated() {
            let lower = tap.lower * outWidth, upper = tap.upper * outWidth
            for dx in 0..<outWidth {
                out[dy * outWidth + dx] = rows[lower + dx] * tap.lowerWeight
                    + rows[upper + dx] * tap.upperWeight
            }
        }
        return HeatMap(width: outWidth, height: outHeight, values: out)
    }

    /// One output coordinate's two source indices and weights (OpenCV's `cbuf`).
    struct LinearTap {
        var lower: Int
        var upper: Int
        var lowerWeight: Float
        var upperWeight: Float
    }

    static func linearTaps(input: Int, output: Int) -> [LinearTap] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { d in
            let position = (Double(d) + 0.5) * scale - 0.5
            var lower = Int(position.rounded(.down))
            var fraction = Float(position - Double(lower))
            if lower < 0 {
                lower = 0
                fraction = 0
            }
            if lower >= input - 1 {
                lower = input - 1
                fraction = 0
            }
            return LinearTap(lower: lower, upper: min(lower + 1, input - 1),
                             lowerWeight: 1 - fraction, upperWeight: fraction)
        }
    }
}
