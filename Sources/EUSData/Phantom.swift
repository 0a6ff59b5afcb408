import EUSImage
import EUSSupport
import Foundation

/// The synthetic EUS phantom: B-mode images of subepithelial lesions, GIST and leiomyoma,
/// with lesion masks, a manifest and a contact sheet (`eus-report synth`).
///
/// Output folder:
///
///     GIST/gist_001.png ...      8-bit gray B-mode images
///     LM/lm_001.png ...
///     masks/<case_id>.png        255 inside the lesion, 0 elsewhere
///     manifest.csv               case_id,path,label,mask_path, then the generating parameters
///     contact_sheet.png          a dozen cases of each class, labelled (drawn by the caller)
///
/// Every case draws from its own generator, seeded by (seed, class, index), and the
/// rendering uses no shared state, so the same settings give byte-identical files whatever
/// the thread scheduling.
public enum Phantom {
    public struct Settings: Codable, Equatable, Sendable {
        public var gist: Int
        public var lm: Int
        public var size: Int
        public var seed: UInt64
        public var difficulty: Double

        public init(gist: Int = 69, lm: Int = 73, size: Int = 256, seed: UInt64 = 1, difficulty: Double = 0.15) {
            self.gist = gist
            self.lm = lm
            self.size = size
            self.seed = seed
            self.difficulty = difficulty
        }

        /// Checks the ranges; a `UserError` names the option.
        public func validate() throws {
            guard gist >= 1 && lm >= 1 else { throw UserError("synth: --gist and --lm must be at least 1 (got \(gist), \(lm))") }
            guard gist <= 100_000 && lm <= 100_000 else { throw UserError("synth: at most 100000 cases per class") }
            guard (32...2048).contains(size) else { throw UserError("synth: --size must be between 32 and 2048 (got \(size))") }
            guard (0...1).contains(difficulty) else { throw UserError("synth: --difficulty must be in [0, 1] (got \(difficulty))") }
        }
    }

    public struct Case: Sendable {
        public var parameters: PhantomParameters
        public var image: GrayImage
        public var mask: GrayImage
    }

    /// The parameters of every case: GIST first, then LM, each numbered from 1.
    public static func parameters(_ settings: Settings) -> [PhantomParameters] {
        let digits = max(3, String(max(settings.gist, settings.lm)).count)
        func id(_ prefix: String, _ i: Int) -> String {
            prefix + "_" + String(repeating: "0", count: max(0, digits - String(i).count)) + String(i)
        }
        var all: [PhantomParameters] = []
        for (isGIST, count, tag) in [(true, settings.gist, UInt64(0x6157)), (false, settings.lm, UInt64(0x1E10))] {
            for i in 1...count {
                var random = SeededRandom(seed: settings.seed, tag, UInt64(i))
                all.append(PhantomParameters.sample(caseID: id(isGIST ? "gist" : "lm", i), isGIST: isGIST,
                                                    size: settings.size, difficulty: settings.difficulty,
                                                    random: &random))
            }
        }
        return all
    }

    /// Renders every case on `threads` threads; `progress` is called once per finished case.
    public static func generate(_ settings: Settings, threads: Int = 2,
                                progress: (@Sendable () -> Void)? = nil) -> [Case] {
        let parameters = self.parameters(settings)
        let slots = Slots<Case>(count: parameters.count)
        let workers = max(1, min(threads, parameters.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: parameters.count, by: workers) {
                let (image, mask) = PhantomRenderer.render(parameters[i], size: settings.size)
                slots.set(i, Case(parameters: parameters[i], image: image, mask: mask))
                progress?()
            }
        }
        return slots.values
    }

    /// Generates the phantom into `folder` (replaced atomically) and returns its cases.
    /// `contactSheet`, when given, draws the cases into `contact_sheet.png` (PNG bytes); the
    /// drawing lives with the rendering code, above this module. `frame`, when given, makes
    /// each case's image and mask files (a screen capture around the scan).
    @discardableResult
    public static func write(_ settings: Settings, to folder: URL, showProgress: Bool = true,
                             contactSheet: (([Case]) throws -> Data)? = nil,
                             frame: ((Case) throws -> (image: Data, mask: Data))? = nil) throws -> [Case] {
        try settings.validate()
        let total = settings.gist + settings.lm
        let bar = showProgress ? LockedProgress(EUSSupport.Progress(title: "synth", total: total)) : nil
        let cases = generate(settings, progress: bar.map { bar in { @Sendable in bar.advance() } })
        try AtomicOutput.buildDirectory(at: folder) { staging in
            for name in ["GIST", "LM", Dataset.masksFolderName] {
                try AtomicOutput.createDirectory(staging.appendingPathComponent(name))
            }
            var manifest = CSVWriter(header: ["case_id", "path", "label", "mask_path"] + PhantomParameters.manifestColumns)
            for c in cases {
                let p = c.parameters
                let path = "\(p.label)/\(p.caseID).png", maskPath = "\(Dataset.masksFolderName)/\(p.caseID).png"
                let files = try frame?(c) ?? (image: PNGCodec.encode(c.image), mask: PNGCodec.encode(c.mask))
                try write(files.image, to: staging.appendingPathComponent(path))
                try write(files.mask, to: staging.appendingPathComponent(maskPath))
                manifest.append([p.caseID, path, p.label, maskPath] + p.manifestFields)
            }
            try write(Data(manifest.text.utf8), to: staging.appendingPathComponent("manifest.csv"))
            if let contactSheet {
                try write(contactSheet(cases), to: staging.appendingPathComponent("contact_sheet.png"))
            }
        }
        bar?.finish(detail: "\(settings.gist) GIST + \(settings.lm) LM at \(settings.size) px")
        return cases
    }

    private static func write(_ data: Data, to url: URL) throws {
        do { try data.write(to: url) } catch { throw UserError("\(url.path): cannot write") }
    }
}

/// Results written by index from several threads.
final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); storage[i] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return storage.map { $0! } }
}

/// `Progress` shared by worker threads.
final class LockedProgress: @unchecked Sendable {
    private let progress: EUSSupport.Progress
    private let lock = NSLock()
    init(_ progress: EUSSupport.Progress) { self.progress = progress }
    func advance() { lock.lock(); progress.advance(); lock.unlock() }
    func finish(detail: String) { lock.lock(); progress.finish(detail: detail); lock.unlock() }
}
