/// The Winograd path of `Conv2D`: forwards that no backward follows, of 3x3 convolutions with
/// stride 1 and padding 1 on a batch of at least `Parallel.threadCount` images (see `Winograd`
/// for the algorithm, and `Conv2D.forward` for why only these).
extension Conv2D {
    /// Group images until a Winograd GEMM has this many tile columns: one image of layer1 to
    /// layer3 at 224 px, all of a thread's images at layer4. Small groups keep a group's
    /// transformed input and products near the cache.
    static let winogradColumns = 64

    func takesWinogradPath(_ plan: Plan) -> Bool {
        kernelSize == 3 && stride == 1 && padding == 1 && plan.byImage
    }

    /// y (N, OC, H, W) <- max(conv(x, w) + b, floor) with w (OC, C, 3, 3). The kernels are
    /// transformed once (U (36, OC, C)); then each thread takes a contiguous share of the
    /// images and runs, per group of images: the input transform, 36 single-threaded GEMMs,
    /// the output transform.
    ///
    /// `lanes` overrides `Winograd.LaneAxis.choose` (for tests).
    func winogradForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, floor: Float, images: Int, _ plan: Plan,
                         lanes: Winograd.LaneAxis? = nil) {
        let (inputs, outputs) = (inputChannels, outputChannels)
        let kernels = workspace.winogradKernels
        kernels.resize(to: [36 * outputs * inputs])
        let u = kernels.data
        timed("conv forward: winograd kernels", 0) {
            Winograd.transformKernels(u, w, outputs: outputs, inputs: inputs)
        }
        let tiling = Winograd.Tiling(height: plan.height, width: plan.width)
        let tiles = tiling.tiles, plane = tiling.height * tiling.width
        let perThread = (images + Parallel.threadCount - 1) / Parallel.threadCount
        let group = max(1, min(perThread, (Conv2D.winogradColumns + tiles - 1) / tiles))
        // Rows of V and M run `Winograd.overhang` floats past the group's tiles, where the
        // transforms' last eight-tile block may spill.
        let maximumStride = group * tiles + Winograd.overhang
        let lanes = lanes ?? Winograd.LaneAxis.choose(tiling, inputs: inputs, outputs: outputs)
        workspace.prepareWinograd(threads: Parallel.threadCount, transformedInput: 36 * inputs * maximumStride,
                                  products: 36 * outputs * maximumStride,
                                  scratch: lanes == .tiles ? tiling.scratchCount : Winograd.channelPlaneCount(tiling, channels: inputs))
        Parallel.forChunks(images) { chunk, range in
            let v = workspace.winogradInputs[chunk].data, m = workspace.winogradProducts[chunk].data
            let scratch = workspace.winogradScratch[chunk].data
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(group, range.upperBound - first), columns = count * tiles
                // Tile lanes: V (36, C, ld), M (36, OC, ld), M[ξ] = U[ξ] · V[ξ]. Channel lanes
                // (Winograd+Channels.swift): V (36, T, C), M (36, T, OC), M[ξ] = V[ξ] · U[ξ]^T.
                let ld = columns + Winograd.overhang
                timed("conv forward: winograd input", chunk) {
                    for j in 0..<count {
                        let image = x + (first + j) * inputs * plane
                        switch lanes {
                        case .tiles:
                            Winograd.transformInput(v, column: j * tiles, ldv: ld, image, channels: inputs, tiling, scratch: scratch)
                        case .channels:
                            Winograd.transformInputChannels(v, first: j * tiles, rows: columns, image, channels: inputs, tiling,
                                                            scratch: scratch)
                        }
                    }
                }
                timed("conv forward: winograd gemm", chunk) {
                    for position in 0..<36 {
                        switch lanes {
                        case .tiles:
                            GEMM.multiply(m + position * outputs * ld, u + position * outputs * inputs,
                                          v + position * inputs * ld, m: outputs, n: columns, k: inputs, ldb: ld, ldc: ld)
                        case .channels:
                            GEMM.multiply(m + position * columns * outputs, v + position * columns * inputs,
                                          u + position * outputs * inputs, transposeB: true, m: columns, n: outputs, k: inputs)
                        }
                    }
                }
                timed("conv forward: winograd output", chunk) {
                    for j in 0..<count {
                        let image = y + (first + j) * outputs * plane
                        switch lanes {
                        case .tiles:
                            Winograd.transformOutput(image, m, column: j * tiles, ldm: ld, outputs: outputs, tiling,
                                                     bias: bias, floor: floor, scratch: scratch)
                        case .channels:
                            Winograd.transformOutputChannels(image, m, first: j * tiles, rows: columns, outputs: outputs, tiling,
                                                             bias: bias, floor: floor)
                        }
                    }
                }
                first += count
            }
        }
    }
}
