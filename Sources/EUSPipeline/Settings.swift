import Foundation
import EUSReport
import EUSSupport
import EUSData
import EUSGradCAM
import EUSModels

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd, adamw

    /// The learning rate used when none is given: 0.01 for SGD with momentum, 0.001 for AdamW.
    public var defaultLearningRate: Double { self == .sgd ? 0.01 : 0.001 }
}

/// Everything that decides how a network is trained, written whole into `config.json`.
public struct TrainingSettings: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: OptimizerKind
    /// SGD momentum (ignored by AdamW, which uses β = (0.9, 0.999)).
    public var momentum: Double
    /// Applied to convolution and fc weights only, not to BatchNorm or biases.
    public var weightDecay: Double
    /// The learning-rate schedule after the warm-up: `cosine` (to 0 at the last step) or `constant`.
    public var schedule: LRSchedule
    public var imageSize: Int
    public var seed: UInt64
    /// The base width of the ResNet (64 in torchvision; smaller for tiny tests).
    public var width: Int
    public var augment: Bool
    /// The augmentation's ranges, used when `augment` is on.
    public var augmentation: Augmentation
    /// ε of the label-smoothed cross-entropy.
    public var labelSmoothing: Double
    /// Epochs of linear learning-rate warm-up, from lr/steps to lr, before the schedule.
    public var warmupEpochs: Int
    /// Per-step decay of the exponential moving average of the weights that is saved and
    /// evaluated; 0 saves the last weights instead.
    public var emaDecay: Double

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", learningRate = "lr", optimizer, momentum
        case weightDecay = "weight_decay", schedule, imageSize = "image_size", seed, width, augment
        case augmentation, labelSmoothing = "label_smoothing", warmupEpochs = "warmup_epochs", emaDecay = "ema_decay"
    }

    /// The study's settings: 224 px, batch 16, 60 epochs, full-width networks, EUS-aware
    /// augmentation, AdamW at lr 0.001 (weight decay 0.05 on the weights), 3 epochs of
    /// warm-up then cosine, label smoothing 0.1 and an EMA of the weights (decay 0.99).
    ///
    /// AdamW rather than SGD because, trained from scratch on the phantom's 113 training images
    /// (ResNet-34, 128 px, 20 epochs), SGD with momentum 0.9 at lr 0.01 stayed at chance
    /// (validation accuracy 0.517, training accuracy 0.51) while AdamW reached 0.690 (AUC 0.82).
    /// `--optimizer sgd` keeps SGD available, e.g. for fine-tuning ImageNet weights (`--init`).
    public static let study = TrainingSettings(
        epochs: 60, batchSize: 16, learningRate: 0.001, optimizer: .adamw, momentum: 0.9,
        weightDecay: 0.05, schedule: .cosine, imageSize: 224, seed: 1, width: 64, augment: true)

    public init(epochs: Int, batchSize: Int, learningRate: Double, optimizer: OptimizerKind,
                momentum: Double, weightDecay: Double, schedule: LRSchedule, imageSize: Int,
                seed: UInt64, width: Int, augment: Bool, augmentation: Augmentation = .standard,
                labelSmoothing: Double = 0.1, warmupEpochs: Int = 3, emaDecay: Double = 0.99) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.imageSize = imageSize
        self.seed = seed
        self.width = width
        self.augment = augment
        self.augmentation = augmentation
        self.labelSmoothing = labelSmoothing
        self.warmupEpochs = warmupEpochs
        self.emaDecay = emaDecay
    }

    /// Settings written before the recipe's later parts existed read as having none of them.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
                  learningRate: try c.decode(Double.self, forKey: .learningRate),
                  optimizer: try c.decode(OptimizerKind.self, forKey: .optimizer),
                  momentum: try c.decode(Double.self, forKey: .momentum), weightDecay: try c.decode(Double.self, forKey: .weightDecay),
                  schedule: try c.decode(LRSchedule.self, forKey: .schedule), imageSize: try c.decode(Int.self, forKey: .imageSize),
                  seed: try c.decode(UInt64.self, forKey: .seed), width: try c.decode(Int.self, forKey: .width),
                  augment: try c.decode(Bool.self, forKey: .augment),
                  augmentation: try c.decodeIfPresent(Augmentation.self, forKey: .augmentation) ?? .standard,
                  labelSmoothing: try c.decodeIfPresent(Double.self, forKey: .labelSmoothing) ?? 0,
                  warmupEpochs: try c.decodeIfPresent(Int.self, forKey: .warmupEpochs) ?? 0,
                  emaDecay: try c.decodeIfPresent(Double.self, forKey: .emaDecay) ?? 0)
    }

    /// A `UserError` for settings that cannot train.
    public func validate() throws {
        guard epochs >= 1 else { throw UserError("--epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw UserError("--batch-size must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw UserError("--lr must be positive, got \(learningRate)") }
        guard imageSize >= 32 else { throw UserError("--image-size must be at least 32 (the ResNet downsamples 32 times), got \(imageSize)") }
        guard width >= 1 else { throw UserError("--width must be at least 1, got \(width)") }
        guard weightDecay >= 0 else { throw UserError("--weight-decay must not be negative, got \(weightDecay)") }
        guard (0..<1).contains(labelSmoothing) else { throw UserError("--label-smoothing must lie in [0, 1), got \(labelSmoothing)") }
        guard warmupEpochs >= 0, warmupEpochs < epochs else {
            throw UserError("--warmup-epochs must lie in [0, --epochs), got \(warmupEpochs) of \(epochs)")
        }
        guard (0..<1).contains(emaDecay) else { throw UserError("--ema must lie in [0, 1) (0 turns it off), got \(emaDecay)") }
    }

    /// The recipe in words, one line per part, for the report's Training section and the logs.
    public var recipe: [String] {
        func f(_ x: Double) -> String { String(format: "%g", x) }
        let decay: String
        switch schedule {
        case .cosine: decay = "cosine decay to 0"
        case .constant: decay = "constant"
        }
        var lines = ["\(optimizer == .adamw ? "AdamW" : "SGD with momentum \(f(momentum))") at peak lr \(f(learningRate)), batch \(batchSize), \(epochs) epochs (fixed; no early stopping)",
                     "learning rate: \(warmupEpochs > 0 ? "linear warm-up over \(warmupEpochs) epochs, then " : "")\(decay), stepped every batch",
                     "weight decay \(f(weightDecay)) on convolution and fc weights, none on BatchNorm or biases",
                     labelSmoothing > 0 ? "label smoothing ε = \(f(labelSmoothing))" : "no label smoothing",
                     emaDecay > 0 ? "exponential moving average of the weights (decay \(f(emaDecay)) per step), which is saved and evaluated" : "the last weights are saved and evaluated",
                     "input \(imageSize)×\(imageSize) px, base width \(width), seed \(seed)"]
        lines.append(augment ? "augmentation: " + augmentation.description.joined(separator: "; ") : "no augmentation")
        return lines
    }
}

