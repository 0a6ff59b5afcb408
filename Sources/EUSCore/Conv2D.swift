/// 2-D convolution (cross-correlation, as in PyTorch): by im2col and one GEMM per image here,
/// by oneDNN's direct convolutions on the oneDNN engine (Conv2D+Direct.swift), by Winograd
/// F(4x4, 3x3) where `Algorithm` asks (Conv2D+Winograd.swift).
///
///     y[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] * x[n, c, i*s - pad + p, j*s - pad + q]
///
/// Layout: x (N, C, H, W), w (OC, C, K, K), b (OC), y (N, OC, OH, OW) with
/// OH = (H + 2*pad - K) / s + 1. The im2col matrix of one image is (C*K*K, OH*OW), so that
/// y_n (OC, OH*OW) = w (OC, C*K*K) * col_n. A 1x1 convolution with stride 1 and no padding
/// needs no im2col: col_n is x_n itself.
///
/// Reference: Chellapilla, Puri & Simard, "High performance convolutional neural networks for
/// document processing" (2006), for the im2col lowering.
public final class Conv2D {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// (OC, C, K, K)
    public let weight: Parameter
    /// (OC), or nil for a convolution without bias (every ResNet convolution).
    public let bias: Parameter?
    /// (N, OC, OH, OW), owned by the layer and overwritten by the next forward.
    public let output = Tensor(shape: [0])
    let workspace: ConvolutionWorkspace
    private var input: Tensor?
    /// Whether the backward of the last forward runs by Winograd (see `Algorithm`).
    private var differentiatesByWinograd = false
    /// Whether the backward of the last forward runs on oneDNN's direct path (Conv2D+Direct.swift).
    private var differentiatesDirectly = false
    /// oneDNN's direct convolutions of this layer, nil for a shape it has none for
    /// (Conv2D+Direct.swift).
    var directPrimitives: [DirectConvolution.Key: DirectConvolution?] = [:]

    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int,
        stride: Int = 1, padding: Int = 0, bias: Bool = false,
        workspace: ConvolutionWorkspace = ConvolutionWorkspace()
    ) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "Conv2D: invalid configuration C=\(inputChannels) OC=\(outputChannels) K=\(kernelSize) s=\(stride) p=\(padding)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        weight = Parameter(Tensor(shape: [outputChannels, inputChannels, kernelSize, kernelSize]))
        self.bias = bias ? Parameter(Tensor(shape: [outputChannels])) : nil
        self.workspace = workspace
    }

    /// The output size along one spatial axis for an input of `size`.
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernelSize) / stride + 1 }

    private var isPointwise: Bool { kernelSize == 1 && stride == 1 && padding == 0 }

    /// How a convolution is computed. Winograd F(4x4, 3x3) (see `Winograd`) applies to the 3x3
    /// convolutions with stride 1 and padding 1 of a batch of at least `Parallel.threadCount`
    /// images, a quarter of their multiplications at a few 1e-6 of relative extra rounding;
    /// every other convolution runs directly whatever the choice.
    ///
    /// Directly means one dot product per output: on the oneDNN engine by oneDNN's direct
    /// convolutions, as PyTorch's CPU convolutions run, for a batch split by images and any
    /// convolution but a pointwise one; else by im2col + sgemm (PyTorch's own rounding with
    /// mkldnn disabled).
    public enum Algorithm: Sendable {
        /// Directly both ways.
        case direct
        /// The forward directly, so that every activation and every ReLU mask is a direct
        /// convolution's; the gradients (dx and dw) by Winograd where they pay. Training takes
        /// this: a gradient's extra rounding stays in that gradient, whereas a forward's can
        /// flip a ReLU input that lies within rounding of zero and move everything after it.
        case winogradGradients
        /// Winograd both ways (predictions).
        case winograd
    }

    /// y = conv(x, w) + b. A `weight` overrides the layer's own weight and bias, and then
    /// `bias` (possibly nil) is used instead of the layer's (folded inference weights).
    /// `rectify` applies ReLU in the same pass as the bias (the caller differentiates it).
    ///
    /// `algorithm` picks the arithmetic (`Algorithm`); a backward differentiates the forward
    /// before it with the same one. `differentiable: false` promises that no backward follows
    /// (prediction), so the input need not be kept.
    ///
    /// A batch of at least `Parallel.threadCount` images is split by images, each thread
    /// running im2col and a single-threaded GEMM on its own scratch; a smaller batch splits
    /// each GEMM by rows instead. Where an image's output is small (the late layers), a thread
    /// puts several images side by side in one product, so that each GEMM has about
    /// `groupColumns` columns.
    ///
    /// `winogradKernels`, when given, keeps the Winograd path's transformed kernels between
    /// calls: an empty tensor is filled on the first Winograd forward and used as it is by
    /// later ones, so the caller must pass a new (or emptied) one whenever the weight changes.
    @discardableResult
    public func forward(_ x: Tensor, weight w: Tensor? = nil, bias b: Tensor? = nil, rectify: Bool = false,
                        differentiable: Bool = true, algorithm: Algorithm = .direct,
                        winogradKernels: Tensor? = nil) -> Tensor {
        Profiler.measure("conv forward") {
            // x: (N, C, H, W), w: (OC, C, K, K), y: (N, OC, OH, OW)
            precondition(x.shape.count == 4 && x.shape[1] == inputChannels,
                         "Conv2D: expected (N, \(inputChannels), H, W), got \(x.shape)")
            let (n, h, wd) = (x.shape[0], x.shape[2], x.shape[3])
            let (oh, ow) = (outputSize(h), outputSize(wd))
            precondition(oh > 0 && ow > 0, "Conv2D: input \(h)x\(wd) too small for kernel \(kernelSize)")
            input = differentiable ? x : nil
            output.resize(to: [n, outputChannels, oh, ow])
            let weights = (w ?? weight.value).data
            let plan = Plan(conv: self, images: n, height: h, width: wd)
            let y = output.data
            let biasValues = w == nil ? bias?.value.data : b?.data
            let byWinograd = algorithm == .winograd && takesWinogradPath(plan)
            differentiatesByWinograd = byWinograd || algorithm == .winogradGradients && winogradGradientsPay(plan, images: n)
            if byWinograd {
                // The output transform adds the bias and rectifies on the way out.
                winogradForward(y, x.data, weights, bias: biasValues, floor: rectify ? 0 : -.infinity, images: n, plan,
                                kernels: winogradKernels)
                return output
            }
            let direct = takesDirectPath(plan) && directForward(y, x.data, weights, images: n, plan)
            if !direct { im2colForward(y, x, weights, images: n, plan) }
            differentiatesDirectly = direct && !differentiatesByWinograd
            if biasValues != nil || rectify {
                addBias(biasValues, rectify: rectify, count: n * outputChannels, plane: plan.columns)
            }
            return output
        }
    }

    private func im2colForward(_ y: UnsafeMutablePointer<Float>, _ x: Tensor, _ weights: UnsafePointer<Float>,
                               images n: Int, _ plan: Plan) {
        prepareWorkspace(plan, weightGradient: false)
        Parallel.forChunks(plan.byImage ? n : 1) { chunk, range in
            plan.forEachGroup(plan.byImage ? range : 0..<n) { first, count in
                if plan.inBlocks {
                    im2colForwardInBlocks(y + first * plan.outputPlane, x.data + first * plan.inputPlane, weights,
                                          plan, scratch: chunk)
                    return
                }
                let width = count * plan.columns
                let col = timed("conv forward: im2col", chunk) {
                    gatherColumns(x, first: first, count: count, plan, scratch: chunk)
                }
                let target = count == 1 ? y + first * plan.outputPlane : workspace.groupOutputs[chunk].data
                timed("conv forward: gemm", chunk) {
                    if plan.byImage {
                        GEMM.multiply(target, weights, col, m: outputChannels, n: width, k: plan.rows)
                    } else {
                        GEMM.multiplySplittingRows(target, weights, col, m: outputChannels, n: width, k: plan.rows)
                    }
                }
                if count > 1 {
                    timed("conv forward: regroup", chunk) {
                        scatter(target, into: y, first: first, count: count, rows: outputChannels, plan.columns)
                    }
                }
            }
        }
    }

    /// Calls `body(first, count)` for consecutive runs of at most `size` indices of `range`.
    static func forEachRun(of size: Int, in range: Range<Int>, _ body: (Int, Int) -> Void) {
        var first = range.lowerBound
        while first < range.upperBound {
            let count = min(size, range.upperBound - first)
            body(first, count)
            first += count
        }
    }

    /// Aim for GEMMs with at least this many columns by grouping images.
    static let groupColumns = 384

    /// How one call splits its batch: sizes of one image's product and the grouping.
    struct Plan {
        let rows, columns, inputPlane, outputPlane: Int
        let channels, height, width, kernel, stride, padding: Int
        let pointwise: Bool
        /// Split by images over the threads (else by GEMM rows, one image at a time).
        let byImage: Bool
        /// Images per GEMM.
        let group: Int
        /// Whether each image is lowered and multiplied in blocks (Conv2D+Blocks.swift).
        let inBlocks: Bool

        init(conv: Conv2D, images: Int, height: Int, width: Int) {
            let (oh, ow) = (conv.outputSize(height), conv.outputSize(width))
            rows = conv.inputChannels * conv.kernelSize * conv.kernelSize
            columns = oh * ow
            inputPlane = conv.inputChannels * height * width
            outputPlane = conv.outputChannels * columns
            (channels, self.height, self.width) = (conv.inputChannels, height, width)
            (kernel, stride, padding) = (conv.kernelSize, conv.stride, conv.padding)
            pointwise = conv.isPointwise
            byImage = images >= Parallel.threadCount
            let perThread = (images + Parallel.threadCount - 1) / Parallel.threadCount
            group = byImage ? max(1, min(perThread, (Conv2D.groupColumns + columns - 1) / columns)) : 1
            inBlocks = byImage && !pointwise && group == 1 && columns >= 2 * Conv2D.blockColumns && rows <= 1152
        }

        /// Calls `body(first, count)` for consecutive groups of images in `range` (all images
        /// when not splitting by images).
        func forEachGroup(_ range: Range<Int>, _ body: (Int, Int) -> Void) {
            Conv2D.forEachRun(of: group, in: range, body)
        }
    }

    private func prepareWorkspace(_ plan: Plan, weightGradient: Bool) {
        let grouped = plan.group > 1
        workspace.prepare(
            threads: plan.byImage ? Parallel.threadCount : 1,
            columns: plan.pointwise && !grouped ? 0 : plan.rows * plan.columns * plan.group,
            groupOutput: grouped ? outputChannels * plan.columns * plan.group : 0,
            weightGradient: weightGradient ? weight.value.count : 0)
    }

    /// The im2col matrix of images first..<first+count side by side, (rows, count*columns):
    /// the image itself for one image of a pointwise convolution, else built in the scratch of
    /// `chunk`.
    private func gatherColumns(_ x: Tensor, first: Int, count: Int, _ plan: Plan, scratch chunk: Int)
        -> UnsafeMutablePointer<Float>
    {
        let source = x.data + first * plan.inputPlane
        if plan.pointwise && count == 1 { return source }
        let col = workspace.columns[chunk].data
        let width = count * plan.columns
        for j in 0..<count {
            let image = source + j * plan.inputPlane
            if plan.pointwise {
                for c in 0..<plan.channels {
                    (col + c * width + j * plan.columns).update(from: image + c * plan.columns, count: plan.columns)
                }
            } else {
                Im2Col.lower(col + j * plan.columns, image, channels: plan.channels, height: plan.height, width: plan.width,
                             kernel: plan.kernel, stride: plan.stride, padding: plan.padding,
                             leadingDimension: width, parallel: !plan.byImage)
            }
        }
        return col
    }

    /// NCHW images first..<first+count <- a (rows, count*columns) matrix of side-by-side images.
    private func scatter(_ matrix: UnsafePointer<Float>, into tensor: UnsafeMutablePointer<Float>,
                         first: Int, count: Int, rows: Int, _ columns: Int) {
        for j in 0..<count {
            for r in 0..<rows {
                (tensor + ((first + j) * rows + r) * columns).update(from: matrix + r * count * columns + j * columns, count: columns)
            }
        }
    }

    /// The (rows, count*columns) matrix of side-by-side images <- NCHW images first..<first+count.
    private func gather(_ tensor: UnsafePointer<Float>, into matrix: UnsafeMutablePointer<Float>,
                        first: Int, count: Int, rows: Int, _ columns: Int) {
        for j in 0..<count {
            for r in 0..<rows {
                (matrix + r * count * columns + j * columns).update(from: tensor + ((first + j) * rows + r) * columns, count: columns)
            }
        }
    }

    /// y <- y + b (per channel), then max(y, 0) when rectifying.
    private func addBias(_ bias: UnsafeMutablePointer<Float>?, rectify: Bool, count: Int, plane: Int) {
        let y = output.data, channels = outputChannels
        let floor: Float = rectify ? 0 : -.infinity
        Parallel.forRanges(count, costPerItem: plane) { range in
            for row in range {
                let base = y + row * plane
                Lanes.addAndFloor(base, base, count: plane, adding: bias?[row % channels] ?? 0, floor: floor)
            }
        }
    }

    /// Differentiates `y = w * col(x) + b`: dW += dy_n col_n^T, db += sum dy,
    /// dx_n = col2im(w^T dy_n) (with images grouped side by side as in the forward), or the
    /// Winograd forward by `winogradBackward` when the forward took that path.
    ///
    /// - Parameters:
    ///   - dy: dLoss/dy, (N, OC, OH, OW).
    ///   - dx: receives dLoss/dx (overwritten), or nil when the input needs no gradient.
    ///   - weight: the weight used in the forward when it was overridden.
    ///   - accumulateParameterGradients: false when only dx is wanted (Grad-CAM).
    public func backward(_ dy: Tensor, inputGradient dx: Tensor?, weight w: Tensor? = nil,
                         accumulateParameterGradients: Bool = true) {
        Profiler.measure("conv backward") {
            guard let x = input else { preconditionFailure("Conv2D: backward without a differentiable forward") }
            precondition(dy.shape == output.shape, "Conv2D: dy \(dy.shape) does not match y \(output.shape)")
            let n = x.shape[0]
            let plan = Plan(conv: self, images: n, height: x.shape[2], width: x.shape[3])
            let weights = (w ?? weight.value).data
            dx?.resize(to: x.shape)
            if differentiatesByWinograd {
                winogradBackward(dx?.data, accumulateParameterGradients ? weight.grad.data : nil, dy.data, x.data, weights,
                                 images: n, plan)
                if accumulateParameterGradients, let bias { accumulateBiasGradient(bias.grad, dy, images: n, plane: plan.columns) }
                return
            }
            if differentiatesDirectly {
                directBackward(dx?.data, accumulateParameterGradients ? weight.grad.data : nil, dy.data, x.data, weights,
                               images: n, plan)
                if accumulateParameterGradients, let bias { accumulateBiasGradient(bias.grad, dy, images: n, plane: plan.columns) }
                return
            }
            prepareWorkspace(plan, weightGradient: accumulateParameterGradients)
            Parallel.forChunks(plan.byImage ? n : 1) { chunk, range in
                // Thread 0 accumulates into the gradient itself, the others into scratch.
                let dW = chunk == 0 ? weight.grad.data : workspace.weightGradients[chunk].data
                plan.forEachGroup(plan.byImage ? range : 0..<n) { first, count in
                    if plan.inBlocks {
                        let gradient = dy.data + first * plan.outputPlane, image = x.data + first * plan.inputPlane
                        if accumulateParameterGradients { weightGradientInBlocks(dW, gradient, image, plan, scratch: chunk) }
                        if let dx {
                            inputGradientInBlocks(dx.data + first * plan.inputPlane, gradient, weights, plan, scratch: chunk)
                        }
                        return
                    }
                    let width = count * plan.columns
                    var gradient = dy.data + first * plan.outputPlane
                    if count > 1 {
                        gradient = workspace.groupOutputs[chunk].data
                        gather(dy.data, into: gradient, first: first, count: count, rows: outputChannels, plan.columns)
                    }
                    if accumulateParameterGradients {
                        let col = timed("conv backward: im2col", chunk) {
                            gatherColumns(x, first: first, count: count, plan, scratch: chunk)
                        }
                        // dW (OC, rows) += dy (OC, width) * col^T (width, rows)
                        timed("conv backward: gemm dW", chunk) {
                            if plan.byImage {
                                GEMM.multiply(dW, gradient, col, transposeB: true, m: outputChannels, n: plan.rows, k: width, beta: 1)
                            } else {
                                GEMM.multiplySplittingRows(dW, gradient, col, transposeB: true, m: outputChannels, n: plan.rows, k: width, beta: 1)
                            }
                        }
                    }
                    if let dx { inputGradient(dx, gradient, weights, first: first, count: count, plan, scratch: chunk) }
                }
            }
            if accumulateParameterGradients {
                for chunk in 1..<max(plan.byImage ? Parallel.threadCount : 1, 1) {
                    add(workspace.weightGradients[chunk].data, into: weight.grad.data, count: weight.grad.count)
                }
                if let bias { accumulateBiasGradient(bias.grad, dy, images: n, plane: plan.columns) }
            }
        }
    }

    /// dx for images first..<first+count: dcol (rows, width) = w^T (rows, OC) * dy (OC, width),
    /// then col2im (or, for a pointwise convolution, dcol is dx itself).
    private func inputGradient(_ dx: Tensor, _ gradient: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                               first: Int, count: Int, _ plan: Plan, scratch chunk: Int) {
        let width = count * plan.columns
        let target = dx.data + first * plan.inputPlane
        let dcol = plan.pointwise && count == 1 ? target : workspace.columnGradients[chunk].data
        timed("conv backward: gemm dx", chunk) {
            if plan.byImage {
                GEMM.multiply(dcol, weights, transposeA: true, gradient, m: plan.rows, n: width, k: outputChannels)
            } else {
                GEMM.multiplySplittingRows(dcol, weights, transposeA: true, gradient, m: plan.rows, n: width, k: outputChannels)
            }
        }
        if plan.pointwise {
            if count > 1 { scatter(dcol, into: dx.data, first: first, count: count, rows: plan.channels, plan.columns) }
            return
        }
        timed("conv backward: col2im", chunk) {
            for j in 0..<count {
                Im2Col.raise(target + j * plan.inputPlane, dcol + j * plan.columns, channels: plan.channels,
                         height: plan.height, width: plan.width, kernel: plan.kernel, stride: plan.stride,
                             padding: plan.padding, leadingDimension: width, parallel: !plan.byImage)
            }
        }
    }

    /// Times `body` under `key` on the first thread only (the profiler is not shared between
    /// threads); the other threads do the same work on other images.
    @inline(__always)
    func timed<T>(_ key: String, _ chunk: Int, _ body: () -> T) -> T {
        chunk == 0 ? Profiler.measure(key, body) : body()
    }

    /// target[i] += source[i] for i < count, over the threads.
    func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        Parallel.forRanges(count) { range in
            for i in range { target[i] += source[i] }
        }
    }

    private func accumulateBiasGradient(_ db: Tensor, _ dy: Tensor, images: Int, plane: Int) {
        for o in 0..<outputChannels {
            var sum: Double = 0
            for image in 0..<images {
                let base = dy.data + (image * outputChannels + o) * plane
                for i in 0..<plane { sum += Double(base[i]) }
            }
            db.data[o] += Float(sum)
        }
    }
}

