import Foundation
import EUSData
import EUSRender
import EUSSupport

/// Writes one case's heat map for people and for programs:
///
/// - `<directory>/<caseID>.npy`: the map as float32 (H, W) at the network's input size, values
///   in [0, 1] (see `NPYFile`);
/// - `<directory>/<caseID>.png`: the overlay on the original image at its own size and aspect
///   ratio (see `CAMOverlay`).
///
/// Each file is written under a temporary name and renamed, so a file that exists is complete.
public enum CAMExport {
    @discardableResult
    public static func write(map: HeatMap, image: RGBImage, caseID: String, directory: URL,
                             colormap: Colormap = .jet,
                             alpha: Float = CAMOverlay.defaultAlpha) throws -> (npy: URL, png: URL) {
        try validate(caseID: caseID, directory: directory)
        let npy = directory.appendingPathComponent(caseID + ".npy")
        let png = directory.appendingPathComponent(caseID + ".png")
        try NPYFile.write(map, to: npy)
        let overlay = CAMOverlay.draw(map, on: image, colormap: colormap, alpha: alpha)
        try PNGCodec.write(overlay, to: png)
        return (npy, png)
    }

    @discardableResult
    public static func write(map: CAMMap, image: RGBImage, caseID: String, directory: URL,
                             colormap: Colormap = .jet,
                             alpha: Float = CAMOverlay.defaultAlpha) throws -> (npy: URL, png: URL) {
        try write(map: map.heatMap, image: image, caseID: caseID, directory: directory,
                  colormap: colormap, alpha: alpha)
    }

    /// A case id becomes a file name: it must be non-empty and hold no path separator.
    static func validate(caseID: String, directory: URL) throws {
        guard !caseID.isEmpty, !caseID.contains("/"), caseID != ".", caseID != ".." else {
            throw UserError("\(directory.path): case id '\(caseID)' cannot be used as a file name")
        }
    }
}
