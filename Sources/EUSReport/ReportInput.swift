import EUSImage
import EUSStats
import EUSSupport
import Foundation

/// One validation case as the report shows it.
public struct ReportCase: Sendable {
    public var id: String
    /// The true class name.
    public var label: String
    public var isPositive: Bool
    /// P(positive) per model, in the order of `MetricsDocument.models`.
    public var probabilities: [Double]
    /// The image as given in the predictions CSV's `path` column, resolved to a file.
    public var imageURL: URL?
    /// Per model: the share of Grad-CAM energy inside the lesion mask (`<model>_cam_energy`),
    /// nil where no mask exists.
    public var camEnergyInMask: [Double?] = []
    /// Per model: whether the Grad-CAM maximum lies inside the mask (`<model>_cam_hit`).
    public var camPointingHit: [Bool?] = []
    /// Whether the case has a lesion mask (a non-empty `mask_path`); nil when the CSV does not
    /// say. A case with a mask but no scores had a blank Grad-CAM map.
    public var hasMask: Bool?
    /// The crop the network saw (predictions.csv's `crop`: `WxH+X+Y`, or `none`); nil when
    /// the CSV does not say.
    public var crop: String?

    /// Model `index`'s share of Grad-CAM energy in the mask, nil where it has none.
    public func camEnergyInMask(model index: Int) -> Double? {
        index < camEnergyInMask.count ? camEnergyInMask[index] : nil
    }

    /// Model `index`'s pointing-game hit, nil where it has none.
    public func camPointingHit(model index: Int) -> Bool? {
        index < camPointingHit.count ? camPointingHit[index] : nil
    }

    /// Each model's call at `threshold`: positive when P(positive) ≥ threshold.
    public func calls(threshold: Double) -> [Bool] { probabilities.map { $0 >= threshold } }

    public func correct(threshold: Double) -> [Bool] { calls(threshold: threshold).map { $0 == isPositive } }

    /// True when at least one model got the case wrong.
    public func misclassifiedByAny(threshold: Double) -> Bool { correct(threshold: threshold).contains(false) }
}

/// Everything a report is made from: the metrics, the cases, and (from an evaluation folder)
/// the evaluation record, training histories, configurations and Grad-CAM overlays.
public struct ReportInput {
    public enum Kind: Sendable { case evaluationFolder, predictionsCSV }

    public var source: URL
    public var kind: Kind
    public var metrics: MetricsDocument
    public var cases: [ReportCase]
    public var evaluation: EvaluationInfo?
    public var histories: [TrainingHistory]
    /// Each model's training configuration as pretty JSON text, by model name.
    public var configs: [(model: String, json: String)]
    /// The predictions CSV the metrics came from, copied into the report folder.
    public var predictionsCSV: Data
    public var images: ReportImages
    /// The options the metrics were computed with (bootstrap size and seed are reported).
    public var options = Options()

    public var modelNames: [String] { metrics.models.map(\.name) }
    public var isSynthetic: Bool { evaluation?.synthetic ?? false }
    public var threshold: Double { metrics.threshold }

    public var misclassified: [ReportCase] { cases.filter { $0.misclassifiedByAny(threshold: threshold) } }

    public init(source: URL, kind: Kind, metrics: MetricsDocument, cases: [ReportCase], evaluation: EvaluationInfo?,
                histories: [TrainingHistory], configs: [(model: String, json: String)], predictionsCSV: Data,
                images: ReportImages) {
        self.source = source
        self.kind = kind
        self.metrics = metrics
        self.cases = cases
        self.evaluation = evaluation
        self.histories = histories
        self.configs = configs
        self.predictionsCSV = predictionsCSV
        self.images = images
    }
}

extension ReportInput {
    /// Options that change how the metrics are computed.
    public struct Options: Sendable {
        /// Overrides the threshold from `eval.json` (default 0.5).
        public var threshold: Double?
        /// How the threshold was chosen, in words; by default taken from `eval.json`, or
        /// "set to … on the command line" when `threshold` differs from it.
        public var thresholdSource: String?
        public var positiveClass: String
        public var bootstrapResamples: Int
        public var seed: UInt64
        /// How a patient's P(positive) is made from its images' (`--patient-aggregation`).
        public var patientAggregation: PatientAggregation = .mean
        /// Manifest columns to analyse by subgroup (`--subgroup`, `--subgroup-cut`).
        public var subgroups: [SubgroupRequest] = []
        /// The CSV holding the subgroup columns, joined on case_id; nil takes the evaluation's
        /// data (its CSV manifest, or the manifest.csv in its folder).
        public var manifest: URL?
        /// The decision curve's thresholds (`--decision-thresholds`); nil: 0.01, 0.02, …, 0.99.
        public var decisionThresholds: [Double]?

        public init(threshold: Double? = nil, thresholdSource: String? = nil, positiveClass: String = "GIST",
                    bootstrapResamples: Int = 2000, seed: UInt64 = 1) {
            self.threshold = threshold
            self.thresholdSource = thresholdSource
            self.positiveClass = positiveClass
            self.bootstrapResamples = bootstrapResamples
            self.seed = seed
        }
    }

