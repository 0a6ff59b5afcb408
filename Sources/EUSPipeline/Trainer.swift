import Foundation
import EUSReport
import EUSSupport
import EUSData
import EUSModels
import EUSCore

/// `eus-report train`: one network, trained on the `train` partition.
public struct TrainingJob: Sendable {
    public var data: URL
    /// A split.csv; without one a stratified split is made with `splitSettings`.
    public var split: URL?
    public var splitSettings: SplitSettings
    public var arch: Architecture
    public var settings: TrainingSettings
    /// The run folder.
    public var out: URL
    public var initWeights: URL?
    public var resume: Bool
    public var positiveClass: String?
    /// Where the run stands in a larger job ("fold 2/5"), for the progress line.
    public var label: String?

    public init(data: URL, split: URL?, splitSettings: SplitSettings, arch: Architecture, settings: TrainingSettings,
                out: URL, initWeights: URL?, resume: Bool, positiveClass: String?) {
        self.data = data
        self.split = split
        self.splitSettings = splitSettings
        self.arch = arch
        self.settings = settings
        self.out = out
        self.initWeights = initWeights
        self.resume = resume
        self.positiveClass = positiveClass
    }
}

public struct TrainingResult: Sendable {
    public var runFolder: URL
    public var epochs: Int
    public var finalLoss: Double
    public var seconds: Double
}

/// The training loop: seeded shuffling and augmentation per epoch, SGD or AdamW with a
/// per-epoch learning-rate schedule, a checkpoint after every epoch.
///
/// Everything random is a function of (seed, epoch, case), never of how far an earlier run
/// got, so a run resumed after epoch k gives the same weights as one that never stopped.
public enum Trainer {
    /// BatchNorm in train mode needs two values per channel; layer4's map is 1×1 at 32 px or
    /// less, so there an epoch's last batch must not hold a single image.
    static func checkBatches(cases: Int, settings: TrainingSettings) throws {
        let layer4Side = (settings.imageSize + 31) / 32
        guard layer4Side > 1 || cases % settings.batchSize != 1 else {
            throw UserError("--batch-size \(settings.batchSize): \(cases) training cases leave a last batch of one image, which BatchNorm cannot train on at --image-size \(settings.imageSize); choose another batch size or an image size above 32")
        }
    }

    public static func train(_ job: TrainingJob) throws -> TrainingResult {
        try job.settings.validate()
        let (dataset, split) = try loadData(job)
        try OutputLock.acquire(job.out)
        let cases = split.cases(.train, of: dataset)
        try checkBatches(cases: cases.count, settings: job.settings)
        let run = RunFolder(job.out)
        let (network, state) = try startNetwork(job, run: run)
        try AtomicOutput.createDirectory(job.out)

        var history = state?.history ?? []
        let firstEpoch = history.count + 1
        if firstEpoch > job.settings.epochs { log("\(job.out.path): all \(job.settings.epochs) epochs already finished") }
        let augmentation = job.settings.augment ? job.settings.augmentation : nil
        let batchesPerEpoch = (cases.count + job.settings.batchSize - 1) / job.settings.batchSize
        let progress = EUSSupport.Progress(title: (job.label.map { $0 + " · " } ?? "") + "train \(job.arch.rawValue)",
                                           total: max(0, job.settings.epochs - firstEpoch + 1) * batchesPerEpoch)
        for epoch in stride(from: firstEpoch, through: job.settings.epochs, by: 1) {
            history.append(try trainEpoch(epoch, network: network, dataset: dataset, cases: cases,
                                          augmentation: augmentation, settings: job.settings, source: job.out.path,
                                          progress: progress))
            try run.writeCheckpoint(CheckpointState(arch: job.arch, epoch: epoch, history: history,
                                                    settings: job.settings), network: network)
        }
        progress.finish(detail: history.last.map { String(format: "loss %.4f acc %.3f", $0.trainLoss, $0.trainAccuracy) } ?? "")
        // Only now does the new run replace the previous one's files: until here a failure, a
        // Ctrl-C or a kill leaves the previous model, history, split and config as they were
        // (and this run's checkpoint for --resume).
        network.finishTraining()
        try AtomicOutput.write(network.stateDictData(), to: run.model)
        try run.writeHistory(history)
        if job.split == nil { try split.write(to: run.split, for: dataset) }
        try JSONFile.write(RunConfig(job: job, dataset: dataset, trainCases: cases.count, network: network), to: run.config)
        return TrainingResult(runFolder: job.out, epochs: history.count, finalLoss: history.last?.trainLoss ?? .nan,
                              seconds: history.reduce(0) { $0 + $1.seconds })
    }

