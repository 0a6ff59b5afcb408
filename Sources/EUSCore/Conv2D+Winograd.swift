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
        if lanes == .channels {
            winogradForwardByChannels(y, x, u, bias: bias, floor: floor, images: images, tiling: tiling, group: group)
            return
        }
        Parallel.forChunks(images) { chunk, range in
            let v = workspace.winogradInputs[chunk].data, m = workspace.winogradProducts[chunk].data
            let scratch = workspace.winogradScratch[chunk].data
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(group, range.upperBound - first), columns = count * tiles
                let ld = columns + Winograd.overhang
                timed("conv forward: winograd input", chunk) {
                    for j in 0..<count {
                        Winograd.transformInput(v, column: j * tiles, ldv: ld, x + (first + j) * inputs * plane,
                                                channels: inputs, tiling, scratch: scratch)
                    }
                }
                timed("conv forward: winograd gemm", chunk) {
                    for position in 0..<36 {
                        GEMM.multiply(m + position * outputs * ld, u + position * outputs * inputs,
                                      v + position * inputs * ld, m: outputs, n: columns, k: inputs, ldb: ld, ldc: ld)
                    }
                }
                timed("conv forward: winograd output", chunk) {
                    for j in 0..<count {
                        Winograd.transformOutput(y + (first + j) * outputs * plane, m, column: j * tiles, ldm: ld,
                                                 outputs: outputs, tiling, bias: bias, floor: floor, scratch: scratch)
                    }
                }
                first += count
            }
        }
    }

    /// The same with the transforms' lanes over channels (see Winograd+Channels.swift):
    /// V (36, T, C) and M (36, T, OC) per group, M[ξ] = V[ξ] · U[ξ]^T.
    private func winogradForwardByChannels(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                           _ u: UnsafePointer<Float>, bias: UnsafePointer<Float>?, floor: Float,
                                           images: Int, tiling: Winograd.Tiling, group: Int) {
        let (inputs, outputs) = (inputChannels, outputChannels)
        let tiles = tiling.tiles, plane = tiling.height * tiling.width
        Parallel.forChunks(images) { chunk, range in
            let v = workspace.winogradInputs[chunk].data, m = workspace.winogradProducts[chunk].data
            let scratch = workspace.winogradScratch[chunk].data
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(group, range.upperBound - first), rows = count * tiles
                timed("conv forward: winograd input", chunk) {
                    for j in 0..<count {
                        Winograd.transformInputChannels(v, first: j * tiles, rows: rows, x + (first + j) * inputs * plane,
                                                        channels: inputs, tiling, scratch: scratch)
                    }
                }
                timed("conv forward: winograd gemm", chunk) {
                    for position in 0..<36 {
                        GEMM.multiply(m + position * rows * outputs, v + position * rows * inputs,
                                      u + position * outputs * inputs, transposeB: true, m: rows, n: outputs, k: inputs)
                    }
                }
                timed("conv forward: winograd output", chunk) {
                    for j in 0..<count {
                        Winograd.transformOutputChannels(y + (first + j) * outputs * plane, m, first: j * tiles, rows: rows,
                                                         outputs: outputs, tiling, bias: bias, floor: floor)
                    }
                }
                first += count
            }
        }
    }
}