/// Scratch matrices shared by the convolutions of one network: only one convolution runs at a
/// time, so one im2col matrix (and one for its gradient, and one weight gradient) per thread,
/// sized for the largest layer, suffices. They grow on demand and are never shrunk.
public final class ConvolutionWorkspace {
    var columns: [Tensor] = []
    var columnGradients: [Tensor] = []
    /// Per-thread weight gradients (index 0 unused: thread 0 writes the parameter's gradient).
    var weightGradients: [Tensor] = []

    public init() {}

    /// Per-thread (OC, group*columns) products of grouped images (and their gradients).
    var groupOutputs: [Tensor] = []

    /// Transformed kernels (shared), and per-thread transformed inputs (and their gradients),
    /// products (and their gradients), scratch and transformed-kernel gradients of the Winograd
    /// path.
    let winogradKernels = Tensor(shape: [0])
    var winogradInputs: [Tensor] = []
    var winogradProducts: [Tensor] = []
    var winogradScratch: [Tensor] = []
    var winogradKernelGradients: [Tensor] = []
    /// Per-thread reordered input, weights and output of the direct path.
    var directScratch: [Tensor] = []

    func prepareDirect(threads: Int, bytes: Int) {
        while directScratch.count < threads { directScratch.append(Tensor(shape: [0])) }
        for t in 0..<threads { directScratch[t].resize(to: [(bytes + 3) / 4]) }
    }

