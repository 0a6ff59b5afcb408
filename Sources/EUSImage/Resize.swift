/// Antialiased bilinear resizing as Pillow (`Image.resize(BILINEAR)`) and torchvision
/// (`resize(antialias=True)`) do it.
///
/// Each output pixel `i` has its centre at `c = (i + 0.5) · scale` in input coordinates
/// (`scale = in / out`, half-pixel centres, align_corners=False). Its weights are a triangle
/// `w(x) = max(0, 1 − |x|)` evaluated at `(j + 0.5 − c) / max(scale, 1)` for the input pixels
/// `j` within `support = max(scale, 1)` of the centre, then normalised to sum to 1. When
/// shrinking the triangle widens with the shrink factor, so every input pixel contributes
/// (antialiasing); when enlarging it is plain bilinear interpolation. The filter is separable:
/// a horizontal pass, then a vertical pass.
///
/// Reference: Pillow, `src/libImaging/Resample.c` (`precompute_coeffs`,
/// `ImagingResampleHorizontal_8bpc`); PyTorch `_upsample_bilinear2d_aa`.
public struct ResampleWeights: Sendable {
    /// First input index of each output pixel.
    public var first: [Int]
    /// Number of input pixels of each output pixel.
    public var count: [Int]
    /// Weights, `stride` per output pixel.
    public var weights: [Double]
    public var stride: Int

    public init(inputSize: Int, outputSize: Int) {
        precondition(inputSize > 0 && outputSize > 0, "ResampleWeights: sizes must be positive")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 1.0 * filterScale
        stride = Int(support.rounded(.up)) * 2 + 1
        first = [Int](repeating: 0, count: outputSize)
        count = [Int](repeating: 0, count: outputSize)
        weights = [Double](repeating: 0, count: outputSize * stride)
        for i in 0..<outputSize {
            let centre = (Double(i) + 0.5) * scale
            let lo = max(Int(centre - support + 0.5), 0)
            let hi = min(Int(centre + support + 0.5), inputSize)
            var total = 0.0
            for j in lo..<hi {
                let w = max(0, 1 - abs((Double(j) - centre + 0.5) / filterScale))
                weights[i * stride + j - lo] = w
                total += w
            }
            if total != 0 { for k in 0..<(hi - lo) { weights[i * stride + k] /= total } }
            first[i] = lo
            count[i] = hi - lo
        }
    }
}

