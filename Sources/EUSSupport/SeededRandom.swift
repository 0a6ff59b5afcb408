import Foundation

/// A seeded pseudo-random generator: xoshiro256** (Blackman & Vigna 2018) seeded through
/// SplitMix64. Everything random in EUSReport (initial weights, phantom, split, shuffling,
/// augmentation, the bootstrap) draws from it, so the same seed gives the same numbers on
/// every run and machine; Foundation's and the standard library's randomness are never used.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double? = nil

    public init(seed: UInt64) {
        var state = seed
        s = (SeededRandom.splitMix(&state), SeededRandom.splitMix(&state),
             SeededRandom.splitMix(&state), SeededRandom.splitMix(&state))
    }

    /// A generator for one item of a seeded family (case `i` of seed `s`, epoch `e`, ...):
    /// the parts are hashed together, so streams of neighbouring items are unrelated.
    public init(seed: UInt64, _ parts: UInt64...) {
        var state = seed
        for part in parts { state = SeededRandom.mix(state ^ SeededRandom.mix(part &+ 0x632B_E59B_D9B4_E019)) }
        self.init(seed: state)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    /// Uniform in [0, 1), 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Uniform integer in 0..<n (Lemire's multiply-shift; the tiny bias is irrelevant here).
    public mutating func index(_ n: Int) -> Int {
        precondition(n > 0, "SeededRandom.index: n must be positive, got \(n)")
        return Int(((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Normal with the given mean and standard deviation.
    public mutating func normal<T: BinaryFloatingPoint>(mean: T = 0, std: T = 1) -> T {
        mean + std * T(standardNormal())
    }

    /// Standard normal (Box–Muller, both values used).
    public mutating func standardNormal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        let u1 = max(uniform(), 0x1.0p-60), u2 = uniform()
        let r = (-2 * log(u1)).squareRoot()
        spareNormal = r * sin(2 * Double.pi * u2)
        return r * cos(2 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle driven by this generator.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) { array.swapAt(i, index(i + 1)) }
    }

    /// SplitMix64's output function (Steele, Lea & Flood 2014).
    public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stable 64-bit hash of a string (FNV-1a), unlike `Hasher`, which is seeded per process.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

