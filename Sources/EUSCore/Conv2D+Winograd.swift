/// The Winograd path of `Conv2D`: 3x3 convolutions with stride 1 and padding 1 on a batch of at
/// least `Parallel.threadCount` images, forward and backward (see `Winograd` for the algorithm,
/// and `Conv2D.Algorithm` for which passes take it).
extension Conv2D {
    /// Group images until a Winograd GEMM has this many tile columns: one image of layer1 to
    /// layer3 at 224 px, all of a thread's images at layer4. Small groups keep a group's
    /// transformed input and products near the cache.
    static let winogradColumns = 64

    func takesWinogradPath(_ plan: Plan) -> Bool {
        kernelSize == 3 && stride == 1 && padding == 1 && plan.byImage
    }

    /// The fewest tiles a batch must have for `winogradGradientsPay`.
    nonisolated(unsafe) public static var winogradGradientsMinimumTiles = 32

    /// Whether Winograd's gradients beat the direct ones for this call (`Algorithm.winogradGradients`).
    /// They cost per parameter as well as per tile: the (36, OC, C) kernel transform, each
    /// thread's dU and its reduction and adjoint. So they pay where a plane's tiles save at
    /// least 2.5x of the multiplications (not 5x5, whose 2x2 tiles cover 64 pixels for 25) and
    /// the batch has at least `winogradGradientsMinimumTiles` tiles to spread that over (not
    /// the 4x4 planes of layer4 at 128 px, one tile an image). Measured on ResNet-34 at 128,
    /// 160 and 224 px, batch 16, 2 threads. The rule reads the call's shapes only, so a
    /// network trains alike on any number of cores.
    func winogradGradientsPay(_ plan: Plan, images: Int) -> Bool {
        guard takesWinogradPath(plan) else { return false }
        let tiling = Winograd.Tiling(height: plan.height, width: plan.width)
        let saving = Double(plan.height * plan.width) / Double(4 * tiling.tiles)
        return saving >= 2.5 && tiling.tiles * images >= Conv2D.winogradGradientsMinimumTiles
    }

    /// How one call lays out its batch: the tiling of a plane, the images per group and the
    /// lane axis of the transforms. Both passes of a step lay it out alike, so the backward's
    /// threads take the forward's images.
    struct WinogradLayout {
        let tiling: Winograd.Tiling
        let lanes: Winograd.LaneAxis
        /// Images per group (per round of 36 GEMMs).
        let group: Int
        /// Floats of a row of V, M and their gradients: a group's tiles and the overhang.
        let stride: Int

        var tiles: Int { tiling.tiles }
        var plane: Int { tiling.height * tiling.width }

        init(_ plan: Plan, images: Int, inputs: Int, outputs: Int, lanes: Winograd.LaneAxis?) {
            tiling = Winograd.Tiling(height: plan.height, width: plan.width)
            let perThread = (images + Parallel.threadCount - 1) / Parallel.threadCount
            group = max(1, min(perThread, (Conv2D.winogradColumns + tiling.tiles - 1) / tiling.tiles))
            // Rows of V and M run `Winograd.overhang` floats past the group's tiles, where the
            // transforms' last eight-tile block may spill.
            stride = group * tiling.tiles + Winograd.overhang
            self.lanes = lanes ?? Winograd.LaneAxis.choose(tiling, inputs: inputs, outputs: outputs)
        }

        /// Floats of per-thread scratch the transforms need for planes of `channels`.
        func scratchCount(channels: Int) -> Int {
            lanes == .tiles ? tiling.scratchCount : Winograd.channelPlaneCount(tiling, channels: channels)
        }

        /// Calls `body(first, count)` for consecutive groups of the images in `range`.
        func forEachGroup(_ range: Range<Int>, _ body: (Int, Int) -> Void) {
            Conv2D.forEachRun(of: group, in: range, body)
        }
    }

    /// U (36, OC, C) <- G w G^T into the workspace, or the kernels of `cache` when an earlier
    /// call filled it (see `forward`'s `winogradKernels`).
    private func winogradKernels(_ w: UnsafePointer<Float>, cache: Tensor?, profileKey: String) -> UnsafeMutablePointer<Float> {
        let (inputs, outputs) = (inputChannels, outputChannels)
        let kernels = cache ?? workspace.winogradKernels
        if cache == nil || kernels.count != 36 * outputs * inputs {
            kernels.resize(to: [36 * outputs * inputs])
            timed(profileKey, 0) {
                Winograd.transformKernels(kernels.data, w, outputs: outputs, inputs: inputs)
            }
        }
        return kernels.data
    }

