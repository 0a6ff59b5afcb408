import XCTest
@testable import EUSModels
import EUSCore

/// The optimisers against hand-computed updates (PyTorch's documented formulas), on two
/// scalars over three steps.
final class OptimizerTests: XCTestCase {
    private func parameter(_ values: [Float]) -> NamedParameter {
        NamedParameter(name: "p", parameter: Parameter(Tensor(shape: [values.count], scalars: values)))
    }

    func testSGDMomentumWeightDecayAndNesterovFollowTorch() {
        for nesterov in [false, true] {
            let p = parameter([1.0, -2.0])
            let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: nesterov)
            var value: [Double] = [1.0, -2.0], buffer: [Double]? = nil
            let gradients: [[Double]] = [[0.5, -1.0], [0.25, 0.5], [-1.0, 2.0]]
            for g in gradients {
                for i in 0..<2 { p.grad[i] = Float(g[i]) }
                sgd.step()
                let d = (0..<2).map { g[$0] + 0.01 * value[$0] }
                buffer = buffer.map { b in (0..<2).map { 0.9 * b[$0] + d[$0] } } ?? d
                for i in 0..<2 { value[i] -= 0.1 * (nesterov ? d[i] + 0.9 * buffer![i] : buffer![i]) }
                for i in 0..<2 { XCTAssertEqual(Double(p.value[i]), value[i], accuracy: 1e-6, "nesterov \(nesterov)") }
            }
            XCTAssertEqual(sgd.stateTensors().map(\.name), ["momentum_buffer.p"])
            XCTAssertEqual(sgd.stateTensors()[0].floats!.map(Double.init), buffer!.map { Double(Float($0)) }, accuracy: 1e-6)
        }
    }

    func testSGDStateRestoresTheTrajectory() throws {
        let gradients: [[Float]] = [[0.5, -1.0], [0.25, 0.5], [-1.0, 2.0]]
        let a = parameter([1, 2]), b = parameter([1, 2])
        let first = SGD(parameters: [a], learningRate: 0.1, momentum: 0.9)
        let second = SGD(parameters: [b], learningRate: 0.1, momentum: 0.9)
        for (step, g) in gradients.enumerated() {
            for i in 0..<2 { a.grad[i] = g[i]; b.grad[i] = g[i] }
            first.step()
            if step == 0 {
                second.step()
                let resumed = SGD(parameters: [b], learningRate: 0.1, momentum: 0.9)
                try resumed.loadState(second.stateTensors(), source: "checkpoint")
                for (index, g2) in gradients.dropFirst().enumerated() {
                    _ = index
                    for i in 0..<2 { b.grad[i] = g2[i] }
                    resumed.step()
                }
            }
        }
        XCTAssertEqual(a.value.scalars, b.value.scalars)
    }

    func testAdamWFollowsTorch() throws {
        let p = parameter([1.0, -2.0])
        let adam = AdamW(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
        var value: [Double] = [1.0, -2.0], m = [0.0, 0.0], v = [0.0, 0.0]
        for (t, g) in [[0.5, -1.0], [0.25, 0.5], [-1.0, 2.0]].enumerated() {
            for i in 0..<2 { p.grad[i] = Float(g[i]) }
            adam.step()
            let step = Double(t + 1)
            for i in 0..<2 {
                value[i] *= 1 - 0.01 * 0.1
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, step)), vHat = v[i] / (1 - pow(0.999, step))
                value[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
                XCTAssertEqual(Double(p.value[i]), value[i], accuracy: 1e-6)
            }
        }
        let restored = AdamW(parameters: [p], learningRate: 0.01)
        try restored.loadState(adam.stateTensors(), source: "checkpoint")
        XCTAssertEqual(restored.steps, 3)
        XCTAssertEqual(restored.stateTensors(), adam.stateTensors())
    }

    /// Warm-up, then cosine to 0 or constant, per step: the same bits as the trainer's
    /// formula before the schedule became an enum (`previous` below, verbatim).
    func testLearningRateSchedules() {
        func previous(cosine: Bool, base: Double, step: Int, warmupSteps: Int, totalSteps: Int) -> Double {
            if step < warmupSteps { return base * Double(step + 1) / Double(warmupSteps) }
            guard cosine else { return base }
            let t = Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
            return base * (1 + cos(Double.pi * t)) / 2
        }
        for (base, warmup, total) in [(0.001, 15, 150), (0.01, 0, 4), (0.1, 3, 7), (0.3, 0, 1), (0.001, 2, 3)] {
            for step in 0..<total {
                for schedule in LRSchedule.allCases {
                    let rate = schedule.learningRate(base: base, step: step, warmupSteps: warmup, totalSteps: total)
                    let expected = previous(cosine: schedule == .cosine, base: base, step: step, warmupSteps: warmup, totalSteps: total)
                    XCTAssertEqual(rate.bitPattern, expected.bitPattern, "\(schedule) step \(step) of \(total), warm-up \(warmup)")
                }
            }
        }
        XCTAssertEqual(LRSchedule.cosine.learningRate(base: 0.1, step: 0, warmupSteps: 0, totalSteps: 10), 0.1)
        XCTAssertEqual(LRSchedule.cosine.learningRate(base: 0.1, step: 5, warmupSteps: 0, totalSteps: 10), 0.05, accuracy: 1e-15)
        XCTAssertEqual(LRSchedule.cosine.learningRate(base: 0.1, step: 2, warmupSteps: 0, totalSteps: 10),
                       0.1 * (1 + cos(Double.pi * 0.2)) / 2, accuracy: 1e-15)
        XCTAssertEqual(LRSchedule.constant.learningRate(base: 0.3, step: 7, warmupSteps: 2, totalSteps: 10), 0.3)
        XCTAssertEqual(LRSchedule.constant.learningRate(base: 0.3, step: 0, warmupSteps: 2, totalSteps: 10), 0.15)
        // config.json and --schedule spell them as they always have.
        XCTAssertEqual(LRSchedule.allCases.map(\.rawValue), ["cosine", "constant"])
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
