import Foundation
import EUSReport
import EUSSupport
import EUSData
import EUSImage
import EUSModels

/// One epoch's line of `history.csv`.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// The learning rate at the epoch's first batch.
    public var lr: Double
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss = "train_loss", trainAccuracy = "train_accuracy", lr, seconds
    }

    static let columns = ["epoch", "train_loss", "train_accuracy", "lr", "seconds"]
}

/// Where training stopped, so `--resume` can go on. It travels inside
/// checkpoint.safetensors (header metadata `checkpoint`), beside the weights and optimiser
/// buffers of the same epoch; `checkpoint.json` is a copy for people to read.
struct CheckpointState: Codable {
    var arch: Architecture
    /// The last finished epoch.
    var epoch: Int
    var history: [EpochRecord]
    var settings: TrainingSettings
}

/// `config.json` of a run folder: every setting, the classes and the data it was trained on.
public struct RunConfig: Codable, Sendable {
    public var arch: Architecture
    public var training: TrainingSettings
    public var augmentation: Augmentation?
    /// The recipe in words (`TrainingSettings.recipe`), and how the saved weights were chosen.
    public var recipe: [String]?
    public var selection: String?
    public var classNames: [String]
    public var positiveClass: String
    public var data: String
    public var split: String
    public var splitSettings: SplitSettings?
    public var initWeights: String?
    /// `--crop`: auto, none or X,Y,W,H (each case's crop is in predictions.csv).
    public var crop: String?
    public var trainCases: Int
    public var parameters: Int
    public var flops: Double
    public var software: SoftwareVersions
    public var machine: MachineDescription

    enum CodingKeys: String, CodingKey {
        case arch, training, augmentation, recipe, selection, classNames = "class_names", positiveClass = "positive_class"
        case data, split, splitSettings = "split_settings", initWeights = "init", crop, trainCases = "train_cases"
        case parameters, flops, software, machine
    }

    init(job: TrainingJob, dataset: Dataset, trainCases: Int, network: Network) {
        arch = job.arch
        training = job.settings
        augmentation = job.settings.augment ? job.settings.augmentation : nil
        recipe = job.settings.recipe + job.initialWeightsRecipe
        selection = RunConfig.selectionRule
        classNames = dataset.classNames
        positiveClass = dataset.positiveClass
        data = job.data.standardizedFileURL.path
        split = job.split?.standardizedFileURL.path ?? "split.csv (made by train)"
        splitSettings = job.split == nil ? job.splitSettings : nil
        initWeights = job.initWeights?.standardizedFileURL.path
        crop = CropSetting.current.description
        self.trainCases = trainCases
        parameters = network.parameterCount
        flops = network.flops(imageSize: job.settings.imageSize)
        software = .current
        machine = .current
    }
}

extension RunConfig {
    /// How the saved weights are chosen; the report quotes it.
    public static let selectionRule = "A fixed number of epochs on the training partition; the weights saved at the end are evaluated. No validation case was seen during training or used to choose the epochs, the settings or the weights."
}

/// The files of a run folder (docs/formats.md, "Run folder").
struct RunFolder {
    let url: URL
    init(_ url: URL) { self.url = url }

    var model: URL { url.appendingPathComponent("model.safetensors") }
    var history: URL { url.appendingPathComponent("history.csv") }
    var config: URL { url.appendingPathComponent("config.json") }
    var split: URL { url.appendingPathComponent("split.csv") }
    var checkpointWeights: URL { url.appendingPathComponent("checkpoint.safetensors") }
    var checkpointState: URL { url.appendingPathComponent("checkpoint.json") }

    func writeHistory(_ records: [EpochRecord]) throws {
        var writer = CSVWriter(header: EpochRecord.columns)
        for r in records {
            writer.append([String(r.epoch), String(format: "%.6f", r.trainLoss), String(format: "%.6f", r.trainAccuracy),
                           String(format: "%.6g", r.lr), String(format: "%.3f", r.seconds)])
        }
        try AtomicOutput.write(writer.text, to: history)
    }

    static func readHistory(_ url: URL) throws -> [EpochRecord] {
        let table = try CSVTable(contentsOf: url)
        let columns = try EpochRecord.columns.map { try table.column($0) }
        return try table.rows.enumerated().map { index, row in
            let values = columns.map { Double(row[$0]) }
            guard values.allSatisfy({ $0 != nil }) else {
                throw UserError("\(url.path) line \(CSVTable.lineNumber(ofRow: index)): not a number")
            }
            return EpochRecord(epoch: Int(values[0]!), trainLoss: values[1]!, trainAccuracy: values[2]!,
                               lr: values[3]!, seconds: values[4]!)
        }
    }

    /// One atomic write makes the checkpoint: weights, optimiser buffers and state together.
    func writeCheckpoint(_ state: CheckpointState, network: Network) throws {
        let json = try JSONFile.encode(state)
        try AtomicOutput.write(network.checkpointData(state: json), to: checkpointWeights)
        try AtomicOutput.write(json, to: checkpointState)
    }

    /// Reads and checks the checkpoint of an interrupted run of the same architecture and
    /// settings (the epoch count may grow), and restores it into `network`.
    func resume(_ network: Network, arch: Architecture, settings: TrainingSettings) throws -> CheckpointState {
        guard FileManager.default.fileExists(atPath: checkpointWeights.path) else {
            throw UserError("\(url.path): nothing to resume (no checkpoint.safetensors); train without --resume")
        }
        let file = try Safetensors.read(checkpointWeights)
        guard let text = file.metadata["checkpoint"],
              let state = try? JSONDecoder().decode(CheckpointState.self, from: Data(text.utf8)) else {
            throw UserError("\(checkpointWeights.path): not a checkpoint of `eus-report train` (no checkpoint metadata)")
        }
        guard state.arch == arch else {
            throw UserError("\(checkpointWeights.path): the checkpoint is a \(state.arch.rawValue), not a \(arch.rawValue)")
        }
        var saved = state.settings, wanted = settings
        (saved.epochs, wanted.epochs) = (0, 0)
        guard saved == wanted else {
            throw UserError("\(checkpointWeights.path): the checkpoint was trained with other settings; train without --resume")
        }
        try network.restore(from: file, source: checkpointWeights.path, settings: settings)
        return state
    }

    /// Before a fresh start in a used folder: the earlier run's checkpoint goes (it could only
    /// resume that run); its model, history, split and config stay until the new run has
    /// finished and replaces them.
    func clearPreviousCheckpoint() throws {
        let fm = FileManager.default
        for file in [checkpointWeights, checkpointState] where fm.fileExists(atPath: file.path) {
            do { try fm.removeItem(at: file) } catch {
                throw UserError("\(file.path): cannot remove the earlier run's file (\(error.localizedDescription))")
            }
        }
    }
}
