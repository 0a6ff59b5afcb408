import EUSImage
import EUSSupport
import Foundation

extension Dataset {
    /// The folder of lesion masks in folder form; it is not a class.
    public static let masksFolderName = "masks"

    /// Folder form: every non-hidden sub-folder except `masks/` is a class; its PNG and JPEG
    /// files are cases (case id = file name without extension). Hidden files and other files
    /// are skipped and counted. `masks/<case_id>.png` is the case's mask when it exists.
    static func loadFolder(_ root: URL) throws -> ([Case], [String], [String]) {
        let fm = FileManager.default
        let entries = try listing(root)
        var classFolders: [String: URL] = [:]
        for name in entries where !name.hasPrefix(".") && name != masksFolderName {
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(name)
            if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue { classFolders[name] = url }
        }
        var images: [String: [String]] = [:]
        var skipped: [String] = []
        for (name, folder) in classFolders {
            images[name] = []
            for file in try listing(folder) {
                let ext = (file as NSString).pathExtension.lowercased()
                if file.hasPrefix(".") || !(ImageDecoder.imageExtensions.contains(ext)
                    || DICOMDecoder.isDICOMFile(folder.appendingPathComponent(file))) {
                    skipped.append("\(name)/\(file)")
                } else {
                    images[name]!.append(file)
                }
            }
        }
        let classNames = try checkClasses(images.mapValues(\.count), source: root.path)
        let masks = root.appendingPathComponent(masksFolderName)
        var cases: [Case] = []
        var seen: [String: String] = [:]
        for (index, name) in classNames.enumerated() {
            for file in images[name]!.sorted() {
                let id = Self.caseID(fileName: file)
                let relative = "\(name)/\(file)"
                if let other = seen[id] {
                    throw UserError("\(root.path): duplicate case id '\(id)' (\(other) and \(relative)); case ids are file names without extension and must be unique")
                }
                seen[id] = relative
                let mask = masks.appendingPathComponent(id + ".png")
                cases.append(Case(id: id, path: root.appendingPathComponent(relative), relativePath: relative,
                                  label: name, classIndex: index,
                                  maskPath: fm.fileExists(atPath: mask.path) ? mask : nil))
            }
        }
        return (cases, classNames, skipped.sorted())
    }

    private static func listing(_ folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw UserError("\(folder.path): cannot list the folder")
        }
    }
}
