import Foundation
import EUSStats
import EUSSupport

extension ReportInput {
    /// Redraws the decision curve on `options.decisionThresholds` when given, and fills in
    /// `metrics.subgroups` for `options.subgroups`, reading the columns from
    /// `options.manifest`, else from the evaluated data: `dataRoot` itself when it is a CSV
    /// manifest, or the `manifest.csv` in its folder (the phantom's). Out-of-fold predictions
    /// are analysed on their first repeat, as the rest of the report is.
    ///
    /// - Throws: `UserError` when there is no manifest to read, or (from
    ///   `SubgroupAnalysis.values`) when a column or a case is not in it.
    static func addSubgroups(to metrics: inout MetricsDocument, table: PredictionTable, options: Options,
                             dataRoot: String?) throws {
        if let grid = options.decisionThresholds {
            metrics.decisionCurve = try MetricsComputer.decisionCurve(table, positiveClass: metrics.positiveClass, thresholds: grid)
        }
        guard !options.subgroups.isEmpty else { return }
        let manifest = try subgroupManifest(options: options, dataRoot: dataRoot)
        metrics.subgroups = try SubgroupAnalysis.analyse(options.subgroups, manifest: CSVTable(contentsOf: manifest), table: table,
                                                         positiveClass: metrics.positiveClass, threshold: metrics.threshold)
    }

    /// Where the subgroup columns are read from (see `addSubgroups`).
    public static func subgroupManifest(options: Options, dataRoot: String?) throws -> URL {
        if let manifest = options.manifest { return manifest }
        if let dataRoot {
            var isFolder: ObjCBool = false
            let root = URL(fileURLWithPath: dataRoot)
            if FileManager.default.fileExists(atPath: root.path, isDirectory: &isFolder) {
                let candidate = isFolder.boolValue ? root.appendingPathComponent("manifest.csv") : root
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            }
        }
        throw UserError("--subgroup \(options.subgroups[0].column): no manifest to read it from; give --manifest FILE "
            + "(a CSV with case_id and the column)")
    }
}
