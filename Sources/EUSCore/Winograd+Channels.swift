/// The transforms of `Winograd` with the eight lanes running over channels instead of tiles,
/// for the narrow planes of the late layers.
///
/// `transformInput` and `transformOutput` put eight tiles of one tile row in the lanes, so a
/// plane whose tile row is short leaves lanes idle: at 160 px, layer3's 10x10 plane has three
/// tiles per row (3 of 8 lanes busy) and layer4's 5x5 two. Here the lanes hold eight channels
/// of one tile instead, every lane busy whatever the plane's size, and the layouts turn
/// channel-minor:
///
///     V (36, T, C)  and  M (36, T, OC),   M[ξ] = V[ξ] · U[ξ]^T   (U (36, OC, C) as before)
///
/// so the 36 GEMMs read U transposed. The input is first copied into a zero-rimmed
/// (H + 2, W + 2, C) plane, where a window's tap of eight channels is one load; the output
/// transform writes each pixel's eight channels straight into the (OC, H, W) image.
///
/// The arithmetic per tile is that of the tile-lane transforms (`inputRows`, `outputRows`), in
/// the same order, so the two layouts round alike up to the GEMM's summation order.
extension Winograd {
    /// Which variable the eight lanes of the transforms run over.
    enum LaneAxis: Equatable {
        case tiles, channels

        /// Channels when a tile row fills less than one block of eight tiles and the channel
        /// counts divide into blocks of eight (every ResNet layer at widths that are multiples
        /// of 8); tiles otherwise.
        static func choose(_ tiling: Tiling, inputs: Int, outputs: Int) -> LaneAxis {
            tiling.tilesX < 8 && inputs % 8 == 0 && outputs % 8 == 0 ? .channels : .tiles
        }
    }

    /// Floats of the zero-rimmed channel-minor plane that `transformInputChannels` needs.
    static func channelPlaneCount(_ tiling: Tiling, channels: Int) -> Int {
        (4 * tiling.tilesY + 2) * (4 * tiling.tilesX + 2) * channels
    }

