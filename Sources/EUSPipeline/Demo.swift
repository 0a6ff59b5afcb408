import Foundation
import EUSReport
import EUSStats
import EUSSupport

/// The settings of `demo`: the study's design (142 cases, 8:2 split, ResNet-34 vs ResNet-50)
/// and the study's recipe (EUS-aware augmentation, AdamW with weight decay on the weights,
/// warm-up then cosine, label smoothing, an EMA of the weights, a fixed number of epochs),
/// made small enough to finish in about 6 minutes on a 2-core machine: 160 px inputs, base
/// width 32 instead of 64, 60 epochs (`--quick`: 96 px, 24 epochs, about 1½ minutes).
///
/// 160 px rather than 128: torchvision's ResNet-50 trained with this recipe on phantom seed 1
/// reached validation accuracy 0.76 (AUC 0.89) at 160 px against 0.66 (0.78) at 128 px
/// without the intensity jitter, and its layer3 Grad-CAM put 5.6× the mask's area of energy in
/// the lesion (scripts/learning_baseline_torch.py).
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
        training.imageSize = quick ? 96 : 160
        training.epochs = quick ? 24 : 60
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
    public var testTimeAugmentation: Bool
    /// k-fold cross-validation instead of the study's hold-out (`--folds`).
    public var folds: FoldSettings?
    /// The report's subgroups: by default the phantom's scanner type and lesion size (its
    /// long semi-axis in pixels, cut at the median).
    public var subgroups: [SubgroupRequest] = Demo.defaultSubgroups
    /// `demo --screen-capture`: the phantom drawn into processor-like frames (`ScreenCapture`).
    public var screenCapture = false

    public init(out: URL, preset: DemoPreset, training: TrainingSettings, cases: Int?, synthSize: Int?, resume: Bool,
                testTimeAugmentation: Bool = false) {
        self.testTimeAugmentation = testTimeAugmentation
        self.out = out
        self.preset = preset
        self.training = training
        self.cases = cases
        self.synthSize = synthSize
        self.resume = resume
    }
}

public enum Demo {
    /// The phantom manifest's `scanner` (radial or linear) and `semi_axis_along_px` (the
    /// lesion's long semi-axis, a lesion-size column), cut at the median.
    public static let defaultSubgroups = [SubgroupRequest(column: "scanner"), SubgroupRequest(column: "semi_axis_along_px")]

    /// Makes the phantom in `<out>.work/phantom`, then runs the pipeline on it.
    public static func run(_ job: DemoJob) throws -> PipelineOutcome {
        try Pipeline.checkWritable(job.out)
        try OutputLock.acquire(job.out)
        var gist = job.preset.gist, lm = job.preset.lm
        if let cases = job.cases {
            let least = max(20, 2 * (job.folds?.count ?? 0))
            guard cases >= least else {
                throw UserError("--cases must be at least \(least) (the evaluation needs 2 validation cases of each class\(job.folds == nil ? "" : ", and every fold one")), got \(cases)")
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
        pipeline.testTimeAugmentation = job.testTimeAugmentation
        pipeline.folds = job.folds
        pipeline.subgroups = job.subgroups
        let phantom = pipeline.workFolder.appendingPathComponent("phantom")
        pipeline.data = phantom
        let fingerprint = pipeline.fingerprint + "|synth \(gist) \(lm) \(size) \(seed)" + (job.screenCapture ? " screen-capture" : "")
        let runner = try StepRunner(workFolder: pipeline.workFolder, fingerprint: fingerprint, resume: job.resume)
        do {
            try runner.step("synth") {
                try DataSteps.synthesize(gist: gist, lm: lm, size: size, seed: seed, to: phantom, screenCapture: job.screenCapture)
            }
            return try Pipeline.run(pipeline, runner: runner, synthetic: true)
        } catch {
            runner.discardIfNothingFinished()
            throw error
        }
    }
}
