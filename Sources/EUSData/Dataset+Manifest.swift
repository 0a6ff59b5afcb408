import EUSSupport
import Foundation

extension Dataset {
    /// Manifest form: `case_id,path,label[,mask_path][,patient_id]` (other columns are
    /// ignored), paths relative to the manifest's folder (absolute paths are kept). Errors
    /// name the file and line: a missing column, an empty field, a duplicate case id, a file
    /// that does not exist.
    static func loadManifest(_ url: URL) throws -> ([Case], [String], [String]) {
        let table = try CSVTable(contentsOf: url)
        let idColumn = try table.column("case_id"), pathColumn = try table.column("path")
        let labelColumn = try table.column("label")
        let maskColumn = table.header.firstIndex(of: "mask_path")
        let patientColumn = table.header.firstIndex(of: "patient_id")
        let base = url.deletingLastPathComponent()
        var counts: [String: Int] = [:]
        var seen: [String: Int] = [:]
        var rows: [(id: String, path: URL, relative: String, label: String, mask: URL?, patient: String?)] = []
        for (index, row) in table.rows.enumerated() {
            let line = CSVTable.lineNumber(ofRow: index)
            let place = "\(url.path) line \(line)"
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            let relative = row[pathColumn].trimmingCharacters(in: .whitespaces)
            let label = row[labelColumn].trimmingCharacters(in: .whitespaces)
            for (name, value) in [("case_id", id), ("path", relative), ("label", label)] where value.isEmpty {
                throw UserError("\(place): empty \(name)")
            }
            if let first = seen[id] { throw UserError("\(place): duplicate case id '\(id)' (first on line \(first))") }
            seen[id] = line
            let path = resolve(relative, against: base)
            guard FileManager.default.fileExists(atPath: path.path) else {
                throw UserError("\(place): image file '\(relative)' of case '\(id)' does not exist (\(path.path))")
            }
            var mask: URL? = nil
            if let maskColumn, case let value = row[maskColumn].trimmingCharacters(in: .whitespaces), !value.isEmpty {
                mask = resolve(value, against: base)
                guard FileManager.default.fileExists(atPath: mask!.path) else {
                    throw UserError("\(place): mask file '\(value)' of case '\(id)' does not exist")
                }
            }
            let patient = patientColumn.map { row[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            counts[label, default: 0] += 1
            rows.append((id, path, relative, label, mask, patient))
        }
        let classNames = try checkClasses(counts, source: url.path)
        let cases = rows.map {
            Case(id: $0.id, path: $0.path, relativePath: $0.relative, label: $0.label,
                 classIndex: classNames.firstIndex(of: $0.label)!, maskPath: $0.mask, patientID: $0.patient)
        }
        return (cases, classNames, [])
    }

    private static func resolve(_ path: String, against base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path).standardizedFileURL
    }
}
