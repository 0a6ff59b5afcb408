import EUSImage

/// The fixed part of Grad-CAM, after the channel weights: small named steps that turn a block's
/// activations and their gradients into one heat map per image at the network's input size.
///
///     w   = method.channelWeights(A, g)                         (N, C)
///     raw = ReLU(Σ_k w_k · A_k)                                  (N, h, w)
///     s   = (raw − min) / (1e-7 + max(raw − min))                per image
///     r   = bilinear(s) to (H, W), OpenCV half-pixel centres     per image
///     cam = (r − min) / (1e-7 + max(r − min))                    per image, in [0, 1]
///
/// This is pytorch-grad-cam's `BaseCAM.forward` for one target layer: `get_cam_image`, then
/// `np.maximum(cam, 0)`, `scale_cam_image(cam, target_size)` and, in `aggregate_multi_layers`,
/// `scale_cam_image` again. A map that is zero everywhere (no positive evidence for the class)
/// stays zero: the 1e-7 keeps the division defined.
public enum CAMPipeline {
    /// The whole pipeline for a batch: one heat map per image, `outputWidth`×`outputHeight`.
    public static func heatMaps(activations: FeatureMaps, gradients: FeatureMaps, method: CAMMethod,
                                outputWidth: Int, outputHeight: Int) -> [HeatMap] {
        let weights = method.channelWeights(activations: activations, gradients: gradients)
        return rawMaps(activations: activations, weights: weights).map { raw in
            postprocess(raw, outputWidth: outputWidth, outputHeight: outputHeight)
        }
    }

    /// ReLU(Σ_k w_k · A_k) for each image, at the block's resolution.
    public static func rawMaps(activations: FeatureMaps, weights: [Float]) -> [HeatMap] {
        weightedChannelSum(activations: activations, weights: weights).map(relu)
    }

    /// Scaling, resizing and scaling again: everything after the ReLU.
    public static func postprocess(_ raw: HeatMap, outputWidth: Int, outputHeight: Int) -> HeatMap {
        let scaled = minMaxScale(raw)
        let resized = scaled.resized(width: outputWidth, height: outputHeight)
        return minMaxScale(resized)
    }

    // MARK: - Steps

    /// Σ_k w_nk · A_nk: A (N,C,h,w), w (N,C) → N maps (h,w). Accumulated in Double.
    public static func weightedChannelSum(activations a: FeatureMaps, weights: [Float]) -> [HeatMap] {
        precondition(weights.count == a.batch * a.channels,
                     "CAMPipeline: \(weights.count) weights for \(a.batch) images of \(a.channels) channels")
        return (0..<a.batch).map { n in
            var sums = [Double](repeating: 0, count: a.planeSize)
            for k in 0..<a.channels {
                let weight = Double(weights[n * a.channels + k])
                let offset = a.planeOffset(n, k)
                for i in 0..<a.planeSize { sums[i] += weight * Double(a.values[offset + i]) }
            }
            return HeatMap(width: a.width, height: a.height, values: sums.map { Float($0) })
        }
    }

    /// max(x, 0) at every position.
    public static func relu(_ map: HeatMap) -> HeatMap {
        var out = map
        out.values = map.values.map { max($0, 0) }
        return out
    }

    /// pytorch-grad-cam's `scale_cam_image` without the resize, in Float as NumPy's float32:
    /// x ← x − min(x), then x / (1e-7 + max(x)).
    public static func minMaxScale(_ map: HeatMap) -> HeatMap {
        let minimum = map.minimum
        let shifted = map.values.map { $0 - minimum }
        let denominator = Float(1e-7) + (shifted.max() ?? 0)
        var out = map
        out.values = shifted.map { $0 / denominator }
        return out
    }
}
