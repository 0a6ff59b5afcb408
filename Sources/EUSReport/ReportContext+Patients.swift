import EUSStats
import Foundation

/// The Per-patient analysis section, and the unit of analysis on every table.
extension ReportContext {
    /// "the image" or "the patient" with the count, for table notes.
    func unitNote(patients: Bool) -> String {
        if patients, let analysis = metrics.patients {
            return "Unit of analysis: the patient (\(analysis.nPatients) patients; a patient's P(\(metrics.positiveClass)) is the \(analysis.aggregation.rawValue) over its images)."
        }
        let images = crossValidation?.n ?? metrics.n
        return "Unit of analysis: the image (\(images) images\(metrics.patients.map { " of \($0.nPatients) patients" } ?? ""))."
    }

    /// The tables of the statistical sections with their unit of analysis in the note; the
    /// training, reproducibility and checklist tables are not about cases.
    func unitStated(_ blocks: [ReportBlock], section: ReportSection) -> [ReportBlock] {
        guard ![.training, .reproducibility, .checklist].contains(section) else { return blocks }
        return blocks.map { block in
            guard case .table(var table) = block, !(table.note ?? "").contains("Unit of analysis") else { return block }
            let unit = unitNote(patients: section == .patients)
            table.note = table.note.map { "\($0) \(unit)" } ?? unit
            return .table(table)
        }
    }

    var patientBlocks: [ReportBlock] {
        guard let patients = metrics.patients else { return [] }
        var blocks: [ReportBlock] = [.paragraph("The \(patients.nImages) images come from \(patients.nPatients) patients (up to \(patients.largestGroup) images each). Every other section counts images; here each patient counts once, with P(\(metrics.positiveClass)) the \(patients.aggregation.rawValue) of its images' probabilities (--patient-aggregation \(patients.aggregation == .mean ? "max" : "mean") gives the other choice), called at the same threshold.")]
        let perPatient = patients.models.map { $0.name }
        var rows: [[String]] = []
        for key in [Proportion.accuracy, .sensitivity, .specificity, .ppv, .npv] {
            rows.append([key.displayName] + patients.models.map { "\(MetricsText.proportion($0.proportions[key], method: .wilson)) \(MetricsText.fraction($0.proportions[key]))" })
        }
        rows.append(["AUC (DeLong 95% CI)"] + patients.models.map { MetricsText.auc($0.auc.value, interval: $0.auc.delongCI) })
        blocks.append(.table(ReportTable(caption: "Per-patient accuracy", header: ["Measure"] + perPatient.map(ModelNames.display), rows: rows,
                                         note: "Proportions: estimate (Wilson 95% CI) and x/n patients.")))
        blocks += patients.models.map { .table(intervalTable("\(ModelNames.display($0.name)) per patient", $0.proportions)) }
        blocks.append(.subheading("The per-image AUC with patients resampled"))
        blocks.append(.paragraph("DeLong's interval treats every image as an independent case. Images of one patient look alike and tend to be called alike, so they carry less information than as many patients would, and DeLong's interval is then too narrow. The cluster bootstrap resamples whole patients (\(patients.bootstrapResamples) resamples, seed \(patients.seed), stratified by class) and recomputes the per-image AUC, so its interval carries that correlation; where the two differ, the cluster interval is the honest one. With one image per patient they estimate the same thing."))
        let clusterRows = patients.clusterAUC.map { row in
            [ModelNames.display(row.model), MetricsText.decimal(row.auc, digits: 3),
             "\(MetricsText.decimal(row.delongCI.lower, digits: 3))–\(MetricsText.decimal(row.delongCI.upper, digits: 3))",
             row.clusterBootstrapCI.map { "\(MetricsText.decimal($0.lower, digits: 3))–\(MetricsText.decimal($0.upper, digits: 3))" } ?? MetricsText.notAvailable]
        }
        blocks.append(.table(ReportTable(caption: "Per-image AUC: DeLong (images independent) and cluster bootstrap (patients resampled)",
                                         header: ["Model", "AUC", "DeLong 95% CI", "Cluster bootstrap 95% CI"], rows: clusterRows,
                                         note: "Both intervals are for the per-image AUC. Unit of analysis: the image, resampled by patient.")))
        return blocks
    }
}
