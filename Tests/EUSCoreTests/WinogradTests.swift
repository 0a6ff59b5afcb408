import EUSSupport
import Foundation
import XCTest
@testable import EUSCore

/// Winograd F(4x4, 3x3), the inference path of 3x3 convolutions, against the defining sum in
/// Double and against im2col, on planes that do and do not divide into 4x4 tiles and on tile
/// rows longer than one 8-lane block.
///
/// Tolerance: the transforms scale by up to 25 on the way in and 8 on the way out, so the
/// float32 rounding is about 20x im2col's (measured: 0.3-3.4e-6 relative to max |y| for
/// C = 5, against 0.5-2.5e-7 for im2col). 2e-5 leaves room; a wrong tap, phase, crop or
/// bias is an O(1) error.
final class WinogradTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    private var random = SeededRandom(seed: 7)
    private var threads = Parallel.threadCount

    override func setUp() { threads = Parallel.threadCount }
    override func tearDown() { Parallel.threadCount = threads }

    private func randomConvolution(inputs: Int, outputs: Int, bias: Bool = false) -> Conv2D {
        let conv = Conv2D(inputChannels: inputs, outputChannels: outputs, kernelSize: 3, stride: 1, padding: 1, bias: bias)
        for i in 0..<conv.weight.value.count { conv.weight.value[i] = random.normal() }
        if let b = conv.bias { for i in 0..<b.value.count { b.value[i] = random.normal() } }
        return conv
    }

    /// y[n, o, i, j] = b[o] + sum_{c, p, q} w[o, c, p, q] * x[n, c, i - 1 + p, j - 1 + q], in Double.
    private func directConvolution(_ x: Tensor, _ conv: Conv2D) -> [Double] {
        let w = conv.weight.value
        let (n, c, h, wd, oc) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
        var y = [Double](repeating: 0, count: n * oc * h * wd)
        for b in 0..<n { for o in 0..<oc { for i in 0..<h { for j in 0..<wd {
            var sum = Double(conv.bias?.value[o] ?? 0)
            for k in 0..<c { for p in 0..<3 { for q in 0..<3 {
                let (r, s) = (i - 1 + p, j - 1 + q)
                if r >= 0 && r < h && s >= 0 && s < wd {
                    sum += Double(w[((o * c + k) * 3 + p) * 3 + q]) * Double(x[((b * c + k) * h + r) * wd + s])
                }
            } } }
            y[((b * oc + o) * h + i) * wd + j] = sum
        } } } }
        return y
    }

    private func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        let scale = b.reduce(0) { max($0, abs($1)) }
        return zip(a, b).reduce(0) { max($0, abs(Double($1.0) - $1.1)) } / scale
    }

    func testInferenceForwardMatchesDirectSum() {
        Parallel.threadCount = 2
        for (h, w) in [(8, 8), (9, 7), (1, 1), (5, 13), (14, 14), (37, 36), (6, 70)] {
            let conv = randomConvolution(inputs: 5, outputs: 6, bias: true)
            let x = random.tensor([3, 5, h, w])
            let y = conv.forward(x, differentiable: false, algorithm: .winograd).scalars
            let error = relativeError(y, directConvolution(x, conv))
            XCTAssertLessThan(error, 2e-5, "\(h)x\(w): relative error \(error)")
        }
    }

    /// The inference path against im2col (the differentiable path), with the fused ReLU.
    func testInferenceAndDifferentiableForwardsAgree() {
        Parallel.threadCount = 2
        let conv = randomConvolution(inputs: 7, outputs: 4)
        let x = random.tensor([4, 7, 10, 9])
        let fast = conv.forward(x, rectify: true, differentiable: false, algorithm: .winograd).scalars
        let precise = conv.forward(x, rectify: true).scalars
        XCTAssertEqual(fast.min(), 0)
        let error = relativeError(fast, precise.map(Double.init))
        XCTAssertLessThan(error, 2e-5, "relative error \(error)")
        XCTAssertGreaterThan(error, 0, "both forwards took the same path")
    }

    /// Narrow planes with channel counts in blocks of eight take the channel-lane transforms
    /// (Winograd+Channels.swift): against the Double sum, on planes that do and do not divide
    /// into tiles, down to one pixel, with the bias and the fused ReLU.
    func testChannelLanesMatchDirectSum() {
        Parallel.threadCount = 2
        for (h, w, c, oc) in [(1, 1, 8, 8), (5, 5, 16, 8), (7, 7, 8, 24), (10, 10, 16, 16), (9, 13, 8, 8), (28, 28, 8, 16)] {
            let conv = randomConvolution(inputs: c, outputs: oc, bias: true)
            let x = random.tensor([3, c, h, w])
            let tiling = Winograd.Tiling(height: h, width: w)
            XCTAssertEqual(Winograd.LaneAxis.choose(tiling, inputs: c, outputs: oc), .channels, "\(h)x\(w)")
            let y = conv.forward(x, differentiable: false, algorithm: .winograd).scalars
            let error = relativeError(y, directConvolution(x, conv))
            XCTAssertLessThan(error, 2e-5, "\(h)x\(w), C=\(c), OC=\(oc): relative error \(error)")
            let rectified = conv.forward(x, rectify: true, differentiable: false, algorithm: .winograd).scalars
            XCTAssertEqual(rectified, y.map { max($0, 0) }, "\(h)x\(w): the fused ReLU")
        }
    }

    /// Both lane layouts on the same narrow plane: the same transforms in the same order, so
    /// they differ only by the GEMM's summation order, amplified by the output transform as
    /// any Winograd rounding is (measured: 4.5e-6 relative to max |y| with OpenBLAS's Haswell
    /// kernel, 0 with its Cooperlake kernel); the file's 2e-5.
    func testLaneLayoutsAgree() {
        Parallel.threadCount = 2
        let conv = randomConvolution(inputs: 16, outputs: 8, bias: true)
        let x = random.tensor([4, 16, 11, 6])
        let plan = Conv2D.Plan(conv: conv, images: 4, height: 11, width: 6)
        func run(_ lanes: Winograd.LaneAxis) -> [Float] {
            let y = Tensor(shape: [4, 8, 11, 6])
            conv.winogradForward(y.data, x.data, conv.weight.value.data, bias: conv.bias!.value.data, floor: -.infinity,
                                 images: 4, plan, lanes: lanes)
            return y.scalars
        }
        // Each layout sizes the scratch for its own plane: the tiles' rimmed plane, or the
        // channel-minor one. (Their products may round alike: with the inner dimension C in
        // both GEMMs, a kernel that sums each dot product in order gives the same bits.)
        let tiling = Winograd.Tiling(height: 11, width: 6)
        let tiles = run(.tiles)
        XCTAssertEqual(conv.workspace.winogradScratch[0].count, tiling.scratchCount, "the tile-lane run")
        let channels = run(.channels)
        XCTAssertEqual(conv.workspace.winogradScratch[0].count, Winograd.channelPlaneCount(tiling, channels: 16), "the channel-lane run")
        let scale = tiles.reduce(0) { max($0, abs($1)) }
        let difference = zip(tiles, channels).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
        XCTAssertLessThan(difference, 2e-5, "relative difference \(difference)")
    }

    /// dw[o, c, p, q] = sum_{n, i, j} dy[n, o, i, j] x[n, c, i - 1 + p, j - 1 + q] and
    /// dx[n, c, r, s] = sum_{o, p, q} dy[n, o, r + 1 - p, s + 1 - q] w[o, c, p, q], in Double.
    private func directGradients(_ x: Tensor, _ dy: Tensor, _ conv: Conv2D) -> (dx: [Double], dw: [Double]) {
        let w = conv.weight.value
        let (n, c, h, wd, oc) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        for b in 0..<n { for o in 0..<oc { for i in 0..<h { for j in 0..<wd {
            let g = Double(dy[((b * oc + o) * h + i) * wd + j])
            for k in 0..<c { for p in 0..<3 { for q in 0..<3 {
                let (r, s) = (i - 1 + p, j - 1 + q)
                guard r >= 0 && r < h && s >= 0 && s < wd else { continue }
                let (xi, wi) = (((b * c + k) * h + r) * wd + s, ((o * c + k) * 3 + p) * 3 + q)
                dw[wi] += g * Double(x[xi])
                dx[xi] += g * Double(w[wi])
            } } }
        } } } }
        return (dx, dw)
    }

    /// The Winograd backward (the adjoints of the three transforms and the 72 GEMMs) against
    /// the Double gradients, for both lane layouts and both ways of splitting the work, on
    /// planes that do and do not divide into tiles, with tile rows shorter and longer than a
    /// block of eight, down to one pixel; and the weight gradient accumulates into what is there.
    func testWinogradBackwardMatchesDirectGradients() {
        Parallel.threadCount = 2
        // The last field: whether the backward takes the whole batch at once (the late layers'
        // small planes) or each thread its images.
        let cases: [(h: Int, w: Int, c: Int, oc: Int, lanes: Winograd.LaneAxis, wholeBatch: Bool)] = [
            (8, 8, 5, 6, .tiles, false), (9, 7, 3, 4, .tiles, false), (1, 1, 2, 3, .tiles, false),
            (37, 36, 4, 3, .tiles, false), (6, 70, 3, 5, .tiles, false),
            (5, 5, 16, 8, .channels, false), (9, 13, 8, 16, .channels, false), (28, 28, 8, 8, .channels, false),
            (1, 1, 8, 8, .channels, true), (4, 4, 32, 32, .channels, true), (7, 7, 16, 24, .channels, true),
            (6, 5, 24, 16, .channels, true),
        ]
        for (h, w, c, oc, lanes, wholeBatch) in cases {
            let conv = randomConvolution(inputs: c, outputs: oc)
            let x = random.tensor([3, c, h, w]), dy = random.tensor([3, oc, h, w])
            let (dxExpected, dwExpected) = directGradients(x, dy, conv)
            let plan = Conv2D.Plan(conv: conv, images: 3, height: h, width: w)
            let layout = Conv2D.WinogradLayout(plan, images: 3, inputs: c, outputs: oc, lanes: lanes)
            XCTAssertEqual(conv.backwardTakesWholeBatch(layout, images: 3), wholeBatch, "\(h)x\(w), C=\(c), OC=\(oc)")
            let dx = Tensor(shape: x.shape)
            let dw = Tensor(shape: conv.weight.value.shape)
            dw.fill(1)
            conv.winogradBackward(dx.data, dw.data, dy.data, x.data, conv.weight.value.data, images: 3, plan, lanes: lanes)
            let label = "\(h)x\(w), C=\(c), OC=\(oc), \(lanes) lanes"
            let dxError = relativeError(dx.scalars, dxExpected)
            let dwError = relativeError(dw.scalars.map { $0 - 1 }, dwExpected)
            XCTAssertLessThan(dxError, 2e-5, "\(label): dx relative error \(dxError)")
            XCTAssertLessThan(dwError, 2e-5, "\(label): dw relative error \(dwError)")
        }
    }

    /// Through the layer, each algorithm's backward: `.winogradGradients` keeps im2col's
    /// forward to the bit and takes Winograd's gradients, as `.winograd` does after its own
    /// forward; all differ from im2col's gradients by rounding alone.
    func testBackwardTakesTheAlgorithmsGradients() {
        Parallel.threadCount = 2
        let conv = randomConvolution(inputs: 8, outputs: 16)
        let x = random.tensor([4, 8, 12, 12]), dy = random.tensor([4, 16, 12, 12])
        func pass(_ algorithm: Conv2D.Algorithm) -> (y: [Float], dx: [Float], dw: [Float]) {
            conv.weight.zeroGrad()
            let dx = Tensor(shape: [0])
            let y = conv.forward(x, algorithm: algorithm).scalars
            conv.backward(dy, inputGradient: dx)
            return (y, dx.scalars, conv.weight.grad.scalars)
        }
        let im2col = pass(.direct), gradients = pass(.winogradGradients), winograd = pass(.winograd)
        XCTAssertEqual(gradients.y, im2col.y, "winogradGradients runs im2col's forward")
        XCTAssertNotEqual(winograd.y, im2col.y, "winograd runs its own forward")
        XCTAssertEqual(gradients.dx, winograd.dx, "both take Winograd's dx")
        XCTAssertEqual(gradients.dw, winograd.dw, "both take Winograd's dw")
        XCTAssertNotEqual(gradients.dx, im2col.dx, "the gradients took another path than im2col's")
        let dxError = relativeError(gradients.dx, im2col.dx.map(Double.init))
        let dwError = relativeError(gradients.dw, im2col.dw.map(Double.init))
        XCTAssertLessThan(dxError, 2e-5, "dx relative difference \(dxError)")
        XCTAssertLessThan(dwError, 2e-5, "dw relative difference \(dwError)")
    }

    /// A single image splits its GEMM by rows and stays on im2col; only a batch takes Winograd.
    func testSingleImageUsesIm2col() {
        Parallel.threadCount = 2
        let conv = randomConvolution(inputs: 3, outputs: 3)
        let x = random.tensor([1, 3, 8, 8])
        XCTAssertEqual(conv.forward(x, differentiable: false, algorithm: .winograd).scalars, conv.forward(x).scalars)
    }
}
