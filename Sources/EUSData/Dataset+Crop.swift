import EUSImage
import EUSSupport
import Foundation

extension Dataset {
    /// The case's image cut to its scan field as `CropSetting.current` says (`--crop`).
    public func decodeCropped(_ item: Case) throws -> DecodedImage {
        try CropSetting.current.apply(to: ImageDecoder.decode(item.path), source: item.path.path)
    }

    /// The crop applied to the case's image, as predictions.csv records it: `WxH+X+Y` in
    /// frame pixels, or `none` when the image is used whole.
    public func cropGeometry(_ item: Case) throws -> String {
        try CropSetting.current.field(for: ImageDecoder.decode(item.path), source: item.path.path)?.geometry ?? "none"
    }

    /// A mask in the frame's coordinates cut by the same field as its image.
    func croppedMask(_ mask: DecodedImage, of item: Case) throws -> DecodedImage {
        guard CropSetting.current != .none,
              let field = try CropSetting.current.field(for: ImageDecoder.decode(item.path), source: item.path.path),
              mask.width >= field.x + field.width, mask.height >= field.y + field.height else { return mask }
        return field.apply(to: mask)
    }
}
