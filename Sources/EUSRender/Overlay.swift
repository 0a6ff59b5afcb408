import EUSData

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

// MARK: - Overlay

/// A heat map drawn over an image, the way pytorch-grad-cam's
/// `show_cam_on_image(img, cam, use_rgb=True, colormap, image_weight)` draws it.
///
/// With opacity α (`image_weight = 1 − α`), image I and heat map h, both in [0,1]:
///
///     C   = colormap[⌊255·h⌋] / 255                    (per pixel, RGB)
///     B   = α·C + (1 − α)·I/255                       (per pixel and channel)
///     out = ⌊255 · B / max(B)⌋                         (max over the whole image, all channels)
///
/// The division by the maximum brightens the result so that its brightest channel reaches
/// 255, as pytorch-grad-cam does. The default α = 0.5 is `show_cam_on_image`'s default look.
/// All arithmetic is Float, as NumPy's float32 is, so the bytes match pytorch-grad-cam's.
///
/// The overlay keeps the image's own size and aspect ratio: a heat map of another size (the
/// network's input size) is resized to the image with `HeatMap.resized` (bilinear), never the
/// image to the heat map.
public enum CAMOverlay {
    /// `show_cam_on_image`'s default `image_weight = 0.5`.
    public static let defaultAlpha: Float = 0.5

    public static func draw(_ heatMap: HeatMap, on image: RGBImage,
                            colormap: Colormap = .jet, alpha: Float = defaultAlpha) -> RGBImage {
        precondition((0...1).contains(alpha), "CAMOverlay: alpha \(alpha) outside [0,1]")
        let cam = heatMap.resized(width: image.width, height: image.height)
        let blended = blend(cam: cam, image: image, colormap: colormap, alpha: alpha)
        return normalisedToBytes(blended, width: image.width, height: image.height)
    }

    /// B = α·colormap(h)/255 + (1 − α)·I/255, interleaved RGB in [0,1].
    static func blend(cam: HeatMap, image: RGBImage, colormap: Colormap, alpha: Float) -> [Float] {
        // Coefficients as NumPy forms them: image_weight = 1 − α in Double, then Float.
        let imageWeight = 1 - Double(alpha)
        let heatCoefficient = Float(1 - imageWeight)
        let imageCoefficient = Float(imageWeight)
        let table = colormap.table
        var blended = [Float](repeating: 0, count: image.pixels.count)
        for p in 0..<(image.width * image.height) {
            let entry = 3 * Colormap.index(for: cam.values[p])
            for c in 0..<3 {
                let heat = Float(table[entry + c]) / 255
                let pixel = Float(image.pixels[3 * p + c]) / 255
                blended[3 * p + c] = heatCoefficient * heat + imageCoefficient * pixel
            }
        }
        return blended
    }

    /// ⌊255 · B / max(B)⌋; an all-black blend stays black.
    static func normalisedToBytes(_ blended: [Float], width: Int, height: Int) -> RGBImage {
        let peak = blended.max() ?? 0
        let bytes = blended.map { value -> UInt8 in
            let scaled = peak > 0 ? 255 * (value / peak) : 0
            return UInt8(max(0, min(255, scaled)).rounded(.towardZero))
        }
        return RGBImage(width: width, height: height, pixels: bytes)
    }
}
