/// The report's sections, in order; the raw values are the ids the HTML uses as anchors. The
/// PDF and the HTML both follow this order.
public enum ReportSection: String, CaseIterable, Sendable {
    case summary
    case data
    /// Only when the predictions are out-of-fold ones (`run --folds`, or a CSV with a fold column).
    case crossValidation = "cross-validation"
    case metrics
    case figures
    case pairedTests = "paired-tests"
    /// The endosonographers beside the networks (always shown: without reader columns it says so).
    case readers
    /// Only when some patient has more than one image.
    case patients
    /// Decision curves and the recalibration fit.
    case clinicalUtility = "clinical-utility"
    /// Only when subgroups were asked for (`--subgroup`).
    case subgroups
    /// "Was the study big enough?"
    case sampleSize = "sample-size"
    case training
    case gradcam
    case audit
    case reproducibility
    /// The CLAIM 2024 and STARD 2015 items, filled in from the run.
    case checklist

    /// The sections a report shows: all of them, but cross-validation only for out-of-fold
    /// predictions, the per-patient analysis only when some patient has several images, and
    /// subgroups only when there are some.
    public static func shown(crossValidated: Bool, perPatient: Bool = false, subgroups: Bool = false) -> [ReportSection] {
        allCases.filter {
            ($0 != .crossValidation || crossValidated) && ($0 != .patients || perPatient) && ($0 != .subgroups || subgroups)
        }
    }

    /// The HTML anchor.
    public var id: String { rawValue }

    public var title: String {
        switch self {
        case .summary: return "Summary"
        case .data: return "Data and flow"
        case .crossValidation: return "Cross-validation"
        case .metrics: return "Diagnostic accuracy"
        case .figures: return "Figures"
        case .pairedTests: return "Paired comparison"
        case .clinicalUtility: return "Calibration and clinical utility"
        case .subgroups: return "Subgroups"
        case .sampleSize: return "Was the study big enough?"
        case .training: return "Training"
        case .gradcam: return "Grad-CAM gallery"
        case .audit: return "Misclassified-case audit"
        case .reproducibility: return "Reproducibility"
        case .readers: return "Readers"
        case .patients: return "Per-patient analysis"
        case .checklist: return "Reporting checklist"
        }
    }
}
