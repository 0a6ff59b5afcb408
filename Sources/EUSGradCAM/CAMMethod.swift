/// The one variation point of the class-activation-map pipeline: how each channel of the target
/// block is weighted before the channels are summed.
///
/// With A_k the k-th activation map of one image and g = ∂y_c/∂A_k the gradient of the
/// pre-softmax class score y_c with respect to it:
///
/// - Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via
///   Gradient-based Localization"): w_k = mean_ij g_ij.
/// - Grad-CAM++ (Chattopadhay et al. 2018, "Grad-CAM++: Improved Visual Explanations for Deep
///   Convolutional Networks", eq. 19 with the exponential replaced by the identity):
///
///       α_ij = g_ij² / (2·g_ij² + (Σ_ab A_ab)·g_ij³ + 1e-6),   α_ij = 0 where g_ij = 0
///       w_k  = Σ_ij α_ij · ReLU(g_ij)
///
///   exactly as pytorch-grad-cam 1.5.7's `GradCAMPlusPlus.get_cam_weights` computes it
///   (note Σ A multiplies g³, and 1e-6 keeps the denominator away from zero).
public enum CAMMethod: String, CaseIterable, Codable, Sendable {
    case gradCAM = "gradcam"
    case gradCAMPlusPlus = "gradcampp"

    /// The channel weights w, (N, C): `weights[n * C + k]`.
    public func channelWeights(activations: FeatureMaps, gradients: FeatureMaps) -> [Float] {
        precondition(activations.shape == gradients.shape,
                     "CAMMethod: activations \(activations.shape) and gradients \(gradients.shape) differ")
        switch self {
        case .gradCAM: return CAMMethod.gradCAMWeights(gradients: gradients)
        case .gradCAMPlusPlus: return CAMMethod.gradCAMPlusPlusWeights(activations: activations, gradients: gradients)
        }
    }

    // g: (N,C,h,w) → w: (N,C)
    static func gradCAMWeights(gradients g: FeatureMaps) -> [Float] {
        var weights = [Float](repeating: 0, count: g.batch * g.channels)
        g.values.withUnsafeBufferPointer { values in
            for n in 0..<g.batch {
                for k in 0..<g.channels {
                    let offset = g.planeOffset(n, k)
                    var sum = 0.0
                    for i in 0..<g.planeSize { sum += Double(values[offset + i]) }
                    weights[n * g.channels + k] = Float(sum / Double(g.planeSize))
                }
            }
        }
        return weights
    }

    // A, g: (N,C,h,w) → w: (N,C)
    static func gradCAMPlusPlusWeights(activations a: FeatureMaps, gradients g: FeatureMaps) -> [Float] {
        let epsilon: Float = 1e-6
        var weights = [Float](repeating: 0, count: g.batch * g.channels)
        for n in 0..<g.batch {
            for k in 0..<g.channels {
                let offset = g.planeOffset(n, k)
                var activationSum = 0.0
                for i in 0..<g.planeSize { activationSum += Double(a.values[offset + i]) }
                let sumA = Float(activationSum)
                var weight = 0.0
                for i in 0..<g.planeSize {
                    let grad = g.values[offset + i]
                    guard grad > 0 else { continue }  // α·ReLU(g) vanishes for g ≤ 0
                    let grad2 = grad * grad
                    let grad3 = grad2 * grad
                    let alpha = grad2 / (2 * grad2 + sumA * grad3 + epsilon)
                    weight += Double(alpha * grad)
                }
                weights[n * g.channels + k] = Float(weight)
            }
        }
        return weights
    }
}