    func prepareWinograd(threads: Int, transformedInput: Int, products: Int, scratch: Int, kernelGradients: Int = 0) {
        while winogradInputs.count < threads {
            winogradInputs.append(Tensor(shape: [0]))
            winogradProducts.append(Tensor(shape: [0]))
            winogradScratch.append(Tensor(shape: [0]))
            winogradKernelGradients.append(Tensor(shape: [0]))
        }
        for t in 0..<threads {
            winogradInputs[t].resize(to: [transformedInput])
            winogradProducts[t].resize(to: [products])
            winogradScratch[t].resize(to: [scratch])
            if kernelGradients > 0 { winogradKernelGradients[t].resize(to: [kernelGradients]) }
        }
    }

    func prepare(threads: Int, columns count: Int, groupOutput: Int, weightGradient weights: Int) {
        while columns.count < threads {
            columns.append(Tensor(shape: [0]))
            columnGradients.append(Tensor(shape: [0]))
            weightGradients.append(Tensor(shape: [0]))
            groupOutputs.append(Tensor(shape: [0]))
        }
        for t in 0..<threads {
            if count > 0 {
                columns[t].resize(to: [count])
                columnGradients[t].resize(to: [count])
            }
            if groupOutput > 0 { groupOutputs[t].resize(to: [groupOutput]) }
            if t > 0 && weights > 0 {
                weightGradients[t].resize(to: [weights])
                weightGradients[t].fill(0)
            }
        }
    }
}

