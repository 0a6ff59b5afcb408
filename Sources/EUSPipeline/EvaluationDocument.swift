import Foundation

/// The shape of `eval.json` in an evaluation folder (docs/formats.md): what was evaluated, on
/// which data and split, with which software, and how long each step took. `report` reads it
/// for the data-flow diagram, the training section and the reproducibility section.
public struct EvaluationDocument: Codable, Equatable, Sendable {
    public var data: DataSummary
    public var split: SplitSettings
    public var models: [ModelSummary]
    public var cam: CAMSummary
    public var threshold: Double
    /// How the threshold was chosen, for the report.
    public var thresholdSource: String
    public var seed: UInt64
    public var software: SoftwareVersions
    public var machine: MachineDescription
    public var steps: [StepTiming]
    /// Whether P(positive) is the mean over test-time views (`--tta`); nil in older files.
    public var testTimeAugmentation: Bool?

    public init(data: DataSummary, split: SplitSettings, models: [ModelSummary], cam: CAMSummary,
                threshold: Double, thresholdSource: String, seed: UInt64, software: SoftwareVersions,
                machine: MachineDescription, steps: [StepTiming], testTimeAugmentation: Bool = false) {
        self.testTimeAugmentation = testTimeAugmentation
        self.data = data
        self.split = split
        self.models = models
        self.cam = cam
        self.threshold = threshold
        self.thresholdSource = thresholdSource
        self.seed = seed
        self.software = software
        self.machine = machine
        self.steps = steps
    }

    enum CodingKeys: String, CodingKey {
        case data, split, models, cam, threshold, thresholdSource = "threshold_source", seed, software, machine, steps
        case testTimeAugmentation = "test_time_augmentation"
    }

    public struct DataSummary: Codable, Equatable, Sendable {
        public var root: String
        /// True for the built-in phantom (its manifest says so), false for real images.
        public var synthetic: Bool
        public var positiveClass: String
        public var negativeClass: String
        /// Cases per partition per class: `counts["train"]["GIST"]`.
        public var counts: [String: [String: Int]]
        /// Files in the data folder that were skipped (hidden files, non-images).
        public var excluded: Int
        /// SHA-256 of every image file, by case id.
        public var imageSHA256: [String: String]

        public init(root: String, synthetic: Bool, positiveClass: String, negativeClass: String,
                    counts: [String: [String: Int]], excluded: Int, imageSHA256: [String: String]) {
            self.root = root
            self.synthetic = synthetic
            self.positiveClass = positiveClass
            self.negativeClass = negativeClass
            self.counts = counts
            self.excluded = excluded
            self.imageSHA256 = imageSHA256
        }

        enum CodingKeys: String, CodingKey {
            case root, synthetic, positiveClass = "positive_class", negativeClass = "negative_class"
            case counts, excluded, imageSHA256 = "image_sha256"
        }
    }

    public struct ModelSummary: Codable, Equatable, Sendable {
        public var name: String
        public var arch: String
        public var weights: String
        public var parameters: Int
        /// Multiply-adds × 2 of one forward pass at `imageSize`.
        public var flops: Double
        public var imageSize: Int
        public var width: Int
        public var trainSeconds: Double?
        public var epochs: Int?
        /// The training recipe in words and how the weights were chosen (config.json's
        /// `recipe` and `selection`); nil in older files.
        public var recipe: [String]?
        public var selection: String?

        public init(name: String, arch: String, weights: String, parameters: Int, flops: Double,
                    imageSize: Int, width: Int, trainSeconds: Double?, epochs: Int?,
                    recipe: [String]? = nil, selection: String? = nil) {
            self.recipe = recipe
            self.selection = selection
            self.name = name
            self.arch = arch
            self.weights = weights
            self.parameters = parameters
            self.flops = flops
            self.imageSize = imageSize
            self.width = width
            self.trainSeconds = trainSeconds
            self.epochs = epochs
        }

        enum CodingKeys: String, CodingKey {
            case name, arch, weights, parameters, flops, imageSize = "image_size", width
            case trainSeconds = "train_seconds", epochs, recipe, selection
        }
    }

    public struct CAMSummary: Codable, Equatable, Sendable {
        public var method: String
        public var target: String
        public var layer: String
        public var alpha: Double

        public init(method: String, target: String, layer: String, alpha: Double) {
            self.method = method
            self.target = target
            self.layer = layer
            self.alpha = alpha
        }
    }

    public struct StepTiming: Codable, Equatable, Sendable {
        public var name: String
        public var seconds: Double

        public init(name: String, seconds: Double) {
            self.name = name
            self.seconds = seconds
        }
    }
}
