import Foundation
import EUSSupport

/// The settings of `demo`: the study's design (142 cases, 8:2 split, ResNet-34 vs ResNet-50)
/// made small enough to finish on a laptop: 128 px inputs (96 px with `--quick`), base width
/// 32 instead of 64, 20 epochs (10), AdamW at lr 0.001, no augmentation.
///
/// They were chosen from runs on the phantom on a 2-core machine (release build): from
/// scratch, on 113 training images and so few epochs, SGD at lr 0.01 stayed near chance, and
/// with augmentation ResNet-50 did not fit even in 40 epochs (train accuracy 0.63), while
/// AdamW without augmentation trained both. The full demo took 3 min 12 s and `--quick`
/// 71 s there; `run` keeps the study's settings.
public struct DemoPreset: Sendable {
    public var quick: Bool
    public var gist: Int
    public var lm: Int
    /// Side of the phantom images.
    public var synthSize: Int
    public var training: TrainingSettings

    public init(quick: Bool) {
        self.quick = quick
        gist = 69
        lm = 73
        synthSize = 256
        var training = TrainingSettings.study
        training.width = 32
        training.imageSize = quick ? 96 : 128
        training.epochs = quick ? 10 : 20
        training.augment = false
        self.training = training
    }
}

public struct DemoJob: Sendable {
    public var out: URL
    public var preset: DemoPreset
    public var training: TrainingSettings
    /// Overrides the phantom's 142 cases (split evenly, GIST first): for tiny test runs.
    public var cases: Int?
    public var synthSize: Int?
    public var resume: Bool

    public init(out: URL, preset: DemoPreset, training: TrainingSettings, cases: Int?, synthSize: Int?, resume: Bool) {
        self.out = out
        self.preset = preset
        self.training = training
        self.cases = cases
        self.synthSize = synthSize
        self.resume = resume
    }
}

public enum Demo {
    /// Makes the phantom in `<out>.work/phantom`, then runs the pipeline on it.
    public static func run(_ job: DemoJob) throws -> PipelineOutcome {
        try Pipeline.checkWritable(job.out)
        var gist = job.preset.gist, lm = job.preset.lm
        if let cases = job.cases {
            guard cases >= 20 else {
                throw UserError("--cases must be at least 20 (the evaluation needs 2 validation cases of each class), got \(cases)")
            }
            gist = (cases + 1) / 2
            lm = cases / 2
        }
        let size = job.synthSize ?? job.preset.synthSize
        let seed = job.training.seed
        var pipeline = PipelineJob(
            data: URL(fileURLWithPath: "/"), out: job.out, architectures: [.resnet34, .resnet50], split: nil,
            splitSettings: SplitSettings(ratio: 0.8, seed: seed), training: job.training, cam: CAMSettings(),
            threshold: 0.5, positiveClass: "GIST", resume: job.resume)
        let phantom = pipeline.workFolder.appendingPathComponent("phantom")
        pipeline.data = phantom
        let fingerprint = pipeline.fingerprint + "|synth \(gist) \(lm) \(size) \(seed)"
        let runner = try StepRunner(workFolder: pipeline.workFolder, fingerprint: fingerprint, resume: job.resume)
        do {
            try runner.step("synth") {
                try DataSteps.synthesize(gist: gist, lm: lm, size: size, seed: seed, to: phantom)
            }
            return try Pipeline.run(pipeline, runner: runner, synthetic: true)
        } catch {
            runner.discardIfNothingFinished()
            throw error
        }
    }
}
