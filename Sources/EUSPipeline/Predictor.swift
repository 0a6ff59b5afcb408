import Foundation
import EUSModels
import EUSSupport
import EUSData
import EUSGradCAM

/// `eus-report predict`: one model's predictions (and optionally Grad-CAM maps) as a CSV.
public struct PredictionJob: Sendable {
    public var data: URL
    public var arch: Architecture
    public var weights: URL
    public var split: URL?
    /// `train` or `validation`; nil predicts every case.
    public var partition: String?
    public var imageSize: Int
    public var positiveClass: String?
    public var cam: CAMSettings?
    public var camDirectory: URL?
    public var out: URL
    /// Average P(positive) over `TestTimeAugmentation`'s views.
    public var testTimeAugmentation: Bool

    public init(data: URL, arch: Architecture, weights: URL, split: URL?, partition: String?, imageSize: Int,
                positiveClass: String?, cam: CAMSettings?, camDirectory: URL?, out: URL, testTimeAugmentation: Bool = false) {
        self.testTimeAugmentation = testTimeAugmentation
        self.data = data
        self.arch = arch
        self.weights = weights
        self.split = split
        self.partition = partition
        self.imageSize = imageSize
        self.positiveClass = positiveClass
        self.cam = cam
        self.camDirectory = camDirectory
        self.out = out
    }
}

/// One case's prediction.
public struct CasePrediction: Equatable, Sendable {
    public var caseID: String
    public var path: String
    public var label: String
    public var maskPath: String?
    /// Pre-softmax scores, `logits[i]` for class index i.
    public var logits: [Float]
    /// Softmax probability of the positive class.
    public var pPositive: Double
    public var predicted: String
    /// Share of CAM energy inside the lesion mask; nil without a mask or without CAM.
    public var camEnergyInMask: Double?
    /// Whether the CAM's maximum falls inside the (tolerance-dilated) mask.
    public var camPointingHit: Bool?
    /// The crop of the image (`Dataset.cropGeometry`): `WxH+X+Y` or `none`.
    public var crop = "none"
}

public struct PredictionSummary: Sendable {
    public var cases: Int
    public var accuracy: Double
}

public enum Predictor {
    public static let columns = ["case_id", "path", "label", "logit_0", "logit_1", "p_positive", "predicted"]
    public static let camColumns = ["cam_energy_in_mask", "cam_pointing_hit"]

    /// Predicts `job`'s cases and writes the CSV (and CAM folder) atomically.
    public static func predictToFile(_ job: PredictionJob) throws -> PredictionSummary {
        let dataset = try Dataset.load(job.data, positive: job.positiveClass)
        var cases = dataset.cases
        if let splitURL = job.split {
            let split = try Split.read(splitURL, for: dataset)
            let partition = Split.Partition(rawValue: job.partition ?? "validation") ?? .validation
            cases = split.cases(partition, of: dataset)
        }
        guard !cases.isEmpty else { throw UserError("\(job.data.path): no cases to predict") }
        // Every image and mask decodes, and every mask has its image's size, before any output.
        try dataset.checkImages(cases)
        try Pipeline.checkWritable(job.out, isFile: true)
        try AtomicOutput.checkSeparate(output: job.out, from: [job.data, job.weights] + (job.split.map { [$0] } ?? []))
        if let camDirectory = job.camDirectory { try Pipeline.checkWritable(camDirectory) }
        let network = try Network(weights: job.weights, arch: job.arch)
        let predictions: [CasePrediction]
        if let camDirectory = job.camDirectory, let cam = job.cam {
            Interruption.watch(camDirectory.deletingLastPathComponent(), recursive: false)
            predictions = try AtomicOutput.buildDirectory(at: camDirectory) { staging in
                try predict(cases, dataset: dataset, network: network, imageSize: job.imageSize,
                            cam: cam, camDirectory: staging, title: "predict \(job.arch.rawValue)",
                            testTimeAugmentation: job.testTimeAugmentation)
            }
        } else {
            predictions = try predict(cases, dataset: dataset, network: network, imageSize: job.imageSize,
                                      cam: nil, camDirectory: nil, title: "predict \(job.arch.rawValue)",
                                      testTimeAugmentation: job.testTimeAugmentation)
        }
        try AtomicOutput.write(csv(predictions, withCAM: job.camDirectory != nil), to: job.out)
        let correct = predictions.filter { $0.predicted == $0.label }.count
        return PredictionSummary(cases: predictions.count, accuracy: Double(correct) / Double(predictions.count))
    }