    /// V <- B^T d B for `images` of x, in a buffer of `rows` tiles (channel lanes; columns of
    /// `layout.stride`, tile lanes) whose first tile is that of image `base`.
    private func winogradInput(_ v: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, images: Range<Int>, base: Int,
                               rows: Int, _ layout: WinogradLayout, scratch: UnsafeMutablePointer<Float>) {
        for n in images {
            let (image, tile) = (x + n * inputChannels * layout.plane, (n - base) * layout.tiles)
            switch layout.lanes {
            case .tiles:
                Winograd.transformInput(v, column: tile, ldv: layout.stride, image, channels: inputChannels, layout.tiling,
                                        scratch: scratch)
            case .channels:
                Winograd.transformInputChannels(v, first: tile, rows: rows, image, channels: inputChannels, layout.tiling,
                                                scratch: scratch)
            }
        }
    }

    /// dM <- A dy A^T for `images` of dy, laid out as `winogradInput` lays out V.
    private func winogradOutputGradient(_ dm: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, images: Range<Int>,
                                        base: Int, rows: Int, _ layout: WinogradLayout, scratch: UnsafeMutablePointer<Float>) {
        for n in images {
            let (image, tile) = (dy + n * outputChannels * layout.plane, (n - base) * layout.tiles)
            switch layout.lanes {
            case .tiles:
                Winograd.transformOutputGradient(dm, column: tile, ldm: layout.stride, image, outputs: outputChannels,
                                                 layout.tiling, scratch: scratch)
            case .channels:
                Winograd.transformOutputGradientChannels(dm, first: tile, rows: rows, image, outputs: outputChannels,
                                                         layout.tiling, scratch: scratch)
            }
        }
    }

    /// dx <- the sum of B dV B^T over the tiles of `images`, with dV laid out as V.
    private func winogradInputGradient(_ dx: UnsafeMutablePointer<Float>, _ dv: UnsafePointer<Float>, images: Range<Int>,
                                       base: Int, rows: Int, _ layout: WinogradLayout, scratch: UnsafeMutablePointer<Float>) {
        for n in images {
            let (image, tile) = (dx + n * inputChannels * layout.plane, (n - base) * layout.tiles)
            switch layout.lanes {
            case .tiles:
                Winograd.transformInputGradient(image, dv, column: tile, ldv: layout.stride, channels: inputChannels,
                                                layout.tiling, scratch: scratch)
            case .channels:
                Winograd.transformInputGradientChannels(image, dv, first: tile, rows: rows, channels: inputChannels,
                                                        layout.tiling, scratch: scratch)
            }
        }
    }

