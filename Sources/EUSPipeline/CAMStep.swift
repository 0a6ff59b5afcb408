import Foundation
import EUSData
import EUSGradCAM
import EUSSupport

/// Grad-CAM for a batch of predictions: the maps, the overlays on the original images and the
/// localisation scores against the lesion masks.
enum CAMStep {
    /// Writes the maps of a batch (one per item) as `<case_id>.npy` and `<case_id>.png` into
    /// `directory`, and fills in the localisation scores where a mask exists.
    static func write(_ maps: [CAMMap], into predictions: inout [CasePrediction], items: [Case],
                      dataset: Dataset, settings: CAMSettings, directory: URL) throws {
        for (i, item) in items.enumerated() {
            let image = try ImageDecoder.decode(item.path).rgbImage()
            try CAMExport.write(map: maps[i], image: image, caseID: item.id, directory: directory,
                                alpha: Float(settings.alpha))
            if let mask = try dataset.loadMask(item), let score = Localisation.score(heatMap: maps[i].heatMap, mask: mask) {
                predictions[i].camEnergyInMask = score.energyInMask
                predictions[i].camPointingHit = score.pointingHit
            }
        }
    }
}