    /// The dataset and its split, checked: both classes in both partitions, every image
    /// decodable, the run folder writable.
    static func loadData(_ job: TrainingJob) throws -> (Dataset, Split) {
        let dataset = try Dataset.load(job.data, positive: job.positiveClass)
        let split = try job.split.map { try Split.read($0, for: dataset) }
            ?? job.splitSettings.split(of: dataset)
        try DataSteps.checkBothPartitions(split, dataset: dataset, source: job.split?.path ?? "the split")
        try Pipeline.checkWritable(job.out)
        try AtomicOutput.checkSeparate(output: job.out, from: [job.data] + (job.split.map { [$0] } ?? []) + (job.initWeights.map { [$0] } ?? []))
        try dataset.checkImages()
        return (dataset, split)
    }

    /// A fresh network (from `--init` weights when given) with a new optimiser, or, with
    /// `--resume`, the checkpoint's network and optimiser and where it stopped.
    static func startNetwork(_ job: TrainingJob, run: RunFolder) throws -> (Network, CheckpointState?) {
        let network = try Network(arch: job.arch, width: job.settings.width, seed: job.settings.seed)
        if job.resume { return (network, try run.resume(network, arch: job.arch, settings: job.settings)) }
        try run.clearPreviousCheckpoint()
        if let initWeights = job.initWeights { try network.loadInitial(from: initWeights) }
        network.makeOptimizer(job.settings)
        return (network, nil)
    }

    /// One pass over the shuffled training cases. `source` names the run in an error.
    static func trainEpoch(_ epoch: Int, network: Network, dataset: Dataset, cases: [Case], augmentation: Augmentation?,
                           settings: TrainingSettings, source: String, progress: EUSSupport.Progress) throws -> EpochRecord {
        let start = Date()
        var order = Array(cases.indices)
        var random = SeededRandom(seed: settings.seed, 0x7EA1, UInt64(epoch))
        random.shuffle(&order)
        let batches = stride(from: 0, to: order.count, by: settings.batchSize).map {
            Array(order[$0 ..< min($0 + settings.batchSize, order.count)])
        }
        var (lossSum, correct, seen) = (0.0, 0, 0)
        let firstLR = settings.learningRate(epoch: epoch, batch: 0, batchesPerEpoch: batches.count)
        // Batch b + 1 is decoded and augmented on a background thread while batch b trains;
        // each case's tensor depends only on (seed, case, epoch), so this changes no number.
        func prepare(_ b: Int) -> PendingBatch {
            let items = batches[b].map { cases[$0] }
            return PendingBatch {
                try dataset.batch(items, imageSize: settings.imageSize, augmentation: augmentation,
                                  seed: settings.seed, epoch: epoch, threads: PendingBatch.threads)
            }
        }
        var next = batches.isEmpty ? nil : prepare(0)
        for (b, batch) in batches.enumerated() {
            let lr = settings.learningRate(epoch: epoch, batch: b, batchesPerEpoch: batches.count)
            let items = batch.map { cases[$0] }
            let input = try Profiler.measure("waiting for the batch") { try next!.value() }
            next = b + 1 < batches.count ? prepare(b + 1) : nil
            let step = network.trainStep(input: input, labels: items.map(\.classIndex), imageSize: settings.imageSize,
                                         learningRate: lr, labelSmoothing: settings.labelSmoothing)
            guard step.loss.isFinite else {
                throw UserError("\(source): the training loss became \(step.loss) at epoch \(epoch), batch \(b + 1) of \(batches.count); try a lower --lr (now \(settings.learningRate))")
            }
            lossSum += Double(step.loss) * Double(items.count)
            correct += step.correct
            seen += items.count
            let rate = Double(seen) / max(Date().timeIntervalSince(start), 1e-9)
            progress.advance(detail: String(format: "epoch %d/%d batch %d/%d loss %.4f acc %.3f %.1f img/s", epoch, settings.epochs,
                                            b + 1, batches.count, lossSum / Double(seen), Double(correct) / Double(seen), rate))
        }
        let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)),
                                 trainAccuracy: Double(correct) / Double(max(seen, 1)), lr: firstLR,
                                 seconds: Date().timeIntervalSince(start))
        return record
    }
}

extension TrainingSettings {
    /// The learning rate of a batch (`epoch` 1-based, `batch` 0-based): `warmupEpochs` of
    /// linear warm-up, then `schedule` over the remaining steps, stepped every batch.
    func learningRate(epoch: Int, batch: Int, batchesPerEpoch: Int) -> Double {
        schedule.learningRate(base: learningRate, step: (epoch - 1) * batchesPerEpoch + batch,
                              warmupSteps: warmupEpochs * batchesPerEpoch, totalSteps: epochs * batchesPerEpoch)
    }
}
