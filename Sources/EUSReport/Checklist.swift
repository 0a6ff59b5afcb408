import Foundation

/// A reporting checklist filled in from what a run contains: CLAIM 2024 (Checklist for
/// Artificial Intelligence in Medical Imaging, 2024 update: Tejani AS et al. (2024) Radiol Artif
/// Intell 6:e240300; 44 items) and STARD 2015 (Bossuyt PM et al. (2015) BMJ 351:h5527; 30 items,
/// some with parts a and b). The item texts are short paraphrases; the official wording is in
/// the papers, and authors should check each entry against it before submission.
///
/// Each item's status follows the run: *addressed* names the report section (and the figure or
/// table in it) that answers the item; *partly* says what is missing; *authors* marks what the
/// tool cannot know (ethics, recruitment, the reference standard's details); *not done* marks
/// what the run did not do (an external test set, a second reader).
public struct ChecklistItem: Sendable, Equatable {
    public enum Guideline: String, CaseIterable, Sendable {
        case claim2024 = "CLAIM 2024"
        case stard2015 = "STARD 2015"
    }

    public enum Status: String, Sendable {
        case addressed
        case partly
        case authors
        case notDone = "not done"
    }

    public var guideline: Guideline
    /// "18", or "10a".
    public var number: String
    /// The item, in a few words.
    public var text: String
    public var status: Status
    /// The section that addresses the item (addressed, and partly where something is there).
    public var section: ReportSection?
    /// Where in the section (addressed), what is missing (partly), what to give (authors), why
    /// not (not done).
    public var detail: String
}

/// What a report holds, as the checklist needs it.
public struct ChecklistFacts: Sendable, Equatable {
    /// An evaluation folder written by `evaluate` or `run` (training and data are known), not a
    /// bare predictions CSV.
    public var fromEvaluation = false
    public var crossValidated = false
    public var synthetic = false
    public var readers = 0
    /// Readers other than assisted readings.
    public var unaidedReaders = 0
    public var assistedReadings = false
    /// The predictions name patients (`patient_id`).
    public var patientIDs = false
    /// Some patient has several images, so there is a per-patient analysis.
    public var perPatient = false
    public var training = false
    public var gradcam = false
    public var masks = false
    public var models = 0

    public init() {}
}

extension ChecklistItem {
    /// Every item of both guidelines, CLAIM first, with statuses from `facts`.
    public static func all(_ facts: ChecklistFacts) -> [ChecklistItem] {
        ChecklistRules.claim(facts) + ChecklistRules.stard(facts)
    }
}

/// The items and the rules that decide their status.
enum ChecklistRules {
    typealias Entry = (status: ChecklistItem.Status, section: ReportSection?, detail: String)

    static func addressed(_ section: ReportSection, _ detail: String) -> Entry { (.addressed, section, detail) }
    static func partly(_ section: ReportSection?, _ missing: String) -> Entry { (.partly, section, missing) }
    static func authors(_ what: String) -> Entry { (.authors, nil, what) }
    static func notDone(_ why: String) -> Entry { (.notDone, nil, why) }

    static func item(_ guideline: ChecklistItem.Guideline, _ number: String, _ text: String, _ entry: Entry) -> ChecklistItem {
        ChecklistItem(guideline: guideline, number: number, text: text, status: entry.status, section: entry.section, detail: entry.detail)
    }

    static let referenceStandard = "the reference standard (e.g. histopathology with KIT/DOG1 immunohistochemistry), who applied it and how"

