import EUSImage
import EUSSupport
import Foundation

extension Dataset {
    /// The network input of one case: decode, augment (when `augmentation` is given; the
    /// draw depends on seed, case id and epoch, and its geometry on the scan's, see
    /// `ScanGeometry`), resize to `imageSize`², normalise.
    /// Returns (3, S, S), CHW. Without augmentation this is exactly `Preprocessing.tensor`.
    public func loadTensor(_ item: Case, imageSize: Int, augmentation: Augmentation? = nil,
                           seed: UInt64 = 0, epoch: Int = 0) throws -> [Float] {
        let image = try decodeCropped(item)
        guard let augmentation else { return Preprocessing.tensor(image, imageSize: imageSize) }
        return Self.augmentedTensor(image, augmentation: augmentation, seed: seed, caseID: item.id, epoch: epoch,
                                    imageSize: imageSize)
    }

    /// A gray image is augmented as one plane and replicated afterwards: the same numbers as
    /// three equal planes, at a third of the work.
    static func augmentedTensor(_ image: DecodedImage, augmentation: Augmentation, seed: UInt64, caseID: String,
                                epoch: Int, imageSize: Int) -> [Float] {
        var planes = image.rgbPlanes01()
        let plane = image.width * image.height
        let gray = image.colorChannels == 1
        if gray { planes.removeLast(2 * plane) }
        let geometry = ScanGeometry.resolve(augmentation.scanner, gray: Array(planes[0..<plane]),
                                            height: image.height, width: image.width)
        let draw = augmentation.draw(seed: seed, caseID: caseID, epoch: epoch, kind: geometry.kind)
        let channels = gray ? 1 : 3
        let (augmented, h, w) = draw.apply(planes, channels: channels, height: image.height, width: image.width,
                                           centre: (geometry.centreX, geometry.centreY))
        var x = Resize.planes(augmented, channels: channels, height: h, width: w, outHeight: imageSize, outWidth: imageSize)
        if gray { x += x + x }
        Preprocessing.normalize(&x)
        return x
    }

    /// Fills `batch`, (N, 3, S, S) with N = `items.count`, loading cases in parallel on
    /// `threads` threads. Each case's tensor depends only on the case, so the result is the
    /// same for any thread count. The first error (in case order) is thrown.
    public func fillBatch(_ batch: UnsafeMutableBufferPointer<Float>, with items: [Case], imageSize: Int,
                          augmentation: Augmentation? = nil, seed: UInt64 = 0, epoch: Int = 0,
                          threads: Int = 2) throws {
        let size = 3 * imageSize * imageSize
        precondition(batch.count >= items.count * size, "fillBatch: buffer of \(batch.count) for \(items.count)x\(size)")
        let errors = ErrorSlots(count: items.count)
        let workers = max(1, min(threads, items.count))
        nonisolated(unsafe) let output = batch
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: items.count, by: workers) {
                do {
                    let x = try loadTensor(items[i], imageSize: imageSize, augmentation: augmentation, seed: seed, epoch: epoch)
                    x.withUnsafeBufferPointer { src in
                        _ = UnsafeMutableBufferPointer(rebasing: output[(i * size)..<((i + 1) * size)])
                            .update(fromContentsOf: src)
                    }
                } catch {
                    errors.set(i, error)
                }
            }
        }
        if let error = errors.first { throw error }
    }

    /// `fillBatch` into a new array.
    public func batch(_ items: [Case], imageSize: Int, augmentation: Augmentation? = nil, seed: UInt64 = 0,
                      epoch: Int = 0, threads: Int = 2) throws -> [Float] {
        var batch = [Float](repeating: 0, count: items.count * 3 * imageSize * imageSize)
        try batch.withUnsafeMutableBufferPointer {
            try fillBatch($0, with: items, imageSize: imageSize, augmentation: augmentation, seed: seed,
                          epoch: epoch, threads: threads)
        }
        return batch
    }

    /// Decodes every image (and mask) once, so that a corrupt file stops a run before it
    /// starts rather than in the middle of an epoch, and keeps the images for the epochs
    /// (`DecodedImageCache`). Throws the first error in case order; a mask whose size differs
    /// from its image is an error too.
    public func checkImages(_ subset: [Case]? = nil, threads: Int = 2) throws {
        let cases = subset ?? cases
        let errors = ErrorSlots(count: cases.count)
        let workers = max(1, min(threads, cases.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: cases.count, by: workers) {
                do {
                    let image = try ImageDecoder.decode(cases[i].path)
                    DecodedImageCache.shared.keep(try Self.cropped(image, path: cases[i].path), as: Self.cacheKey(cases[i].path))
                    if let url = cases[i].maskPath, case let mask = try ImageDecoder.decode(url),
                       mask.width != image.width || mask.height != image.height {
                        throw UserError("\(cases[i].maskPath!.path): mask is \(mask.width)x\(mask.height) but image '\(cases[i].relativePath)' is \(image.width)x\(image.height)")
                    }
                } catch {
                    errors.set(i, error)
                }
            }
        }
        if let error = errors.first { throw error }
        warnAboutBurnedInText(cases)
    }

    /// The case's mask as 8-bit gray, or nil when it has none.
    public func loadMask(_ item: Case) throws -> GrayImage? {
        guard let url = item.maskPath else { return nil }
        return try croppedMask(ImageDecoder.decode(url), of: item).grayImage()
    }
}

/// One error slot per item, written from several threads.
private final class ErrorSlots: @unchecked Sendable {
    private var slots: [Error?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ error: Error) { lock.lock(); slots[i] = error; lock.unlock() }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 }.first }
}

/// Test-time augmentation (`--tta`): the views of an image whose predicted probabilities are
/// averaged. They are the exact symmetries of the training augmentation, nothing random:
/// a radial scan at 0°, 90°, 180° and 270° about its transducer, each also mirrored (8 views);
/// a sector as it is and mirrored (2 views). The first view is the plain image.
public enum TestTimeAugmentation {
    public static func draws(for kind: ScanGeometry.Kind) -> [AugmentationDraw] {
        let angles: [Double] = kind == .radial ? [0, 90, 180, 270] : [0]
        return [false, true].flatMap { flip in
            angles.map { angle in
                var draw = AugmentationDraw.identity
                draw.flip = flip
                draw.rotationDegrees = angle
                return draw
            }
        }
    }
}

extension Dataset {
    /// The network inputs of `TestTimeAugmentation`'s views of one case, each (3, S, S); the
    /// first is exactly `loadTensor` without augmentation.
    public func viewTensors(_ item: Case, imageSize: Int, scanner: ScannerSetting = .auto) throws -> [[Float]] {
        let image = try decodeCropped(item)
        let planes = image.rgbPlanes01()
        let plane = image.width * image.height
        let geometry = ScanGeometry.resolve(scanner, gray: Array(planes[0..<plane]), height: image.height, width: image.width)
        return TestTimeAugmentation.draws(for: geometry.kind).enumerated().map { index, draw in
            if index == 0 { return Preprocessing.tensor(image, imageSize: imageSize) }
            let view = draw.apply(planes, height: image.height, width: image.width, centre: (geometry.centreX, geometry.centreY))
            var x = Resize.planes(view.planes, channels: 3, height: view.height, width: view.width,
                                  outHeight: imageSize, outWidth: imageSize)
            Preprocessing.normalize(&x)
            return x
        }
    }
}