    /// Runs the network in eval mode on `cases`, in batches; with `cam`, also writes each
    /// case's map and overlay into `camDirectory` and scores them against the lesion mask.
    /// With `testTimeAugmentation`, P(positive) and the call are the mean over the case's
    /// views (the logits and the map stay those of the plain image).
    static func predict(_ cases: [Case], dataset: Dataset, network: Network, imageSize: Int,
                        cam: CAMSettings?, camDirectory: URL?, title: String, batchSize: Int = 16,
                        testTimeAugmentation: Bool = false) throws -> [CasePrediction] {
        let progress = EUSSupport.Progress(title: title, total: cases.count)
        var results: [CasePrediction] = []
        let starts = Array(stride(from: 0, to: cases.count, by: batchSize))
        func items(_ b: Int) -> [Case] { Array(cases[starts[b] ..< min(starts[b] + batchSize, cases.count)]) }
        func prepare(_ b: Int) -> PendingBatch {
            let items = items(b)
            return PendingBatch { try dataset.batch(items, imageSize: imageSize, threads: PendingBatch.threads) }
        }
        var next = starts.isEmpty ? nil : prepare(0)
        for b in starts.indices {
            let items = items(b)
            let input = try next!.value()
            next = b + 1 < starts.count ? prepare(b + 1) : nil
            // With Grad-CAM the logits come from its (differentiable) forward, so that the
            // explained class and the prediction agree; without, from the faster prediction
            // forward. The two agree to about 1e-6 (see Conv2D.forward).
            var maps: [CAMMap]?
            if let cam, camDirectory != nil {
                maps = try network.camMaps(input: input, count: items.count, imageSize: imageSize, settings: cam,
                                           positiveIndex: dataset.positiveIndex)
            }
            let logits = maps?.flatMap(\.logits) ?? network.evalLogits(input: input, count: items.count, imageSize: imageSize)
            var batch = try items.enumerated().map { i, item in
                let plain = Array(logits[2 * i ..< 2 * i + 2])
                guard testTimeAugmentation else { return prediction(item, logits: plain, dataset: dataset) }
                return try averagedPrediction(item, plainLogits: plain, dataset: dataset, network: network, imageSize: imageSize)
            }
            for (i, item) in items.enumerated() { batch[i].crop = try dataset.cropGeometry(item) }
            if let maps, let cam, let camDirectory {
                try CAMStep.write(maps, into: &batch, items: items, dataset: dataset, settings: cam, directory: camDirectory)
            }
            results += batch
            progress.advance(by: items.count)
        }
        progress.finish()
        return results
    }

    /// The prediction from the mean P(positive) over the case's test-time views; the plain
    /// view's logits are kept, those of the other views are computed here.
    static func averagedPrediction(_ item: Case, plainLogits: [Float], dataset: Dataset, network: Network,
                                   imageSize: Int) throws -> CasePrediction {
        let views = Array(try dataset.viewTensors(item, imageSize: imageSize).dropFirst())
        let logits = network.evalLogits(input: views.flatMap { $0 }, count: views.count, imageSize: imageSize)
        let positive = dataset.positiveIndex
        let probabilities = [softmax(plainLogits.map(Double.init))[positive]]
            + views.indices.map { softmax([Double(logits[2 * $0]), Double(logits[2 * $0 + 1])])[positive] }
        return prediction(item, logits: plainLogits, dataset: dataset,
                          pPositive: probabilities.reduce(0, +) / Double(probabilities.count))
    }

    static func prediction(_ item: Case, logits: [Float], dataset: Dataset, pPositive: Double? = nil) -> CasePrediction {
        var p = softmax(logits.map(Double.init))
        if let pPositive {
            p[dataset.positiveIndex] = pPositive
            p[dataset.negativeIndex] = 1 - pPositive
        }
        let positive = dataset.positiveIndex
        let predictedIndex = p[positive] >= 0.5 ? positive : dataset.negativeIndex
        return CasePrediction(caseID: item.id, path: item.relativePath, label: item.label,
                              maskPath: item.maskPath?.path, logits: logits, pPositive: p[positive],
                              predicted: dataset.classNames[predictedIndex])
    }

    /// exp(z_i − max z) / Σ_j exp(z_j − max z), in double precision.
    static func softmax(_ z: [Double]) -> [Double] {
        let m = z.max() ?? 0
        let e = z.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func csv(_ predictions: [CasePrediction], withCAM: Bool) -> String {
        var writer = CSVWriter(header: columns + (withCAM ? camColumns : []) + ["crop"])
        for p in predictions {
            var row = [p.caseID, p.path, p.label, "\(p.logits[0])", "\(p.logits[1])", "\(p.pPositive)", p.predicted]
            if withCAM {
                row.append(p.camEnergyInMask.map { String(format: "%.6f", $0) } ?? "")
                row.append(p.camPointingHit.map { $0 ? "1" : "0" } ?? "")
            }
            writer.append(row + [p.crop])
        }
        return writer.text
    }
}
