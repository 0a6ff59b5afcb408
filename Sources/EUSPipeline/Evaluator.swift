import Foundation
import EUSModels
import EUSReport
import EUSSupport
import EUSData

/// `eus-report evaluate`: every model on the validation partition, into one evaluation folder.
public struct EvaluationJob: Sendable {
    /// A model to evaluate: its name in the report and its run folder.
    public struct ModelRun: Sendable {
        public var name: String
        public var folder: URL

        public init(name: String, folder: URL) {
            self.name = name
            self.folder = folder
        }

        /// Parses `NAME=RUN_FOLDER`.
        public init(parsing argument: String) throws {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UserError("--model '\(argument)': expected NAME=RUN_FOLDER, e.g. resnet34=runs/r34")
            }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
            guard parts[0].unicodeScalars.allSatisfy(allowed.contains) else {
                throw UserError("--model '\(argument)': the name may hold only letters, digits, '-', '_' and '.'")
            }
            self.init(name: parts[0], folder: URL(fileURLWithPath: parts[1]))
        }
    }

    public var data: URL
    public var split: URL
    public var models: [ModelRun]
    public var out: URL
    public var cam: CAMSettings
    public var threshold: Double
    public var positiveClass: String?
    /// How the split was made, when known (`run` knows; a given split.csv is described as such).
    public var splitSettings: SplitSettings?
    /// Wall times of earlier steps, carried into eval.json.
    public var steps: [EvaluationDocument.StepTiming]
    /// Whether the data are the phantom; nil asks the data folder's manifest.
    public var synthetic: Bool?
    /// Average P(positive) over `TestTimeAugmentation`'s views (off for the study's numbers).
    public var testTimeAugmentation: Bool = false
    /// Where the evaluation stands in a larger job ("fold 2/5"), for the progress line.
    public var label: String?
    /// Endosonographers' calls (`--readers`), written into predictions.csv as `reader:` columns.
    public var readers: URL?

    public init(data: URL, split: URL, models: [ModelRun], out: URL, cam: CAMSettings, threshold: Double,
                positiveClass: String?, splitSettings: SplitSettings? = nil,
                steps: [EvaluationDocument.StepTiming] = [], synthetic: Bool? = nil) {
        self.data = data
        self.split = split
        self.models = models
        self.out = out
        self.cam = cam
        self.threshold = threshold
        self.positiveClass = positiveClass
        self.splitSettings = splitSettings
        self.steps = steps
        self.synthetic = synthetic
    }
}

public enum Evaluator {
    public static func evaluate(_ job: EvaluationJob) throws -> EvaluationDocument {
        let start = Date()
        let names = job.models.map(\.name)
        guard Set(names).count == names.count else { throw UserError("--model: two models share a name (\(names.joined(separator: ", ")))") }
        let dataset = try Dataset.load(job.data, positive: job.positiveClass)
        let split = try Split.read(job.split, for: dataset)
        let cases = split.cases(.validation, of: dataset)
        guard !cases.isEmpty else { throw UserError("\(job.split.path): no validation cases") }
        let runs = try job.models.map { try LoadedRun(model: $0, dataset: dataset) }
        let readers = try job.readers.map { try ReaderFile(contentsOf: $0, dataset: dataset) }
        try Pipeline.checkWritable(job.out)
        try AtomicOutput.checkSeparate(output: job.out, from: [job.data, job.split] + job.models.map(\.folder))
        Interruption.watch(job.out.deletingLastPathComponent(), recursive: false)

        let digests = try DataSteps.imageDigests(dataset)
        return try AtomicOutput.buildDirectory(at: job.out) { staging in
            var predictions: [[CasePrediction]] = []
            var layers: [String] = []
            for run in runs {
                let camFolder = staging.appendingPathComponent("cams").appendingPathComponent(run.name)
                try AtomicOutput.createDirectory(camFolder)
                let network = try Network(weights: run.folder.model, arch: run.arch)
                layers.append(try network.camLayer(job.cam.layer, imageSize: run.config.training.imageSize))
                predictions.append(try Predictor.predict(
                    cases, dataset: dataset, network: network, imageSize: run.config.training.imageSize,
                    cam: job.cam, camDirectory: camFolder, title: (job.label.map { $0 + " · " } ?? "") + "evaluate \(run.name)",
                    testTimeAugmentation: job.testTimeAugmentation))
                try copy(run.folder.history, to: staging.appendingPathComponent("histories/\(run.name).csv"))
                try copy(run.folder.config, to: staging.appendingPathComponent("configs/\(run.name).json"))
            }
            try AtomicOutput.write(combinedCSV(names: names, predictions: predictions, dataset: dataset,
                                               threshold: job.threshold, readers: readers),
                                   to: staging.appendingPathComponent("predictions.csv"))
            try split.write(to: staging.appendingPathComponent("split.csv"), for: dataset)
            var steps = job.steps
            steps.append(.init(name: "evaluate", seconds: Date().timeIntervalSince(start)))
            let document = try EvaluationDocument(
                data: dataSummary(dataset, split: split, digests: digests, synthetic: job.synthetic),
                split: job.splitSettings ?? .given(job.split),
                models: runs.map(\.summary), cam: .init(method: job.cam.method.rawValue, target: job.cam.target.description,
                                                              layer: Set(layers).sorted().joined(separator: ", "), alpha: job.cam.alpha), threshold: job.threshold,
                thresholdSource: "fixed at \(job.threshold) before evaluation",
                seed: runs.first?.config.training.seed ?? 0, software: .current, machine: .current, steps: steps,
                testTimeAugmentation: job.testTimeAugmentation)
            try JSONFile.write(document, to: staging.appendingPathComponent("eval.json"))
            return document
        }
    }

