import EUSImage
import Foundation
import TestHelpers
import XCTest
@testable import EUSGradCAM

final class CAMPipelineTests: XCTestCase {
    func pipelineInputs() throws -> (FeatureMaps, FeatureMaps) {
        func maps(_ array: NPYArray) -> FeatureMaps {
            FeatureMaps(batch: array.shape[0], channels: array.shape[1], height: array.shape[2],
                        width: array.shape[3], values: array.values)
        }
        return (maps(try npyFixture("pipeline_acts")), maps(try npyFixture("pipeline_grads")))
    }

    /// The channel weights of both methods against pytorch-grad-cam's `get_cam_weights` on the
    /// same activations and gradients (with a zero-gradient channel and a zero-gradient pixel).
    func testChannelWeightsMatchPytorchGradCAM() throws {
        let (activations, gradients) = try pipelineInputs()
        for method in CAMMethod.allCases {
            let expected = try npyFixture("pipeline_\(method.rawValue)_weights").values
            let actual = method.channelWeights(activations: activations, gradients: gradients)
            let scale = expected.map(abs).max()!
            assertClose(actual, expected, tolerance: 1e-6 * scale, "\(method) weights")
        }
    }

    /// The whole pipeline (weights, weighted sum, ReLU, scaling, resize, scaling) against
    /// pytorch-grad-cam's output at a non-square target size.
    func testWholePipelineMatchesPytorchGradCAM() throws {
        let (activations, gradients) = try pipelineInputs()
        for method in CAMMethod.allCases {
            let expected = try npyFixture("pipeline_\(method.rawValue)_cam")  // (N, 24, 20)
            let maps = CAMPipeline.heatMaps(activations: activations, gradients: gradients, method: method,
                                            outputWidth: 20, outputHeight: 24)
            XCTAssertEqual(maps.count, 2)
            XCTAssertTrue(maps.allSatisfy { $0.width == 20 && $0.height == 24 })
            assertClose(maps.flatMap(\.values), expected.values, tolerance: 1e-5, "\(method) maps")
        }
    }

    /// Brute-force oracle for Grad-CAM++ on one hand-sized channel: g = [0.5, −1, 0, 2],
    /// A = [1, 2, 3, 4] (Σ A = 10). α = g²/(2g² + 10·g³ + 1e-6) where g ≠ 0; w = Σ α·ReLU(g).
    func testGradCAMPlusPlusWeightByHand() {
        let a = FeatureMaps(batch: 1, channels: 1, height: 2, width: 2, values: [1, 2, 3, 4])
        let g = FeatureMaps(batch: 1, channels: 1, height: 2, width: 2, values: [0.5, -1, 0, 2])
        func term(_ g: Double) -> Double { g * g / (2 * g * g + 10 * g * g * g + 1e-6) * max(g, 0) }
        let expected = term(0.5) + term(2)  // the −1 and 0 pixels contribute nothing
        let weight = CAMMethod.gradCAMPlusPlus.channelWeights(activations: a, gradients: g)[0]
        XCTAssertEqual(Double(weight), expected, accuracy: 1e-6)
        let plain = CAMMethod.gradCAM.channelWeights(activations: a, gradients: g)[0]
        XCTAssertEqual(plain, 0.375)  // (0.5 − 1 + 0 + 2) / 4
    }

    /// The reference network's raw Grad-CAM (before any scaling), pushed through the
    /// post-processing, gives pytorch-grad-cam's maps for both networks and both images.
    func testPostprocessingOfReferenceRawMapsMatchesPytorchGradCAM() throws {
        for network in ["resnet34", "resnet50"] {
            let io = try ReferenceNetwork.io(network)
            for n in 0..<2 {
                let raw = io.map("gradcam_raw_class1", image: n)
                let expected = io.map("gradcam_class1", image: n)
                let actual = CAMPipeline.postprocess(raw, outputWidth: expected.width, outputHeight: expected.height)
                assertClose(actual.values, expected.values, tolerance: 1e-5, "\(network) image \(n)")
            }
        }
    }

