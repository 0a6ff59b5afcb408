import Foundation
import EUSRender
import EUSStats

extension ReportContext {
    func hasFigure(_ name: String) -> Bool { figures.contains { $0.name == name } }

    /// True when there is anything to show as a picture: overlays or case images.
    var hasCaseImages: Bool { input.images.hasOverlays || input.cases.contains { $0.imageURL != nil } }

    /// Every section's blocks, in `ReportSection` order; the cross-validation section only
    /// when there were folds.
    public var sections: [(section: ReportSection, blocks: [ReportBlock])] {
        shownSections.map { ($0, unitStated(blocks(for: $0), section: $0)) }
    }

    /// Figures numbered in the order the report shows them: `figureNumbers["roc"] == 4`.
    public var figureNumbers: [String: Int] {
        var numbers: [String: Int] = [:]
        for (_, blocks) in sections {
            for case .figure(let name, _) in blocks where numbers[name] == nil && hasFigure(name) {
                numbers[name] = numbers.count + 1
            }
        }
        return numbers
    }

    /// "Figure 4 (roc)." or "Figure (roc)." when the figure is not shown.
    func figureLabel(_ name: String, numbers: [String: Int]) -> String {
        numbers[name].map { "Figure \($0) (\(name))." } ?? "Figure (\(name))."
    }

    func blocks(for section: ReportSection) -> [ReportBlock] {
        switch section {
        case .summary: return summaryBlocks
        case .data: return dataBlocks
        case .crossValidation: return crossValidationBlocks
        case .metrics: return metricsBlocks
        case .figures: return figureBlocks
        case .pairedTests: return pairedBlocks
        case .clinicalUtility: return clinicalUtilityBlocks
        case .subgroups: return subgroupBlocks
        case .sampleSize: return sampleSizeBlocks
        case .training: return trainingBlocks
        case .gradcam: return galleryBlocks
        case .audit: return auditBlocks
        case .reproducibility: return reproducibilityBlocks
        case .readers: return readerBlocks
        case .patients: return patientBlocks
        case .checklist: return checklistBlocks
        }
    }

