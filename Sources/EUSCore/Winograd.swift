/// Winograd's minimal filtering F(4x4, 3x3): the transforms behind the 3x3 convolutions with
/// stride 1 and padding 1, which carry most of a ResNet's arithmetic.
///
/// Each 4x4 tile of output channel o is
///
///     Y = A^T [ sum_c (G g_oc G^T) ⊙ (B^T d_c B) ] A
///
/// with d_c the 6x6 input window of channel c (the tile plus a one-pixel rim) and g_oc the
/// 3x3 kernel. The sum over channels runs in the 6x6 transformed domain, so each of its 36
/// positions ξ is one GEMM over all tiles of a group of images:
///
///     M[ξ] (OC, T) = U[ξ] (OC, C) · V[ξ] (C, T),   U = G g G^T,  V = B^T d B
///
/// That is 36 multiply-adds per channel pair for 16 outputs where the direct convolution does
/// 9 per output: a quarter of the arithmetic. The price is rounding in the transforms; with
/// the interpolation points 0, ±1, ±2 and ∞ the float32 result stays within a few 1e-6 of the
/// direct convolution on unit-scale data (`WinogradTests` measures it against a Double sum).
///
/// Layouts: U (36, OC, C); V (36, C, ldv) and M (36, OC, ldm), where the tiles of image j of
/// a group take columns j*T ..< (j+1)*T, row-major by tile row.
///
/// Reference: Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016,
/// sec. 4 (the F(4x4, 3x3) matrices below).
public enum Winograd {
    typealias Vector = SIMD8<Float>

    /// Output tile edge m (the window is m + 2 = 6).
    static let tile = 4

    /// Floats past its last tile that a row of V or M must have: the transforms work in
    /// whole blocks of eight tiles, and a block's spare lanes spill there (or onto tiles that
    /// are written later).
    static let overhang = 8

    /// The tiling of one image: a (height, width) plane in tilesY x tilesX tiles of 4x4,
    /// processed eight tiles of a tile row at a time.
    struct Tiling {
        let height, width, tilesY, tilesX: Int
        var tiles: Int { tilesY * tilesX }

        init(height: Int, width: Int) {
            (self.height, self.width) = (height, width)
            tilesY = (height + Winograd.tile - 1) / Winograd.tile
            tilesX = (width + Winograd.tile - 1) / Winograd.tile
        }

        /// Row length of the padded planes: whole blocks of eight tiles, plus the rim and
        /// the overlap of the last window.
        var paddedWidth: Int { 4 * ((tilesX + 7) / 8 * 8) + 8 }
        var paddedHeight: Int { 4 * tilesY + 2 }
        /// Floats of scratch that `transformInput` and `transformOutput` need.
        var scratchCount: Int { paddedWidth * paddedHeight }
    }

    // MARK: The input and output transforms, on eight lanes (the kernels' is `kernelMatrix`)

    /// B^T d for one column d of a 6x6 window (Lavin & Gray's F(4x4, 3x3) input matrix):
    ///
    ///     [4  0 -5  0  1  0; 0 -4 -4  1  1  0; 0  4 -4 -1  1  0;
    ///      0 -2 -1  2  1  0; 0  2 -1 -2  1  0; 0  4  0 -5  0  1]
    @inline(__always)
    static func inputRows(_ d0: Vector, _ d1: Vector, _ d2: Vector, _ d3: Vector, _ d4: Vector, _ d5: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector)
    {
        let a = d4 - 4 * d2, b = d3 - 4 * d1       // rows 1 and 2
        let c = d4 - d2, e = 2 * (d3 - d1)         // rows 3 and 4
        return (4 * d0 - 5 * d2 + d4, a + b, a - b, c + e, c - e, 4 * d1 - 5 * d3 + d5)
    }

    /// A^T m for one column m of a 6x6 product (the output matrix):
    ///
    ///     [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
    @inline(__always)
    static func outputRows(_ m0: Vector, _ m1: Vector, _ m2: Vector, _ m3: Vector, _ m4: Vector, _ m5: Vector)
        -> (Vector, Vector, Vector, Vector)
    {
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        return (m0 + sum12 + sum34, difference12 + 2 * difference34, sum12 + 4 * sum34,
                difference12 + 8 * difference34 + m5)
    }

