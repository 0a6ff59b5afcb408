import Foundation
import EUSImage
import EUSSupport

/// Writes one case's heat map for programs: `<directory>/<caseID>.npy`, the map as float32
/// (H, W) at the network's input size, values in [0, 1] (see `NPYFile`). Drawing the map over
/// the image is the rendering code's business (`CAMOverlay` in EUSRender).
///
/// The file is written under a temporary name and renamed, so a file that exists is complete.
public enum CAMExport {
    @discardableResult
    public static func write(_ map: HeatMap, caseID: String, directory: URL) throws -> URL {
        let npy = try fileURL(caseID: caseID, extension: "npy", directory: directory)
        try NPYFile.write(map, to: npy)
        return npy
    }

    @discardableResult
    public static func write(_ map: CAMMap, caseID: String, directory: URL) throws -> URL {
        try write(map.heatMap, caseID: caseID, directory: directory)
    }

    /// `<directory>/<caseID>.<extension>`. A case id becomes a file name: it must be non-empty
    /// and hold no path separator.
    public static func fileURL(caseID: String, extension pathExtension: String, directory: URL) throws -> URL {
        guard !caseID.isEmpty, !caseID.contains("/"), caseID != ".", caseID != ".." else {
            throw UserError("\(directory.path): case id '\(caseID)' cannot be used as a file name")
        }
        return directory.appendingPathComponent(caseID + "." + pathExtension)
    }
}