    var summaryBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = crossValidationFinding.map { [.paragraph($0)] } ?? []
        blocks += [.paragraph(keyFindings), .table(summaryTable)]
        if let finding = clinicalUtilityFinding { blocks.append(.paragraph(finding)) }
        blocks += caveats.map { .callout($0, warning: false) }
        return blocks
    }

    var dataBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = []
        if let cv = crossValidation {
            let classes = [metrics.positiveClass, metrics.negativeClass]
            let rows = cv.perFold.map { fold in
                [cv.repeats > 1 ? "Repeat \(fold.repeatNumber), fold \(fold.fold)" : "Fold \(fold.fold)", "\(fold.nPositive)", "\(fold.nNegative)", "\(fold.n)"]
            }
            blocks.append(.paragraph("Each case is one EUS image with a reference-standard label (\(classes.joined(separator: " or "))). The \(cv.n) cases were divided into \(cv.folds) folds (see Cross-validation); each fold was predicted by networks trained on the other folds, and every number in this report comes from these out-of-fold predictions."))
            blocks.append(.table(ReportTable(caption: "Cases per fold and class", header: ["Fold"] + classes + ["Total"], rows: rows)))
        } else if let e = input.evaluation, !e.counts.isEmpty {
            let partitions = e.counts.keys.sorted { ($0 == "train" ? 0 : 1, $0) < ($1 == "train" ? 0 : 1, $1) }
            let classes = [metrics.positiveClass, metrics.negativeClass]
            let rows = partitions.map { p in [p.capitalized] + classes.map { "\(e.counts[p]?[$0] ?? 0)" } + ["\(e.counts[p]?.values.reduce(0, +) ?? 0)"] }
            blocks.append(.paragraph("Each case is one EUS image with a reference-standard label (\(classes.joined(separator: " or "))). The cases were split once into a training and a validation set; both models were trained on the training set only and every number in this report comes from the validation set."))
            blocks.append(.table(ReportTable(caption: "Cases per partition and class", header: ["Partition"] + classes + ["Total"], rows: rows)))
        } else {
            blocks.append(.paragraph("The input is a predictions file with \(metrics.n) cases (\(count(metrics.positiveClass)) \(metrics.positiveClass), \(count(metrics.negativeClass)) \(metrics.negativeClass)). How the cases were selected and split is not recorded in it."))
        }
        blocks.append(.figure(name: "flow", caption: crossValidation == nil
            ? "STARD-style flow of cases: selection, split and each model's calls on the validation set against the reference standard."
            : "STARD-style flow of cases: selection, the folds, and each model's out-of-fold calls against the reference standard."))
        return blocks
    }

    var metricsBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = [.paragraph("Sensitivity, specificity, PPV, NPV and accuracy with \(metrics.positiveClass) as the positive class, each with six 95% intervals. The study's convention is the Wald interval; Wilson is the recommended interval at small n (Newcombe 1998) and is the one the summary and the forest plot use.")]
        blocks.append(.figure(name: "confusion", caption: "The 2×2 table of each model at the threshold: counts and row percentages."))
        blocks += models.map { .table(intervalTable($0)) }
        blocks.append(.table(otherMeasuresTable))
        return blocks
    }

    var figureBlocks: [ReportBlock] {
        [.figure(name: "forest", caption: "Forest plot: point estimates with Wilson 95% CIs (dark) and Wald 95% CIs (light)."),
         .figure(name: "roc", caption: "ROC curves with the chance diagonal; dots mark each model's operating point at the threshold. AUC with DeLong 95% CI in the legend." + (metrics.readers == nil ? "" : " Squares: each reader's sensitivity and 1 − specificity on the cases it read (Readers section).")),
         .figure(name: "calibration", caption: "Reliability diagram (10 bins of predicted probability) with Clopper-Pearson 95% bands on each bin's observed share and the number of cases per bin below.")]
    }

    var pairedBlocks: [ReportBlock] {
        guard !metrics.comparisons.isEmpty else { return [.paragraph("Only one model was evaluated, so there is no paired comparison.")] }
        var blocks: [ReportBlock] = [.paragraph("Both models classified the same cases, so they are compared with paired tests: DeLong's test for correlated ROC curves (DeLong et al. 1988) and McNemar's exact test on the cases where exactly one model was right.")]
        for c in metrics.comparisons {
            blocks += [.paragraph(pairedSentence(c)), .table(pairedTable(c)), .table(agreementTable(c))]
        }
        return blocks
    }

    var trainingBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = []
        if let table = trainingTable { blocks.append(.table(table)) }
        blocks += recipeBlocks
        if hasFigure("training") {
            blocks.append(.figure(name: "training", caption: "Training loss and accuracy per epoch on the training set."))
        }
        if !input.configs.isEmpty { blocks.append(.table(configurationTable(input.configs))) }
        if blocks.isEmpty {
            blocks.append(.callout("No training details: the input has no eval.json, training histories or configurations.", warning: false))
        }
        return blocks
    }

    /// How each network was trained and chosen, in words (from its config.json), and whether
    /// the validation predictions average test-time views.
    var recipeBlocks: [ReportBlock] {
        guard let evaluation = input.evaluation else { return [] }
        var blocks: [ReportBlock] = []
        let recipes = evaluation.models.filter { !$0.recipe.isEmpty }
        // One list when every network shares the recipe (the demo and `run`), else one each.
        let shared = Set(recipes.map(\.recipe)).count == 1
        for model in shared ? Array(recipes.prefix(1)) : recipes {
            let title = shared ? "Training recipe (\(recipes.map { ModelNames.display($0.name) }.joined(separator: " and ")))" : "Training recipe of \(ModelNames.display(model.name))"
            blocks.append(.paragraph("\(title): " + model.recipe.joined(separator: "; ") + "."))
        }
        if let selection = evaluation.models.compactMap(\.selection).first {
            blocks.append(.callout("Model selection: \(selection)", warning: false))
        }
        if let tta = evaluation.testTimeAugmentation {
            blocks.append(.paragraph(tta
                ? "Test-time augmentation: each evaluated probability is the mean over the image's symmetric views (a radial scan at 0°, 90°, 180° and 270°, each also mirrored; a sector as it is and mirrored). The Grad-CAM maps are those of the plain image."
                : "No test-time augmentation: each evaluated probability comes from the plain image."))
        }
        return blocks
    }

    var galleryBlocks: [ReportBlock] {
        guard input.images.hasOverlays else {
            return [.callout("No Grad-CAM overlays: the input has no cams/ folder (a predictions CSV carries no images).", warning: false), .caseTable]
        }
        let cam = Dictionary(input.evaluation?.cam ?? [], uniquingKeysWith: { a, _ in a })
        let method = [cam["method"], cam["layer"].map { "at \($0)" }, cam["target"].map { "target \($0)" }].compactMap { $0 }.joined(separator: ", ")
        var blocks: [ReportBlock] = [.paragraph("Every \(crossValidation == nil ? "validation case" : "case, out of fold (each map is from the networks that did not train on the case's fold)"): the image, then each model's Grad-CAM overlay (\(method.isEmpty ? "Grad-CAM" : method)). Warm colours mark the regions that raised the model's score. Under each overlay: the model's P(\(metrics.positiveClass)) → its call; ✓/✗ say whether the call was right.")]
        if let note = camLayerNote { blocks.append(.paragraph(note)) }
        if let table = localisationTable { blocks.append(.table(table)) }
        return blocks + [.cases(input.cases, audit: false), .caseTable]
    }

    /// Why the maps come from the block they come from, with their resolution.
    var camLayerNote: String? {
        guard let evaluation = input.evaluation, let size = evaluation.models.compactMap(\.imageSize).first,
              let layer = evaluation.cam.first(where: { $0.key == "layer" })?.value else { return nil }
        let stride = layer.hasPrefix("layer4") ? 32 : layer.hasPrefix("layer3") ? 16 : layer.hasPrefix("layer2") ? 8 : 4
        let cells = "\((size + stride - 1) / stride)×\((size + stride - 1) / stride)"
        if layer.hasPrefix("layer3") {
            return "The maps are taken at \(layer), the last block of layer3, whose activations are \(cells) at this \(size)-pixel input, rather than at layer4 (pytorch-grad-cam's usual choice), whose \((size + 31) / 32)×\((size + 31) / 32) cells are each larger than a typical lesion here: a map that coarse cannot show whether a network looked at the lesion or beside it."
        }
        return "The maps are taken at \(layer), whose activations are \(cells) at this \(size)-pixel input; each map is upsampled to the input size."
    }

    var auditBlocks: [ReportBlock] {
        let wrong = input.misclassified
        guard !wrong.isEmpty else { return [.paragraph("No model misclassified any case.")] }
        let shows = hasCaseImages ? "Each panel shows the image, every model's overlay and probability, the true label and whether the other model was right." : "Each entry gives the true label, every model's probability and call, and whether the other model was right."
        var blocks: [ReportBlock] = [.paragraph("\(wrong.count) of \(metrics.n) cases were misclassified by at least one model. " + shows)]
        if !input.images.hasOverlays {
            blocks.append(.callout("Images and Grad-CAM overlays are not available for this input; the audit lists the cases and probabilities only.", warning: false))
        }
        blocks.append(.cases(wrong, audit: true))
        return blocks
    }

    var reproducibilityBlocks: [ReportBlock] {
        var blocks: [ReportBlock] = [.keyValues(reproducibilityPairs), .table(timingTable)]
        if hasFigure("crop_examples") {
            blocks.append(.figure(name: "crop_examples", caption: "The scan field found by --crop auto in three of the images: outlined in yellow, its box dashed. The network saw only the field, with everything outside it blanked; outside the box, the frame is shown coarsened so that burned-in text cannot be read."))
        }
        if let hashes = hashTable { blocks.append(.table(hashes)) } else {
            blocks.append(.paragraph("Image digests are not available for this input (they are recorded in an evaluation folder's eval.json)."))
        }
        return blocks
    }

    /// The audit's words for one case: each model's probability and call, and whether the
    /// other model was right.
    func auditLines(_ item: ReportCase) -> [String] {
        let correct = item.correct(threshold: metrics.threshold), calls = item.calls(threshold: metrics.threshold)
        var lines = ["True class: \(item.label)"]
        for (index, model) in models.enumerated() {
            let call = calls[index] ? metrics.positiveClass : metrics.negativeClass
            let others = models.indices.filter { $0 != index }
            var line = "\(display(model)): P(\(metrics.positiveClass)) = \(MetricsText.decimal(item.probabilities[index], digits: 3)), called \(call), \(correct[index] ? "right" : "WRONG")"
            if !correct[index], !others.isEmpty {
                let right = others.filter { correct[$0] }.map { display(models[$0]) }
                line += right.isEmpty ? "; the other model was wrong too" : "; \(right.joined(separator: ", ")) was right"
            }
            lines.append(line)
        }
        return lines
    }

    /// The runs' config.json files as one table of settings, a column per network, nested
    /// keys joined by dots ("training.epochs"); the recipe and the selection rule, printed
    /// above in words, are left out. The files themselves are in the evaluation folder.
    func configurationTable(_ configs: [(model: String, json: String)]) -> ReportTable {
        let flattened = configs.map { Dictionary(ConfigurationRows.flatten($0.json), uniquingKeysWith: { a, _ in a }) }
        var keys: [String] = []
        for config in configs {
            for (key, _) in ConfigurationRows.flatten(config.json) where !keys.contains(key) && !["recipe", "selection"].contains(key) {
                keys.append(key)
            }
        }
        let rows = keys.map { key in [key] + flattened.map { $0[key] ?? "–" } }
        return ReportTable(caption: "Configuration of each run", header: ["Setting"] + configs.map { ModelNames.display($0.model) },
                           rows: rows, textColumns: Set(0...configs.count),
                           note: "From each run's config.json (configs/<model>.json in the evaluation folder); the recipe and the selection rule are given above in words.")
    }
}

/// A JSON object as setting–value rows.
enum ConfigurationRows {
    /// Nested objects give dotted keys; arrays of plain values are joined with "; "; every
    /// value is one line of text. Text that is not a JSON object gives one row, as it is.
    static func flatten(_ json: String) -> [(key: String, value: String)] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return [("config.json", json.trimmingCharacters(in: .whitespacesAndNewlines))]
        }
        var rows: [(key: String, value: String)] = []
        func visit(_ value: Any, path: String) {
            if let nested = value as? [String: Any], !nested.isEmpty {
                for key in nested.keys.sorted() { visit(nested[key]!, path: path.isEmpty ? key : path + "." + key) }
            } else if let array = value as? [Any], array.allSatisfy({ !($0 is [String: Any]) && !($0 is [Any]) }) {
                rows.append((path, array.map(EvaluationInfo.text).joined(separator: "; ")))
            } else {
                rows.append((path, EvaluationInfo.text(value)))
            }
        }
        visit(object, path: "")
        return rows
    }
}
