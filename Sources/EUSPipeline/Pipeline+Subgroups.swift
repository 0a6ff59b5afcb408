import Foundation
import EUSReport
import EUSStats
import EUSSupport

extension Pipeline {
    /// Before any training: the `--subgroup` columns must be in the data's manifest (the CSV
    /// manifest itself, or the manifest.csv in the data folder), so a typo fails in a second,
    /// not after the report step.
    static func checkSubgroupColumns(_ job: PipelineJob) throws {
        guard !job.subgroups.isEmpty else { return }
        var options = ReportInput.Options()
        options.subgroups = job.subgroups
        let manifest = try ReportInput.subgroupManifest(options: options, dataRoot: job.data.standardizedFileURL.path)
        let table = try CSVTable(contentsOf: manifest)
        for request in job.subgroups { _ = try SubgroupAnalysis.values(of: request.column, in: table, caseIDs: []) }
    }
}
