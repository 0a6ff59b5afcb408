import ArgumentParser
import Foundation
import EUSModels
import EUSPipeline
import EUSReport

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "From your images to the report: split, train ResNet-34 and ResNet-50, evaluate, report.",
        discussion: """
        DATA is a folder with one sub-folder per class (GIST/, LM/, optional masks/<case_id>.png) \
        or a CSV manifest case_id,path,label[,mask_path][,patient_id]. The defaults are the \
        study's: a stratified 8:2 split, 224 px, 60 epochs, batch 16; EUS-aware augmentation \
        (radial scans rotated about the transducer by any angle, sectors tilted ±10°, flips, \
        crops, gain, dynamic range, contrast and gamma; --scanner says which kind your images \
        are when detection should not decide); AdamW at lr 0.001 with weight decay 0.05 on the \
        weights (not on BatchNorm or biases), 3 warm-up epochs then cosine, label smoothing \
        0.1, and an exponential moving average of the weights, which is what is evaluated. \
        Training runs a fixed number of epochs: no validation case is seen before evaluation. \
        Every option of split, train and evaluate passes through.

        With --folds K, the design is k-fold cross-validation instead: both networks train on \
        K − 1 folds and predict the held-out one, fold by fold (--repeats R draws the folds R \
        times); the report's statistics are per fold, across folds (the corrected resampled \
        t-test compares the networks) and pooled over the out-of-fold predictions, and its \
        gallery shows every case once per network.

        Work in progress is kept in <out>.work/ (split.csv, runs/, eval/, state.json); the \
        report at <out> is replaced only at the very end, so an interrupted or failed run \
        leaves the previous report intact. Rerun with --resume to continue from the last \
        finished step and epoch.

        Example:
          eus-report run my-images/ --out output/study --epochs 40
          eus-report run my-images/ --out output/study-cv --folds 5
        """
    )

    @Argument(help: "The images: a folder with one sub-folder per class, or a CSV manifest.")
    var data: String

    @Option(help: "The report folder (default: output/<name of DATA>).")
    var out: String?

    @Option(name: .customLong("arch"), help: "The architectures to train and compare.")
    var architectures: [Architecture] = [.resnet34, .resnet50]

    @Option(help: "Use this split.csv (or, with --folds, this folds.csv) instead of making one.")
    var split: String?

    @Flag(help: "Continue an interrupted run from its last finished step and epoch.")
    var resume = false

    @Option(parsing: .unconditional, help: "Decision threshold on P(positive).")
    var threshold: Double = 0.5

    @OptionGroup var training: TrainingOptions
    @OptionGroup var splitting: SplitOptions
    @OptionGroup var folding: FoldOptions
    @OptionGroup var cam: CAMOptions
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var classes: ClassOptions
    @OptionGroup var subgroups: SubgroupOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var readerOptions: ReaderOptions

    func run() throws {
        output.apply()
        try classes.apply()
        let dataURL = URL(fileURLWithPath: data)
        let name = dataURL.deletingPathExtension().lastPathComponent
        let settings = try training.settings(defaults: .study)
        var job = PipelineJob(
            data: dataURL, out: URL(fileURLWithPath: out ?? "output/\(name)"), architectures: architectures,
            split: split.map { URL(fileURLWithPath: $0) },
            splitSettings: SplitSettings(ratio: splitting.ratio, seed: settings.seed),
            training: settings, cam: try cam.settings(), threshold: threshold,
            positiveClass: classes.positive, resume: resume)
        job.testTimeAugmentation = prediction.testTimeAugmentation
        job.folds = folding.settings(seed: settings.seed)
        job.readers = try readerOptions.holdOutReaders(folds: job.folds != nil)
        job.subgroups = try subgroups.requests()
        let outcome = try Pipeline.run(job)
        print(outcome.summary)
    }
}