/// The im2col lowering and its adjoint (col2im), for one image.
enum Im2Col {
    /// col (C*K*K, OH*OW) <- x (C, H, W); out-of-image taps are 0. Rows of col are
    /// `leadingDimension` apart (default OH*OW; larger when images sit side by side).
    /// `positions` restricts col to those output positions (flat i*OW + j), one block of
    /// columns: column 0 is then position positions.lowerBound. `rows` restricts it to those
    /// rows (c*K*K + p*K + q), one block of rows: row 0 is then rows.lowerBound.
    static func lower(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                      channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int,
                      leadingDimension: Int? = nil, positions: Range<Int>? = nil, rows: Range<Int>? = nil,
                      parallel: Bool = true) {
        let oh = (height + 2 * padding - kernel) / stride + 1
        let ow = (width + 2 * padding - kernel) / stride + 1
        let rows = rows ?? 0..<(channels * kernel * kernel)
        let positions = positions ?? 0..<(oh * ow)
        let ld = leadingDimension ?? positions.count
        let sameSize = stride == 1 && oh == height && ow == width
        Parallel.forRanges(rows.count, costPerItem: parallel ? positions.count : 0) { range in
            for index in range {
                let row = rows.lowerBound + index
                let c = row / (kernel * kernel), p = (row / kernel) % kernel, q = row % kernel
                let plane = x + c * height * width
                var target = col + index * ld
                if sameSize {
                    lowerShifted(target, plane, positions: positions, height: height, width: width,
                                 rowOffset: p - padding, columnOffset: q - padding)
                    continue
                }
                let (first, last) = validRange(offset: q - padding, stride: stride, outputs: ow, size: width)
                var position = positions.lowerBound
                while position < positions.upperBound {
                    // Output row i, columns j0..<j1 of it.
                    let (i, j0) = (position / ow, position % ow)
                    let j1 = min(ow, j0 + positions.upperBound - position)
                    let ih = i * stride - padding + p
                    if ih < 0 || ih >= height || first >= last {
                        target.update(repeating: 0, count: j1 - j0)
                    } else {
                        // Zeros left of `first`, taps from first..<last, zeros from `last`.
                        let a = min(max(j0, first), j1), b = max(min(j1, last), a)
                        if a > j0 { target.update(repeating: 0, count: a - j0) }
                        let source = plane + ih * width + a * stride + q - padding
                        if stride == 1 {
                            (target + a - j0).update(from: source, count: b - a)
                        } else if stride == 2 {
                            copyEvenElements(target + a - j0, source, count: b - a)
                        } else {
                            for j in 0..<(b - a) { target[a - j0 + j] = source[j * stride] }
                        }
                        if j1 > b { (target + b - j0).update(repeating: 0, count: j1 - b) }
                    }
                    target += j1 - j0
                    position += j1 - j0
                }
            }
        }
    }