    /// Loads an evaluation folder (with `predictions.csv` and `eval.json`) or a predictions CSV.
    public static func load(_ url: URL, options: Options = Options()) throws -> ReportInput {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw UserError("\(url.path): no such file or folder (expected an evaluation folder or a predictions CSV)")
        }
        return isFolder.boolValue ? try loadFolder(url, options: options) : try loadCSV(url, options: options)
    }

    static func loadCSV(_ url: URL, options: Options) throws -> ReportInput {
        let csv = try CSVTable(contentsOf: url)
        let table = try PredictionTable(csv: csv)
        let threshold = options.threshold ?? 0.5
        let source = options.thresholdSource ?? (options.threshold == nil ? "the default 0.5, not tuned on these cases"
            : "set to \(threshold) on the command line")
        var metrics = try computeMetrics(table, threshold: threshold, source: source, options: options)
        try addSubgroups(to: &metrics, table: table, options: options, dataRoot: nil)
        let cases = makeCases(table, csv: csv, metrics: metrics, base: url.deletingLastPathComponent(), dataRoot: nil)
        var input = ReportInput(source: url, kind: .predictionsCSV, metrics: metrics, cases: cases, evaluation: nil,
                                histories: [], configs: [], predictionsCSV: try readData(url),
                                images: ReportImages(camFolder: nil))
        input.options = options
        return input
    }

    /// eval.json's folds must be those of the predictions: a report must not describe one
    /// design over the numbers of another.
    static func checkFolds(_ design: EvaluationDocument.CrossValidationDesign?, table: PredictionTable, evalURL: URL) throws {
        guard let design else { return }
        guard let columns = table.foldColumns else {
            throw UserError("\(evalURL.path): cross_validation describes \(design.folds) folds, but predictions.csv has no fold column")
        }
        let folds = Set(columns.folds).count, repeats = columns.repeatNumbers.count
        guard (folds, repeats) == (design.folds, design.repeats) else {
            throw UserError("\(evalURL.path): cross_validation describes \(design.folds) folds × \(design.repeats) repeat(s), but predictions.csv holds \(folds) × \(repeats)")
        }
    }

    static func loadFolder(_ folder: URL, options: Options) throws -> ReportInput {
        let predictionsURL = folder.appendingPathComponent("predictions.csv")
        let evalURL = folder.appendingPathComponent("eval.json")
        guard FileManager.default.fileExists(atPath: predictionsURL.path) else {
            throw UserError("\(folder.path): not an evaluation folder (no predictions.csv); give the folder that `eus-report evaluate` wrote, or a predictions CSV")
        }
        let evaluation = FileManager.default.fileExists(atPath: evalURL.path) ? try EvaluationInfo(contentsOf: evalURL) : nil
        let csv = try CSVTable(contentsOf: predictionsURL)
        let table = try PredictionTable(csv: csv)
        try checkFolds(evaluation?.crossValidation, table: table, evalURL: evalURL)
        let threshold = options.threshold ?? evaluation?.threshold ?? 0.5
        // A threshold given but equal to the evaluation's own is the evaluation's choice.
        let overridden = options.threshold != nil && options.threshold != evaluation?.threshold
        let source: String
        if let stated = options.thresholdSource {
            source = stated
        } else if overridden {
            source = "set to \(threshold) on the command line"
        } else if let stated = evaluation?.thresholdSource {
            source = stated
        } else {
            source = "fixed at \(MetricsText.decimal(threshold, digits: 2)) before evaluation"
        }
        var metrics = try computeMetrics(table, threshold: threshold, source: source, options: options)
        try addSubgroups(to: &metrics, table: table, options: options, dataRoot: evaluation?.dataRoot)
        let dataRoot = evaluation?.dataRoot.map { URL(fileURLWithPath: $0, relativeTo: folder) }
        let cases = makeCases(table, csv: csv, metrics: metrics, base: folder, dataRoot: dataRoot)
        let histories = try metrics.models.compactMap { model -> TrainingHistory? in
            let url = folder.appendingPathComponent("histories/\(model.name).csv")
            return FileManager.default.fileExists(atPath: url.path) ? try TrainingHistory(contentsOf: url, model: model.name) : nil
        }
        let configs = metrics.models.compactMap { model -> (model: String, json: String)? in
            let url = folder.appendingPathComponent("configs/\(model.name).json")
            return FileManager.default.contents(atPath: url.path).map { (model.name, String(decoding: $0, as: UTF8.self)) }
        }
        let camFolder = folder.appendingPathComponent("cams")
        let hasCams = FileManager.default.fileExists(atPath: camFolder.path)
        var input = ReportInput(source: folder, kind: .evaluationFolder, metrics: metrics, cases: cases,
                                evaluation: evaluation, histories: histories, configs: configs,
                                predictionsCSV: try readData(predictionsURL),
                                images: ReportImages(camFolder: hasCams ? camFolder : nil))
        input.options = options
        return input
    }

    private static func computeMetrics(_ table: PredictionTable, threshold: Double, source: String,
                                       options: Options) throws -> MetricsDocument {
        guard threshold.isFinite, threshold >= 0, threshold <= 1 else {
            throw UserError("threshold \(threshold) is outside [0, 1]")
        }
        return try MetricsComputer.compute(table, positiveClass: options.positiveClass, threshold: threshold,
                                           thresholdSource: source, bootstrapResamples: options.bootstrapResamples,
                                           seed: options.seed, patientAggregation: options.patientAggregation)
    }

    private static func makeCases(_ table: PredictionTable, csv: CSVTable, metrics: MetricsDocument,
                                  base: URL, dataRoot: URL?) -> [ReportCase] {
        let pathColumn = csv.header.firstIndex(of: "path")
        let scores = metrics.models.map { model in table.models.first { $0.name == model.name }!.scores }
        let energyColumns = metrics.models.map { csv.header.firstIndex(of: "\($0.name)_cam_energy") }
        let hitColumns = metrics.models.map { csv.header.firstIndex(of: "\($0.name)_cam_hit") }
        let maskColumn = csv.header.firstIndex(of: "mask_path")
        let cropColumn = csv.header.firstIndex(of: "crop")
        // Out-of-fold predictions hold every case once per repeat; the gallery and the audit
        // show the first repeat's, so every case appears once per network.
        let rows = table.foldColumns.map { $0.rows(inRepeat: $0.repeatNumbers[0]) } ?? Array(table.caseIDs.indices)
        return rows.map { index in
            let row = csv.rows[index]
            let imageURL = pathColumn.flatMap { resolve(row[$0], base: base, dataRoot: dataRoot) }
            var item = ReportCase(id: table.caseIDs[index], label: table.labels[index],
                                  isPositive: table.labels[index] == metrics.positiveClass,
                                  probabilities: scores.map { $0[index] }, imageURL: imageURL)
            item.hasMask = maskColumn.map { !row[$0].trimmingCharacters(in: .whitespaces).isEmpty }
            item.crop = cropColumn.map { row[$0].trimmingCharacters(in: .whitespaces) }
            item.camEnergyInMask = energyColumns.map { column in
                column.flatMap { Double(row[$0].trimmingCharacters(in: .whitespaces)) }.flatMap { $0.isFinite ? $0 : nil }
            }
            item.camPointingHit = hitColumns.map { column in
                column.flatMap { (value: Int) -> Bool? in
                    switch row[value].trimmingCharacters(in: .whitespaces).lowercased() {
                    case "1", "true": return true
                    case "0", "false": return false
                    default: return nil
                    }
                }
            }
            return item
        }
    }

    /// An image path from the CSV: absolute, or relative to the CSV's folder or the data root.
    private static func resolve(_ path: String, base: URL, dataRoot: URL?) -> URL? {
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { return nil }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        for folder in [base, dataRoot].compactMap({ $0 }) {
            let candidate = folder.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    private static func readData(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UserError("\(url.path): cannot read the file (missing or unreadable)")
        }
        return data
    }
}