/// How the Grad-CAM maps of `predict --cam-dir` and `evaluate` are made.
public struct CAMSettings: Codable, Equatable, Sendable {
    public var method: CAMMethod
    /// The class explained.
    public var target: CAMTarget
    /// A ResNet block such as `layer4.2`; nil chooses by input size (`defaultLayer`).
    public var layer: String?
    /// The colormap's opacity in the overlay.
    public var alpha: Double

    public init(method: CAMMethod = .gradCAM, target: CAMTarget = .positive, layer: String? = nil, alpha: Double = 0.5) {
        self.method = method
        self.target = target
        self.layer = layer
        self.alpha = alpha
    }

    /// The block whose maps are explained when none is named: pytorch-grad-cam's usual
    /// `layer4[-1]` from 224 px up, where layer4's activations are at least 7×7; below that,
    /// `layer3[-1]`, whose maps are twice as fine. At the demo's 128 px layer4 is 4×4, and a
    /// GIST mask covers about 4% of the image, less than one of its cells: torchvision's
    /// ResNet-34 trained with the demo's recipe put 8.8% of its layer4 map's energy in the
    /// mask (2.1× the mask's area) with a pointing-game rate of 0.29, against 24% (5.8×) and
    /// 0.79 at layer3 (phantom seed 1, 160 px; scripts/learning_baseline_torch.py).
    public static func defaultLayer(imageSize: Int) -> String {
        imageSize >= 224 ? "layer4[-1]" : "layer3[-1]"
    }

    public func validate() throws {
        guard alpha >= 0, alpha <= 1 else { throw UserError("--cam-alpha must lie in [0, 1], got \(alpha)") }
    }
}

extension SplitSettings {
    /// The split in `url`, read rather than made.
    public static func given(_ url: URL) -> SplitSettings {
        var settings = SplitSettings(method: "given: \(url.standardizedFileURL.path)")
        (settings.ratio, settings.seed) = (nil, nil)
        return settings
    }

    /// The stratified split of `dataset` these settings make; only settings that make one
    /// (not `given`) are asked.
    func split(of dataset: Dataset) -> Split {
        guard let ratio, let seed else { preconditionFailure("SplitSettings: '\(method)' is a given split, not one to make") }
        return Split.stratified(dataset, ratio: ratio, seed: seed)
    }
}
