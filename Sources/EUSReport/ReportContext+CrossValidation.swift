import EUSStats

extension ReportContext {
    /// The cross-validation summary, when the predictions are out-of-fold ones.
    var crossValidation: CrossValidationSummary? { metrics.crossValidation }

    /// The design in one paragraph, the per-fold figure and table, and the corrected tests.
    var crossValidationBlocks: [ReportBlock] {
        guard let cv = crossValidation else { return [] }
        var blocks: [ReportBlock] = [.paragraph(designParagraph(cv))]
        blocks += cv.comparisons.map { .callout(verdict($0), warning: false) }
        blocks.append(.figure(name: "folds", caption: "Accuracy and AUC of each network in each fold, on that fold's held-out cases; a line joins the two networks' values in one fold, so a network that wins every fold shows lines that all slope the same way."))
        blocks.append(.table(perFoldTable(cv)))
        blocks.append(.table(acrossFoldsTable(cv)))
        blocks += cv.comparisons.map { .table(correctedTestTable($0, cv)) }
        return blocks
    }

    func designParagraph(_ cv: CrossValidationSummary) -> String {
        let design = input.evaluation?.crossValidation
        let grouped = design?.grouped == true ? ", with all of one patient's images in the same fold" : ""
        let made = design.map { " (\($0.method))" } ?? ""
        let repeats = cv.repeats == 1 ? "once" : "\(cv.repeats) times, each time anew"
        return "The \(cv.n) cases were divided \(repeats) into \(cv.folds) folds stratified by class\(grouped)\(made). "
            + "For each fold, both networks were trained from scratch on the other \(cv.folds - 1) fold\(cv.folds == 2 ? "" : "s") (about \(MetricsText.decimal(cv.nTrain, digits: 0)) cases) "
            + "and then predicted the held-out fold (about \(MetricsText.decimal(cv.nTest, digits: 0)) cases), so every case was predicted \(cv.repeats == 1 ? "once" : "once per repeat") by networks that never saw it. "
            + "The per-fold estimates below show how much the result moves from one set of \(MetricsText.decimal(cv.nTest, digits: 0)) cases to another. "
            + "The networks are compared with the corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004), which widens the variance of the per-fold differences for the overlap between the folds' training sets. "
            + "The diagnostic-accuracy tables, figures and paired tests elsewhere in this report pool the out-of-fold predictions (\(cv.pooling)); the pooled DeLong and McNemar tests ignore the fold structure."
    }

    func perFoldTable(_ cv: CrossValidationSummary) -> ReportTable {
        let names = models.map(\.name)
        var header = ["Fold", "n (\(metrics.positiveClass)/\(metrics.negativeClass))"]
        for name in names { header += ["\(ModelNames.display(name)) accuracy", "\(ModelNames.display(name)) AUC"] }
        let rows = cv.perFold.map { fold -> [String] in
            let label = cv.repeats > 1 ? "R\(fold.repeatNumber) F\(fold.fold)" : "\(fold.fold)"
            var row = [label, "\(fold.n) (\(fold.nPositive)/\(fold.nNegative))"]
            for name in names {
                let model = fold.models.first { $0.name == name }
                row += [model.map { "\(MetricsText.percent($0.proportions.accuracy.value)) \(MetricsText.fraction($0.proportions.accuracy))" } ?? "–",
                        MetricsText.decimal(model?.auc, digits: 3)]
            }
            return row
        }
        return ReportTable(caption: "Per fold: accuracy (correct/n) and AUC on the fold's held-out cases", header: header, rows: rows,
                           note: "Each fold's networks were trained on the other folds only. An AUC is n/a in a fold that holds one class only.")
    }