/// Case images and Grad-CAM overlays, decoded on first use and scaled down to at most
/// `maximumSide` pixels for the report.
public final class ReportImages {
    public let camFolder: URL?
    public let maximumSide: Int
    private var cache: [String: RGBImage?] = [:]

    public init(camFolder: URL?, maximumSide: Int = 320) {
        self.camFolder = camFolder
        self.maximumSide = maximumSide
    }

    public var hasOverlays: Bool { camFolder != nil }

    /// The case's image as the network saw it: cut to its recorded crop, the surround blanked.
    public func image(for item: ReportCase) -> RGBImage? {
        item.imageURL.flatMap { load($0, crop: item.crop) }
    }

    /// The overlay `cams/<model>/<case_id>.png`, or nil when absent or unreadable.
    public func overlay(model: String, caseID: String) -> RGBImage? {
        camFolder.flatMap { load($0.appendingPathComponent(model).appendingPathComponent("\(caseID).png")) }
    }

    private func load(_ url: URL, crop: String? = nil) -> RGBImage? {
        let key = url.path + "|" + (crop ?? "")
        if let cached = cache[key] { return cached }
        let image = (try? ImageDecoder.decode(url)).map { decoded in
            let shown = crop.flatMap { ScanField.recorded($0, in: decoded) }?.apply(to: decoded) ?? decoded
            return ReportImages.shrink(shown.rgbImage(), maximumSide: maximumSide)
        }
        cache[key] = image
        return image
    }

    /// Box-filter downscaling by an integer factor so the longer side is ≤ `maximumSide`.
    static func shrink(_ image: RGBImage, maximumSide: Int) -> RGBImage {
        let factor = (max(image.width, image.height) + maximumSide - 1) / maximumSide
        guard factor > 1 else { return image }
        let width = image.width / factor, height = image.height / factor
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var sum = 0
                    for dy in 0..<factor {
                        for dx in 0..<factor { sum += Int(image.pixels[((y * factor + dy) * image.width + x * factor + dx) * 3 + c]) }
                    }
                    pixels[(y * width + x) * 3 + c] = UInt8(sum / (factor * factor))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
