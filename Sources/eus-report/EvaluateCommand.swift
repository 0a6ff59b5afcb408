import ArgumentParser
import Foundation
import EUSPipeline

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Predict and explain the validation partition with every model; write an evaluation folder.",
        discussion: """
        For each --model NAME=RUN_FOLDER (a folder written by `train`), the network in RUN_FOLDER \
        predicts every validation case of --split, and Grad-CAM explains it. The evaluation \
        folder holds predictions.csv (all models side by side), split.csv, cams/<model>/ \
        (<case_id>.npy and the overlay .png), histories/<model>.csv, configs/<model>.json and \
        eval.json (data, split, models with parameter counts and FLOPs, CAM settings, the \
        SHA-256 of every image, software versions, machine, wall time per step).

        `eus-report report EVAL_FOLDER --out output/NAME` turns it into the report. The folder \
        is built aside and moved into place only when complete.

        Example:
          eus-report evaluate data/ --split split.csv --model resnet34=runs/r34 \\
            --model resnet50=runs/r50 --out eval/
        """
    )

    @Argument(help: "The images: a folder with one sub-folder per class, or a CSV manifest.")
    var data: String

    @Option(name: .customLong("model"), help: ArgumentHelp("NAME=RUN_FOLDER; repeat for each model.", valueName: "name=folder"))
    var models: [String]

    @Option(help: "The split.csv the models were trained with; its validation cases are evaluated.")
    var split: String

    @Option(help: "The evaluation folder to write.")
    var out: String

    @Option(parsing: .unconditional, help: "Decision threshold on P(positive).")
    var threshold: Double = 0.5

    @OptionGroup var cam: CAMOptions
    @OptionGroup var prediction: PredictionOptions
    @OptionGroup var classes: ClassOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var readerOptions: ReaderOptions

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one --model NAME=RUN_FOLDER") }
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must lie in (0, 1), got \(threshold)") }
    }

    func run() throws {
        output.apply()
        try classes.apply()
        var job = EvaluationJob(
            data: URL(fileURLWithPath: data), split: URL(fileURLWithPath: split),
            models: try models.map(EvaluationJob.ModelRun.init(parsing:)), out: URL(fileURLWithPath: out),
            cam: try cam.settings(), threshold: threshold, positiveClass: classes.positive)
        job.testTimeAugmentation = prediction.testTimeAugmentation
        job.readers = try readerOptions.holdOutReaders(folds: false)
        let document = try Evaluator.evaluate(job)
        print("wrote \(out) (\(document.models.count) models, \(document.data.counts["validation"]?.values.reduce(0, +) ?? 0) validation cases)")
    }
}
