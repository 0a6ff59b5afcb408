import Foundation
import EUSData
import EUSReport
import EUSModels
import EUSSupport
import EUSCore

/// `eus-report bench --data DIR` and `--demo-config`: throughput as `train` and `predict`
/// run, with decoding, augmentation and batching on the clock, beside `Benchmark`'s network
/// alone on random tensors.
///
/// Training runs whole epochs of `Trainer.trainEpoch` over the training partition of the
/// stratified 8:2 split (the demo's), after one warm-up epoch; inference runs `Predictor`'s
/// batches (decode, preprocess, eval forward) over every case.
public enum TrainingBenchmark {
    public struct Result: Sendable {
        public var trainImagesPerSecond: Double
        public var inferImagesPerSecond: Double
        /// Images per second for building training batches alone (decode, augment, resize).
        public var loadImagesPerSecond: Double
        public var trainCases: Int
        public var epochs: Int
        /// Forward FLOPs per image, as `ResNet.flops` counts them.
        public var flopsPerImage: Double
        /// Per-kind times of the timed training epochs, and training steps they hold, when profiled.
        public var profile: [Profiler.Row] = []
        public var steps = 0
    }

    /// - Parameters:
    ///   - data: a class-per-folder tree or a manifest, as `train` takes; nil makes the demo's
    ///     phantom (seed 1) in a temporary folder, removed afterwards.
    ///   - settings: the recipe (`DemoPreset(quick: false).training` for the demo's).
    ///   - epochs: timed training epochs, and timed passes of inference over every case.
    public static func run(data: URL?, arch: Architecture, settings: TrainingSettings, epochs: Int,
                           profile: Bool = false) throws -> Result {
        try settings.validate()
        guard let data else {
            let preset = DemoPreset(quick: false)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("eus-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let folder = root.appendingPathComponent("phantom")
            try Phantom.write(Phantom.Settings(gist: preset.gist, lm: preset.lm, size: preset.synthSize, seed: 1), to: folder,
                              showProgress: false)
            return try run(data: folder, arch: arch, settings: settings, epochs: epochs, profile: profile)
        }
        let dataset = try Dataset.load(data, positive: nil)
        try dataset.checkImages()
        let split = SplitSettings(ratio: 0.8, seed: settings.seed).split(of: dataset)
        let cases = split.cases(.train, of: dataset)
        try Trainer.checkBatches(cases: cases.count, settings: settings)
        let network = try Network(arch: arch, width: settings.width, seed: settings.seed)
        network.makeOptimizer(settings)
        let augmentation = settings.augment ? settings.augmentation : nil
        let batches = (cases.count + settings.batchSize - 1) / settings.batchSize
        let progress = EUSSupport.Progress(title: "bench train \(arch.rawValue)", total: (1 + epochs) * batches)

        func epoch(_ index: Int) throws {
            _ = try Trainer.trainEpoch(index, network: network, dataset: dataset, cases: cases, augmentation: augmentation,
                                       settings: settings, source: data.path, progress: progress)
        }
        try epoch(1)
        Profiler.reset()
        Profiler.isEnabled = profile
        let train = try Benchmark.seconds { for e in 0..<epochs { try epoch(2 + e) } }
        Profiler.isEnabled = false
        let rows = profile ? Profiler.report : []
        progress.finish()
        let load = try Benchmark.seconds {
            for start in stride(from: 0, to: cases.count, by: settings.batchSize) {
                _ = try dataset.batch(Array(cases[start ..< min(start + settings.batchSize, cases.count)]),
                                      imageSize: settings.imageSize, augmentation: augmentation, seed: settings.seed, epoch: 1)
            }
        }
        network.finishTraining()
        func predict() throws {
            _ = try Predictor.predict(dataset.cases, dataset: dataset, network: network, imageSize: settings.imageSize,
                                      cam: nil, camDirectory: nil, title: "bench predict \(arch.rawValue)")
        }
        try predict()
        let infer = try Benchmark.seconds { for _ in 0..<epochs { try predict() } }
        return Result(trainImagesPerSecond: Double(epochs * cases.count) / train,
                      inferImagesPerSecond: Double(epochs * dataset.cases.count) / infer,
                      loadImagesPerSecond: Double(cases.count) / load, trainCases: cases.count, epochs: epochs,
                      flopsPerImage: network.model.flops(imageSize: settings.imageSize), profile: rows, steps: epochs * batches)
    }
}
