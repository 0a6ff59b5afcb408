import EUSImage
import EUSSupport
import Foundation

/// One image of a dataset.
public struct Case: Codable, Equatable, Sendable {
    /// Unique within the dataset: the file name without extension (folder form) or the
    /// manifest's `case_id`.
    public var id: String
    /// The image file.
    public var path: URL
    /// `path` relative to the dataset root (folder) or to the manifest's folder.
    public var relativePath: String
    /// The class name, e.g. "GIST".
    public var label: String
    /// The position of `label` in the sorted class names (torchvision ImageFolder order).
    public var classIndex: Int
    /// The lesion mask (8-bit PNG, non-zero inside the lesion), when there is one.
    public var maskPath: URL?
    /// Images of one patient stay in one partition of a split.
    public var patientID: String?

    public init(id: String, path: URL, relativePath: String, label: String, classIndex: Int,
                maskPath: URL? = nil, patientID: String? = nil) {
        self.id = id
        self.path = path
        self.relativePath = relativePath
        self.label = label
        self.classIndex = classIndex
        self.maskPath = maskPath
        self.patientID = patientID
    }
}

/// A two-class image dataset, from a folder with one sub-folder per class
/// (`DATA/GIST/*.png`, `DATA/LM/*.png`, optional `DATA/masks/<case_id>.png`) or from a CSV
/// manifest `case_id,path,label[,mask_path][,patient_id]` with paths relative to the CSV.
///
/// Class indices follow torchvision's ImageFolder: the position of the class name in sorted
/// order, so `GIST` = 0 and `LM` = 1, and weights trained on an ImageFolder in PyTorch mean
/// the same thing here. Cases are ordered by class index, then by case id.
public struct Dataset: Sendable {
    public enum Source: String, Codable, Sendable { case folder, manifest }

    /// The folder (folder form) or the manifest file.
    public var root: URL
    public var source: Source
    public var cases: [Case]
    /// Sorted class names; `classNames[i]` is class index i.
    public var classNames: [String]
    /// The class index of the positive class (GIST by default).
    public var positiveIndex: Int
    /// Files in the class folders that were not taken: hidden files and non-images.
    public var skippedFiles: [String]

    public var positiveClass: String { classNames[positiveIndex] }
    /// Whether the manifest names patients, so that splits and folds group their images.
    public var hasPatientIDs: Bool { cases.contains { $0.patientID != nil } }
    public var negativeIndex: Int { 1 - positiveIndex }

    /// The number of cases of each class, by class index.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for c in cases { counts[c.classIndex] += 1 }
        return counts
    }

    /// A case by id.
    public func `case`(id: String) -> Case? { cases.first { $0.id == id } }

    /// Loads a dataset: a folder is read in folder form, a `.csv` file as a manifest.
    /// `positive` names the positive class; by default `GIST` when present, else the first
    /// class in sorted order.
    public static func load(_ url: URL, positive: String? = nil) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw UserError("\(url.path): no such file or folder (a dataset is a folder with one sub-folder per class, or a CSV manifest)")
        }
        let source: Source = isDirectory.boolValue ? .folder : .manifest
        var (cases, classNames, skipped) = source == .folder ? try loadFolder(url) : try loadManifest(url)
        if DICOMDecoder.frame == .all { cases = try expandFrames(cases) }
        let positiveIndex = try resolvePositive(positive, classNames: classNames, source: url)
        return Dataset(root: url, source: source, cases: cases, classNames: classNames,
                       positiveIndex: positiveIndex, skippedFiles: skipped)
    }

    public init(root: URL, source: Source, cases: [Case], classNames: [String], positiveIndex: Int,
                skippedFiles: [String] = []) {
        precondition(classNames.count == 2, "Dataset: two classes, got \(classNames)")
        precondition(classNames.indices.contains(positiveIndex), "Dataset: positive index \(positiveIndex) out of range")
        self.root = root
        self.source = source
        self.cases = cases.sorted { ($0.classIndex, $0.id) < ($1.classIndex, $1.id) }
        self.classNames = classNames
        self.positiveIndex = positiveIndex
        self.skippedFiles = skippedFiles
    }

    static func resolvePositive(_ positive: String?, classNames: [String], source: URL) throws -> Int {
        if let positive {
            guard let index = classNames.firstIndex(of: positive) else {
                throw UserError("\(source.path): positive class '\(positive)' is not one of the classes (\(classNames.joined(separator: ", ")))")
            }
            return index
        }
        return classNames.firstIndex(of: "GIST") ?? 0
    }

    /// Checks the class list: exactly two non-empty classes.
    static func checkClasses(_ counts: [String: Int], source: String) throws -> [String] {
        let names = counts.keys.sorted()
        if names.count < 2 {
            throw UserError("\(source): found \(names.count) class\(names.count == 1 ? "" : "es") (\(names.joined(separator: ", "))); a dataset needs exactly two, e.g. GIST and LM")
        }
        if names.count > 2 {
            throw UserError("\(source): found \(names.count) classes (\(names.joined(separator: ", "))); a dataset needs exactly two, e.g. GIST and LM")
        }
        for name in names where counts[name] == 0 {
            throw UserError("\(source): class '\(name)' is empty (no PNG or JPEG images)")
        }
        return names
    }
}
