import ArgumentParser
import Foundation
import EUSModels
import EUSPipeline
import EUSReport

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a ResNet on the training partition and write a run folder.",
        discussion: """
        Trains on the cases that split.csv puts in `train` (without --split, a stratified 8:2 \
        split is made with --seed and written into the run folder). Shuffling, augmentation \
        and the initial weights are seeded: the same seed on the same machine gives the same \
        weights.

        The run folder holds model.safetensors (torchvision state_dict names: it loads into \
        torchvision with load_state_dict), history.csv (epoch,train_loss,train_accuracy,lr,\
        seconds), config.json (every setting) and checkpoint.safetensors + checkpoint.json, \
        which --resume continues from after the last finished epoch.

        --init starts from other weights: safetensors, or a torch.save file (.pth/.pt) of a \
        state_dict, read without Python (only tensors and dicts are accepted from its pickle; \
        nothing in it is run). An fc of another shape is re-initialised with a warning. \
        `--init imagenet` takes torchvision's ImageNet weights from $TORCH_HOME/hub/checkpoints \
        or ~/.cache/torch/hub/checkpoints (resnet34-b627a593.pth, resnet50-11ad3fa6.pth or \
        resnet50-0676ba61.pth) and says which file to download when it is absent; they have \
        base width 64 (the study's), and the report says the networks were initialised from \
        ImageNet weights.

        Example:
          eus-report train data/ --arch resnet34 --split split.csv \\
            --out runs/r34 --epochs 20
        """
    )

    @Argument(help: "The images: a folder with one sub-folder per class, or a CSV manifest.")
    var data: String

    @Option(help: "resnet18, resnet34 or resnet50.")
    var arch: Architecture

    @Option(help: "The run folder to write.")
    var out: String

    @Option(help: "A split.csv (case_id,label,partition); only `train` cases are used.")
    var split: String?

    @Option(help: "Initial weights: safetensors or a torch.save .pth/.pt with torchvision names, or `imagenet`.")
    var `init`: String?

    @Flag(help: "Continue an interrupted run in --out from its last finished epoch.")
    var resume = false

    @OptionGroup var training: TrainingOptions
    @OptionGroup var splitting: SplitOptions
    @OptionGroup var classes: ClassOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        output.apply()
        try classes.apply()
        let settings = try training.settings(defaults: .study)
        let job = TrainingJob(
            data: URL(fileURLWithPath: data), split: split.map { URL(fileURLWithPath: $0) },
            splitSettings: SplitSettings(ratio: splitting.ratio, seed: settings.seed),
            arch: arch, settings: settings, out: URL(fileURLWithPath: out),
            initWeights: try InitWeights.url(self.`init`, arch: arch), resume: resume,
            positiveClass: classes.positive)
        let result = try Trainer.train(job)
        print("wrote \(result.runFolder.path) (\(result.epochs) epochs, final loss \(String(format: "%.4f", result.finalLoss)), \(String(format: "%.1f", result.seconds)) s)")
    }
}
