/// Vectorised sums over one contiguous plane, in eight float32 lanes. Callers add the plane
/// results in Double, so the float32 part only ever sums one plane (at most H*W values).
enum Reductions {
    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// sum x
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>(), i = 0
        while i + 8 <= count { lanes += load(x, i); i += 8 }
        var total = lanes.sum()
        while i < count { total += x[i]; i += 1 }
        return total
    }

    /// sum (x - mean)^2
    static func squaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        var lanes = SIMD8<Float>(), i = 0
        let m = SIMD8<Float>(repeating: mean)
        while i + 8 <= count { let d = load(x, i) - m; lanes += d * d; i += 8 }
        var total = lanes.sum()
        while i < count { let d = x[i] - mean; total += d * d; i += 1 }
        return total
    }

    /// (sum g, sum g * (x - mean)), with g masked to 0 where `mask` (when given) is not > 0.
    static func gradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, mean: Float,
                             mask: UnsafePointer<Float>?) -> (Float, Float) {
        var sumG = SIMD8<Float>(), sumGX = SIMD8<Float>(), i = 0
        let m = SIMD8<Float>(repeating: mean), zero = SIMD8<Float>()
        while i + 8 <= count {
            var gradient = load(g, i)
            if let mask { gradient.replace(with: zero, where: .!(load(mask, i) .> zero)) }
            sumG += gradient
            sumGX += gradient * (load(x, i) - m)
            i += 8
        }
        var (a, b) = (sumG.sum(), sumGX.sum())
        while i < count {
            let gradient = mask.map { $0[i] > 0 ? g[i] : 0 } ?? g[i]
            a += gradient
            b += gradient * (x[i] - mean)
            i += 1
        }
        return (a, b)
    }

    /// dx = scale * (g' - meanDy - (x - mean) * inverseStd * meanDyXhat), g' = g masked as in
    /// `gradientSums`: BatchNorm's train-mode input gradient for one plane (dx may be g).
    static func batchNormInputGradient(
        _ dx: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
        mask: UnsafePointer<Float>?, scale: Float, mean: Float, inverseStd: Float, meanDy: Float, meanDyXhat: Float
    ) {
        // dx = scale*g' - scale*meanDy - (x - mean) * (scale * inverseStd * meanDyXhat)
        let (a, b, c) = (scale, scale * meanDy, scale * inverseStd * meanDyXhat)
        let (va, vb, vc, vm, zero) = (SIMD8<Float>(repeating: a), SIMD8<Float>(repeating: b),
                                      SIMD8<Float>(repeating: c), SIMD8<Float>(repeating: mean), SIMD8<Float>())
        var i = 0
        while i + 8 <= count {
            var gradient = load(g, i)
            if let mask { gradient.replace(with: zero, where: .!(load(mask, i) .> zero)) }
            let result = va * gradient - vb - (load(x, i) - vm) * vc
            UnsafeMutableRawPointer(dx + i).storeBytes(of: result, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            let gradient = mask.map { $0[i] > 0 ? g[i] : 0 } ?? g[i]
            dx[i] = a * gradient - b - (x[i] - mean) * c
            i += 1
        }
    }
}
