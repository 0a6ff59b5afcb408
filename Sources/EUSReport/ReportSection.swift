/// The report's sections, in order, with the ids the HTML uses as anchors. The PDF and the
/// HTML both follow this list.
public struct ReportSection: Equatable, Sendable {
    public var id: String
    public var title: String

    public static let all: [ReportSection] = [
        ReportSection(id: "summary", title: "Summary"),
        ReportSection(id: "data", title: "Data and flow"),
        ReportSection(id: "metrics", title: "Diagnostic accuracy"),
        ReportSection(id: "figures", title: "Figures"),
        ReportSection(id: "paired-tests", title: "Paired comparison"),
        ReportSection(id: "training", title: "Training"),
        ReportSection(id: "gradcam", title: "Grad-CAM gallery"),
        ReportSection(id: "audit", title: "Misclassified-case audit"),
        ReportSection(id: "reproducibility", title: "Reproducibility"),
    ]
}