    static func claim(_ f: ChecklistFacts) -> [ChecklistItem] {
        let c = ChecklistItem.Guideline.claim2024
        let fromTrainer = "the predictions came from another trainer; its "
        let rows: [(String, String, Entry)] = [
            ("1", "Title names an AI study and its technique", partly(.summary, "the report's title names the networks; the manuscript's title is the authors'")),
            ("2", "Structured abstract", partly(.summary, "the Summary gives the numbers; the abstract itself is the authors'")),
            ("3", "Background, intended use and clinical role of the AI", authors("why GIST vs leiomyoma on EUS matters, and where the networks would sit in the work-up")),
            ("4", "Objectives and hypotheses", authors("the study's aims and hypotheses")),
            ("5", "Prospective or retrospective design", authors("whether the images were collected before or after the study was planned")),
            ("6", "Study goal (model creation, feasibility, non-inferiority …)", f.fromEvaluation
                ? partly(.summary, "the run develops and internally validates two networks; state the study's goal") : authors("the goal of the study that made these predictions")),
            ("7", "Data sources", f.synthetic ? addressed(.data, "synthetic phantom made by eus-report synth; flow diagram")
                : f.fromEvaluation ? partly(.reproducibility, "data root and image digests are recorded; name the institution and archive") : authors("where the images came from")),
            ("8", "Eligibility criteria", authors("inclusion and exclusion criteria of patients and images")),
            ("9", "Data pre-processing", f.fromEvaluation ? addressed(.training, "resizing, normalisation and augmentation in the training recipe and configuration table")
                : authors(fromTrainer + "pre-processing is not recorded")),
            ("10", "Selection of data subsets", f.fromEvaluation ? addressed(f.crossValidated ? .crossValidation : .data, f.crossValidated ? "cases per fold and class" : "cases per partition and class")
                : authors("how the evaluated cases were chosen")),
            ("11", "Definitions of data elements", partly(.data, "the two classes and the positive class are defined; define any other variables")),
            ("12", "De-identification", f.synthetic ? addressed(.data, "synthetic images contain no patient data") : authors("how the images were de-identified")),
            ("13", "Handling of missing data", f.readers > 0 ? partly(.readers, "unread cases are counted per reader and left out of that reader's tables; say how other missing data were handled")
                : authors("how missing images or labels were handled")),
            ("14", "Image acquisition protocol", f.synthetic ? partly(.reproducibility, "the phantom's generator and seed are recorded; no scanner settings apply")
                : authors("scanner, probe, frequency and settings")),
            ("15", "Reference standard: definition and rationale", f.synthetic ? addressed(.data, "the phantom's labels are known by construction") : authors(referenceStandard)),
            ("16", "Source of reference annotations; annotators' qualifications", f.synthetic ? addressed(.data, "labels set by the phantom's generator") : authors("who labelled the cases and their training")),
            ("17", "Annotation tools", f.masks ? partly(.gradcam, "lesion masks score the Grad-CAM maps; name the tool that drew them") : authors("the tools used to label or outline lesions")),
            ("18", "Inter- and intra-reader variability", f.unaidedReaders >= 2 ? addressed(.readers, "Cohen's κ for every pair and Fleiss' κ over the readers (Agreement tables)")
                : f.readers > 0 ? partly(.readers, "Cohen's κ between the reader and the networks; a second reader is needed for inter-reader κ")
                : notDone("no reader columns: the run has no second reading to measure variability")),
            ("19", "Intended sample size and how it was set", partly(.summary, "the precision caveat gives the widest interval; there is no sample-size calculation")),
            ("20", "Assignment to partitions and their proportions", f.crossValidated ? addressed(.crossValidation, "stratified folds, cases per fold")
                : f.fromEvaluation ? addressed(.data, "stratified split and cases per partition; split settings in Reproducibility") : authors("how the cases were split")),
            ("21", "Level at which partitions are disjoint", f.fromEvaluation
                ? (f.patientIDs ? addressed(.data, "images of one patient stay in one partition (patient_id)") : partly(.data, "partitions are disjoint by image; without patient_id they cannot be checked by patient"))
                : f.patientIDs ? partly(f.perPatient ? .patients : .data, "patients are named; say how the partitions were kept apart") : authors("whether images, patients or centres were kept apart")),
            ("22", "Model description", f.fromEvaluation ? addressed(.training, "architecture, parameters, FLOPs and input size (Models and training table)") : authors(fromTrainer + "architecture is not recorded")),
            ("23", "Software and versions", f.fromEvaluation ? addressed(.reproducibility, "software versions and machine") : partly(.reproducibility, "this report's software only; name the trainer's")),
            ("24", "Initialisation of model parameters", f.fromEvaluation ? addressed(.training, "configuration of each run (initial weights, seed)") : authors(fromTrainer + "initialisation is not recorded")),
            ("25", "Training details: augmentation, hyperparameters, models trained", f.training ? addressed(.training, "recipe in words, configuration table, loss and accuracy per epoch")
                : authors(fromTrainer + "training is not recorded")),
            ("26", "Selection of the final model", f.fromEvaluation ? addressed(.training, "a fixed number of epochs; no validation case seen before evaluation") : authors("how the final model was chosen")),
            ("27", "Ensembling", f.fromEvaluation ? addressed(.training, "no ensembling; test-time augmentation stated") : authors("whether models were ensembled")),
            ("28", "Performance metrics", addressed(.metrics, "sensitivity, specificity, PPV, NPV, accuracy, AUC, F1, LR±, Brier")),
            ("29", "Significance and uncertainty", f.models >= 2 ? addressed(.pairedTests, "paired DeLong and exact McNemar tests; every CI in Diagnostic accuracy")
                : addressed(.metrics, "six binomial intervals, DeLong and bootstrap CIs of the AUC")),
            ("30", "Robustness or sensitivity analysis", f.crossValidated ? addressed(.crossValidation, "spread of the metrics across folds")
                : f.perPatient ? partly(.patients, "per-patient analysis and cluster bootstrap; no test of robustness to acquisition changes")
                : partly(.metrics, "six interval methods side by side; no analysis of robustness to acquisition changes")),
            ("31", "Explainability (e.g. saliency maps)", f.gradcam ? addressed(.gradcam, "Grad-CAM overlays of every case, localisation scores where masks exist")
                : notDone("no Grad-CAM maps in this input")),
            ("32", "Validation on external data", f.fromEvaluation ? notDone(f.crossValidated ? "cross-validation within one data set; no external test set" : "single internal hold-out; no external test set")
                : authors("whether these cases come from a centre the model never saw")),
            ("33", "Performance across subgroups (bias)", notDone("the run reports no subgroups")),
            ("34", "Flow of cases, with a diagram", addressed(.data, "STARD-style flow diagram")),
            ("35", "Demographic and clinical characteristics per partition", partly(.data, "class counts per partition; give age, sex, lesion size and site")),
            ("36", "Performance on all data partitions", f.crossValidated ? addressed(.crossValidation, "every fold's accuracy and AUC")
                : f.fromEvaluation ? partly(.training, "the validation set in full; the training set only as the final training accuracy") : partly(.metrics, "the cases in this file only")),
            ("37", "Diagnostic accuracy with precision (95% CI)", addressed(.metrics, "every proportion with six 95% CIs, AUC with DeLong and bootstrap CIs" + (f.perPatient ? "; per patient too" : ""))),
            ("38", "Failure analysis of misclassified cases", addressed(.audit, "every case a network got wrong, with both probabilities")),
            ("39", "Limitations, bias and generalisability", partly(.summary, "the caveats on threshold, design and precision; add the clinical limitations")),
            ("40", "Implications for practice", authors("intended use and what the results mean for practice")),
            ("41", "Registration", authors("registry and registration number")),
            ("42", "Access to the protocol", authors("where the full protocol can be read")),
            ("43", "Funding and the funders' role", authors("sources of funding")),
            ("44", "Availability of code, models and data", partly(.reproducibility, "software versions, settings and SHA-256 of the inputs are recorded; say where code, weights and data can be obtained")),
        ]
        return rows.map { item(c, $0.0, $0.1, $0.2) }
    }

