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

    func testLearningRateSchedules() {
        let cosine = LRSchedule.cosine(epochs: 10, minimum: 0.001)
        XCTAssertEqual(cosine.learningRate(base: 0.1, epoch: 0), 0.1, accuracy: 1e-7)
        XCTAssertEqual(cosine.learningRate(base: 0.1, epoch: 5), 0.001 + 0.099 * 0.5, accuracy: 1e-7)
        XCTAssertEqual(cosine.learningRate(base: 0.1, epoch: 10), 0.001, accuracy: 1e-7)
        XCTAssertEqual(cosine.learningRate(base: 0.1, epoch: 2), Float(0.001 + 0.099 * (1 + cos(Double.pi * 0.2)) / 2), accuracy: 1e-7)
        let step = LRSchedule.step(every: 3, gamma: 0.1)
        XCTAssertEqual((0..<7).map { step.learningRate(base: 1, epoch: $0) }, [1, 1, 1, 0.1, 0.1, 0.1, 0.01].map { Float($0) }, accuracy: 1e-7)
        XCTAssertEqual(LRSchedule.constant.learningRate(base: 0.3, epoch: 7), 0.3)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
