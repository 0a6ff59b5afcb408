import EUSSupport
import XCTest
@testable import EUSCore

/// oneDNN's direct convolution, the forward of the oneDNN engine (Conv2D+Direct.swift), against
/// the defining sum in Double and against im2col + sgemm on OpenBLAS, for the kernel sizes,
/// strides and paddings of a ResNet, on batches that split unevenly over the threads.
final class DirectConvolutionTests: XCTestCase {
    private var random = SeededRandom(seed: 11)
    private var threads = Parallel.threadCount

    override func setUp() {
        threads = Parallel.threadCount
        Parallel.threadCount = 2
    }

    override func tearDown() {
        Parallel.threadCount = threads
        GEMM.configure(threads: Parallel.coreCount)
    }

    /// (images, channels, size, output channels, kernel, stride, padding): the stem, a 3x3
    /// layer, a stride-2 3x3 and a stride-2 1x1 downsample, on odd sizes.
    private let shapes = [(5, 3, 23, 8, 7, 2, 3), (3, 5, 9, 6, 3, 1, 1), (4, 16, 11, 32, 3, 2, 1), (2, 16, 8, 24, 1, 2, 0),
                          (2, 20, 5, 20, 3, 1, 1)]

    private func convolution(_ shape: (Int, Int, Int, Int, Int, Int, Int)) -> (Conv2D, Tensor) {
        let (n, c, size, oc, k, stride, padding) = shape
        let conv = Conv2D(inputChannels: c, outputChannels: oc, kernelSize: k, stride: stride, padding: padding)
        for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal() }
        return (conv, random.tensor([n, c, size, size]))
    }

    /// y[n, o, i, j] = sum_{c, p, q} w[o, c, p, q] * x[n, c, i*s - pad + p, j*s - pad + q], in Double.
    private func definingSum(_ x: Tensor, _ conv: Conv2D) -> [Double] {
        let w = conv.weight.value, k = conv.kernelSize
        let (n, c, h, wd, oc) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], conv.outputChannels)
        let (oh, ow) = (conv.outputSize(h), conv.outputSize(wd))
        var y = [Double](repeating: 0, count: n * oc * oh * ow)
        for b in 0..<n { for o in 0..<oc { for i in 0..<oh { for j in 0..<ow {
            var sum = 0.0
            for ch in 0..<c { for p in 0..<k { for q in 0..<k {
                let (r, s) = (i * conv.stride - conv.padding + p, j * conv.stride - conv.padding + q)
                if r >= 0 && r < h && s >= 0 && s < wd {
                    sum += Double(w[((o * c + ch) * k + p) * k + q]) * Double(x[((b * c + ch) * h + r) * wd + s])
                }
            } } }
            y[((b * oc + o) * oh + i) * ow + j] = sum
        } } } }
        return y
    }

    func testForwardMatchesTheDefiningSumAndIm2col() {
        for shape in shapes {
            let (conv, x) = convolution(shape)
            GEMM.configure(threads: 2, engine: .oneDNN)
            let direct = conv.forward(x).scalars
            let primitives = conv.directPrimitives.values.compactMap { $0 }
            XCTAssertEqual(primitives.count, 2, "\(shape): one primitive per thread")
            let exact = definingSum(x, conv)
            let scale = exact.map(abs).max()!
            let error = zip(direct, exact).map { abs(Double($0) - $1) }.max()! / scale
            XCTAssertLessThan(error, 1e-6, "\(shape) on \(primitives.first?.implementation ?? "-"): relative error \(error)")
            GEMM.configure(threads: 2, engine: .openBLAS)
            let im2col = conv.forward(x).scalars
            let apart = zip(direct, im2col).map { abs($0 - $1) }.max()! / Float(scale)
            XCTAssertLessThan(apart, 1e-6, "\(shape): direct and im2col apart by \(apart) of max |y|")
        }
    }

    /// The folded-weight form predictions and Grad-CAM's layers use: another weight, a bias and
    /// the fused ReLU.
    func testWeightOverrideBiasAndReLU() {
        let (conv, x) = convolution(shapes[1])
        let weight = Tensor(shape: conv.weight.value.shape), bias = Tensor(shape: [conv.outputChannels])
        for i in 0..<weight.count { weight[i] = random.normal() }
        for i in 0..<bias.count { bias[i] = random.normal() }
        GEMM.configure(threads: 2, engine: .oneDNN)
        let direct = conv.forward(x, weight: weight, bias: bias, rectify: true).scalars
        GEMM.configure(threads: 2, engine: .openBLAS)
        let im2col = conv.forward(x, weight: weight, bias: bias, rectify: true).scalars
        XCTAssertEqual(direct.filter { $0 < 0 }.count, 0)
        XCTAssertGreaterThan(direct.filter { $0 == 0 }.count, direct.count / 10, "the ReLU closed no unit")
        XCTAssertLessThan(zip(direct, im2col).map { abs($0 - $1) }.max()!, 1e-5)
    }

    /// The backward after a direct forward is the one after im2col's: it reads the input only.
    func testBackwardAfterDirectForwardMatchesIm2col() {
        for shape in shapes {
            let (conv, x) = convolution(shape)
            func pass(_ engine: GEMM.Engine) -> (dx: [Float], dw: [Float]) {
                GEMM.configure(threads: 2, engine: engine)
                conv.weight.grad.fill(0)
                let y = conv.forward(x)
                let dy = Tensor(shape: y.shape)
                var seeded = SeededRandom(seed: 3)
                for i in 0..<dy.count { dy[i] = seeded.normal() }
                let dx = Tensor(shape: [0])
                conv.backward(dy, inputGradient: dx)
                return (dx.scalars, conv.weight.grad.scalars)
            }
            let (direct, im2col) = (pass(.oneDNN), pass(.openBLAS))
            for (name, a, b) in [("dx", direct.dx, im2col.dx), ("dw", direct.dw, im2col.dw)] {
                let scale = b.map(abs).max()!
                XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()! / scale, 1e-5, "\(shape) \(name)")
            }
        }
    }

    /// A batch smaller than the threads splits each GEMM by rows instead, on im2col.
    func testSingleImageTakesIm2col() {
        let (conv, _) = convolution(shapes[1])
        GEMM.configure(threads: 2, engine: .oneDNN)
        conv.forward(random.tensor([1, 5, 9, 9]))
        XCTAssertTrue(conv.directPrimitives.isEmpty)
    }
}
