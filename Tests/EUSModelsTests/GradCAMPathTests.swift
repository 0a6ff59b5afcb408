import EUSSupport
import XCTest
@testable import EUSModels
import EUSCore

/// The Grad-CAM path for a block other than the last: the gradient with respect to an
/// intermediate block's output, through the later blocks with folded BatchNorm, against a
/// central finite difference along random directions.
final class GradCAMPathTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    func testIntermediateBlockGradientMatchesFiniteDifferences() throws {
        let model = try Fixture.network("resnet34")
        let input = try Fixture.io("resnet34")["input"]!.tensor!
        let (logits, activation) = model.forward(input, capturingBlock: "layer3.5")
        XCTAssertEqual(activation.shape, [2, 32, 8, 8])
        // Target: logit 1 of each image, summed.
        let dLogits = Tensor(shape: logits.shape)
        for n in 0..<2 { dLogits[n * 2 + 1] = 1 }
        let gradient = model.gradientOfCapturedBlock(dLogits)
        XCTAssertEqual(gradient.shape, activation.shape)
        XCTAssertGreaterThan(gradient.maxAbs, 0)

        let start = model.blockIndex(named: "layer3.5")! + 1
        /// sum_n logit_1(n) from a given layer3.5 output, running the later blocks in eval mode.
        func target(_ a: Tensor) -> Double {
            var h = a
            for block in model.blocks[start...] { h = block.forward(h, mode: .eval) }
            let out = model.fc.forward(model.averagePool.forward(h))
            return Double(out[1]) + Double(out[3])
        }
        XCTAssertEqual(target(activation), Double(logits[1] + logits[3]), accuracy: 1e-4)
        var random = SeededRandom(seed: 11)
        let centre = target(activation)
        var checked = 0
        for _ in 0..<6 {
            let direction = Tensor(shape: activation.shape)
            for i in 0..<direction.count { direction[i] = random.normal() }
            let h: Float = 1e-3
            let plus = activation.copy(), minus = activation.copy()
            for i in 0..<plus.count { plus[i] += h * direction[i]; minus[i] -= h * direction[i] }
            let (up, down) = (target(plus), target(minus))
            let numeric = (up - down) / Double(2 * h)
            let analytic = (0..<gradient.count).reduce(0.0) { $0 + Double(gradient[$1]) * Double(direction[$1]) }
            let tolerance = 0.02 * max(abs(analytic), 1e-3)
            // Piecewise-linear network: the central difference is exact unless a ReLU changes
            // state within the step, which shows as a second difference far above float32
            // rounding (~1e-6 on the logits). Such directions say nothing about the gradient.
            let secondDifference = (up - 2 * centre + down) / Double(h)
            if abs(secondDifference) > tolerance { continue }
            checked += 1
            XCTAssertEqual(numeric, analytic, accuracy: tolerance,
                           "directional derivative: finite difference \(numeric), backward \(analytic)")
        }
        XCTAssertGreaterThanOrEqual(checked, 3, "too few directions free of ReLU kinks to check the gradient")
    }
}
