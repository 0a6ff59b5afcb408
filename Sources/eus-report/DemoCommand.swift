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
        output/demo. The settings are chosen to finish in under 10 minutes on a 2-core \
        machine (--quick: under 2 minutes) and are listed in the report; they are smaller \
        than the study's (see `eus-report run --help`): 128 px inputs, base width 32, AdamW \
        at lr 0.001, 20 epochs, no augmentation (--quick: 96 px, 10 epochs). Any training \
        option overrides them, e.g. --augment, --optimizer sgd or --epochs 40.

        Rerun with --resume after Ctrl-C to continue from the last finished step and epoch.

        Example:
          eus-report demo --quick
        """
    )

    @Option(help: "The report folder.")
    var out: String = "output/demo"

    @Flag(help: "Smaller images and fewer epochs: a first look in under 2 minutes.")
    var quick = false

    @Flag(help: "Continue an interrupted demo from its last finished step and epoch.")
    var resume = false

    @Option(help: ArgumentHelp("Phantom cases (split evenly between the classes, GIST first).", visibility: .hidden))
    var cases: Int?

    @Option(name: .customLong("synth-size"), help: ArgumentHelp("Side of the phantom images in pixels.", visibility: .hidden))
    var synthSize: Int?

    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        output.apply()
        let preset = DemoPreset(quick: quick)
        let settings = try training.settings(defaults: preset.training)
        let job = DemoJob(out: URL(fileURLWithPath: out), preset: preset, training: settings,
                          cases: cases, synthSize: synthSize, resume: resume)
        let outcome = try Demo.run(job)
        print(outcome.summary)
    }
}
