import ArgumentParser
import EUSData
import EUSGradCAM
import EUSImage
import EUSModels
import EUSPipeline
import EUSStats
import EUSSupport

extension Architecture: ExpressibleByArgument {}
extension LRSchedule: ExpressibleByArgument {}
extension CAMMethod: ExpressibleByArgument {}
extension CAMTarget: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScannerSetting: ExpressibleByArgument {}

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
    @Option(help: "Training epochs, all of them used: nothing stops early (default: 60; demo: \(DemoPreset(quick: false).training.epochs), --quick \(DemoPreset(quick: true).training.epochs)).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Images per batch (default: 16).")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Peak learning rate (default: 0.01 for sgd, 0.001 for adamw).")
    var learningRate: Double?

    @Option(help: "adamw or sgd (momentum 0.9) (default: adamw).")
    var optimizer: OptimizerKind?

    @Option(name: .customLong("weight-decay"), help: "Weight decay of the convolution and fc weights; BatchNorm and biases are not decayed (default: 0.05).")
    var weightDecay: Double?

    @Option(help: "Learning-rate schedule after the warm-up, stepped every batch: cosine (to zero at the end) or constant (default: cosine).")
    var schedule: LRSchedule?

    @Option(name: .customLong("warmup-epochs"), help: "Epochs of linear learning-rate warm-up (default: 3).")
    var warmupEpochs: Int?

    @Option(name: .customLong("label-smoothing"), help: "ε of the label-smoothed cross-entropy; 0 turns it off (default: 0.1).")
    var labelSmoothing: Double?

    @Option(help: "Per-step decay of the exponential moving average of the weights, which is what is saved and evaluated; 0 saves the last weights (default: 0.99).")
    var ema: Double?

    @Option(name: .customLong("image-size"), help: "Side of the square network input in pixels (default: 224; demo: \(DemoPreset(quick: false).training.imageSize), --quick \(DemoPreset(quick: true).training.imageSize)).")
    var imageSize: Int?

    @Option(help: "Seed for the split, initial weights, shuffling and augmentation (default: 1).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("ResNet base width: 64 is torchvision's; smaller is for quick tests.", visibility: .hidden))
    var width: Int?

    @Flag(inversion: .prefixedNo, help: """
        Augment training images (default: on), seeded and recorded in config.json: a radial scan \
        rotates about its transducer by any angle, a linear scan tilts by up to ±10°; either is \
        flipped left-right (p 0.5) and cropped to 0.8–1.0 of its side; gain ±1 dB, dynamic range \
        ×0.91–1.1, contrast ±0.1 and gamma ×0.91–1.1 (mild: echogenicity is diagnostic). --scanner, \
        --speckle and --erasing change it; --no-augment turns it off.
        """)
    var augment: Bool?

    @Option(help: "The scanner type, which decides the rotations: auto (detected per image: a circular field round a central transducer is radial, anything else linear), radial or linear.")
    var scanner: ScannerSetting?

    @Option(help: "Probability of speckle re-noising, multiplicative Rayleigh noise of strength 0.3 (default: 0, off).")
    var speckle: Double?

    @Option(help: "Probability of random erasing, one blanked rectangle of 2–20% of the image (default: 0, off).")
    var erasing: Double?

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
        // A short run keeps at least one epoch after the default warm-up; a given one is checked.
        settings.warmupEpochs = warmupEpochs ?? min(settings.warmupEpochs, settings.epochs - 1)
        if let labelSmoothing { settings.labelSmoothing = labelSmoothing }
        if let ema { settings.emaDecay = ema }
        if let scanner { settings.augmentation.scanner = scanner }
        for (name, value) in [("--speckle", speckle), ("--erasing", erasing)] {
            if let value, !(0...1).contains(value) { throw UserError("\(name) must be a probability in [0, 1], got \(value)") }
        }
        if let speckle { settings.augmentation.speckleProbability = speckle }
        if let erasing { settings.augmentation.erasingProbability = erasing }
        try settings.validate()
        return settings
    }
}

/// Which class is positive, and how large an image may be.
struct ClassOptions: ParsableArguments {
    @Option(help: "The positive class (default: GIST when present, else the first class in sorted order).")
    var positive: String?

    @Option(name: .customLong("max-pixels"), help: "The largest image decoded, in pixels; larger ones are refused from their header, before decoding (default: \(ImageDecoder.defaultMaxPixels), or $EUS_REPORT_MAX_PIXELS).")
    var maxPixels: Int?

    @Option(help: "The frame of a multi-frame DICOM object that is the case's image: first, middle, a frame number from 1, or all (one case per frame, <case id>_frame<k>, grouped under one patient) (default: first).")
    var frame: String?

    @Option(help: "Cut each image to its ultrasound field first: auto (the largest region of speckle texture, with text, bars and logos around it blanked; a frame whose field spans 90% of its width or height is taken as already cropped and left as it is), none, or X,Y,W,H in pixels (default: auto).")
    var crop: String?

    func apply() throws {
        if let crop { CropSetting.current = try CropSetting(crop) }
        if let frame {
            guard let selection = DICOMDecoder.FrameSelection(frame) else {
                throw UserError("--frame: '\(frame)' is not first, middle, all or a frame number from 1")
            }
            DICOMDecoder.frame = selection
        }
        guard let maxPixels else { return }
        guard maxPixels > 0 else { throw UserError("--max-pixels must be positive, got \(maxPixels)") }
        ImageDecoder.maxPixels = maxPixels
    }
}

