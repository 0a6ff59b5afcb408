import EUSSupport
/// Smooth random texture: a lattice of random values in [−1, 1] interpolated with a
/// smoothstep. `value(u, v)` for (u, v) in [0, 1]² varies on the scale of one lattice cell.
struct ValueNoise: Sendable {
    let cells: Int
    let lattice: [Double]

    init(cells: Int, random: inout SeededRandom) {
        precondition(cells > 0, "ValueNoise: cells must be positive")
        self.cells = cells
        lattice = (0..<((cells + 1) * (cells + 1))).map { _ in random.uniform(-1, 1) }
    }

    func value(_ u: Double, _ v: Double) -> Double {
        let x = min(max(u, 0), 1) * Double(cells), y = min(max(v, 0), 1) * Double(cells)
        let i = min(Int(x), cells - 1), j = min(Int(y), cells - 1)
        let fx = smooth(x - Double(i)), fy = smooth(y - Double(j))
        let n = cells + 1
        let top = lattice[j * n + i] * (1 - fx) + lattice[j * n + i + 1] * fx
        let bottom = lattice[(j + 1) * n + i] * (1 - fx) + lattice[(j + 1) * n + i + 1] * fx
        return top * (1 - fy) + bottom * fy
    }

    private func smooth(_ t: Double) -> Double { t * t * (3 - 2 * t) }
}
