import ArgumentParser
import EUSData
import EUSPipeline
import EUSSupport
import Foundation

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a dataset into training and validation cases (stratified hold-out, split.csv) or into k folds (folds.csv).",
        discussion: """
        DATA is a folder with one sub-folder per class (GIST/, LM/; masks/ is not
        a class) or a CSV manifest case_id,path,label[,mask_path][,patient_id]
        with paths relative to the CSV.

        In each class, round(ratio x class count) cases go to training and the
        rest to validation: 69 GIST and 73 LM at --ratio 0.8 give 55 + 58 training
        and 14 + 15 validation cases. When the manifest has a patient_id column,
        all images of one patient fall in the same partition. The split is seeded:
        the same data, ratio and seed give the same split.

        split.csv has the columns case_id,label,partition (partition: train or
        validation); train, predict and evaluate take it with --split.

        With --folds K, it writes stratified k-fold assignments instead, with the
        columns case_id,label,repeat,fold (both from 1): in each class the folds'
        counts differ by at most one case, or by one patient's images when the
        manifest has patient_id (a patient's images share a fold). --repeats R
        draws the folds R times with different seeds. run --folds K --split
        folds.csv takes such a file.

        Examples:
          eus-report split data/phantom --out data/split.csv --ratio 0.8 --seed 1
          eus-report split data/phantom --out data/folds.csv --folds 5 --repeats 2
        """
    )

    @Argument(help: ArgumentHelp("The dataset: a folder with one sub-folder per class, or a CSV manifest.", valueName: "data"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("The split file to write.", valueName: "split.csv"))
    var out: String

    @Option(help: "Share of each class that goes to training, in (0, 1).")
    var ratio: Double = 0.8

    @Option(help: "Random seed of the split.")
    var seed: UInt64 = 1

    @OptionGroup var folding: FoldOptions
    @OptionGroup var classes: ClassOptions

    func validate() throws {
        guard ratio > 0 && ratio < 1 else { throw ValidationError("--ratio must be strictly between 0 and 1 (got \(ratio))") }
    }

    func run() throws {
        try AtomicOutput.checkSeparate(output: URL(fileURLWithPath: out), from: [URL(fileURLWithPath: data)])
        try classes.apply()
        let dataset = try Dataset.load(URL(fileURLWithPath: data), positive: classes.positive)
        defer {
            if !dataset.skippedFiles.isEmpty {
                FileHandle.standardError.write(Data("note: skipped \(dataset.skippedFiles.count) hidden or non-image file(s) in \(data)\n".utf8))
            }
        }
        if let settings = folding.settings(seed: seed) {
            let folds = try Folds.stratified(dataset, folds: settings.count, repeats: settings.repeats, seed: seed)
            let url = URL(fileURLWithPath: out)
            try folds.write(to: url, for: dataset)
            print("\(url.path): \(dataset.cases.count) cases\n\(folds.summary(for: dataset))")
            return
        }
        let split = Split.stratified(dataset, ratio: ratio, seed: seed)
        try DataSteps.checkBothPartitions(split, dataset: dataset, source: "--ratio \(ratio)")
        let url = URL(fileURLWithPath: out)
        try split.write(to: url, for: dataset)
        print("\(url.path): \(dataset.cases.count) cases\n\(split.summary(for: dataset))")
    }
}