public enum Resize {
    /// Resizes planes of floats, (C, H, W) → (C, outH, outW), without rounding (torchvision's
    /// tensor path). An identity when the size already matches.
    public static func planes(_ input: [Float], channels: Int, height: Int, width: Int,
                              outHeight: Int, outWidth: Int) -> [Float] {
        precondition(input.count == channels * height * width, "Resize.planes: \(input.count) values for \(channels)x\(height)x\(width)")
        if height == outHeight && width == outWidth { return input }
        let horizontal = ResampleWeights(inputSize: width, outputSize: outWidth)
        let vertical = ResampleWeights(inputSize: height, outputSize: outHeight)
        var temp = [Float](repeating: 0, count: channels * height * outWidth)
        var output = [Float](repeating: 0, count: channels * outHeight * outWidth)
        input.withUnsafeBufferPointer { x in
            temp.withUnsafeMutableBufferPointer { t in
                for row in 0..<(channels * height) {
                    for o in 0..<outWidth {
                        var sum = 0.0
                        let base = horizontal.first[o] + row * width
                        for k in 0..<horizontal.count[o] { sum += Double(x[base + k]) * horizontal.weights[o * horizontal.stride + k] }
                        t[row * outWidth + o] = Float(sum)
                    }
                }
            }
        }
        temp.withUnsafeBufferPointer { t in
            output.withUnsafeMutableBufferPointer { y in
                for c in 0..<channels {
                    for o in 0..<outHeight {
                        let lo = vertical.first[o]
                        for col in 0..<outWidth {
                            var sum = 0.0
                            for k in 0..<vertical.count[o] {
                                sum += Double(t[(c * height + lo + k) * outWidth + col]) * vertical.weights[o * vertical.stride + k]
                            }
                            y[(c * outHeight + o) * outWidth + col] = Float(sum)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Fixed-point bits of Pillow's 8-bit weights (`PRECISION_BITS = 32 − 8 − 2`).
    static let precisionBits = 22

    /// Resizes an 8-bit RGB image exactly as Pillow does: weights in 22-bit fixed point,
    /// rounding and clipping to 8 bits after the horizontal and after the vertical pass.
    public static func rgb(_ image: RGBImage, width outWidth: Int, height outHeight: Int) -> RGBImage {
        RGBImage(width: outWidth, height: outHeight,
                 pixels: bytes(image.pixels, channels: 3, width: image.width, height: image.height,
                               outWidth: outWidth, outHeight: outHeight))
    }

    /// `rgb` for one channel: what Pillow gives for each of the three equal channels of a gray
    /// image converted to RGB, at a third of the work.
    public static func gray(_ image: GrayImage, width outWidth: Int, height outHeight: Int) -> GrayImage {
        GrayImage(width: outWidth, height: outHeight,
                  pixels: bytes(image.pixels, channels: 1, width: image.width, height: image.height,
                                outWidth: outWidth, outHeight: outHeight))
    }

    /// Pillow's 8-bit resize of interleaved pixels with `channels` channels, (H, W, channels).
    static func bytes(_ pixels: [UInt8], channels: Int, width: Int, height: Int, outWidth: Int, outHeight: Int) -> [UInt8] {
        var (current, currentWidth) = (pixels, width)
        if width != outWidth {
            let w = fixedPoint(ResampleWeights(inputSize: width, outputSize: outWidth))
            current = pass(current, channels: channels, width: width, weights: w, horizontal: true,
                           outWidth: outWidth, outHeight: height)
            currentWidth = outWidth
        }
        if height != outHeight {
            let w = fixedPoint(ResampleWeights(inputSize: height, outputSize: outHeight))
            current = pass(current, channels: channels, width: currentWidth, weights: w, horizontal: false,
                           outWidth: outWidth, outHeight: outHeight)
        }
        return current
    }

    private struct FixedWeights {
        var first: [Int], count: [Int], weights: [Int64], stride: Int
    }

    private static func fixedPoint(_ w: ResampleWeights) -> FixedWeights {
        let one = Double(1 << precisionBits)
        let weights = w.weights.map { Int64($0 < 0 ? -0.5 + $0 * one : 0.5 + $0 * one) }
        return FixedWeights(first: w.first, count: w.count, weights: weights, stride: w.stride)
    }

    /// One pass (along rows or columns) over (H, W, channels) pixels of row length `width`.
    private static func pass(_ pixels: [UInt8], channels: Int, width: Int, weights w: FixedWeights, horizontal: Bool,
                             outWidth: Int, outHeight: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
        let half = Int64(1) << (precisionBits - 1)
        pixels.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                w.weights.withUnsafeBufferPointer { weights in
                    for oy in 0..<outHeight {
                        for ox in 0..<outWidth {
                            let o = horizontal ? ox : oy
                            let (first, taps) = (w.first[o], w.count[o])
                            // Consecutive taps are `step` samples apart.
                            let step = horizontal ? channels : width * channels
                            let origin = horizontal ? (oy * width + first) * channels : (first * width + ox) * channels
                            for c in 0..<channels {
                                var sum = half
                                var index = origin + c
                                for k in 0..<taps {
                                    sum += Int64(x[index]) * weights[o * w.stride + k]
                                    index += step
                                }
                                out[(oy * outWidth + ox) * channels + c] = UInt8(clamping: sum >> Int64(precisionBits))
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
