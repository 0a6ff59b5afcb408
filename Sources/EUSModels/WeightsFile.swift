import Foundation
import EUSSupport

/// Weights given by the user (`--init`, `predict --weights`): a safetensors file or a
/// `torch.save` file (`.pth`/`.pt`), told apart by their first bytes rather than their names.
public enum WeightsFile {
    /// The tensors of `url`: a zip archive ("PK\u{3}\u{4}") is read as a torch.save file, a
    /// file starting as a pickle (0x80) is a legacy torch.save file (refused, with how to
    /// re-save it), anything else is read as safetensors.
    public static func read(_ url: URL) throws -> SafetensorsFile {
        let data = try Safetensors.contents(of: url)
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try TorchCheckpoint.decode(data, source: url.path)
        }
        if TorchCheckpoint.isLegacy(data) { throw TorchCheckpoint.legacyError(url.path) }
        return try Safetensors.decode(data, source: url.path)
    }
}
