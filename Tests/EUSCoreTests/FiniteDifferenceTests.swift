import EUSSupport
import XCTest
@testable import EUSCore

/// Central finite differences against every layer's backward, on small random shapes.
///
/// The probe loss is L = sum_i y_i * r_i for a fixed random r, so dL/dy = r. Layers compute in
/// float32; L is summed in Double. With step h = 1e-2 on O(1) inputs, the central difference
/// has truncation error O(h^2 * |f'''|) ~ 1e-4 and float32 rounding error about
/// 6e-8 * sum|y_i r_i| / h ~ 1e-4 for these sizes, so a relative tolerance of 2e-3 on the
/// gradient's scale (max |analytic|) separates correct gradients from wrong ones (a wrong index
/// or a missing term is an O(1) relative error). Max pooling and ReLU are checked away from
/// their kinks (inputs separated by more than h).
final class FiniteDifferenceTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    private var random = SeededRandom(seed: 42)
    private var threads = Parallel.threadCount

    override func setUp() { threads = Parallel.threadCount }
    override func tearDown() { Parallel.threadCount = threads }

    private func probe(_ y: Tensor, _ r: Tensor) -> Double {
        (0..<y.count).reduce(0.0) { $0 + Double(y[$1]) * Double(r[$1]) }
    }

    /// Checks d(probe)/d(values) numerically against `analytic`, perturbing `values` in place.
    private func check(_ name: String, _ values: Tensor, analytic: Tensor, h: Float = 1e-2,
                       tolerance: Float = 2e-3, loss: () -> Double, line: UInt = #line) {
        XCTAssertEqual(values.count, analytic.count, name, line: line)
        let scale = max(analytic.maxAbs, 1e-6)
        var worst: Float = 0
        for i in 0..<values.count {
            let saved = values[i]
            values[i] = saved + h
            let plus = loss()
            values[i] = saved - h
            let minus = loss()
            values[i] = saved
            let numeric = Float((plus - minus) / Double(2 * h))
            worst = max(worst, abs(numeric - analytic[i]) / scale)
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): worst relative error \(worst)", line: line)
    }

    func testConv2DGradients() {
        for (k, s, p, bias) in [(3, 1, 1, false), (3, 2, 1, true), (1, 1, 0, true), (1, 2, 0, false), (7, 2, 3, false), (2, 3, 0, true)] {
            let conv = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: k, stride: s, padding: p, bias: bias)
            for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal(std: 0.5) }
            if let b = conv.bias { for i in 0..<b.value.count { b.value[i] = random.normal() } }
            let x = random.tensor([2, 3, 9, 8])
            let y = conv.forward(x)
            let r = random.tensor(y.shape)
            let dx = Tensor(shape: [0])
            conv.backward(r, inputGradient: dx)
            let loss = { self.probe(conv.forward(x), r) }
            let label = "conv k\(k) s\(s) p\(p)"
            check("\(label) dx", x, analytic: dx, loss: loss)
            check("\(label) dW", conv.weight.value, analytic: conv.weight.grad, loss: loss)
            if let b = conv.bias { check("\(label) db", b.value, analytic: b.grad, loss: loss) }
        }
    }

    /// The im2col convolution against the defining sum.
    func testConv2DForwardMatchesDirectSum() {
        let conv = Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1, bias: true)
        for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal() }
        for i in 0..<3 { conv.bias!.value[i] = random.normal() }
        let x = random.tensor([2, 2, 7, 6])
        let y = conv.forward(x)
        XCTAssertEqual(y.shape, [2, 3, 4, 3])
        for n in 0..<2 { for o in 0..<3 { for i in 0..<4 { for j in 0..<3 {
            var sum = Double(conv.bias!.value[o])
            for c in 0..<2 { for p in 0..<3 { for q in 0..<3 {
                let (h, w) = (i * 2 - 1 + p, j * 2 - 1 + q)
                if h >= 0 && h < 7 && w >= 0 && w < 6 {
                    sum += Double(conv.weight.value[((o * 2 + c) * 3 + p) * 3 + q]) * Double(x[((n * 2 + c) * 7 + h) * 6 + w])
                }
            } } }
            XCTAssertEqual(Double(y[((n * 3 + o) * 4 + i) * 3 + j]), sum, accuracy: 1e-5)
        } } } }
    }

    func testBatchNormGradientsInTrainAndEvalMode() {
        for training in [true, false] {
            let bn = BatchNorm2D(channels: 3)
            for c in 0..<3 {
                bn.weight.value[c] = 0.5 + Float(random.uniform())
                bn.bias.value[c] = random.normal()
                bn.runningMean[c] = random.normal(std: 0.3)
                bn.runningVar[c] = 0.5 + Float(random.uniform())
            }
            let x = random.tensor([2, 3, 4, 5], std: 2)
            let y = bn.forward(x, training: training)
            let r = random.tensor(y.shape)
            let dx = Tensor(shape: [0])
            bn.backward(r, inputGradient: dx)
            // The perturbed forwards must not move the running statistics used in eval mode.
            let (mean, variance) = (bn.runningMean.copy(), bn.runningVar.copy())
            let loss = { () -> Double in
                let value = self.probe(bn.forward(x, training: training), r)
                bn.runningMean.assign(mean); bn.runningVar.assign(variance)
                return value
            }
            check("bn train=\(training) dx", x, analytic: dx, loss: loss)
            check("bn train=\(training) dgamma", bn.weight.value, analytic: bn.weight.grad, loss: loss)
            check("bn train=\(training) dbeta", bn.bias.value, analytic: bn.bias.grad, loss: loss)
        }
    }

    /// In-place backward (dx is dy) gives the same gradient.
    func testBatchNormBackwardInPlace() {
        let bn = BatchNorm2D(channels: 2)
        let x = random.tensor([3, 2, 3, 3])
        bn.forward(x, training: true)
        let r = random.tensor(x.shape)
        let separate = Tensor(shape: [0])
        bn.backward(r, inputGradient: separate)
        let inPlace = r.copy()
        bn.backward(inPlace, inputGradient: inPlace)
        XCTAssertEqual(inPlace.scalars, separate.scalars)
    }

    /// Running statistics: momentum 0.1, unbiased variance, against a direct computation.
    func testBatchNormRunningStatistics() {
        let bn = BatchNorm2D(channels: 1)
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 6])
        bn.forward(x, training: true)
        XCTAssertEqual(bn.runningMean[0], 0.9 * 0 + 0.1 * 3, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVar[0], 0.9 * 1 + 0.1 * (14.0 / 3), accuracy: 1e-6)  // sum sq dev 14, n-1 = 3
        XCTAssertEqual(bn.batchesTracked, 1)
        // y = (x - 3) / sqrt(3.5 + eps) with the biased variance 14/4.
        XCTAssertEqual(bn.output[3], 3 / (3.5 + 1e-5).squareRoot(), accuracy: 1e-5)
    }

    func testReLUGradient() {
        let x = random.tensor([2, 3, 4, 4])
        for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] = 0.5 }   // away from the kink
        let r = random.tensor(x.shape)
        let y = x.copy(); ReLU.forward(y)
        let dx = r.copy(); ReLU.backward(dx, output: y)
        check("relu", x, analytic: dx, loss: { let y = x.copy(); ReLU.forward(y); return self.probe(y, r) })
    }

    func testMaxPoolGradient() {
        let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
        // Distinct values spaced 0.1 apart: no ties within the step h.
        let x = Tensor(shape: [2, 2, 7, 6])
        var values = (0..<x.count).map { Float($0) * 0.1 }
        values.shuffle(using: &random)
        for i in 0..<x.count { x[i] = values[i] }
        let y = pool.forward(x)
        XCTAssertEqual(y.shape, [2, 2, 4, 3])
        let r = random.tensor(y.shape)
        let dx = Tensor(shape: [0])
        pool.backward(r, inputGradient: dx)
        check("maxpool", x, analytic: dx, loss: { self.probe(pool.forward(x), r) })
    }

    func testGlobalAveragePoolGradient() {
        let pool = GlobalAveragePool()
        let x = random.tensor([2, 3, 3, 4])
        let y = pool.forward(x)
        let r = random.tensor(y.shape)
        let dx = Tensor(shape: [0])
        pool.backward(r, inputGradient: dx)
        check("avgpool", x, analytic: dx, loss: { self.probe(pool.forward(x), r) })
    }

    func testLinearGradients() {
        let linear = Linear(inputFeatures: 5, outputFeatures: 3)
        for i in 0..<15 { linear.weight.value[i] = random.normal() }
        for i in 0..<3 { linear.bias.value[i] = random.normal() }
        let x = random.tensor([4, 5])
        let r = random.tensor(linear.forward(x).shape)
        let dx = Tensor(shape: [0])
        linear.backward(r, inputGradient: dx)
        let loss = { self.probe(linear.forward(x), r) }
        check("linear dx", x, analytic: dx, loss: loss)
        check("linear dW", linear.weight.value, analytic: linear.weight.grad, loss: loss)
        check("linear db", linear.bias.value, analytic: linear.bias.grad, loss: loss)
    }

    func testSoftmaxCrossEntropyGradientAndValue() {
        let logits = random.tensor([3, 4], std: 2)
        let labels = [2, 0, 3]
        let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: labels)
        var expected: Double = 0
        for n in 0..<3 {
            let row = (0..<4).map { Double(logits[n * 4 + $0]) }
            expected += log(row.map(exp).reduce(0, +)) - row[labels[n]]
        }
        XCTAssertEqual(Double(loss), expected / 3, accuracy: 1e-6)
        check("cross-entropy", logits, analytic: dLogits, h: 1e-3, loss: {
            Double(softmaxCrossEntropy(logits: logits, labels: labels).loss)
        })
    }

    /// Label smoothing against torch 2.15's `F.cross_entropy(z, y, label_smoothing=0.1)` on fixed
    /// logits (value and gradient computed in float64 there), and by finite differences.
    func testLabelSmoothedCrossEntropyMatchesTorch() {
        let logits = Tensor(shape: [3, 4], scalars: [1.5, -0.5, 0.25, 2.0, -1.0, 0.0, 3.0, 0.5, 0.1, 0.2, -0.3, 0.4])
        let labels = [2, 0, 3]
        let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: labels, labelSmoothing: 0.1)
        XCTAssertEqual(Double(loss), 2.4800621187317584, accuracy: 1e-6, "loss vs torch, tolerance 1e-6")
        let torchGradient: [Double] = [0.10022444983775369, 0.006358364999664516, -0.2772310077183085, 0.17064819288089028,
                                       -0.30302531888343304, 0.006095345891028783, 0.2814744359804228, 0.015455537011981513,
                                       0.07246789608508716, 0.08096583556466348, 0.04582935049015855, -0.19926308213990918]
        for (i, expected) in torchGradient.enumerated() {
            XCTAssertEqual(Double(dLogits[i]), expected, accuracy: 1e-6, "dz[\(i)] vs torch, tolerance 1e-6")
        }
        check("label-smoothed cross-entropy", logits, analytic: dLogits, h: 1e-3, loss: {
            Double(softmaxCrossEntropy(logits: logits, labels: labels, labelSmoothing: 0.1).loss)
        })
        XCTAssertEqual(softmaxCrossEntropy(logits: logits, labels: labels, labelSmoothing: 0).loss,
                       softmaxCrossEntropy(logits: logits, labels: labels).loss, "ε = 0 is the plain loss")
    }

    /// BatchNorm with the fused ReLU equals BatchNorm followed by a separate ReLU, forward and
    /// backward (the fused mask is the composition's exact derivative away from kinks).
    func testFusedBatchNormReLUEqualsComposition() {
        let x = random.tensor([2, 3, 4, 4])
        let r = random.tensor(x.shape)
        let fused = BatchNorm2D(channels: 3), plain = BatchNorm2D(channels: 3)
        for c in 0..<3 {
            let g = 0.5 + Float(random.uniform()), b: Float = random.normal()
            fused.weight.value[c] = g; plain.weight.value[c] = g
            fused.bias.value[c] = b; plain.bias.value[c] = b
        }
        let y = fused.forward(x, training: true, rectify: true)
        let z = plain.forward(x, training: true).copy()
        ReLU.forward(z)
        XCTAssertEqual(y.scalars, z.scalars)
        XCTAssertTrue(y.scalars.contains(0) && y.scalars.contains { $0 > 0 })
        let dxFused = Tensor(shape: [0]), dxPlain = Tensor(shape: [0])
        fused.backward(r, inputGradient: dxFused)
        let masked = r.copy()
        ReLU.backward(masked, output: z)
        plain.backward(masked, inputGradient: dxPlain)
        XCTAssertEqual(maxDifference(dxFused, dxPlain), 0, accuracy: 1e-5)
        XCTAssertEqual(maxDifference(fused.weight.grad, plain.weight.grad), 0, accuracy: 1e-5)
        XCTAssertEqual(maxDifference(fused.bias.grad, plain.bias.grad), 0, accuracy: 1e-5)
    }

    /// A single image (GEMMs split by rows) gives what the same image gives inside a batch
    /// (GEMMs split by images), forward and backward.
    func testConvolutionOfOneImageMatchesBatch() {
        Parallel.threadCount = 2
        for (k, s, p) in [(3, 1, 1), (1, 1, 0), (3, 2, 1)] {
            let conv = Conv2D(inputChannels: 4, outputChannels: 6, kernelSize: k, stride: s, padding: p)
            for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal() }
            let batch = random.tensor([3, 4, 10, 10])
            let y = conv.forward(batch).copy()
            let r = random.tensor(y.shape)
            let dx = Tensor(shape: [0])
            conv.backward(r, inputGradient: dx)
            let batchGradient = conv.weight.grad.copy()
            var singleGradient = [Float](repeating: 0, count: batchGradient.count)
            let (inPlane, outPlane) = (batch.count / 3, y.count / 3)
            for n in 0..<3 {
                conv.weight.zeroGrad()
                let one = Tensor(shape: [1, 4, 10, 10], scalars: Array(batch.scalars[n * inPlane..<(n + 1) * inPlane]))
                let single = conv.forward(one)
                XCTAssertEqual(single.scalars, Array(y.scalars[n * outPlane..<(n + 1) * outPlane]), accuracy: 1e-5)
                let dOne = Tensor(shape: single.shape, scalars: Array(r.scalars[n * outPlane..<(n + 1) * outPlane]))
                let dxOne = Tensor(shape: [0])
                conv.backward(dOne, inputGradient: dxOne)
                XCTAssertEqual(dxOne.scalars, Array(dx.scalars[n * inPlane..<(n + 1) * inPlane]), accuracy: 1e-5)
                for i in 0..<singleGradient.count { singleGradient[i] += conv.weight.grad[i] }
            }
            XCTAssertEqual(singleGradient, batchGradient.scalars, accuracy: 1e-4)
        }
    }

    /// Images with many output positions are lowered and multiplied in blocks that stay in
    /// cache (Conv2D+Blocks.swift); each result is summed in the same order as by one product
    /// over the whole im2col matrix (im2col and col2im written out here from their
    /// definitions), so the two agree to the bit: y, dW (two images, one per thread, the second
    /// thread's share added last) and dx. On OpenBLAS, the engine of the im2col path (oneDNN
    /// takes these shapes on its direct path).
    func testBlockedConvolutionIsBitIdenticalToOneProduct() {
        Parallel.threadCount = 2
        GEMM.configure(threads: 2, engine: .openBLAS)
        defer { GEMM.configure(threads: Parallel.coreCount) }
        for (k, s, p, size) in [(3, 1, 1, 27), (7, 2, 3, 61), (3, 2, 1, 50), (1, 2, 0, 50)] {
            let conv = Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: k, stride: s, padding: p)
            for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal() }
            let batch = random.tensor([2, 3, size, size])
            let positions = conv.outputSize(size) * conv.outputSize(size)
            XCTAssertGreaterThanOrEqual(positions, 2 * Conv2D.blockColumns, "k\(k) s\(s): too small to be lowered in blocks")
            XCTAssertTrue(Conv2D.Plan(conv: conv, images: 2, height: size, width: size).inBlocks,
                          "k\(k) s\(s): the forward and backward should take the blocked path")
            let y = conv.forward(batch).scalars
            let dy = random.tensor(conv.output.shape), dx = Tensor(shape: [0])
            conv.backward(dy, inputGradient: dx)

            let rows = 3 * k * k, plane = batch.count / 2, label = "k\(k) s\(s)"
            var expectedDW = [Float](repeating: 0, count: 5 * rows)
            for n in 0..<2 {
                var col = [Float](repeating: 0, count: rows * positions), dcol = col
                var expected = [Float](repeating: 0, count: 5 * positions), share = expectedDW.map { _ in Float(0) }
                var expectedDX = [Float](repeating: 0, count: plane)
                let oh = conv.outputSize(size)
                for r in 0..<rows {
                    let (c, kp, kq) = (r / (k * k), (r / k) % k, r % k)
                    for position in 0..<positions {
                        let (ih, iw) = ((position / oh) * s - p + kp, (position % oh) * s - p + kq)
                        let inside = ih >= 0 && ih < size && iw >= 0 && iw < size
                        col[r * positions + position] = inside ? batch[n * plane + (c * size + ih) * size + iw] : 0
                    }
                }
                GEMM.multiply(&expected, conv.weight.value.data, col, m: 5, n: positions, k: rows)
                XCTAssertEqual(Array(y[n * expected.count..<(n + 1) * expected.count]), expected, "\(label) y, image \(n)")
                let gradient = dy.data + n * 5 * positions
                GEMM.multiply(&share, gradient, col, transposeB: true, m: 5, n: rows, k: positions, beta: 1)
                for i in share.indices { expectedDW[i] += share[i] }
                GEMM.multiply(&dcol, conv.weight.value.data, transposeA: true, gradient, m: rows, n: positions, k: 5)
                // col2im from the definition: each pixel adds its entries in (c, p, q) order.
                for r in 0..<rows {
                    let (c, kp, kq) = (r / (k * k), (r / k) % k, r % k)
                    for position in 0..<positions {
                        let (ih, iw) = ((position / oh) * s - p + kp, (position % oh) * s - p + kq)
                        if ih >= 0 && ih < size && iw >= 0 && iw < size {
                            expectedDX[(c * size + ih) * size + iw] += dcol[r * positions + position]
                        }
                    }
                }
                XCTAssertEqual(Array(dx.scalars[n * plane..<(n + 1) * plane]), expectedDX, "\(label) dx, image \(n)")
            }
            XCTAssertEqual(conv.weight.grad.scalars, expectedDW, "\(label) dW")
        }
    }

    private func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    let worst = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    XCTAssertLessThanOrEqual(worst, accuracy, file: file, line: line)
}
