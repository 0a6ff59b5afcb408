import Foundation
import EUSModels

/// `--init`: a weights file, or `imagenet` for torchvision's ImageNet file in torch's hub cache.
/// (Those weights have base width 64; another `--width` is refused by the loader, naming
/// `conv1.weight` and both widths.)
enum InitWeights {
    static func url(_ value: String?, arch: Architecture) throws -> URL? {
        guard let value else { return nil }
        guard value.lowercased() == "imagenet" else { return URL(fileURLWithPath: value) }
        return try ImageNetWeights.locate(arch)
    }
}
