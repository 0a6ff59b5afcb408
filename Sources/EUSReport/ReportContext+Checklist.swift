import EUSStats
import EUSSupport
import Foundation

/// The Reporting checklist section and `checklist.csv`.
extension ReportContext {
    /// What the checklist needs to know about this report.
    public var checklistFacts: ChecklistFacts {
        var facts = ChecklistFacts()
        facts.fromEvaluation = input.kind == .evaluationFolder && input.evaluation != nil
        facts.crossValidated = crossValidation != nil
        facts.synthetic = input.isSynthetic
        facts.readers = metrics.readers?.readers.count ?? 0
        facts.unaidedReaders = metrics.readers?.readers.filter { !$0.assisted }.count ?? 0
        facts.assistedReadings = !(metrics.readers?.assisted.isEmpty ?? true)
        facts.patientIDs = input.hasPatientIDs
        facts.perPatient = metrics.patients != nil
        facts.training = !input.histories.isEmpty || !input.configs.isEmpty
        facts.gradcam = input.images.hasOverlays
        facts.masks = input.cases.contains { $0.hasMask == true }
        facts.models = models.count
        return facts
    }

    public var checklist: [ChecklistItem] { ChecklistItem.all(checklistFacts) }

    /// The sections the report shows, in order, without building their blocks.
    var shownSections: [ReportSection] {
        ReportSection.shown(crossValidated: crossValidation != nil, perPatient: metrics.patients != nil,
                            subgroups: !(metrics.subgroups ?? []).isEmpty)
    }

    /// "4. Diagnostic accuracy", as the PDF numbers the sections.
    func sectionReference(_ section: ReportSection) -> String {
        (shownSections.firstIndex(of: section).map { "\($0 + 1). " } ?? "") + section.title
    }

    var checklistBlocks: [ReportBlock] {
        let items = checklist
        func count(_ status: ChecklistItem.Status) -> Int { items.filter { $0.status == status }.count }
        var blocks: [ReportBlock] = [
            .paragraph("CLAIM 2024 (Checklist for Artificial Intelligence in Medical Imaging, 44 items) and STARD 2015 (30 items), filled in from what this run contains: \(count(.addressed)) entries addressed here, \(count(.partly)) partly, \(count(.notDone)) not done by this run, and \(count(.authors)) for the authors, who alone know the ethics approval, the recruitment, the reference standard and the clinical context. The item texts are short paraphrases: check each entry against the official checklist. The same table is in checklist.csv."),
        ]
        for guideline in ChecklistItem.Guideline.allCases {
            let rows = items.filter { $0.guideline == guideline }
            let table = ReportTable(
                caption: guideline == .claim2024 ? "CLAIM 2024" : "STARD 2015", header: ["Item", "Topic", "Status", "Where, or what is missing"],
                rows: rows.map { [$0.number, $0.text, $0.status.rawValue, whereText($0)] }, textColumns: [0, 1, 2, 3])
            var linked = table
            linked.links = rows.map { [nil, nil, nil, $0.section.map(\.id)] }
            linked.wrapColumn = 3
            blocks.append(.table(linked))
        }
        return blocks
    }

    func whereText(_ item: ChecklistItem) -> String {
        switch item.status {
        case .addressed: return "\(item.section.map(sectionReference) ?? ""): \(item.detail)"
        case .partly: return (item.section.map { "\(sectionReference($0)): " } ?? "") + item.detail
        case .authors: return "for the authors: " + item.detail
        case .notDone: return item.detail
        }
    }

    /// `checklist.csv`: guideline,item,topic,status,section,detail (docs/formats.md).
    public var checklistCSV: String {
        var writer = CSVWriter(header: ["guideline", "item", "topic", "status", "section", "detail"])
        for item in checklist {
            writer.append([item.guideline.rawValue, item.number, item.text, item.status.rawValue, item.section?.id ?? "", item.detail])
        }
        return writer.text
    }
}

extension ReportInput {
    /// Whether the predictions carry a `patient_id` column with at least one patient named.
    var hasPatientIDs: Bool {
        guard let csv = try? CSVTable(parsing: String(decoding: predictionsCSV, as: UTF8.self), source: source.path),
              let column = csv.header.firstIndex(of: "patient_id") else { return false }
        return csv.rows.contains { !$0[column].trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
