import EUSImage

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