    /// Rows first ..< first + T of v (36, rows, C) <- B^T d B for every 6x6 window d of image
    /// x (C, H, W) with zero padding 1, eight channels per step.
    static func transformInputChannels(_ v: UnsafeMutablePointer<Float>, first: Int, rows: Int,
                                       _ x: UnsafePointer<Float>, channels: Int, _ tiling: Tiling,
                                       scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w) = (tiling.height, tiling.width)
        let pw = 4 * tiling.tilesX + 2
        // plane (4*tilesY + 2, pw, C) <- x with a zero rim, and zeros past the image's edge.
        plane.update(repeating: 0, count: channelPlaneCount(tiling, channels: channels))
        for c in 0..<channels {
            let source = x + c * h * w
            for r in 0..<h {
                let target = plane + ((r + 1) * pw + 1) * channels + c
                for col in 0..<w { target[col * channels] = source[r * w + col] }
            }
        }
        let positionStride = rows * channels
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 36) { buffer in
            let dB = buffer.baseAddress!   // d B, row i at 6i
            for ty in 0..<tiling.tilesY {
                for tx in 0..<tiling.tilesX {
                    let tile = first + ty * tiling.tilesX + tx
                    for block in stride(from: 0, to: channels, by: 8) {
                        let top = plane + (4 * ty * pw + 4 * tx) * channels + block
                        for i in 0..<6 {
                            let row = top + i * pw * channels
                            let t = inputRows(EUSCore.Lanes.load(row, 0), EUSCore.Lanes.load(row, channels),
                                              EUSCore.Lanes.load(row, 2 * channels), EUSCore.Lanes.load(row, 3 * channels),
                                              EUSCore.Lanes.load(row, 4 * channels), EUSCore.Lanes.load(row, 5 * channels))
                            (dB[6 * i], dB[6 * i + 1], dB[6 * i + 2], dB[6 * i + 3], dB[6 * i + 4], dB[6 * i + 5]) = t
                        }
                        let target = v + tile * channels + block
                        for l in 0..<6 {
                            let (v0, v1, v2, v3, v4, v5) = inputRows(dB[l], dB[6 + l], dB[12 + l],
                                                                     dB[18 + l], dB[24 + l], dB[30 + l])
                            let column = target + l * positionStride
                            EUSCore.Lanes.store(v0, column, 0)
                            EUSCore.Lanes.store(v1, column + 6 * positionStride, 0)
                            EUSCore.Lanes.store(v2, column + 12 * positionStride, 0)
                            EUSCore.Lanes.store(v3, column + 18 * positionStride, 0)
                            EUSCore.Lanes.store(v4, column + 24 * positionStride, 0)
                            EUSCore.Lanes.store(v5, column + 30 * positionStride, 0)
                        }
                    }
                }
            }
        }
    }

    /// Image dx (C, H, W) <- the sum over tiles of B dV B^T, each 6x6 window added where its
    /// input window lay and the padding rim dropped, with dV taken from rows first ..< first + T
    /// of dv (36, rows, C), eight channels per step: the adjoint of `transformInputChannels`.
    static func transformInputGradientChannels(_ dx: UnsafeMutablePointer<Float>, _ dv: UnsafePointer<Float>, first: Int,
                                               rows: Int, channels: Int, _ tiling: Tiling,
                                               scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w) = (tiling.height, tiling.width)
        let pw = 4 * tiling.tilesX + 2
        let positionStride = rows * channels
        plane.update(repeating: 0, count: channelPlaneCount(tiling, channels: channels))
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 36 + 36) { buffer in
            let half = buffer.baseAddress!, full = half + 36   // dV B^T (row k at 6k), then B dV B^T
            for ty in 0..<tiling.tilesY {
                for tx in 0..<tiling.tilesX {
                    let tile = first + ty * tiling.tilesX + tx
                    for block in stride(from: 0, to: channels, by: 8) {
                        let source = dv + tile * channels + block
                        for k in 0..<6 {
                            let row = source + 6 * k * positionStride
                            let q = inputGradientRows(EUSCore.Lanes.load(row, 0), EUSCore.Lanes.load(row, positionStride),
                                                      EUSCore.Lanes.load(row, 2 * positionStride), EUSCore.Lanes.load(row, 3 * positionStride),
                                                      EUSCore.Lanes.load(row, 4 * positionStride), EUSCore.Lanes.load(row, 5 * positionStride))
                            (half[6 * k], half[6 * k + 1], half[6 * k + 2], half[6 * k + 3], half[6 * k + 4], half[6 * k + 5]) = q
                        }
                        for j in 0..<6 {
                            let s = inputGradientRows(half[j], half[6 + j], half[12 + j], half[18 + j], half[24 + j], half[30 + j])
                            (full[j], full[6 + j], full[12 + j], full[18 + j], full[24 + j], full[30 + j]) = s
                        }
                        let top = plane + (4 * ty * pw + 4 * tx) * channels + block
                        for i in 0..<6 {
                            for j in 0..<6 {
                                let pixel = top + (i * pw + j) * channels
                                EUSCore.Lanes.store(EUSCore.Lanes.load(pixel, 0) + full[6 * i + j], pixel, 0)
                            }
                        }
                    }
                }
            }
        }
        // dx (C, H, W) <- the plane's interior, (H, W, C).
        for c in 0..<channels {
            let target = dx + c * h * w
            for r in 0..<h {
                let source = plane + ((r + 1) * pw + 1) * channels + c
                for col in 0..<w { target[r * w + col] = source[col * channels] }
            }
        }
    }

    /// Image y (OC, H, W) <- A^T m A for every tile, then + bias[o] and max(., floor), with m
    /// taken from rows first ..< first + T of M (36, rows, OC). Tiles hanging over the bottom
    /// or right edge are cropped.
    static func transformOutputChannels(_ y: UnsafeMutablePointer<Float>, _ m: UnsafePointer<Float>, first: Int,
                                        rows: Int, outputs: Int, _ tiling: Tiling, bias: UnsafePointer<Float>?,
                                        floor: Float) {
        let (h, w) = (tiling.height, tiling.width)
        let positionStride = rows * outputs
        let floors = Vector(repeating: floor)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24 + 16) { buffer in
            let half = buffer.baseAddress!, full = half + 24   // A^T m (row k at 4k), then A^T m A
            for ty in 0..<tiling.tilesY {
                for tx in 0..<tiling.tilesX {
                    let tile = first + ty * tiling.tilesX + tx
                    let (height, width) = (min(4, h - 4 * ty), min(4, w - 4 * tx))
                    for block in stride(from: 0, to: outputs, by: 8) {
                        let source = m + tile * outputs + block
                        for k in 0..<6 {
                            let row = source + 6 * k * positionStride
                            let q = outputRows(EUSCore.Lanes.load(row, 0), EUSCore.Lanes.load(row, positionStride),
                                               EUSCore.Lanes.load(row, 2 * positionStride), EUSCore.Lanes.load(row, 3 * positionStride),
                                               EUSCore.Lanes.load(row, 4 * positionStride), EUSCore.Lanes.load(row, 5 * positionStride))
                            (half[4 * k], half[4 * k + 1], half[4 * k + 2], half[4 * k + 3]) = q
                        }
                        for j in 0..<4 {
                            let s = outputRows(half[j], half[4 + j], half[8 + j], half[12 + j], half[16 + j], half[20 + j])
                            (full[j], full[4 + j], full[8 + j], full[12 + j]) = s
                        }
                        let shifts = bias.map { EUSCore.Lanes.load($0, block) } ?? .zero
                        let target = y + block * h * w + 4 * ty * w + 4 * tx
                        for i in 0..<height {
                            for j in 0..<width {
                                let pixel = EUSCore.Lanes.maximum(full[4 * i + j] + shifts, floors)
                                let base = target + i * w + j
                                for lane in 0..<8 { base[lane * h * w] = pixel[lane] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows first ..< first + T of dm (36, rows, OC) <- A dY A^T for every 4x4 tile dY of image
    /// dy (OC, H, W), zero past the bottom and right edges, eight channels per step: the
    /// adjoint of `transformOutputChannels` (without its bias and floor).
    static func transformOutputGradientChannels(_ dm: UnsafeMutablePointer<Float>, first: Int, rows: Int,
                                                _ dy: UnsafePointer<Float>, outputs: Int, _ tiling: Tiling,
                                                scratch plane: UnsafeMutablePointer<Float>) {
        let (h, w) = (tiling.height, tiling.width)
        let pw = 4 * tiling.tilesX
        // plane (4*tilesY, pw, OC) <- dy, and zeros past the image's edge.
        plane.update(repeating: 0, count: 4 * tiling.tilesY * pw * outputs)
        for o in 0..<outputs {
            let source = dy + o * h * w
            for r in 0..<h {
                let target = plane + r * pw * outputs + o
                for col in 0..<w { target[col * outputs] = source[r * w + col] }
            }
        }
        let positionStride = rows * outputs
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24) { buffer in
            let dYA = buffer.baseAddress!   // dY A^T, row i at 6i
            for ty in 0..<tiling.tilesY {
                for tx in 0..<tiling.tilesX {
                    let tile = first + ty * tiling.tilesX + tx
                    for block in stride(from: 0, to: outputs, by: 8) {
                        let top = plane + (4 * ty * pw + 4 * tx) * outputs + block
                        for i in 0..<4 {
                            let row = top + i * pw * outputs
                            let t = outputGradientRows(EUSCore.Lanes.load(row, 0), EUSCore.Lanes.load(row, outputs),
                                                       EUSCore.Lanes.load(row, 2 * outputs), EUSCore.Lanes.load(row, 3 * outputs))
                            (dYA[6 * i], dYA[6 * i + 1], dYA[6 * i + 2], dYA[6 * i + 3], dYA[6 * i + 4], dYA[6 * i + 5]) = t
                        }
                        let target = dm + tile * outputs + block
                        for l in 0..<6 {
                            let (m0, m1, m2, m3, m4, m5) = outputGradientRows(dYA[l], dYA[6 + l], dYA[12 + l], dYA[18 + l])
                            let column = target + l * positionStride
                            EUSCore.Lanes.store(m0, column, 0)
                            EUSCore.Lanes.store(m1, column + 6 * positionStride, 0)
                            EUSCore.Lanes.store(m2, column + 12 * positionStride, 0)
                            EUSCore.Lanes.store(m3, column + 18 * positionStride, 0)
                            EUSCore.Lanes.store(m4, column + 24 * positionStride, 0)
                            EUSCore.Lanes.store(m5, column + 30 * positionStride, 0)
                        }
                    }
                }
            }
        }
    }
}
