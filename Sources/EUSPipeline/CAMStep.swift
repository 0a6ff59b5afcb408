import Foundation
import EUSData

/// Grad-CAM for a batch of predictions: maps, overlays and localisation scores.
enum CAMStep {
    static func defaultLayer(_ arch: Architecture) -> String {
        switch arch {
        case .resnet18: return "layer4.1"
        case .resnet34, .resnet50: return "layer4.2"
        }
    }

    static func explain(_ predictions: inout [CasePrediction], items: [Case], input: [Float], logits: [Float],
                        dataset: Dataset, network: Network, imageSize: Int, settings: CAMSettings,
                        directory: URL) throws {}
}