    // MARK: Their adjoints, for the backward pass

    /// B v for one column v of a 6x6 transformed-input gradient: the transpose of `inputRows`,
    /// which takes dV = dL/d(B^T d B) back to the window, dd = B dV B^T.
    ///
    ///     [4  0  0  0  0  0; 0 -4  4 -2  2  4; -5 -4 -4 -1 -1  0;
    ///      0  1 -1  2 -2 -5; 1  1  1  1  1  0; 0  0  0  0  0  1]
    @inline(__always)
    static func inputGradientRows(_ v0: Vector, _ v1: Vector, _ v2: Vector, _ v3: Vector, _ v4: Vector, _ v5: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector)
    {
        let sum12 = v1 + v2, difference12 = v1 - v2, sum34 = v3 + v4, difference34 = v3 - v4
        return (4 * v0, 4 * (v5 - difference12) - 2 * difference34, -5 * v0 - 4 * sum12 - sum34,
                difference12 + 2 * difference34 - 5 * v5, v0 + sum12 + sum34, v5)
    }

    /// A y for one column y of a 4x4 output gradient: the transpose of `outputRows`, which takes
    /// dY back to the transformed domain, dM = A dY A^T.
    ///
    ///     [1 0 0 0; 1 1 1 1; 1 -1 1 -1; 1 2 4 8; 1 -2 4 -8; 0 0 0 1]
    @inline(__always)
    static func outputGradientRows(_ y0: Vector, _ y1: Vector, _ y2: Vector, _ y3: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector)
    {
        let even = y0 + y2, odd = y1 + y3, evenScaled = y0 + 4 * y2, oddScaled = 2 * y1 + 8 * y3
        return (y0, even + odd, even - odd, evenScaled + oddScaled, evenScaled - oddScaled, y3)
    }

    // MARK: Kernels

    /// kron(G, G), (36, 9): entry (6k + l, 3p + q) is G[k][p] G[l][q], so that the transform
    /// of a kernel is one matrix product, vec(G g G^T) = kron(G, G) vec(g), and so is its
    /// adjoint, vec(G^T du G) = kron(G, G)^T vec(du). Entries computed in Double, rounded once.
    static let kernelMatrix: [Float] = {
        // G (6, 3), in 24ths: [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
        let twentyFourths: [Double] = [6, 0, 0, -4, -4, -4, -4, 4, -4, 1, 2, 4, 1, -2, 4, 0, 0, 24]
        let g = twentyFourths.map { $0 / 24 }
        var matrix = [Float](repeating: 0, count: 36 * 9)
        for row in 0..<36 {
            for column in 0..<9 {
                let (k, l, p, q) = (row / 6, row % 6, column / 3, column % 3)
                matrix[9 * row + column] = Float(g[3 * k + p] * g[3 * l + q])
            }
        }
        return matrix
    }()

    /// u (36, OC, C) <- G g G^T for every 3x3 kernel g of w (OC, C, 3, 3): with the pairs
    /// (o, c) as columns, U (36, P) = kron(G, G) (36, 9) · W^T (9, P), split by columns.
    public static func transformKernels(_ u: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>,
                                        outputs: Int, inputs: Int) {
        let pairs = outputs * inputs
        kernelMatrix.withUnsafeBufferPointer { matrix in
            Parallel.forRanges(pairs, costPerItem: 36 * 9) { range in
                GEMM.multiply(u + range.lowerBound, matrix.baseAddress!, w + 9 * range.lowerBound, transposeB: true,
                              m: 36, n: range.count, k: 9, ldb: 9, ldc: pairs)
            }
        }
    }

    /// dw (OC, C, 3, 3) += G^T du G, with du the sum of the (36, OC, C) buffers `gradients`:
    /// the adjoint of `transformKernels`, dW (P, 9) += dU^T (P, 36) · kron(G, G) (36, 9), one
    /// product per buffer (so the buffers are summed by the products), split by pairs.
    static func transformKernelGradients(_ dw: UnsafeMutablePointer<Float>, _ gradients: [UnsafePointer<Float>],
                                         outputs: Int, inputs: Int) {
        let pairs = outputs * inputs
        kernelMatrix.withUnsafeBufferPointer { matrix in
            Parallel.forRanges(pairs, costPerItem: 36 * 9 * gradients.count) { range in
                for du in gradients {
                    GEMM.multiply(dw + 9 * range.lowerBound, du + range.lowerBound, transposeA: true, matrix.baseAddress!,
                                  m: range.count, n: 9, k: 36, beta: 1, lda: pairs, ldc: 9)
                }
            }
        }
    }