/// How Grad-CAM maps are made.
struct CAMOptions: ParsableArguments {
    @Option(help: "gradcam or gradcampp (Grad-CAM++).")
    var cam: CAMMethod = .gradCAM

    @Option(name: .customLong("cam-target"), help: "The class explained: positive, predicted, or a class index.")
    var camTarget: CAMTarget = .positive

    @Option(name: .customLong("cam-layer"), help: "The ResNet block whose activations are used, e.g. layer4.2 or layer3[-1] (default: layer4[-1] from 224 px inputs up, layer3[-1] below, where layer4's maps are coarser than 7×7).")
    var camLayer: String?

    @Option(name: .customLong("cam-alpha"), help: "Opacity of the heat map over the image, 0 to 1.")
    var camAlpha: Double = 0.5

    func settings() throws -> CAMSettings {
        let settings = CAMSettings(method: cam, target: camTarget, layer: camLayer, alpha: camAlpha)
        try settings.validate()
        return settings
    }
}

/// How validation probabilities are made.
struct PredictionOptions: ParsableArguments {
    @Flag(name: .customLong("tta"), help: """
        Test-time augmentation: P(positive) is the mean over the image's symmetric views (a radial \
        scan at 0°, 90°, 180° and 270°, each also mirrored; a sector as it is and mirrored). Off by \
        default, and for the study's own numbers; the report says which was used.
        """)
    var testTimeAugmentation = false
}

/// How the data are split when no split.csv is given.
struct SplitOptions: ParsableArguments {
    @Option(help: "Share of each class that goes to training (default: 0.8).")
    var ratio: Double = 0.8

    func validate() throws {
        guard ratio > 0 && ratio < 1 else { throw ValidationError("--ratio must be strictly between 0 and 1 (got \(ratio))") }
    }
}

/// `--folds K [--repeats R]`: k-fold cross-validation instead of the single hold-out.
struct FoldOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("K stratified folds (grouped by patient_id where given) instead of the single hold-out; run and demo then predict every case once per repeat, by networks that did not train on its fold.", valueName: "K"))
    var folds: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --folds: draw the K folds anew R times (repeated k-fold), R at most \(FoldOptions.maximumRepeats).", valueName: "R"))
    var repeats: Int = 1

    static let maximumRepeats = 100

    func validate() throws {
        if let folds, folds < 2 { throw ValidationError("--folds must be at least 2 (got \(folds))") }
        guard (1...Self.maximumRepeats).contains(repeats) else {
            throw ValidationError("--repeats must be between 1 and \(Self.maximumRepeats) (got \(repeats))")
        }
        if folds == nil, repeats != 1 { throw ValidationError("--repeats needs --folds") }
    }

    func settings(seed: UInt64) -> FoldSettings? {
        folds.map { FoldSettings(count: $0, repeats: repeats, seed: seed) }
    }
}

/// `--subgroup COLUMN` (repeatable) and `--subgroup-cut COLUMN=VALUE`, for the commands that
/// compute statistics.
struct SubgroupOptions: ParsableArguments {
    @Option(name: .customLong("subgroup"), help: ArgumentHelp("""
        Also report each model's sensitivity, specificity, accuracy and AUC within the levels of \
        this manifest column (repeatable), e.g. scanner, or a lesion-size column. A numeric \
        column is cut in two at its median over the evaluated cases, or at --subgroup-cut; any \
        other column gives one subgroup per value.
        """, valueName: "column"))
    var subgroup: [String] = []

    @Option(name: .customLong("subgroup-cut"), parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Cut the numeric --subgroup COLUMN at VALUE (≤ VALUE and > VALUE) instead of its median (repeatable).",
        valueName: "column=value"))
    var subgroupCut: [String] = []

    /// The requests, in --subgroup order.
    func requests() throws -> [SubgroupRequest] {
        var cuts: [String: Double] = [:]
        for text in subgroupCut {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]), value.isFinite else {
                throw ValidationError("--subgroup-cut '\(text)': expected COLUMN=NUMBER, e.g. semi_axis_along_px=40")
            }
            guard subgroup.contains(parts[0]) else {
                throw ValidationError("--subgroup-cut '\(text)': \(parts[0]) is not one of the --subgroup columns")
            }
            cuts[parts[0]] = value
        }
        if let twice = subgroup.first(where: { name in subgroup.filter { $0 == name }.count > 1 }) {
            throw ValidationError("--subgroup \(twice) is given twice")
        }
        return subgroup.map { SubgroupRequest(column: $0, cut: cuts[$0]) }
    }

    func validate() throws { _ = try requests() }
}

/// `--decision-thresholds FROM:TO:STEP`: the decision curve's grid of threshold probabilities.
struct DecisionCurveOptions: ParsableArguments {
    @Option(name: .customLong("decision-thresholds"), help: ArgumentHelp(
        "The decision curve's threshold probabilities, from FROM to TO in steps of STEP, inside (0, 1) (default: 0.01:0.99:0.01).",
        valueName: "from:to:step"))
    var decisionThresholds: String?

    /// The grid, or nil for the default.
    func grid() throws -> [Double]? {
        guard let text = decisionThresholds else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 3, let from = parts[0], let to = parts[1], let step = parts[2],
              from > 0, to < 1, from <= to, step > 0, (to - from) / step < 10_000 else {
            throw ValidationError("--decision-thresholds '\(text)': expected FROM:TO:STEP with 0 < FROM ≤ TO < 1 and STEP > 0 (at most 10000 steps), e.g. 0.05:0.60:0.05")
        }
        return DecisionCurve.thresholds(from: from, to: to, step: step)
    }

    func validate() throws { _ = try grid() }
}
