import ArgumentParser
import Foundation
import EUSPipeline

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole study on the synthetic EUS phantom: 142 cases to an HTML and PDF report.",
        discussion: """
        Makes the phantom (69 GIST, 73 LM at the phantom's defaults), splits it 8:2, trains \
        ResNet-34 and ResNet-50, evaluates both with Grad-CAM and writes the report to \
        output/demo. The recipe is the study's (see `eus-report run --help`): EUS-aware \
        augmentation (radial scans rotated about the transducer by any angle, sectors tilted \
        ±10°, flips, crops, gain, dynamic range, contrast and gamma), AdamW with weight decay \
        on the weights, warm-up then cosine, label smoothing 0.1 and an EMA of the weights, \
        for a fixed number of epochs; no validation case is seen in training. It is made \
        smaller to finish in about 6 minutes on a 2-core machine: 160 px inputs, base width \
        32, 60 epochs (--quick: 96 px, 24 epochs, about 1½ minutes). Every option below \
        overrides it, and the report lists what was used.

        The report's Subgroups section splits the validation cases by the phantom \
        manifest's scanner (radial or linear) and lesion size (semi_axis_along_px, the \
        lesion's long semi-axis, cut at the median); --subgroup COLUMN replaces these.

        Rerun with --resume after Ctrl-C to continue from the last finished step and epoch.

        Example:
          eus-report demo --quick
          eus-report demo --folds 5        # the same phantom, 5-fold cross-validated
        """
    )

    @Option(help: "The report folder.")
    var out: String = "output/demo"

    @Flag(help: "Smaller images and fewer epochs: a first look in under 2 minutes.")
    var quick = false

    @Flag(help: "Continue an interrupted demo from its last finished step and epoch.")
    var resume = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Phantom cases (split evenly between the classes, GIST first).", visibility: .hidden))
    var cases: Int?

    @Option(name: .customLong("synth-size"), help: ArgumentHelp("Side of the phantom images in pixels.", visibility: .hidden))
    var synthSize: Int?

    @Flag(name: .customLong("screen-capture"), help: "Run the study from the phantom drawn into 1280x1024 processor-like frames with burned-in text (see `synth --screen-capture`); each scan is found again by --crop auto.")
    var screenCapture = false

    @OptionGroup var training: TrainingOptions
    @OptionGroup var folding: FoldOptions
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var subgroups: SubgroupOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        output.apply()
        let preset = DemoPreset(quick: quick)
        let settings = try training.settings(defaults: preset.training)
        var job = DemoJob(out: URL(fileURLWithPath: out), preset: preset, training: settings,
                          cases: cases, synthSize: synthSize, resume: resume,
                          testTimeAugmentation: prediction.testTimeAugmentation)
        job.folds = folding.settings(seed: settings.seed)
        if !subgroups.subgroup.isEmpty { job.subgroups = try subgroups.requests() }
        job.screenCapture = screenCapture
        let outcome = try Demo.run(job)
        print(outcome.summary)
    }
}
