import Foundation
import EUSImage
import EUSData
import EUSRender
import EUSReport
import EUSSupport

/// The data steps of `run` and `demo`: the split (made, or given and checked) and the phantom.
public enum DataSteps {
    /// Writes `to`: the given split.csv after checking it against the data, or a stratified
    /// split made with `settings`. Also stops on a dataset whose images cannot all be decoded,
    /// before any training starts.
    static func writeSplit(data: URL, given: URL?, settings: SplitSettings, positiveClass: String?, to url: URL) throws {
        let dataset = try Dataset.load(data, positive: positiveClass)
        let split = try given.map { try Split.read($0, for: dataset) }
            ?? settings.split(of: dataset)
        try checkBothPartitions(split, dataset: dataset, source: given?.path ?? "the split", validationMinimum: 2)
        try checkDecodable(dataset)
        try split.write(to: url, for: dataset)
        log("split: " + split.summary(for: dataset).replacingOccurrences(of: "\n", with: "; "))
    }

    /// Each partition must hold cases of both classes, or training or the statistics are void;
    /// the evaluation's DeLong variance needs at least 2 validation cases of each class.
    public static func checkBothPartitions(_ split: Split, dataset: Dataset, source: String, validationMinimum: Int = 1) throws {
        for partition in Split.Partition.allCases {
            let minimum = partition == .validation ? validationMinimum : 1
            let counts = split.classCounts(partition, of: dataset)
            if let index = counts.firstIndex(where: { $0 < minimum }) {
                throw UserError("\(source): \(counts[index]) \(dataset.classNames[index]) case(s) in the \(partition.rawValue) partition, at least \(minimum) needed (\(dataset.cases.count) cases are too few to split at this ratio)")
            }
        }
    }

    /// Decodes every image and mask once, so an unreadable file stops the run at the start,
    /// named, before any training.
    static func checkDecodable(_ dataset: Dataset) throws {
        try dataset.checkImages()
    }

    /// The SHA-256 of every image, by case id.
    static func imageDigests(_ dataset: Dataset) throws -> [String: String] {
        var digests: [String: String] = [:]
        for item in dataset.cases { digests[item.id] = try SHA256.hexDigest(ofFileAt: DICOMDecoder.fileURL(item.path)) }
        return digests
    }
}

extension DataSteps {
    /// Writes the phantom (`synth`) into `folder`, replacing it as a whole.
    static func synthesize(gist: Int, lm: Int, size: Int, seed: UInt64, to folder: URL, screenCapture: Bool = false) throws {
        Interruption.watch(folder.deletingLastPathComponent(), recursive: false)
        try writePhantom(Phantom.Settings(gist: gist, lm: lm, size: size, seed: seed), to: folder,
                         showProgress: Progress.enabled, screenCapture: screenCapture)
    }

    /// `Phantom.write` with its contact sheet.
    @discardableResult
    public static func writePhantom(_ settings: Phantom.Settings, to folder: URL,
                                    showProgress: Bool = true, screenCapture: Bool = false) throws -> [Phantom.Case] {
        try Phantom.write(settings, to: folder, showProgress: showProgress, contactSheet: { cases in
            try contactSheet(cases, settings: settings).png()
        }, frame: screenCapture ? { try ScreenCapture.files($0, seed: settings.seed) } : nil)
    }

    /// Up to a dozen cases of each class, six a row, each captioned with its case id and
    /// scanner; atypical cases are marked with an asterisk.
    static func contactSheet(_ cases: [Phantom.Case], settings: Phantom.Settings) -> ContactSheet {
        let perClass = 12
        let title = "EUS phantom: seed \(settings.seed), \(settings.gist) GIST + \(settings.lm) LM, "
            + "\(settings.size) px, difficulty \(settings.difficulty)"
        let groups = [("GIST", "GIST (gastrointestinal stromal tumour)", settings.gist), ("LM", "LM (leiomyoma)", settings.lm)]
            .map { label, name, total in
                let shown = cases.filter { $0.parameters.label == label }.prefix(perClass)
                let tiles = shown.map { c in
                    let p = c.parameters
                    return (image: c.image.rgb, caption: p.caseID + (p.atypical ? " *" : "") + "  " + p.scanner.rawValue)
                }
                return (heading: "\(name): \(tiles.count) of \(total)   * atypical", tiles: tiles)
            }
        return ContactSheet(title: title, groups: groups)
    }

    /// Whether a dataset is the phantom: the manifest that `synth` writes beside the images
    /// lists the generating parameters of every case.
    static func isPhantom(_ dataset: Dataset) -> Bool {
        let folder = dataset.source == .folder ? dataset.root : dataset.root.deletingLastPathComponent()
        guard let table = try? CSVTable(contentsOf: folder.appendingPathComponent("manifest.csv")) else { return false }
        return Set(PhantomParameters.manifestColumns).isSubset(of: Set(table.header))
    }
}