    /// One row of col over `positions` for a convolution that keeps the size (stride 1,
    /// OH = H, OW = W): position i*W + j reads pixel (i + rowOffset, j + columnOffset), that is
    /// the plane shifted by rowOffset*W + columnOffset. So the row is one copy, then zeros
    /// where the tap falls off the top or bottom (around the copy) and off the left or right
    /// edge (one or two columns per image row), instead of a copy per image row.
    @inline(__always)
    static func lowerShifted(_ target: UnsafeMutablePointer<Float>, _ plane: UnsafePointer<Float>,
                             positions: Range<Int>, height: Int, width: Int, rowOffset: Int, columnOffset: Int) {
        let shift = rowOffset * width + columnOffset
        // Taps inside the image's rows, and inside the plane's memory.
        let top = max(0, -rowOffset) * width, bottom = min(height, height - rowOffset) * width
        let a = min(max(positions.lowerBound, top, -shift), positions.upperBound)
        let b = max(min(positions.upperBound, bottom, height * width - shift), a)
        let start = positions.lowerBound
        target.update(repeating: 0, count: a - start)
        (target + a - start).update(from: plane + a + shift, count: b - a)
        (target + b - start).update(repeating: 0, count: positions.upperBound - b)
        // Columns j whose tap j + columnOffset lies outside 0..<width read the neighbouring row.
        let left = max(0, -columnOffset), right = min(width, width - columnOffset)
        if left == 0 && right == width { return }
        var rowStart = a / width * width
        while rowStart < b {
            for j in 0..<left where rowStart + j >= a && rowStart + j < b { target[rowStart + j - start] = 0 }
            for j in right..<width where rowStart + j >= a && rowStart + j < b { target[rowStart + j - start] = 0 }
            rowStart += width
        }
    }

