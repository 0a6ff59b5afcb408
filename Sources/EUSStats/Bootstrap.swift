import Foundation

/// SplitMix64 (Steele, Lea, Flood (2014) Fast splittable pseudorandom number generators,
/// OOPSLA): a small seeded generator, so that a bootstrap CI is the same on every machine and
/// every run with the same seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<bound by Lemire's multiply-high (bias below 2⁻⁵⁰ for the sizes
    /// here), written out so the sequence does not depend on the standard library's algorithm.
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

/// The stratified percentile bootstrap CI of the AUC.
public enum BootstrapAUC {
    /// Resamples the m positives and the n negatives separately, each with replacement and at
    /// its own size (so every resample keeps both classes, as pROC's `stratified = TRUE`),
    /// computes the Mann-Whitney AUC of each of `resamples` replicates, and returns the
    /// α/2 and 1 − α/2 percentiles, interpolated linearly between order statistics (R's
    /// quantile type 7, pROC's choice). Efron B, Tibshirani RJ (1993) An Introduction to the
    /// Bootstrap, ch. 13; Carpenter J, Bithell J (2000) Stat Med 19:1141–1164.
    ///
    /// Deterministic for a given seed (`SplitMix64`). Degenerate input: nil when a class is
    /// absent or `resamples` is 0; all tied scores give [0.5, 0.5]; perfect separation [1, 1].
    public static func interval(_ scores: ClassScores, resamples: Int = 2000, seed: UInt64 = 1,
                                alpha: Double = 0.05) -> Interval? {
        precondition(resamples >= 0, "resamples must be ≥ 0 (got \(resamples))")
        guard scores.hasBothClasses, resamples > 0 else { return nil }
        var generator = SplitMix64(seed: seed)
        var aucs: [Double] = []
        aucs.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let replicate = ClassScores(
                positives: resample(scores.positives, using: &generator),
                negatives: resample(scores.negatives, using: &generator))
            aucs.append(AUC.mannWhitney(replicate)!)
        }
        aucs.sort()
        return Interval(quantile(sorted: aucs, alpha / 2), quantile(sorted: aucs, 1 - alpha / 2))
    }

    static func resample(_ values: [Double], using generator: inout SplitMix64) -> [Double] {
        (0..<values.count).map { _ in values[generator.index(below: values.count)] }
    }

    /// R's type-7 sample quantile: h = (k − 1)q, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
    static func quantile(sorted values: [Double], _ q: Double) -> Double {
        let h = Double(values.count - 1) * q
        let low = Int(h.rounded(.down))
        let high = min(low + 1, values.count - 1)
        return values[low] + (h - Double(low)) * (values[high] - values[low])
    }
}
