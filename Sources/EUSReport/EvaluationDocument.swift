import EUSSupport
import Foundation

/// The shape of `eval.json` in an evaluation folder (docs/formats.md): what was evaluated, on
/// which data and split, with which software, and how long each step took. `evaluate` writes
/// it; `report` decodes it (`EvaluationInfo`) for the data-flow diagram, the training section
/// and the reproducibility section. Fields added after the first version are optional, so
/// older files still decode.
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
    /// The folds, when the predictions are out-of-fold predictions of a cross-validation
    /// (`run --folds`); nil for a hold-out evaluation.
    public var crossValidation: CrossValidationDesign?

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
        case crossValidation = "cross_validation"
    }

    /// Checks what decoding cannot: every count, size and time in range, the threshold a
    /// probability, the folds consistent. `source` (the file) and the key lead each message.
    public func validate(source: String) throws {
        func check(_ ok: Bool, _ key: String, _ what: String) throws {
            if !ok { throw UserError("\(source): \(key) \(what)") }
        }
        let largest = 1_000_000_000
        func count(_ n: Int, _ key: String) throws { try check((0...largest).contains(n), key, "is \(n), not a count in 0...\(largest)") }
        func time(_ t: Double?, _ key: String) throws {
            if let t { try check(t.isFinite && t >= 0 && t < 1e9, key, "is \(t), not a time in seconds") }
        }
        try check(threshold.isFinite && (0...1).contains(threshold), "threshold", "is \(threshold), outside [0, 1]")
        try check(cam.alpha.isFinite && (0...1).contains(cam.alpha), "cam.alpha", "is \(cam.alpha), outside [0, 1]")
        try count(data.excluded, "data.excluded")
        for (partition, counts) in data.counts { for (label, n) in counts { try count(n, "data.counts.\(partition).\(label)") } }
        for (i, model) in models.enumerated() {
            try count(model.parameters, "models[\(i)].parameters")
            try check(model.flops.isFinite && model.flops >= 0, "models[\(i)].flops", "is \(model.flops), not a FLOP count")
            try check((1...100_000).contains(model.imageSize), "models[\(i)].image_size", "is \(model.imageSize), not an image side in pixels")
            try check((1...100_000).contains(model.width), "models[\(i)].width", "is \(model.width), not a network width")
            try time(model.trainSeconds, "models[\(i)].train_seconds")
            if let epochs = model.epochs { try count(epochs, "models[\(i)].epochs") }
        }
        for (i, step) in steps.enumerated() { try time(step.seconds, "steps[\(i)].seconds") }
        if let cv = crossValidation {
            try check((2...100_000).contains(cv.folds), "cross_validation.folds", "is \(cv.folds), not a number of folds (2 or more)")
            try check((1...1_000).contains(cv.repeats), "cross_validation.repeats", "is \(cv.repeats), not a number of repeats")
            try check(cv.counts.count == cv.repeats && cv.counts.allSatisfy { $0.count == cv.folds }, "cross_validation.counts",
                      "should hold \(cv.repeats) repeat(s) of \(cv.folds) folds")
            for (r, folds) in cv.counts.enumerated() {
                for (f, counts) in folds.enumerated() { for (label, n) in counts { try count(n, "cross_validation.counts[\(r)][\(f)].\(label)") } }
            }
        }
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

    /// Repeated stratified k-fold cross-validation: every case is predicted once per repeat,
    /// by networks trained on the other k − 1 folds of that repeat.
    public struct CrossValidationDesign: Codable, Equatable, Sendable {
        /// k.
        public var folds: Int
        /// R.
        public var repeats: Int
        /// How the folds were made, in words ("stratified 5-fold, by case, seed 1", or the
        /// folds file that was given).
        public var method: String
        /// Whether a patient's images share a fold.
        public var grouped: Bool
        /// Cases per class in each fold: `counts[repeat][fold]["GIST"]`.
        public var counts: [[[String: Int]]]

        public init(folds: Int, repeats: Int, method: String, grouped: Bool, counts: [[[String: Int]]]) {
            self.folds = folds
            self.repeats = repeats
            self.method = method
            self.grouped = grouped
            self.counts = counts
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

/// How the data are split: the study's 8:2 stratified single hold-out by default, or a
/// split.csv that was given, which has no ratio or seed.
public struct SplitSettings: Codable, Equatable, Sendable {
    /// The share of each class that goes to training; nil for a given split.
    public var ratio: Double?
    /// The seed of the stratified split; nil for a given split.
    public var seed: UInt64?
    public var method: String

    /// A stratified split made with `ratio` and `seed`.
    public init(ratio: Double = 0.8, seed: UInt64 = 1, method: String = "stratified single hold-out") {
        self.ratio = ratio
        self.seed = seed
        self.method = method
    }

    enum CodingKeys: String, CodingKey { case ratio, seed, method }

    /// A given split has no ratio or seed, and its file omits them; older files wrote 0 for
    /// both, which reads back as none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(String.self, forKey: .method)
        ratio = try c.decodeIfPresent(Double.self, forKey: .ratio)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        if ratio == 0 { (ratio, seed) = (nil, nil) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(ratio, forKey: .ratio)
        try c.encodeIfPresent(seed, forKey: .seed)
        try c.encode(method, forKey: .method)
    }
}

/// The software that produced a result, for the report's reproducibility section.
///
/// `SoftwareVersions.current` (EUSPipeline) fills it in for the running process.
public struct SoftwareVersions: Codable, Equatable, Sendable {
    public var swift: String
    public var openblas: String
    /// The library that ran the matrix products, e.g. "oneDNN 2.6.3 (dnnl_sgemm)"; absent
    /// from files written before there was a choice (OpenBLAS then ran them).
    public var gemm: String?
    public var cairo: String
    public var eusReport: String

    enum CodingKeys: String, CodingKey {
        case swift, openblas, gemm, cairo, eusReport = "eus_report"
    }

    public init(swift: String, openblas: String, gemm: String? = nil, cairo: String, eusReport: String) {
        self.swift = swift
        self.openblas = openblas
        self.gemm = gemm
        self.cairo = cairo
        self.eusReport = eusReport
    }
}

/// The machine a result was computed on: CPU model, cores, memory and operating system
/// (`MachineDescription.current`, EUSPipeline, describes this one).
public struct MachineDescription: Codable, Equatable, Sendable {
    public var cpu: String
    public var cores: Int
    public var memoryGiB: Double
    public var os: String

    enum CodingKeys: String, CodingKey {
        case cpu, cores, memoryGiB = "memory_gib", os
    }

    public init(cpu: String, cores: Int, memoryGiB: Double, os: String) {
        self.cpu = cpu
        self.cores = cores
        self.memoryGiB = memoryGiB
        self.os = os
    }

    /// One line: "Intel(R) Xeon(R) ..., 2 cores, 24.0 GiB, Debian GNU/Linux 12".
    public var summary: String {
        "\(cpu), \(cores) cores, \(String(format: "%.1f", memoryGiB)) GiB, \(os)"
    }
}
