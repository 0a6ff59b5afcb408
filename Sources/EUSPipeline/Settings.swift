import Foundation
import EUSSupport

/// The network architectures EUSReport trains: torchvision's ResNets with a 2-class `fc`.
public enum Architecture: String, Codable, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50

    /// Parses a name such as `resnet34`; a `UserError` listing the choices otherwise.
    public init(parsing name: String) throws {
        guard let value = Architecture(rawValue: name.lowercased()) else {
            throw UserError("unknown architecture '\(name)' (choose resnet18, resnet34 or resnet50)")
        }
        self = value
    }
}

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
    public var weightDecay: Double
    /// The learning-rate schedule: `cosine` (to 0 over all epochs) or `constant`.
    public var schedule: String
    public var imageSize: Int
    public var seed: UInt64
    /// The base width of the ResNet (64 in torchvision; smaller for tiny tests).
    public var width: Int
    public var augment: Bool

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", learningRate = "lr", optimizer, momentum
        case weightDecay = "weight_decay", schedule, imageSize = "image_size", seed, width, augment
    }

    /// The study's settings: 224 px, batch 16, 30 epochs, full-width networks, augmentation on,
    /// AdamW at lr 0.001 on a cosine schedule with weight decay 1e-4.
    ///
    /// AdamW rather than SGD because, trained from scratch on the phantom's 113 training images
    /// (ResNet-34, 128 px, 20 epochs), SGD with momentum 0.9 at lr 0.01 stayed at chance
    /// (validation accuracy 0.517, training accuracy 0.51) while AdamW reached 0.690 (AUC 0.82).
    /// `--optimizer sgd` keeps SGD available, e.g. for fine-tuning ImageNet weights (`--init`).
    public static let study = TrainingSettings(
        epochs: 30, batchSize: 16, learningRate: 0.001, optimizer: .adamw, momentum: 0.9,
        weightDecay: 1e-4, schedule: "cosine", imageSize: 224, seed: 1, width: 64, augment: true)

    public init(epochs: Int, batchSize: Int, learningRate: Double, optimizer: OptimizerKind,
                momentum: Double, weightDecay: Double, schedule: String, imageSize: Int,
                seed: UInt64, width: Int, augment: Bool) {
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
    }

    /// A `UserError` for settings that cannot train.
    public func validate() throws {
        guard epochs >= 1 else { throw UserError("--epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw UserError("--batch-size must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw UserError("--lr must be positive, got \(learningRate)") }
        guard imageSize >= 32 else { throw UserError("--image-size must be at least 32 (the ResNet downsamples 32 times), got \(imageSize)") }
        guard width >= 1 else { throw UserError("--width must be at least 1, got \(width)") }
        guard weightDecay >= 0 else { throw UserError("--weight-decay must not be negative, got \(weightDecay)") }
        guard ["cosine", "constant"].contains(schedule) else { throw UserError("--schedule must be cosine or constant, got '\(schedule)'") }
    }
}

/// How the Grad-CAM maps of `predict --cam-dir` and `evaluate` are made.
public struct CAMSettings: Codable, Equatable, Sendable {
    /// `gradcam` or `gradcampp`.
    public var method: String
    /// `positive`, `predicted` or a class index.
    public var target: String
    /// A ResNet block such as `layer4.2` (torchvision's `layer4[-1]` for ResNet-34/50).
    public var layer: String?
    /// The colormap's opacity in the overlay.
    public var alpha: Double

    public init(method: String = "gradcam", target: String = "positive", layer: String? = nil, alpha: Double = 0.5) {
        self.method = method
        self.target = target
        self.layer = layer
        self.alpha = alpha
    }

    public func validate() throws {
        guard ["gradcam", "gradcampp"].contains(method) else {
            throw UserError("--cam must be gradcam or gradcampp, got '\(method)'")
        }
        guard ["positive", "predicted"].contains(target) || Int(target).map({ $0 >= 0 && $0 < 2 }) == true else {
            throw UserError("--cam-target must be positive, predicted, 0 or 1, got '\(target)'")
        }
        guard alpha >= 0, alpha <= 1 else { throw UserError("--cam-alpha must lie in [0, 1], got \(alpha)") }
    }
}

/// How the data are split: the study's 8:2 stratified single hold-out by default.
public struct SplitSettings: Codable, Equatable, Sendable {
    public var ratio: Double
    public var seed: UInt64
    public var method: String

    public init(ratio: Double = 0.8, seed: UInt64 = 1, method: String = "stratified single hold-out") {
        self.ratio = ratio
        self.seed = seed
        self.method = method
    }
}