    /// x (C, H, W) <- sum of the col (C*K*K, OH*OW) entries that read each pixel: the adjoint
    /// of `lower`. x is overwritten, or with `accumulate` added to. Each pixel takes its
    /// entries in (p, q) order. `outputRows` restricts col to those output rows (a block of
    /// columns starting at row outputRows.lowerBound).
    static func raise(_ x: UnsafeMutablePointer<Float>, _ col: UnsafePointer<Float>,
                      channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int,
                      leadingDimension: Int? = nil, outputRows: Range<Int>? = nil, accumulate: Bool = false,
                      parallel: Bool = true) {
        let oh = (height + 2 * padding - kernel) / stride + 1
        let ow = (width + 2 * padding - kernel) / stride + 1
        let outputRows = outputRows ?? 0..<oh
        let ld = leadingDimension ?? outputRows.count * ow
        Parallel.forRanges(channels, costPerItem: parallel ? kernel * kernel * outputRows.count * ow : 0) { range in
            for c in range {
                let plane = x + c * height * width
                if !accumulate { plane.update(repeating: 0, count: height * width) }
                for p in 0..<kernel {
                    for q in 0..<kernel {
                        let (first, last) = validRange(offset: q - padding, stride: stride, outputs: ow, size: width)
                        if first >= last { continue }
                        var source = col + ((c * kernel + p) * kernel + q) * ld
                        for i in outputRows {
                            let ih = i * stride - padding + p
                            if ih >= 0 && ih < height {
                                let target = plane + ih * width + first * stride + q - padding
                                if stride == 1 {
                                    Im2Col.add(target, source + first, count: last - first)
                                } else if stride == 2 {
                                    Im2Col.addToEvenElements(target, source + first, count: last - first)
                                } else {
                                    for j in 0..<(last - first) { target[j * stride] += source[first + j] }
                                }
                            }
                            source += ow
                        }
                    }
                }
            }
        }
    }