    static func stard(_ f: ChecklistFacts) -> [ChecklistItem] {
        let s = ChecklistItem.Guideline.stard2015
        let rows: [(String, String, Entry)] = [
            ("1", "Title identifies a diagnostic accuracy study", partly(.summary, "the report's title and measures; the manuscript's title is the authors'")),
            ("2", "Structured abstract", partly(.summary, "the Summary gives the numbers; the abstract itself is the authors'")),
            ("3", "Background, intended use and role of the index test", authors("the clinical question and the networks' place in it")),
            ("4", "Objectives and hypotheses", authors("the study's aims and hypotheses")),
            ("5", "Prospective or retrospective data collection", authors("when the data were collected relative to the study plan")),
            ("6", "Eligibility criteria", authors("inclusion and exclusion criteria")),
            ("7", "How eligible participants were identified", authors("symptoms, referral or registry that brought patients to EUS")),
            ("8", "Setting, location and dates", authors("centres and recruitment dates")),
            ("9", "Consecutive, random or convenience series", f.synthetic ? addressed(.data, "every generated phantom case is used") : authors("how the series was sampled")),
            ("10a", "Index test, in detail", f.fromEvaluation ? addressed(.training, "the networks, their training and the threshold") : partly(.summary, "the threshold only; describe the model")),
            ("10b", "Reference standard, in detail", f.synthetic ? addressed(.data, "labels known by construction") : authors(referenceStandard)),
            ("11", "Rationale for the reference standard", f.synthetic ? addressed(.data, "labels known by construction") : authors("why this reference standard")),
            ("12a", "Index test positivity cut-off, pre-specified or exploratory", addressed(.summary, "the threshold and how it was chosen; Youden thresholds marked exploratory")),
            ("12b", "Reference standard categories and cut-offs", authors("how GIST and leiomyoma were told apart on the reference standard")),
            ("13a", "Information available to the index test's performers", f.readers > 0 ? partly(.readers, "the networks saw only the images; state what clinical information the readers had")
                : f.fromEvaluation ? addressed(.training, "the networks saw only the images; no validation case in training or selection") : authors("what the model or readers knew")),
            ("13b", "Information available to the reference standard's assessors", authors("whether pathologists knew the EUS or network results")),
            ("14", "Methods for estimating and comparing accuracy", addressed(.metrics, "interval methods, DeLong and McNemar" + (f.readers > 0 ? "; Newcombe's paired CIs for readers" : ""))),
            ("15", "Handling of indeterminate results", partly(.metrics, "the networks always give a probability; say how indeterminate reference or reader results were handled")),
            ("16", "Handling of missing data", f.readers > 0 ? partly(.readers, "unread cases counted per reader; other missing data are the authors'") : authors("how missing data were handled")),
            ("17", "Analyses of variability in accuracy", f.readers > 0 ? addressed(.readers, "readers' accuracy and agreement (κ)" + (f.assistedReadings ? ", assisted against unaided reading" : ""))
                : f.crossValidated ? addressed(.crossValidation, "variation across folds") : f.perPatient ? addressed(.patients, "per-image against per-patient accuracy")
                : notDone("no readers, folds or patients to analyse variability across")),
            ("18", "Intended sample size", partly(.summary, "the precision caveat; there is no sample-size calculation")),
            ("19", "Flow of participants, with a diagram", addressed(.data, "STARD-style flow diagram")),
            ("20", "Baseline demographic and clinical characteristics", partly(.data, "class counts; give age, sex, lesion size and site")),
            ("21a", "Severity of disease in those with the target condition", authors("GIST size and risk category")),
            ("21b", "Alternative diagnoses in those without it", authors("all negatives are leiomyomas here; say whether other subepithelial lesions were excluded")),
            ("22", "Interval and interventions between index test and reference standard", authors("time from EUS to resection or biopsy")),
            ("23", "Cross-tabulation of index test by reference standard", addressed(.metrics, "2×2 table of each network" + (f.readers > 0 ? " and reader" : ""))),
            ("24", "Estimates of accuracy with precision", addressed(.metrics, "every proportion with six 95% CIs; AUC with DeLong and bootstrap CIs")),
            ("25", "Adverse events", authors("none arise from analysing stored images; say so")),
            ("26", "Limitations and sources of bias", partly(.summary, "the caveats on threshold, design and precision; add the clinical ones")),
            ("27", "Implications for practice", authors("what the results mean for practice")),
            ("28", "Registration", authors("registry and registration number")),
            ("29", "Access to the protocol", authors("where the full protocol can be read")),
            ("30", "Funding", authors("sources of funding and the funders' role")),
        ]
        return rows.map { item(s, $0.0, $0.1, $0.2) }
    }
}
