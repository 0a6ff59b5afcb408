import Foundation

/// A seeded pseudo-random generator (SplitMix64), so that initialisation is reproducible.
///
/// Reference: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (2014).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        let unit = Double(next() >> 11) / Double(1 << 53)
        return low + Float(unit) * (high - low)
    }

    /// Normal with the given mean and standard deviation (Box-Muller).
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        let u1 = (Double(next() >> 11) + 1) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return mean + std * Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
