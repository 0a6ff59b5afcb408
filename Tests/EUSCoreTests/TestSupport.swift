import EUSCore
import EUSSupport

extension SeededRandom {
    /// A tensor of the given shape with N(0, std²) entries.
    mutating func tensor(_ shape: [Int], std: Float = 1) -> Tensor {
        let t = Tensor(shape: shape)
        for i in 0..<t.count { t[i] = normal(std: std) }
        return t
    }
}
