import CDNNL

/// The direct path of `Conv2D` on the oneDNN engine: oneDNN's own convolutions, as PyTorch's
/// CPU convolutions run them (reorder to the implementation's blocked layout, convolve, reorder
/// back), with no im2col matrix, for the forward and for the gradients that Winograd does not
/// take. Each thread convolves its own images with its own primitives, single-threaded, as each
/// thread calls sgemm on the other paths.
///
/// Its rounding is PyTorch's: every output sums its products in the implementation's order, and
/// that order keeps ResNet-50's reference ReLU inputs within rounding of zero on float64's side,
/// where im2col + sgemm (ours, and PyTorch's own with mkldnn disabled) puts three on the other.
extension Conv2D {
    /// Whether this call takes the direct path: the oneDNN engine, a batch split by images, and
    /// a convolution that needs an im2col matrix (a pointwise one multiplies its input as it is).
    func takesDirectPath(_ plan: Plan) -> Bool {
        GEMM.engine == .oneDNN && plan.byImage && !plan.pointwise
    }

    /// Each thread's primitives for this call's shape, made on first use; nil where oneDNN has
    /// no direct implementation for it.
    private func directConvolutions(images n: Int, _ plan: Plan) -> [DirectConvolution]? {
        var convolutions: [DirectConvolution] = []
        for chunk in 0..<Parallel.chunkCount(n) {
            let key = DirectConvolution.Key(chunk: chunk, images: Parallel.chunkRange(chunk, of: n).count,
                                            height: plan.height, width: plan.width)
            if directPrimitives[key] == nil {
                directPrimitives[key] = .some(DirectConvolution(self, images: key.images, height: key.height,
                                                                  width: key.width))
            }
            guard let convolution = directPrimitives[key]! else { return nil }
            convolutions.append(convolution)
        }
        return convolutions
    }

    /// y = conv(x, w) on the direct path; false (and nothing written) where oneDNN has no
    /// direct implementation for the shape.
    func directForward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                       images n: Int, _ plan: Plan) -> Bool {
        guard let convolutions = directConvolutions(images: n, plan) else { return false }
        workspace.prepareDirect(threads: convolutions.count, bytes: convolutions.map(\.scratchBytes).max()!)
        Parallel.forChunks(n) { chunk, range in
            timed("conv forward: direct", chunk) {
                convolutions[chunk].forward(y + range.lowerBound * plan.outputPlane, x + range.lowerBound * plan.inputPlane,
                                            weights, scratch: workspace.directScratch[chunk].data)
            }
        }
        return true
    }

    /// The gradients of a direct forward: dx (when not nil) and dW += the weights' gradient
    /// (when not nil), each thread's dW in its scratch, added in thread order.
    func directBackward(_ dx: UnsafeMutablePointer<Float>?, _ dW: UnsafeMutablePointer<Float>?,
                        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                        images n: Int, _ plan: Plan) {
        guard let convolutions = directConvolutions(images: n, plan) else {
            preconditionFailure("Conv2D: a direct backward without a direct forward")
        }
        let weightCount = weight.value.count
        // Each pass's scratch is a whole number of 64-byte lines (eus_pass_scratch).
        let passes = convolutions.map(\.scratchBytes).max()!
        workspace.prepareDirect(threads: convolutions.count, bytes: passes + 4 * weightCount)
        Parallel.forChunks(n) { chunk, range in
            let scratch = workspace.directScratch[chunk].data
            let (gradient, image) = (dy + range.lowerBound * plan.outputPlane, x + range.lowerBound * plan.inputPlane)
            if let dx {
                timed("conv backward: direct dx", chunk) {
                    convolutions[chunk].inputGradient(dx + range.lowerBound * plan.inputPlane, gradient, weights,
                                                      scratch: scratch)
                }
            }
            if dW != nil {
                timed("conv backward: direct dW", chunk) {
                    convolutions[chunk].weightGradient(scratch + passes / 4, image, gradient, scratch: scratch)
                }
            }
        }
        guard let dW else { return }
        for chunk in convolutions.indices {
            add(workspace.directScratch[chunk].data + passes / 4, into: dW, count: weightCount)
        }
    }
}

/// One shape of one layer on oneDNN's direct convolutions (`eus_direct_convolution` in the
/// CDNNL shim), for one thread: forward, input gradient and weight gradient.
final class DirectConvolution {
    /// A layer's primitives by thread and input shape.
    struct Key: Hashable {
        let chunk, images, height, width: Int
    }

    nonisolated(unsafe) private static let engine: dnnl_engine_t = {
        var engine: dnnl_engine_t?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        precondition(status == dnnl_success, "DirectConvolution: dnnl_engine_create failed (status \(status.rawValue))")
        return engine!
    }()

    private let handle: UnsafeMutablePointer<eus_direct_convolution>

    /// nil where oneDNN has no direct implementation for the shape.
    init?(_ conv: Conv2D, images: Int, height: Int, width: Int) {
        guard let handle = eus_direct_convolution_create(
            Self.engine, Int32(images), Int32(conv.inputChannels), Int32(height), Int32(width),
            Int32(conv.outputChannels), Int32(conv.kernelSize), Int32(conv.stride), Int32(conv.padding))
        else { return nil }
        self.handle = handle
    }

    deinit { eus_direct_convolution_destroy(handle) }

    /// oneDNN's name for the forward's implementation, e.g. "jit:avx512_core".
    var implementation: String { String(cString: handle.pointee.implementation) }

    /// Bytes of scratch the largest of the three passes needs for its reordered operands.
    var scratchBytes: Int {
        [\eus_direct_convolution.forward, \.input_gradient, \.weight_gradient]
            .map { Int(eus_pass_scratch(handle.pointer(to: $0)!)) }.max()!
    }

    /// y = conv(x, w) for this primitive's images.
    func forward(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                 scratch: UnsafeMutablePointer<Float>) {
        run(\.forward, [x, weights, UnsafePointer(y)], scratch)
    }

    /// dx = conv^T(dy, w) for this primitive's images.
    func inputGradient(_ dx: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                       scratch: UnsafeMutablePointer<Float>) {
        run(\.input_gradient, [dy, weights, UnsafePointer(dx)], scratch)
    }

    /// dW = the weights' gradient over this primitive's images (overwritten).
    func weightGradient(_ dW: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>) {
        run(\.weight_gradient, [x, dy, UnsafePointer(dW)], scratch)
    }

    /// Runs one pass single-threaded on plain tensors, in the primitive's operand order.
    private func run(_ pass: WritableKeyPath<eus_direct_convolution, eus_pass>, _ tensors: [UnsafePointer<Float>],
                     _ scratch: UnsafeMutablePointer<Float>) {
        omp_set_num_threads(1)
        let data = tensors.map { UnsafeMutableRawPointer(mutating: $0) as UnsafeMutableRawPointer? }
        let status = eus_pass_run(handle, handle.pointer(to: pass)!, data,
                                  UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: CChar.self))
        precondition(status == dnnl_success, "DirectConvolution: a oneDNN pass failed (status \(status.rawValue))")
    }
}