    /// y (N, OC, H, W) <- max(conv(x, w) + b, floor) with w (OC, C, 3, 3). The kernels are
    /// transformed once (U (36, OC, C)), or taken from `kernels` when an earlier call filled
    /// it; then each thread takes a contiguous share of the images and runs, per group of
    /// images: the input transform, 36 single-threaded GEMMs, the output transform.
    ///
    /// `lanes` overrides `Winograd.LaneAxis.choose` (for tests).
    func winogradForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, floor: Float, images: Int, _ plan: Plan,
                         kernels cache: Tensor? = nil, lanes: Winograd.LaneAxis? = nil) {
        // x: (N, C, H, W), w: (OC, C, 3, 3), y: (N, OC, H, W)
        let (inputs, outputs) = (inputChannels, outputChannels)
        let u = winogradKernels(w, cache: cache, profileKey: "conv forward: winograd kernels")
        let layout = WinogradLayout(plan, images: images, inputs: inputs, outputs: outputs, lanes: lanes)
        let ld = layout.stride
        workspace.prepareWinograd(threads: Parallel.threadCount, transformedInput: 36 * inputs * ld,
                                  products: 36 * outputs * ld, scratch: layout.scratchCount(channels: inputs))
        Parallel.forChunks(images) { chunk, range in
            let v = workspace.winogradInputs[chunk].data, m = workspace.winogradProducts[chunk].data
            let scratch = workspace.winogradScratch[chunk].data
            layout.forEachGroup(range) { first, count in
                let columns = count * layout.tiles
                timed("conv forward: winograd input", chunk) {
                    winogradInput(v, x, images: first..<(first + count), base: first, rows: columns, layout, scratch: scratch)
                }
                // Tile lanes: V (36, C, ld), M (36, OC, ld), M[ξ] = U[ξ] · V[ξ]. Channel lanes
                // (Winograd+Channels.swift): V (36, T, C), M (36, T, OC), M[ξ] = V[ξ] · U[ξ]^T.
                timed("conv forward: winograd gemm", chunk) {
                    for position in 0..<36 {
                        switch layout.lanes {
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
                        let image = y + (first + j) * outputs * layout.plane
                        switch layout.lanes {
                        case .tiles:
                            Winograd.transformOutput(image, m, column: j * layout.tiles, ldm: ld, outputs: outputs,
                                                     layout.tiling, bias: bias, floor: floor, scratch: scratch)
                        case .channels:
                            Winograd.transformOutputChannels(image, m, first: j * layout.tiles, rows: columns, outputs: outputs,
                                                             layout.tiling, bias: bias, floor: floor)
                        }
                    }
                }
            }
        }
    }

    /// The gradients of the convolution by Winograd: differentiating, tile by tile,
    /// `y = A^T [sum_c U ⊙ V] A` with `U = G w G^T` and `V = B^T x B`,
    ///
    ///     dM = A dy A^T,   dU[ξ] += dM[ξ] · V[ξ]^T,   dV[ξ] = U[ξ]^T · dM[ξ],
    ///     dx = sum over tiles of B dV B^T (overlapping windows),   dw += G^T dU G
    ///
    /// which are the convolution's exact gradients up to rounding, whichever path the forward
    /// took (see `Algorithm`). Each thread takes a contiguous share of the images and runs, per
    /// group: the input transform (V), the output gradient's transform (dM), 36 pairs of GEMMs
    /// (dV overwrites V once dU has read it) and the adjoint of the input transform into dx.
    /// Each thread sums dU over its images in its own (36, OC, C) buffer; the buffers are
    /// transformed back and added into dw once.
    ///
    /// - Parameters:
    ///   - dx: receives dLoss/dx (overwritten), or nil.
    ///   - dw: dLoss/dw to accumulate into (OC, C, 3, 3), or nil.
    func winogradBackward(_ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>?,
                          _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                          images: Int, _ plan: Plan, lanes: Winograd.LaneAxis? = nil) {
        // dy: (N, OC, H, W), x and dx: (N, C, H, W), w and dw: (OC, C, 3, 3)
        let (inputs, outputs) = (inputChannels, outputChannels)
        let u = winogradKernels(w, cache: nil, profileKey: "conv backward: winograd kernels")
        let layout = WinogradLayout(plan, images: images, inputs: inputs, outputs: outputs, lanes: lanes)
        if backwardTakesWholeBatch(layout, images: images) {
            return winogradBackwardWholeBatch(dx, dw, dy, x, u, images: images, layout)
        }
        let ld = layout.stride
        workspace.prepareWinograd(threads: Parallel.threadCount, transformedInput: 36 * inputs * ld,
                                  products: 36 * outputs * ld, scratch: layout.scratchCount(channels: max(inputs, outputs)),
                                  kernelGradients: dw == nil ? 0 : 36 * outputs * inputs)
        let chunks = min(Parallel.threadCount, images)
        Parallel.forChunks(images) { chunk, range in
            let v = workspace.winogradInputs[chunk].data, dm = workspace.winogradProducts[chunk].data
            let scratch = workspace.winogradScratch[chunk].data
            let du = dw == nil ? nil : workspace.winogradKernelGradients[chunk].data
            layout.forEachGroup(range) { first, count in
                let columns = count * layout.tiles
                let beta: Float = first == range.lowerBound ? 0 : 1
                let images = first..<(first + count)
                timed("conv backward: winograd input", chunk) {
                    winogradInput(v, x, images: images, base: first, rows: columns, layout, scratch: scratch)
                }
                timed("conv backward: winograd dy", chunk) {
                    winogradOutputGradient(dm, dy, images: images, base: first, rows: columns, layout, scratch: scratch)
                }
                // Tile lanes: dU[ξ] += dM[ξ] · V[ξ]^T, dV[ξ] = U[ξ]^T · dM[ξ]. Channel lanes:
                // dU[ξ] += dM[ξ]^T · V[ξ], dV[ξ] = dM[ξ] · U[ξ].
                timed("conv backward: winograd gemm", chunk) {
                    for position in 0..<36 {
                        let kernels = u + position * outputs * inputs
                        switch layout.lanes {
                        case .tiles:
                            let (vp, dmp) = (v + position * inputs * ld, dm + position * outputs * ld)
                            if let du {
                                GEMM.multiply(du + position * outputs * inputs, dmp, vp, transposeB: true,
                                              m: outputs, n: inputs, k: columns, beta: beta, lda: ld, ldb: ld, ldc: inputs)
                            }
                            if dx != nil {
                                GEMM.multiply(vp, kernels, transposeA: true, dmp, m: inputs, n: columns, k: outputs,
                                              ldb: ld, ldc: ld)
                            }
                        case .channels:
                            let (vp, dmp) = (v + position * columns * inputs, dm + position * columns * outputs)
                            if let du {
                                GEMM.multiply(du + position * outputs * inputs, dmp, transposeA: true, vp,
                                              m: outputs, n: inputs, k: columns, beta: beta)
                            }
                            if dx != nil {
                                GEMM.multiply(vp, dmp, kernels, m: columns, n: inputs, k: outputs)
                            }
                        }
                    }
                }
                guard let dx else { return }
                timed("conv backward: winograd dx", chunk) {
                    winogradInputGradient(dx, v, images: images, base: first, rows: columns, layout, scratch: scratch)
                }
            }
        }
        guard let dw else { return }
        timed("conv backward: winograd dw", 0) {
            let sums = (0..<chunks).map { UnsafePointer(workspace.winogradKernelGradients[$0].data) }
            Winograd.transformKernelGradients(dw, sums, outputs: outputs, inputs: inputs)
        }
    }

    /// Whether `winogradBackward` takes `winogradBackwardWholeBatch`: channel lanes (small
    /// planes), where the batch's V and dM weigh less than the threads' copies of dU.
    func backwardTakesWholeBatch(_ layout: WinogradLayout, images: Int) -> Bool {
        let (inputs, outputs) = (inputChannels, outputChannels)
        return layout.lanes == .channels && 2 * images * layout.tiles * max(inputs, outputs) < outputs * inputs * Parallel.threadCount
    }

    /// `winogradBackward` for the small planes of the late layers, whose few tiles would leave
    /// each thread's (36, OC, C) dU a product of a handful of columns, outweighing the batch's
    /// transformed tiles: the threads transform every image's V and dM by images (channel
    /// lanes, so that images do not spill into one another), then split the 36 positions, each
    /// running its two GEMMs over every tile of the batch. dU then needs no reduction, and
    /// overwrites U in place: each position's dV is computed first, into the thread's scratch.
    private func winogradBackwardWholeBatch(_ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>?,
                                            _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>,
                                            images: Int, _ layout: WinogradLayout) {
        // V (36, T, C), dM (36, T, OC), U then dU (36, OC, C), with T every tile of the batch
        let (inputs, outputs, rows) = (inputChannels, outputChannels, images * layout.tiles)
        workspace.prepareWinograd(threads: Parallel.threadCount, transformedInput: 36 * rows * inputs,
                                  products: 36 * rows * outputs, scratch: layout.scratchCount(channels: max(inputs, outputs)),
                                  kernelGradients: rows * inputs)
        let (v, dm) = (workspace.winogradInputs[0].data, workspace.winogradProducts[0].data)
        Parallel.forChunks(images) { chunk, range in
            let scratch = workspace.winogradScratch[chunk].data
            timed("conv backward: winograd input", chunk) {
                winogradInput(v, x, images: range, base: 0, rows: rows, layout, scratch: scratch)
            }
            timed("conv backward: winograd dy", chunk) {
                winogradOutputGradient(dm, dy, images: range, base: 0, rows: rows, layout, scratch: scratch)
            }
        }
        // dV[ξ] = dM[ξ] · U[ξ], then dU[ξ] = dM[ξ]^T · V[ξ] into U[ξ], then dV[ξ] into V[ξ].
        Parallel.forChunks(36) { chunk, positions in
            let dv = workspace.winogradKernelGradients[chunk].data
            timed("conv backward: winograd gemm", chunk) {
                for position in positions {
                    let (vp, dmp, up) = (v + position * rows * inputs, dm + position * rows * outputs, u + position * outputs * inputs)
                    if dx != nil { GEMM.multiply(dv, dmp, up, m: rows, n: inputs, k: outputs) }
                    if dw != nil { GEMM.multiply(up, dmp, transposeA: true, vp, m: outputs, n: inputs, k: rows) }
                    if dx != nil { vp.update(from: dv, count: rows * inputs) }
                }
            }
        }
        if let dx {
            Parallel.forChunks(images) { chunk, range in
                timed("conv backward: winograd dx", chunk) {
                    winogradInputGradient(dx, v, images: range, base: 0, rows: rows, layout,
                                          scratch: workspace.winogradScratch[chunk].data)
                }
            }
        }
        guard let dw else { return }
        timed("conv backward: winograd dw", 0) {
            Winograd.transformKernelGradients(dw, [UnsafePointer(u)], outputs: outputs, inputs: inputs)
        }
    }
}
