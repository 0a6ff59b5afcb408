import EUSImage
import Foundation

/// Decoded images kept for the life of the process, so that every epoch after the first, and
/// every prediction pass, reads pixels instead of decoding the file again (PyTorch's usual
/// loop keeps its images decoded the same way). Images are kept until `budgetBytes` of samples
/// are held; later ones are decoded each time they are read. Keyed as the scan fields are
/// (`Dataset.field(at:image:)`): a run does not expect its input files to change under it.
final class DecodedImageCache: @unchecked Sendable {
    /// One GiB, or an eighth of the machine's memory where that is less.
    static let shared = DecodedImageCache(budgetBytes: min(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 8)))

    let budgetBytes: Int
    private var images: [String: DecodedImage] = [:]
    private var bytes = 0
    private let lock = NSLock()

    init(budgetBytes: Int) { self.budgetBytes = budgetBytes }

    /// The image under `key`, or `decode()`'s, kept if the budget allows.
    func image(_ key: String, decode: () throws -> DecodedImage) rethrows -> DecodedImage {
        lock.lock()
        let kept = images[key]
        lock.unlock()
        if let kept { return kept }
        let image = try decode()
        keep(image, as: key)
        return image
    }

    /// Keeps `image` under `key` in place of what was there, if the budget allows (the file
    /// was just read again).
    func keep(_ image: DecodedImage, as key: String) {
        let size = image.samples.count * MemoryLayout<UInt16>.stride
        lock.lock()
        defer { lock.unlock() }
        if let old = images.removeValue(forKey: key) { bytes -= old.samples.count * MemoryLayout<UInt16>.stride }
        guard bytes + size <= budgetBytes else { return }
        images[key] = image
        bytes += size
    }
}