    /// `case_id,label,<model>...,<model>_call...,<model>_correct...,<model>_cam_energy...,
    /// <model>_cam_hit...,path,mask_path,crop[,patient_id][,reader:<name>...]` (docs/formats.md).
    /// Paths are absolute, so the report can find the images from anywhere.
    static func combinedCSV(names: [String], predictions: [[CasePrediction]], dataset: Dataset, threshold: Double,
                            readers: ReaderFile? = nil) -> String {
        var header = ["case_id", "label"] + names
        header += names.map { "\($0)_call" } + names.map { "\($0)_correct" }
        header += names.map { "\($0)_cam_energy" } + names.map { "\($0)_cam_hit" } + ["path", "mask_path", "crop"]
        header += (dataset.hasPatientIDs ? ["patient_id"] : []) + (readers?.header ?? [])
        var writer = CSVWriter(header: header)
        let byID = Dictionary(uniqueKeysWithValues: dataset.cases.map { ($0.id, $0) })
        for row in predictions[0].indices {
            let first = predictions[0][row]
            let item = byID[first.caseID]!
            let perModel = predictions.map { $0[row] }
            let calls = perModel.map { $0.pPositive >= threshold ? dataset.positiveClass : dataset.classNames[dataset.negativeIndex] }
            var fields = [first.caseID, first.label] + perModel.map { "\($0.pPositive)" } + calls
            fields += calls.map { $0 == first.label ? "1" : "0" }
            fields += perModel.map { $0.camEnergyInMask.map { String(format: "%.6f", $0) } ?? "" }
            fields += perModel.map { $0.camPointingHit.map { $0 ? "1" : "0" } ?? "" }
            fields += [item.path.standardizedFileURL.path, item.maskPath?.standardizedFileURL.path ?? "", first.crop]
            fields += (dataset.hasPatientIDs ? [item.patientID ?? ""] : []) + (readers?.fields(caseID: first.caseID) ?? [])
            writer.append(fields)
        }
        return writer.text
    }

    static func dataSummary(_ dataset: Dataset, split: Split, digests: [String: String], synthetic: Bool?) throws -> EvaluationDocument.DataSummary {
        var counts: [String: [String: Int]] = [:]
        for partition in Split.Partition.allCases {
            let perClass = split.classCounts(partition, of: dataset)
            counts[partition.rawValue] = Dictionary(uniqueKeysWithValues: zip(dataset.classNames, perClass))
        }
        return .init(root: dataset.root.standardizedFileURL.path, synthetic: synthetic ?? DataSteps.isPhantom(dataset),
                     positiveClass: dataset.positiveClass, negativeClass: dataset.classNames[dataset.negativeIndex],
                     counts: counts, excluded: dataset.skippedFiles.count, imageSHA256: digests)
    }

    static func copy(_ source: URL, to destination: URL) throws {
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw UserError("\(source.path): cannot read the file (missing or unreadable)")
        }
        try AtomicOutput.write(data, to: destination)
    }
}

/// A run folder opened for evaluation: its config, checked against the data.
struct LoadedRun {
    let name: String
    let folder: RunFolder
    let config: RunConfig
    let arch: Architecture
    let history: [EpochRecord]

    init(model: EvaluationJob.ModelRun, dataset: Dataset) throws {
        name = model.name
        folder = RunFolder(model.folder)
        guard FileManager.default.fileExists(atPath: folder.model.path) else {
            throw UserError("\(folder.model.path): missing; is \(model.folder.path) a finished run folder of `eus-report train`?")
        }
        config = try JSONFile.read(RunConfig.self, from: folder.config)
        arch = config.arch
        guard config.classNames == dataset.classNames else {
            throw UserError("\(folder.config.path): the model was trained on classes \(config.classNames.joined(separator: ", ")), the data have \(dataset.classNames.joined(separator: ", "))")
        }
        history = try RunFolder.readHistory(folder.history)
    }

    var summary: EvaluationDocument.ModelSummary {
        .init(name: name, arch: arch.rawValue, weights: folder.model.standardizedFileURL.path, parameters: config.parameters,
              flops: config.flops, imageSize: config.training.imageSize, width: config.training.width,
              trainSeconds: history.reduce(0) { $0 + $1.seconds }, epochs: history.count,
              recipe: config.recipe, selection: config.selection)
    }
}
