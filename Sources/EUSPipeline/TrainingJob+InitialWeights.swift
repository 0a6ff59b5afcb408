import Foundation
import EUSModels

extension TrainingJob {
    /// The recipe's line about the starting weights when `--init` gave some (the report's
    /// Training section quotes it).
    var initialWeightsRecipe: [String] {
        guard let url = initWeights else { return [] }
        if ImageNetWeights.isImageNetFile(url) {
            return ["initialised from ImageNet weights (torchvision's \(url.lastPathComponent); inputs normalised with ImageNet's mean and std, as the weights expect; the 1000-class fc re-initialised for 2 classes)"]
        }
        return ["initialised from the weights in \(url.lastPathComponent)"]
    }
}
