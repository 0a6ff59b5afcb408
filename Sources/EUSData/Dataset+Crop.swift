import EUSImage
import EUSSupport
import Foundation

extension Dataset {
    /// The case's image cut to its scan field as `CropSetting.current` says (`--crop`),
    /// decoded once per process while `DecodedImageCache` has room.
    public func decodeCropped(_ item: Case) throws -> DecodedImage {
        try DecodedImageCache.shared.image(Self.cacheKey(item.path)) {
            try Self.cropped(ImageDecoder.decode(item.path), path: item.path)
        }
    }

    /// `image`, the file at `path` decoded, cut to its scan field.
    static func cropped(_ image: DecodedImage, path: URL) throws -> DecodedImage {
        try field(of: image, path: path)?.apply(to: image) ?? image
    }

    /// The key of a file's scan field and cropped image: the crop setting and the path.
    static func cacheKey(_ path: URL) -> String { "\(CropSetting.current)|\(path.path)" }

    /// `CropSetting.current.field(for:)`, found once per file and setting in a process: an
    /// epoch reads every image again, and the field of a file does not change. `image`
    /// decodes the file, and is called only when the field is not known yet.
    static func field(at path: URL, image: () throws -> DecodedImage) throws -> ScanField? {
        let key = cacheKey(path)
        fieldLock.lock()
        let cached = fieldCache[key]
        fieldLock.unlock()
        if let cached { return cached }
        let field = try CropSetting.current.field(for: image(), source: path.path)
        fieldLock.lock()
        fieldCache[key] = .some(field)
        fieldLock.unlock()
        return field
    }

    static func field(of image: DecodedImage, path: URL) throws -> ScanField? {
        try field(at: path) { image }
    }

    nonisolated(unsafe) private static var fieldCache: [String: ScanField?] = [:]
    private static let fieldLock = NSLock()

    /// The crop applied to the case's image, as predictions.csv records it: `WxH+X+Y` in
    /// frame pixels, or `none` when the image is used whole.
    public func cropGeometry(_ item: Case) throws -> String {
        try Self.field(at: item.path) { try ImageDecoder.decode(item.path) }?.geometry ?? "none"
    }

    /// A mask in the frame's coordinates cut by the same field as its image.
    func croppedMask(_ mask: DecodedImage, of item: Case) throws -> DecodedImage {
        guard CropSetting.current != .none,
              let field = try Self.field(at: item.path, image: { try ImageDecoder.decode(item.path) }),
              mask.width >= field.x + field.width, mask.height >= field.y + field.height else { return mask }
        return field.apply(to: mask)
    }
}
