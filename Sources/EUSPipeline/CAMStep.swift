import Foundation
import EUSData
import EUSGradCAM
import EUSImage
import EUSRender
import EUSSupport

/// Grad-CAM for a batch of predictions: the maps, the overlays on the original images and the
/// localisation scores against the lesion masks.
enum CAMStep {
    /// Writes the maps of a batch (one per item) as `<case_id>.npy` and `<case_id>.png` into
    /// `directory`, and fills in the localisation scores where a mask exists.
    static func write(_ maps: [CAMMap], into predictions: inout [CasePrediction], items: [Case],
                      dataset: Dataset, settings: CAMSettings, directory: URL) throws {
        for (i, item) in items.enumerated() {
            try writeFiles(maps[i].heatMap, for: item, alpha: Float(settings.alpha), directory: directory)
            if let mask = try dataset.loadMask(item), let score = Localisation.score(heatMap: maps[i].heatMap, mask: mask) {
                predictions[i].camEnergyInMask = score.energyInMask
                predictions[i].camPointingHit = score.pointingHit
            }
        }
    }

    /// `<case_id>.npy` (the map) and `<case_id>.png` (the overlay on the original image, at its
    /// own size and aspect ratio).
    static func writeFiles(_ map: HeatMap, for item: Case, alpha: Float, directory: URL) throws {
        let image = try CropSetting.current.apply(to: ImageDecoder.decode(item.path), source: item.path.path).rgbImage()
        try CAMExport.write(map, caseID: item.id, directory: directory)
        let overlay = CAMOverlay.draw(map, on: image, alpha: alpha)
        try PNGCodec.write(overlay, to: CAMExport.fileURL(caseID: item.id, extension: "png", directory: directory))
    }
}
