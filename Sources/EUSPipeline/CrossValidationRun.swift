import EUSData
import EUSReport
import EUSSupport
import Foundation

/// How `run --folds` and `demo --folds` partition the data: repeated stratified k-fold,
/// grouped by patient where the data have patient ids (`Folds.stratified`).
public struct FoldSettings: Codable, Equatable, Sendable {
    /// k.
    public var count: Int
    /// R.
    public var repeats: Int
    public var seed: UInt64

    public init(count: Int, repeats: Int = 1, seed: UInt64 = 1) {
        self.count = count
        self.repeats = repeats
        self.seed = seed
    }
}

/// The cross-validated `run`: for each repeat and fold, every network trains on the other
/// folds and predicts the held-out fold (with Grad-CAM); the out-of-fold predictions of all
/// folds then make one evaluation folder, and the report.
///
/// Work folder:
///
///     folds.csv                          case_id,label,repeat,fold
///     folds/r1-f1/split.csv              that fold as a hold-out split (validation = the fold)
///     folds/r1-f1/runs/<arch>/           the run folders, resumable epoch by epoch
///     folds/r1-f1/eval/                  the fold's evaluation (`Evaluator`)
///     eval/                              every fold's predictions, with repeat and fold columns
///
/// Every fold is a step of its own (`StepRunner`), so `--resume` continues from the last
/// finished fold, and inside it from the last finished epoch.
enum CrossValidationRun {
    static func run(_ job: PipelineJob, folds settings: FoldSettings, runner: StepRunner, synthetic: Bool?) throws -> PipelineOutcome {
        let start = Date()
        let work = runner.workFolder
        let foldsURL = work.appendingPathComponent("folds.csv")
        try runner.step("folds") {
            try writeFolds(data: job.data, given: job.split, settings: settings, positiveClass: job.positiveClass, to: foldsURL)
        }
        let dataset = try Dataset.load(job.data, positive: job.positiveClass)
        let folds = try Folds.read(foldsURL, for: dataset)
        let total = folds.repeats * folds.count
        var done = 0, spent = 0.0
        var evaluations: [(repeat: Int, fold: Int, folder: URL)] = []
        for r in 0..<folds.repeats {
            for f in 0..<folds.count {
                let label = tag(repeat: r, fold: f, of: folds)
                let folder = work.appendingPathComponent("folds/r\(r + 1)-f\(f + 1)")
                let foldStart = Date()
                let skipped = try runFold(job, folds: folds, repeat: r, fold: f, label: label, folder: folder,
                                          dataset: dataset, runner: runner, synthetic: synthetic)
                evaluations.append((r, f, folder.appendingPathComponent("eval")))
                done += 1
                if !skipped { spent += Date().timeIntervalSince(foldStart) }
                let measured = spent > 0 ? spent / Double(done) : nil
                let left = measured.map { " · about \(Progress.clock($0 * Double(total - done))) left" } ?? ""
                log("── \(label) done (\(done) of \(total) folds)\(left)")
            }
        }
        let evalFolder = work.appendingPathComponent("eval")
        try runner.step("combine folds") {
            try combine(evaluations, folds: folds, dataset: dataset, foldsURL: foldsURL, method: method(settings, given: job.split, dataset: dataset),
                        steps: runner.timings, to: evalFolder)
        }
        try runner.step("report") {
            try ReportStep.write(evaluation: evalFolder, to: job.out, subgroups: job.subgroups)
        }
        let summary = try Summary.lines(report: job.out, evaluation: evalFolder, seconds: Date().timeIntervalSince(start),
                                        workFolder: work)
        return PipelineOutcome(reportFolder: job.out, workFolder: work, summary: summary)
    }

    /// "fold 2/5", or "repeat 1, fold 2/5" when there are repeats.
    static func tag(repeat r: Int, fold f: Int, of folds: Folds) -> String {
        (folds.repeats > 1 ? "repeat \(r + 1)/\(folds.repeats), " : "") + "fold \(f + 1)/\(folds.count)"
    }

    /// Trains every network on the other folds and evaluates it on fold `f`; true when every
    /// step of the fold had already finished (a resumed run).
    private static func runFold(_ job: PipelineJob, folds: Folds, repeat r: Int, fold f: Int, label: String, folder: URL,
                                dataset: Dataset, runner: StepRunner, synthetic: Bool?) throws -> Bool {
        let splitURL = folder.appendingPathComponent("split.csv")
        let names = ["\(label): split"] + job.architectures.map { "\(label): train \($0.rawValue)" } + ["\(label): evaluate"]
        let skipped = names.allSatisfy(runner.isFinished)
        try runner.step(names[0]) {
            let split = folds.split(repeat: r, fold: f)
            try DataSteps.checkBothPartitions(split, dataset: dataset, source: "fold \(f + 1) of repeat \(r + 1)")
            try AtomicOutput.createDirectory(folder)
            try split.write(to: splitURL, for: dataset)
        }
        var models: [EvaluationJob.ModelRun] = []
        for arch in job.architectures {
            let runFolder = folder.appendingPathComponent("runs").appendingPathComponent(arch.rawValue)
            models.append(.init(name: arch.rawValue, folder: runFolder))
            try runner.step("\(label): train \(arch.rawValue)") {
                try Pipeline.train(job, arch: arch, split: splitURL, into: runFolder, label: label)
            }
        }
        try runner.step(names.last!) {
            var evaluation = EvaluationJob(
                data: job.data, split: splitURL, models: models, out: folder.appendingPathComponent("eval"), cam: job.cam,
                threshold: job.threshold, positiveClass: job.positiveClass, splitSettings: job.splitSettings,
                synthetic: synthetic)
            evaluation.testTimeAugmentation = job.testTimeAugmentation
            evaluation.label = label
            _ = try Evaluator.evaluate(evaluation)
        }
        return skipped
    }