    func acrossFoldsTable(_ cv: CrossValidationSummary) -> ReportTable {
        let measures: [(String, (AcrossFolds) -> FoldSpread, Bool)] = [
            ("Accuracy", \.accuracy, true), ("Sensitivity", \.sensitivity, true), ("Specificity", \.specificity, true),
            ("PPV", \.ppv, true), ("NPV", \.npv, true), ("AUC", \.auc, false),
        ]
        let rows = measures.map { name, spread, isPercent in
            [name] + cv.acrossFolds.map { CrossValidationSummary.spreadText(spread($0), Self.format(percent: isPercent)) }
        }
        return ReportTable(caption: "Across the \(cv.perFold.count) folds: mean ± SD (min–max, folds that define it)", header: ["Measure"] + cv.acrossFolds.map { ModelNames.display($0.name) },
                           rows: rows, note: "The SD is over folds (ddof 1); the fold-to-fold spread, not a confidence interval.")
    }

    func correctedTestTable(_ c: CrossValidationComparison, _ cv: CrossValidationSummary) -> ReportTable {
        let rows = [("Accuracy", c.correctedTTest.accuracy, true), ("AUC", c.correctedTTest.auc, false)].map { name, test, isPercent in
            let text = Self.format(percent: isPercent)
            let ci = test.ci.map { "\(text($0.lower)) to \(text($0.upper))" } ?? MetricsText.notAvailable
            return [name, text(test.meanDifference), ci, MetricsText.decimal(test.t, digits: 2), "\(test.df)",
                    test.p.map { MetricsText.pValue($0) } ?? (test.reason ?? MetricsText.notAvailable)]
        }
        return ReportTable(caption: "\(ModelNames.display(c.a)) − \(ModelNames.display(c.b)): corrected resampled t-test over \(cv.perFold.count) folds",
                           header: ["Measure", "Mean difference", "95% CI", "t", "df", "p"], rows: rows,
                           note: "Variance of the per-fold differences × (1/(kR) + n_test/n_train), with n_train = \(MetricsText.decimal(cv.nTrain, digits: 1)) and n_test = \(MetricsText.decimal(cv.nTest, digits: 1)); df = kR − 1. The differences per fold are in metrics.json.")
    }

    /// Proportions as percentages, AUCs to three decimals.
    static func format(percent: Bool) -> (Double?) -> String {
        percent ? { MetricsText.percent($0) } : { MetricsText.decimal($0, digits: 3) }
    }

    /// Plain words on the corrected tests: significant or not, and what that means.
    func verdict(_ c: CrossValidationComparison) -> String {
        let a = ModelNames.display(c.a), b = ModelNames.display(c.b)
        let tests = [("accuracy", c.correctedTTest.accuracy), ("AUC", c.correctedTTest.auc)]
        let significant = tests.filter { ($0.1.p ?? 1) < 0.05 }.map(\.0)
        if significant.isEmpty {
            let ps = tests.map { "\($0.0) p = \($0.1.p.map { MetricsText.pValue($0) } ?? "n/a")" }.joined(separator: ", ")
            return "Over the folds, the difference between \(a) and \(b) is not significant (\(ps)): these data do not show that either network is better, nor that they are equivalent."
        }
        return "Over the folds, \(a) and \(b) differ in \(significant.joined(separator: " and ")) at the 5% level (corrected resampled t-test); with this few cases, treat it as a finding to confirm on independent data."
    }

    /// The summary's first sentence when folds were run: the cross-validated comparison.
    var crossValidationFinding: String? {
        guard let cv = crossValidation else { return nil }
        let spreads = cv.acrossFolds.map { across in
            "\(ModelNames.display(across.name)) \(MetricsText.percent(across.accuracy.mean)) ± \(MetricsText.percent(across.accuracy.sd)) accuracy and AUC \(MetricsText.decimal(across.auc.mean, digits: 3)) ± \(MetricsText.decimal(across.auc.sd, digits: 3))"
        }
        let design = "\(cv.folds)-fold cross-validation\(cv.repeats > 1 ? " repeated \(cv.repeats) times" : "")"
        return "In \(design) (mean ± SD over the \(cv.perFold.count) folds): \(spreads.joined(separator: "; ")). "
            + cv.comparisons.map(verdict).joined(separator: " ")
    }
}
