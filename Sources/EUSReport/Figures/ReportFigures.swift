import EUSRender

/// The figures a report has for its input: ROC, confusion, forest, calibration and flow always;
/// folds for out-of-fold predictions; training when a history exists; the Grad-CAM gallery
/// when overlays exist.
public enum ReportFigures {
    public static func all(for input: ReportInput) -> [Figure] {
        var figures: [Figure] = [.roc(input.metrics), .confusion(input.metrics), .forest(input.metrics),
                                 .calibration(input.metrics), .flow(FlowCounts(input: input))]
        if let curve = input.metrics.decisionCurve {
            figures.append(.decisionCurve(curve, positiveClass: input.metrics.positiveClass))
        }
        if let subgroups = input.metrics.subgroups, !subgroups.isEmpty {
            figures.append(.subgroupForest(subgroups, models: input.modelNames))
        }
        if let cv = input.metrics.crossValidation { figures.append(.folds(cv, modelOrder: input.modelNames)) }
        if !input.histories.isEmpty { figures.append(.training(input.histories, modelOrder: input.modelNames)) }
        if input.images.hasOverlays, !input.cases.isEmpty { figures.append(.gradcamGallery(input)) }
        let crops = CropExample.examples(input)
        if !crops.isEmpty { figures.append(.cropExamples(crops)) }
        return figures
    }
}
