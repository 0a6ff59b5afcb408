import ArgumentParser
import Foundation
import EUSModels
import EUSPipeline

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with trained weights and write one model's predictions CSV.",
        discussion: """
        Runs the network in eval mode (BatchNorm folded into the convolutions) on every case, \
        or on one partition of a split.csv. The CSV has the columns \
        case_id,path,label,logit_0,logit_1,p_positive,predicted: logit_i belongs to class \
        index i (classes in sorted order, as torchvision's ImageFolder), p_positive is the \
        softmax probability of the positive class, predicted is the class with P >= 0.5.

        With --cam-dir, a Grad-CAM map is written per case as <case_id>.npy (float32, the \
        network's input size) and <case_id>.png (the overlay on the original image), and the \
        CSV gains cam_energy_in_mask,cam_pointing_hit (empty without a lesion mask).

        The base width is read from the weights, so any torchvision ResNet of the named \
        architecture loads; weights of another architecture stop with the tensor that differs.

        Example:
          eus-report predict data/ --arch resnet34 \\
            --weights runs/r34/model.safetensors --split split.csv \\
            --partition validation --out pred.csv --cam-dir cams/
        """
    )

    @Argument(help: "The images: a folder with one sub-folder per class, or a CSV manifest.")
    var data: String

    @Option(help: "resnet18, resnet34 or resnet50.")
    var arch: Architecture

    @Option(help: "The weights: safetensors or a torch.save .pth/.pt, with torchvision names.")
    var weights: String

    @Option(help: "The predictions CSV to write.")
    var out: String

    @Option(help: "A split.csv; with --partition, only that partition is predicted.")
    var split: String?

    @Option(help: "train or validation (used with --split).")
    var partition: String = "validation"

    @Option(name: .customLong("image-size"), help: "Side of the square network input in pixels.")
    var imageSize: Int = 224

    @Option(name: .customLong("cam-dir"), help: "Write Grad-CAM maps (.npy) and overlays (.png) here.")
    var camDir: String?

    @OptionGroup var cam: CAMOptions
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var classes: ClassOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard ["train", "validation"].contains(partition) else {
            throw ValidationError("--partition must be train or validation, got '\(partition)'")
        }
        guard imageSize >= 32 else { throw ValidationError("--image-size must be at least 32, got \(imageSize)") }
    }

    func run() throws {
        output.apply()
        try classes.apply()
        let job = PredictionJob(
            data: URL(fileURLWithPath: data), arch: arch, weights: URL(fileURLWithPath: weights),
            split: split.map { URL(fileURLWithPath: $0) }, partition: split == nil ? nil : partition,
            imageSize: imageSize, positiveClass: classes.positive,
            cam: camDir == nil ? nil : try cam.settings(), camDirectory: camDir.map { URL(fileURLWithPath: $0) },
            out: URL(fileURLWithPath: out), testTimeAugmentation: prediction.testTimeAugmentation)
        let summary = try Predictor.predictToFile(job)
        print("wrote \(out) (\(summary.cases) cases, accuracy \(String(format: "%.3f", summary.accuracy)))")
    }
}