    /// `folds.csv`: the given one, checked against the data, or folds made with `settings`.
    static func writeFolds(data: URL, given: URL?, settings: FoldSettings, positiveClass: String?, to url: URL) throws {
        let dataset = try Dataset.load(data, positive: positiveClass)
        let folds = try given.map { try Folds.read($0, for: dataset) }
            ?? Folds.stratified(dataset, folds: settings.count, repeats: settings.repeats, seed: settings.seed)
        if let given, (folds.count, folds.repeats) != (settings.count, settings.repeats) {
            throw UserError("\(given.path): holds \(folds.count) folds × \(folds.repeats) repeat(s), but --folds \(settings.count) --repeats \(settings.repeats) was asked for")
        }
        try DataSteps.checkDecodable(dataset)
        try folds.write(to: url, for: dataset)
        log("folds: " + folds.summary(for: dataset).replacingOccurrences(of: "\n", with: "; "))
    }

    static func method(_ settings: FoldSettings, given: URL?, dataset: Dataset) -> String {
        if let given { return "given: \(given.standardizedFileURL.path)" }
        return "stratified \(settings.count)-fold\(dataset.hasPatientIDs ? ", grouped by patient" : ""), "
            + "\(settings.repeats) repeat\(settings.repeats == 1 ? "" : "s"), seed \(settings.seed)"
    }
}

// MARK: - One evaluation folder from the folds

extension CrossValidationRun {
    /// Writes `out`, an evaluation folder as `Evaluator` writes one, from the folds' own:
    /// `predictions.csv` holds every fold's rows with `repeat` and `fold` columns (numbered
    /// from 1); `cams/` the maps of the first repeat, where every case appears once;
    /// `histories/` and `configs/` those of the first fold (the report's training curves);
    /// `folds.csv`; and `eval.json` with the design in `cross_validation`.
    static func combine(_ evaluations: [(repeat: Int, fold: Int, folder: URL)], folds: Folds, dataset: Dataset,
                        foldsURL: URL, method: String, steps: [EvaluationDocument.StepTiming], to out: URL) throws {
        let documents = try evaluations.map { try JSONFile.read(EvaluationDocument.self, from: $0.folder.appendingPathComponent("eval.json")) }
        try AtomicOutput.buildDirectory(at: out) { staging in
            var writer: CSVWriter?
            var header: [String] = []
            for (index, evaluation) in evaluations.enumerated() {
                let table = try CSVTable(contentsOf: evaluation.folder.appendingPathComponent("predictions.csv"))
                if writer == nil { (header, writer) = (table.header, CSVWriter(header: table.header + ["repeat", "fold"])) }
                guard table.header == header else {
                    throw UserError("\(evaluation.folder.path)/predictions.csv: columns differ from the first fold's")
                }
                for row in table.rows { writer!.append(row + [String(evaluation.repeat + 1), String(evaluation.fold + 1)]) }
                if evaluation.repeat == 0 { try copyFolder(evaluation.folder.appendingPathComponent("cams"), into: staging.appendingPathComponent("cams")) }
                if index == 0 {
                    for sub in ["histories", "configs"] {
                        try copyFolder(evaluation.folder.appendingPathComponent(sub), into: staging.appendingPathComponent(sub))
                    }
                }
            }
            try AtomicOutput.write(writer?.text ?? "", to: staging.appendingPathComponent("predictions.csv"))
            try Evaluator.copy(foldsURL, to: staging.appendingPathComponent("folds.csv"))
            try JSONFile.write(document(documents, folds: folds, dataset: dataset, method: method, steps: steps),
                               to: staging.appendingPathComponent("eval.json"))
        }
    }

    /// The first fold's document (its image digests cover the whole dataset, as every fold's
    /// do), with the design, training time summed over the folds, and the whole job's step times.
    static func document(_ documents: [EvaluationDocument], folds: Folds, dataset: Dataset, method: String,
                         steps: [EvaluationDocument.StepTiming]) -> EvaluationDocument {
        var document = documents[0]
        document.data.counts = [:]
        for (i, _) in document.models.enumerated() {
            let seconds = documents.compactMap { $0.models[i].trainSeconds }
            document.models[i].trainSeconds = seconds.count == documents.count ? seconds.reduce(0, +) : nil
        }
        let counts = (0..<folds.repeats).map { r in
            (0..<folds.count).map { f in
                Dictionary(uniqueKeysWithValues: zip(dataset.classNames, folds.classCounts(repeat: r, fold: f, of: dataset)))
            }
        }
        document.split = SplitSettings(method: "cross-validation: \(method)")
        (document.split.ratio, document.split.seed) = (nil, nil)
        document.crossValidation = .init(folds: folds.count, repeats: folds.repeats, method: method,
                                         grouped: dataset.hasPatientIDs, counts: counts)
        document.steps = steps
        return document
    }

    /// Copies every file under `source` into `destination`, keeping the sub-folders.
    static func copyFolder(_ source: URL, into destination: URL) throws {
        let fm = FileManager.default
        guard let items = fm.enumerator(atPath: source.path) else { return }
        while let item = items.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let from = source.appendingPathComponent(item)
            guard fm.fileExists(atPath: from.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let to = destination.appendingPathComponent(item)
            try AtomicOutput.createDirectory(to.deletingLastPathComponent())
            try Evaluator.copy(from, to: to)
        }
    }
}