    /// target[j] = source[2j] for j < count (a stride-2 row of taps), eight at a time from
    /// sixteen loaded floats. A block is loaded only while a later tap remains, so no load
    /// reads past source[2(count - 1)].
    @inline(__always)
    static func copyEvenElements(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var j = 0
        while j + 8 < count {
            let pairs = UnsafeRawPointer(source + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(target + j).storeBytes(of: pairs.evenHalf, as: SIMD8<Float>.self)
            j += 8
        }
        while j < count { target[j] = source[2 * j]; j += 1 }
    }

    /// target[2j] += source[j] for j < count, eight at a time through sixteen loaded floats
    /// whose odd elements are stored back unchanged; only while a later tap remains, so
    /// nothing past target[2(count - 1)] is touched.
    @inline(__always)
    static func addToEvenElements(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var j = 0
        while j + 8 < count {
            var pairs = UnsafeRawPointer(target + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
            pairs.evenHalf += UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + 2 * j).storeBytes(of: pairs, as: SIMD16<Float>.self)
            j += 8
        }
        while j < count { target[2 * j] += source[j]; j += 1 }
    }

    /// target[i] += source[i] for i < count, eight lanes at a time.
    @inline(__always)
    static func add(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let sum = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Float>.self)
                + UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + i).storeBytes(of: sum, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { target[i] += source[i]; i += 1 }
    }

    /// The output columns j in first..<last whose input column j*stride + offset lies in 0..<size.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, outputs: Int, size: Int) -> (Int, Int) {
        // j*stride + offset >= 0  <=>  j >= ceil(-offset / stride)
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        // j*stride + offset <= size - 1  <=>  j <= floor((size - 1 - offset) / stride)
        let limit = size - 1 - offset
        let last = limit < 0 ? 0 : min(outputs, limit / stride + 1)
        return (min(first, outputs), max(last, min(first, outputs)))
    }
}
