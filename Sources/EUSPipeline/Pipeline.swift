import Foundation
import EUSModels
import EUSReport
import EUSSupport
import EUSStats

/// `eus-report run`: split, train each architecture, evaluate, report.
public struct PipelineJob: Sendable {
    public var data: URL
    public var out: URL
    public var architectures: [Architecture]
    public var split: URL?
    public var splitSettings: SplitSettings
    public var training: TrainingSettings
    public var cam: CAMSettings
    public var threshold: Double
    public var positiveClass: String?
    public var resume: Bool
    /// Average P(positive) over test-time views (`--tta`).
    public var testTimeAugmentation = false
    /// k-fold cross-validation instead of the single hold-out (`--folds`); `split`, when
    /// given, is then a folds.csv.
    public var folds: FoldSettings?
    /// Endosonographers' calls of the validation cases (`--readers`), hold-out only.
    public var readers: URL?
    /// Manifest columns for the report's subgroup section (`--subgroup`).
    public var subgroups: [SubgroupRequest] = []

    public init(data: URL, out: URL, architectures: [Architecture], split: URL?, splitSettings: SplitSettings,
                training: TrainingSettings, cam: CAMSettings, threshold: Double, positiveClass: String?,
                resume: Bool) {
        self.data = data
        self.out = out
        self.architectures = architectures
        self.split = split
        self.splitSettings = splitSettings
        self.training = training
        self.cam = cam
        self.threshold = threshold
        self.positiveClass = positiveClass
        self.resume = resume
    }

    /// `<out>.work`: the split, the run folders and the evaluation folder while they are built.
    public var workFolder: URL {
        out.deletingLastPathComponent().appendingPathComponent(out.lastPathComponent + ".work")
    }

    /// What a resumed run must share with the interrupted one.
    var fingerprint: String {
        let parts: [String] = [
            data.standardizedFileURL.path, architectures.map(\.rawValue).joined(separator: ","),
            split?.standardizedFileURL.path ?? "-", String(data: (try? JSONFile.encode(splitSettings)) ?? Data(), encoding: .utf8) ?? "",
            String(data: (try? JSONFile.encode(training)) ?? Data(), encoding: .utf8) ?? "",
            String(data: (try? JSONFile.encode(cam)) ?? Data(), encoding: .utf8) ?? "",
            "\(threshold)", positiveClass ?? "-", testTimeAugmentation ? "tta" : "-",
        ] + (folds.map { ["folds \($0.count)x\($0.repeats) seed \($0.seed)"] } ?? [])
            + (readers.map { ["readers \($0.standardizedFileURL.path)"] } ?? [])
        return parts.joined(separator: "|")
    }
}

/// What `run` and `demo` print at the end.
public struct PipelineOutcome: Sendable {
    public var reportFolder: URL
    public var workFolder: URL
    /// The report's path and a 5-line summary.
    public var summary: String
}

public enum Pipeline {
    /// Runs every step of `job` in its work folder, then writes the report to `job.out`.
    public static func run(_ job: PipelineJob) throws -> PipelineOutcome {
        try checkWritable(job.out)
        try checkSubgroupColumns(job)
        let inputs = [job.data] + (job.split.map { [$0] } ?? []) + (job.readers.map { [$0] } ?? [])
        try AtomicOutput.checkSeparate(output: job.out, from: inputs)
        try AtomicOutput.checkSeparate(output: job.workFolder, from: inputs)
        try OutputLock.acquire(job.out)
        let runner = try StepRunner(workFolder: job.workFolder, fingerprint: job.fingerprint, resume: job.resume)
        do {
            return try run(job, runner: runner, synthetic: nil)
        } catch {
            runner.discardIfNothingFinished()
            throw error
        }
    }

    /// The steps after the data exist; `demo` calls this after making the phantom.
    static func run(_ job: PipelineJob, runner: StepRunner, synthetic: Bool?) throws -> PipelineOutcome {
        if let folds = job.folds {
            return try CrossValidationRun.run(job, folds: folds, runner: runner, synthetic: synthetic)
        }
        if let readers = job.readers {
            // Checked before any training, so a bad file fails in seconds, not after the networks.
            try ReaderFile.check(readers, data: job.data, positiveClass: job.positiveClass)
        }
        let start = Date()
        let work = runner.workFolder
        let splitURL = work.appendingPathComponent("split.csv")
        try runner.step("split") {
            try DataSteps.writeSplit(data: job.data, given: job.split, settings: job.splitSettings,
                                     positiveClass: job.positiveClass, to: splitURL)
        }
        var models: [EvaluationJob.ModelRun] = []
        for arch in job.architectures {
            let runFolder = work.appendingPathComponent("runs").appendingPathComponent(arch.rawValue)
            models.append(.init(name: arch.rawValue, folder: runFolder))
            try runner.step("train \(arch.rawValue)") {
                try train(job, arch: arch, split: splitURL, into: runFolder, label: nil)
            }
        }
        let evalFolder = work.appendingPathComponent("eval")
        try runner.step("evaluate") {
            var evaluation = EvaluationJob(
                data: job.data, split: splitURL, models: models, out: evalFolder, cam: job.cam,
                threshold: job.threshold, positiveClass: job.positiveClass, splitSettings: job.splitSettings,
                steps: runner.timings, synthetic: synthetic)
            evaluation.testTimeAugmentation = job.testTimeAugmentation
            evaluation.readers = job.readers
            _ = try Evaluator.evaluate(evaluation)
        }
        try runner.step("report") {
            try ReportStep.write(evaluation: evalFolder, to: job.out, subgroups: job.subgroups)
        }
        let summary = try Summary.lines(report: job.out, evaluation: evalFolder, seconds: Date().timeIntervalSince(start),
                                        workFolder: work)
        return PipelineOutcome(reportFolder: job.out, workFolder: work, summary: summary)
    }

    /// Trains `arch` on the `train` partition of `split` into `runFolder`, resuming from its
    /// checkpoint when the job resumes and one exists.
    static func train(_ job: PipelineJob, arch: Architecture, split: URL, into runFolder: URL, label: String?) throws {
        var training = TrainingJob(
            data: job.data, split: split, splitSettings: job.splitSettings, arch: arch,
            settings: job.training, out: runFolder, initWeights: nil,
            resume: job.resume && FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("checkpoint.json").path),
            positiveClass: job.positiveClass)
        training.label = label
        _ = try Trainer.train(training)
    }

    /// Fails early, before any work, when the report's destination cannot be written: its
    /// nearest existing ancestor must be a writable folder.
    static func checkWritable(_ out: URL, isFile: Bool = false) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: out.path, isDirectory: &isDirectory), isDirectory.boolValue == isFile {
            throw UserError("\(out.path): exists and is \(isFile ? "a folder" : "not a folder")")
        }
        var folder = out.standardizedFileURL.deletingLastPathComponent()
        while !fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw UserError("\(out.path): cannot write there (\(folder.path) is a file, not a folder)")
        }
        guard access(folder.path, W_OK) == 0 else {
            throw UserError("\(out.path): cannot write there (\(folder.path): \(String(cString: strerror(errno))))")
        }
    }
}
