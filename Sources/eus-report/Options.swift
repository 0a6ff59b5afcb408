import ArgumentParser
import EUSPipeline
import EUSSupport

extension Architecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

/// `--quiet`: no progress output (also `EUS_REPORT_QUIET=1`).
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print no progress on stderr (errors still appear).")
    var quiet = false

    func apply() {
        if quiet { Progress.enabled = false }
    }
}

/// How a network is trained. Every option falls back to the command's defaults, which are the
/// study's for `train` and `run` and faster ones for `demo`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Training epochs (default: 30; demo: 20, --quick 10).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Images per batch (default: 16).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Peak learning rate (default: 0.01 for sgd, 0.001 for adamw).")
    var learningRate: Double?

    @Option(help: "adamw or sgd (momentum 0.9) (default: adamw).")
    var optimizer: OptimizerKind?

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay (default: 1e-4).")
    var weightDecay: Double?

    @Option(help: "Learning-rate schedule: cosine (to zero over all epochs) or constant (default: cosine).")
    var schedule: String?

    @Option(name: .customLong("image-size"), help: "Side of the square network input in pixels (default: 224; demo: 128, --quick 96).")
    var imageSize: Int?

    @Option(help: "Seed for the split, initial weights, shuffling and augmentation (default: 1).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("ResNet base width: 64 is torchvision's; smaller is for quick tests.", visibility: .hidden))
    var width: Int?

    @Flag(inversion: .prefixedNo, help: "Augment training images: flip, rotation, scale/crop, brightness, contrast, gamma (default: on; demo: off).")
    var augment: Bool?

    /// `defaults` overridden by whatever was given on the command line.
    func settings(defaults: TrainingSettings) throws -> TrainingSettings {
        var settings = defaults
        if let optimizer {
            settings.optimizer = optimizer
            settings.learningRate = optimizer.defaultLearningRate
        }
        if let epochs { settings.epochs = epochs }
        if let batchSize { settings.batchSize = batchSize }
        if let learningRate { settings.learningRate = learningRate }
        if let weightDecay { settings.weightDecay = weightDecay }
        if let schedule { settings.schedule = schedule }
        if let imageSize { settings.imageSize = imageSize }
        if let seed { settings.seed = seed }
        if let width { settings.width = width }
        if let augment { settings.augment = augment }
        try settings.validate()
        return settings
    }
}

/// Which class is positive.
struct ClassOptions: ParsableArguments {
    @Option(help: "The positive class (default: GIST when present, else the first class in sorted order).")
    var positive: String?
}

/// How Grad-CAM maps are made.
struct CAMOptions: ParsableArguments {
    @Option(help: "gradcam or gradcampp (Grad-CAM++).")
    var cam: String = "gradcam"

    @Option(name: .customLong("cam-target"), help: "The class explained: positive, predicted, or a class index.")
    var camTarget: String = "positive"

    @Option(name: .customLong("cam-layer"), help: "The ResNet block whose activations are used (default: the last block of layer4).")
    var camLayer: String?

    @Option(name: .customLong("cam-alpha"), help: "Opacity of the heat map over the image, 0 to 1.")
    var camAlpha: Double = 0.5

    func settings() throws -> CAMSettings {
        let settings = CAMSettings(method: cam, target: camTarget, layer: camLayer, alpha: camAlpha)
        try settings.validate()
        return settings
    }
}

/// How the data are split when no split.csv is given.
struct SplitOptions: ParsableArguments {
    @Option(help: "Share of each class that goes to training (default: 0.8).")
    var ratio: Double = 0.8
}