    /// Min-max scaling with pytorch-grad-cam's 1e-7: an all-zero map (no positive evidence)
    /// stays zero instead of dividing by zero, and a constant map becomes zero.
    func testScalingOfFlatMapsIsDefined() {
        let zero = CAMPipeline.postprocess(HeatMap(width: 2, height: 2, values: [0, 0, 0, 0]),
                                           outputWidth: 8, outputHeight: 8)
        XCTAssertEqual(zero.values, [Float](repeating: 0, count: 64))
        let constant = CAMPipeline.minMaxScale(HeatMap(width: 2, height: 1, values: [3, 3]))
        XCTAssertEqual(constant.values, [0, 0])
        let ramp = CAMPipeline.minMaxScale(HeatMap(width: 3, height: 1, values: [2, 3, 4]))
        XCTAssertEqual(ramp.values[2], 2 / (Float(1e-7) + 2))
        XCTAssertEqual(ramp.values[0], 0)
    }

    /// Σ_k w_k A_k, then ReLU: negative evidence is cut.
    func testWeightedSumAndReLU() {
        let a = FeatureMaps(batch: 1, channels: 2, height: 1, width: 3, values: [1, 2, 3, 4, 5, 6])
        let raw = CAMPipeline.rawMaps(activations: a, weights: [1, -1])
        XCTAssertEqual(raw[0].values, [0, 0, 0])  // 1−4, 2−5, 3−6 are all negative
        let sum = CAMPipeline.weightedChannelSum(activations: a, weights: [2, 0.5])
        XCTAssertEqual(sum[0].values, [4, 6.5, 9])
    }

    func testTargetsPickTheRightClass() {
        XCTAssertEqual(CAMTarget.positive.classIndex(logits: [0.1, 2], positiveClass: 0), 0)
        XCTAssertEqual(CAMTarget.predicted.classIndex(logits: [0.1, 2], positiveClass: 0), 1)
        XCTAssertEqual(CAMTarget.predicted.classIndex(logits: [3, 3], positiveClass: 1), 0)
        XCTAssertEqual(CAMTarget.index(1).classIndex(logits: [5, 2], positiveClass: 0), 1)
        XCTAssertEqual(CAMTarget(argument: "positive"), .positive)
        XCTAssertEqual(CAMTarget(argument: "predicted"), .predicted)
        XCTAssertEqual(CAMTarget(argument: "1"), .index(1))
        XCTAssertNil(CAMTarget(argument: "-1"))
        XCTAssertNil(CAMTarget(argument: "gist"))
        XCTAssertEqual(CAMMethod(rawValue: "gradcampp"), .gradCAMPlusPlus)
    }

    /// The networks tell two classes, so a target is one of four; each is written as the
    /// option spells it, and reads back.
    func testTargetsAndMethodsAsTheyAreWritten() throws {
        XCTAssertEqual(CAMTarget.allCases.map(\.description), ["positive", "predicted", "0", "1"])
        XCTAssertEqual(CAMTarget(argument: "0"), .index(0))
        XCTAssertNil(CAMTarget(argument: "2"))
        XCTAssertEqual(CAMMethod.allCases.map(\.rawValue), ["gradcam", "gradcampp"])
        XCTAssertEqual(try JSONDecoder().decode([CAMMethod].self, from: Data(#"["gradcampp", "gradcam"]"#.utf8)),
                       [.gradCAMPlusPlus, .gradCAM])
        let targets = try JSONDecoder().decode([CAMTarget].self, from: Data(#"["positive", "predicted", "0", "1"]"#.utf8))
        XCTAssertEqual(targets, CAMTarget.allCases)
        XCTAssertEqual(String(decoding: try JSONEncoder().encode(targets), as: UTF8.self), #"["positive","predicted","0","1"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode([CAMTarget].self, from: Data(#"["2"]"#.utf8))) {
            XCTAssert("\($0)".contains("unknown Grad-CAM target '2' (choose positive, predicted, 0 or 1)"), "\($0)")
        }
    }
}
