/// Convolutions of large early-layer images, one image at a time, in blocks that stay in a
/// core's L2 cache: the whole im2col matrix of a 56x56 image with 64 channels is 7 MB, and
/// writing it out only for the GEMM to read it back costs more than the multiply-adds around
/// it. Every block is cut so that each result is summed in the same order as by one product
/// over the whole matrix, so the results are bit-identical (`FiniteDifferenceTests` checks
/// this against one product).
extension Conv2D {
    /// Output positions (columns of col) per block of the forward and of dx.
    static let blockColumns = 256
    /// Elements of col per block of the weight gradient (800 KB).
    static let blockElements = 200_000

    /// y (OC, OH*OW) of one image <- w * col(x), `blockColumns` output positions at a time:
    /// each output is the same dot product over the same rows as in one product.
    func im2colForwardInBlocks(_ y: UnsafeMutablePointer<Float>, _ image: UnsafePointer<Float>,
                               _ weights: UnsafePointer<Float>, _ plan: Plan, scratch chunk: Int) {
        let col = workspace.columns[chunk].data
        var start = 0
        while start < plan.columns {
            let width = min(Conv2D.blockColumns, plan.columns - start)
            timed("conv forward: im2col", chunk) {
                Im2Col.lower(col, image, channels: plan.channels, height: plan.height, width: plan.width,
                             kernel: plan.kernel, stride: plan.stride, padding: plan.padding,
                             positions: start..<(start + width), parallel: false)
            }
            timed("conv forward: gemm", chunk) {
                GEMM.multiply(y + start, weights, col, m: outputChannels, n: width, k: plan.rows, ldc: plan.columns)
            }
            start += width
        }
    }

    /// dW (OC, rows) += dy (OC, OH*OW) * col^T of one image, lowering a block of rows of col at
    /// a time: each entry of dW is the same dot product over the output positions.
    func weightGradientInBlocks(_ dW: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>,
                                _ image: UnsafePointer<Float>, _ plan: Plan, scratch chunk: Int) {
        let col = workspace.columns[chunk].data
        // Blocks of equal size, at least 64 rows: thinner products lose more to packing than
        // the cache saves (the stem's 147 rows run as three blocks of 49).
        let largest = max(64, Conv2D.blockElements / plan.columns)
        let blocks = (plan.rows + largest - 1) / largest
        let blockRows = (plan.rows + blocks - 1) / blocks
        var start = 0
        while start < plan.rows {
            let rows = start..<min(plan.rows, start + blockRows)
            timed("conv backward: im2col", chunk) {
                Im2Col.lower(col, image, channels: plan.channels, height: plan.height, width: plan.width,
                             kernel: plan.kernel, stride: plan.stride, padding: plan.padding, rows: rows, parallel: false)
            }
            timed("conv backward: gemm dW", chunk) {
                GEMM.multiply(dW + start, dy, col, transposeB: true, m: outputChannels, n: rows.count, k: plan.columns,
                              beta: 1, ldc: plan.rows)
            }
            start = rows.upperBound
        }
    }

    /// dx (C, H, W) of one image <- col2im(w^T dy), whole output rows at a time, from the
    /// bottom block up. A pixel takes its entries from output rows i = (ih + pad - p) / s, so
    /// the lower rows carry its smaller kernel rows p: walking the blocks upwards, each pixel
    /// still sums its entries in (p, q) order, as one col2im over the whole matrix does.
    func inputGradientInBlocks(_ dx: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>,
                               _ weights: UnsafePointer<Float>, _ plan: Plan, scratch chunk: Int) {
        let dcol = workspace.columnGradients[chunk].data
        let outputWidth = outputSize(plan.width), outputHeight = outputSize(plan.height)
        let blockRows = max(1, Conv2D.blockColumns / outputWidth)
        dx.update(repeating: 0, count: plan.inputPlane)
        var end = outputHeight
        while end > 0 {
            let outputRows = max(0, end - blockRows)..<end
            let width = outputRows.count * outputWidth
            timed("conv backward: gemm dx", chunk) {
                // dcol (rows, width) = w^T (rows, OC) * dy (OC, width)
                GEMM.multiply(dcol, weights, transposeA: true, dy + outputRows.lowerBound * outputWidth,
                              m: plan.rows, n: width, k: outputChannels, ldb: plan.columns)
            }
            timed("conv backward: col2im", chunk) {
                Im2Col.raise(dx, dcol, channels: plan.channels, height: plan.height, width: plan.width,
                             kernel: plan.kernel, stride: plan.stride, padding: plan.padding,
                             outputRows: outputRows, accumulate: true, parallel: false)
            }
            end = outputRows.lowerBound
        }
    }
}