    // MARK: Input

    /// Columns column ..< column + T of v (36, C, ldv) <- B^T d B for every 6x6 window d of
    /// image x (C, H, W) with zero padding 1.
    ///
    /// Each channel is copied into a zero-rimmed plane; eight windows side by side then load
    /// as two 32-float runs per window row, split into the six taps by even/odd halves. Every
    /// store is a whole eight-lane block: where a tile row ends inside one, the spare lanes
    /// land on the next tile row (written after) or, for the last, in the row's `overhang`.
    /// Images of a group must therefore be transformed in column order.
    static func transformInput(_ v: UnsafeMutablePointer<Float>, column: Int, ldv: Int,
                               _ x: UnsafePointer<Float>, channels: Int, _ tiling: Tiling,
                               scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w, pw) = (tiling.height, tiling.width, tiling.paddedWidth)
        plane.update(repeating: 0, count: tiling.scratchCount)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 36) { buffer in
            let rows = buffer.baseAddress!   // d B, row i at 6i
            for c in 0..<channels {
                let source = x + c * h * w
                for r in 0..<h { (plane + (r + 1) * pw + 1).update(from: source + r * w, count: w) }
                for ty in 0..<tiling.tilesY {
                    var tx = 0
                    while tx < tiling.tilesX {
                        let top = plane + 4 * ty * pw + 4 * tx
                        for i in 0..<6 {
                            let a = load32(top + i * pw), b = load32(top + i * pw + 4)
                            let (even, odd) = (a.evenHalf, a.oddHalf)
                            let t = inputRows(even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf,
                                              b.evenHalf.evenHalf, b.oddHalf.evenHalf)
                            (rows[6 * i], rows[6 * i + 1], rows[6 * i + 2], rows[6 * i + 3], rows[6 * i + 4], rows[6 * i + 5]) = t
                        }
                        let target = v + c * ldv + column + ty * tiling.tilesX + tx
                        let positionStride = channels * ldv
                        for l in 0..<6 {
                            let (v0, v1, v2, v3, v4, v5) = inputRows(rows[l], rows[6 + l], rows[12 + l],
                                                                     rows[18 + l], rows[24 + l], rows[30 + l])
                            let column = target + l * positionStride
                            Lanes.store(v0, column, 0)
                            Lanes.store(v1, column + 6 * positionStride, 0)
                            Lanes.store(v2, column + 12 * positionStride, 0)
                            Lanes.store(v3, column + 18 * positionStride, 0)
                            Lanes.store(v4, column + 24 * positionStride, 0)
                            Lanes.store(v5, column + 30 * positionStride, 0)
                        }
                        tx += 8
                    }
                }
            }
        }
    }

    /// Image dx (C, H, W) <- the sum over tiles of B dV B^T, each 6x6 window added where its
    /// input window lay (windows overlap by two pixels; the padding rim is dropped), with dV
    /// taken from columns column ..< column + T of dv (36, C, ldv): the adjoint of
    /// `transformInput`.
    ///
    /// Each channel's windows are added into the zeroed plane of `transformInput`, eight tiles
    /// of a tile row at a time: their columns 0-3 as one interleaved 32-float run, columns 4
    /// and 5 as a second run four floats on. A tile row's last block has lanes past its last
    /// tile, whose dV belongs to other tiles; they are zeroed, since their windows would reach
    /// back into the image.
    static func transformInputGradient(_ dx: UnsafeMutablePointer<Float>, _ dv: UnsafePointer<Float>, column: Int,
                                       ldv: Int, channels: Int, _ tiling: Tiling,
                                       scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w, pw) = (tiling.height, tiling.width, tiling.paddedWidth)
        let positionStride = channels * ldv
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 36 + 36) { buffer in
            let half = buffer.baseAddress!, full = half + 36   // dV B^T (row k at 6k), then B dV B^T
            for c in 0..<channels {
                plane.update(repeating: 0, count: tiling.scratchCount)
                for ty in 0..<tiling.tilesY {
                    var tx = 0
                    while tx < tiling.tilesX {
                        let source = dv + c * ldv + column + ty * tiling.tilesX + tx
                        for k in 0..<6 {
                            let row = source + 6 * k * positionStride
                            let q = inputGradientRows(Lanes.load(row, 0), Lanes.load(row, positionStride),
                                                      Lanes.load(row, 2 * positionStride), Lanes.load(row, 3 * positionStride),
                                                      Lanes.load(row, 4 * positionStride), Lanes.load(row, 5 * positionStride))
                            (half[6 * k], half[6 * k + 1], half[6 * k + 2], half[6 * k + 3], half[6 * k + 4], half[6 * k + 5]) = q
                        }
                        for j in 0..<6 {
                            let s = inputGradientRows(half[j], half[6 + j], half[12 + j], half[18 + j], half[24 + j], half[30 + j])
                            (full[j], full[6 + j], full[12 + j], full[18 + j], full[24 + j], full[30 + j]) = s
                        }
                        if tiling.tilesX - tx < 8 {
                            let spare = Vector(0, 1, 2, 3, 4, 5, 6, 7) .>= Vector(repeating: Float(tiling.tilesX - tx))
                            for i in 0..<36 { full[i].replace(with: 0, where: spare) }
                        }
                        let top = plane + 4 * ty * pw + 4 * tx
                        for i in 0..<6 {
                            let row = top + i * pw
                            add32(row, interleave(full[6 * i], full[6 * i + 1], full[6 * i + 2], full[6 * i + 3]))
                            add32(row + 4, interleave(full[6 * i + 4], full[6 * i + 5], .zero, .zero))
                        }
                        tx += 8
                    }
                }
                let target = dx + c * h * w
                for r in 0..<h { (target + r * w).update(from: plane + (r + 1) * pw + 1, count: w) }
            }
        }
    }

    // MARK: Output

    /// Image y (OC, H, W) <- A^T m A for every tile, then + bias[o] and max(., floor), with
    /// m taken from columns column ..< column + T of M (36, OC, ldm), whose rows have their
    /// `overhang`. Tiles hanging over the bottom or right edge are cropped.
    static func transformOutput(_ y: UnsafeMutablePointer<Float>, _ m: UnsafePointer<Float>, column: Int, ldm: Int,
                                outputs: Int, _ tiling: Tiling, bias: UnsafePointer<Float>?, floor: Float,
                                scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w, pw) = (tiling.height, tiling.width, tiling.paddedWidth)
        let positionStride = outputs * ldm
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24 + 16) { buffer in
            let half = buffer.baseAddress!, full = half + 24   // A^T m (row k at 4k), then A^T m A
            for o in 0..<outputs {
                for ty in 0..<tiling.tilesY {
                    var tx = 0
                    while tx < tiling.tilesX {
                        let source = m + o * ldm + column + ty * tiling.tilesX + tx
                        for k in 0..<6 {
                            let row = source + 6 * k * positionStride
                            let q = outputRows(Lanes.load(row, 0), Lanes.load(row, positionStride),
                                               Lanes.load(row, 2 * positionStride), Lanes.load(row, 3 * positionStride),
                                               Lanes.load(row, 4 * positionStride), Lanes.load(row, 5 * positionStride))
                            (half[4 * k], half[4 * k + 1], half[4 * k + 2], half[4 * k + 3]) = q
                        }
                        for j in 0..<4 {
                            let s = outputRows(half[j], half[4 + j], half[8 + j], half[12 + j], half[16 + j], half[20 + j])
                            (full[j], full[4 + j], full[8 + j], full[12 + j]) = s
                        }
                        let top = plane + 4 * ty * pw + 4 * tx
                        for i in 0..<4 {
                            let row = interleave(full[4 * i], full[4 * i + 1], full[4 * i + 2], full[4 * i + 3])
                            UnsafeMutableRawPointer(top + i * pw).storeBytes(of: row, as: SIMD32<Float>.self)
                        }
                        tx += 8
                    }
                }
                let target = y + o * h * w
                for r in 0..<h {
                    Lanes.addAndFloor(target + r * w, plane + r * pw, count: w, adding: bias?[o] ?? 0, floor: floor)
                }
            }
        }
    }

    /// Columns column ..< column + T of dm (36, OC, ldm) <- A dY A^T for every 4x4 tile dY of
    /// image dy (OC, H, W), zero past the bottom and right edges: the adjoint of
    /// `transformOutput` (without its bias and floor, which the caller differentiates).
    ///
    /// Each channel is copied into a plane zeroed past the image; eight tiles of a tile row
    /// then load as one 32-float run per tile row, split into the four columns by even/odd
    /// halves. Stores spill as in `transformInput`, so images go in column order.
    static func transformOutputGradient(_ dm: UnsafeMutablePointer<Float>, column: Int, ldm: Int,
                                        _ dy: UnsafePointer<Float>, outputs: Int, _ tiling: Tiling,
                                        scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w, pw) = (tiling.height, tiling.width, tiling.paddedWidth)
        let positionStride = outputs * ldm
        plane.update(repeating: 0, count: 4 * tiling.tilesY * pw)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24) { buffer in
            let rows = buffer.baseAddress!   // dY A^T, row i at 6i
            for o in 0..<outputs {
                let source = dy + o * h * w
                for r in 0..<h { (plane + r * pw).update(from: source + r * w, count: w) }
                for ty in 0..<tiling.tilesY {
                    var tx = 0
                    while tx < tiling.tilesX {
                        let top = plane + 4 * ty * pw + 4 * tx
                        for i in 0..<4 {
                            let a = load32(top + i * pw)
                            let (even, odd) = (a.evenHalf, a.oddHalf)
                            let t = outputGradientRows(even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf)
                            (rows[6 * i], rows[6 * i + 1], rows[6 * i + 2], rows[6 * i + 3], rows[6 * i + 4], rows[6 * i + 5]) = t
                        }
                        let target = dm + o * ldm + column + ty * tiling.tilesX + tx
                        for l in 0..<6 {
                            let (m0, m1, m2, m3, m4, m5) = outputGradientRows(rows[l], rows[6 + l], rows[12 + l], rows[18 + l])
                            let column = target + l * positionStride
                            Lanes.store(m0, column, 0)
                            Lanes.store(m1, column + 6 * positionStride, 0)
                            Lanes.store(m2, column + 12 * positionStride, 0)
                            Lanes.store(m3, column + 18 * positionStride, 0)
                            Lanes.store(m4, column + 24 * positionStride, 0)
                            Lanes.store(m5, column + 30 * positionStride, 0)
                        }
                        tx += 8
                    }
                }
            }
        }
    }

    // MARK: Memory

    /// The 32 floats a0 b0 c0 d0 a1 b1 ... d7: four tile columns back into image order.
    @inline(__always)
    private static func interleave(_ a: Vector, _ b: Vector, _ c: Vector, _ d: Vector) -> SIMD32<Float> {
        SIMD32(a[0], b[0], c[0], d[0], a[1], b[1], c[1], d[1], a[2], b[2], c[2], d[2], a[3], b[3], c[3], d[3], a[4], b[4], c[4], d[4], a[5], b[5], c[5], d[5], a[6], b[6], c[6], d[6], a[7], b[7], c[7], d[7])
    }

    /// target[0..<32] += values, eight lanes at a time (the standard library's SIMD32 `+`
    /// runs lane by lane).
    @inline(__always)
    private static func add32(_ target: UnsafeMutablePointer<Float>, _ values: SIMD32<Float>) {
        let (low, high) = (values.lowHalf, values.highHalf)
        Lanes.store(Lanes.load(target, 0) + low.lowHalf, target, 0)
        Lanes.store(Lanes.load(target, 8) + low.highHalf, target, 8)
        Lanes.store(Lanes.load(target, 16) + high.lowHalf, target, 16)
        Lanes.store(Lanes.load(target, 24) + high.highHalf, target, 24)
    }

    @inline(__always)
    private static func load32(_ p: UnsafePointer<Float>) -> SIMD32<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD32<Float>.self)
    }
}
