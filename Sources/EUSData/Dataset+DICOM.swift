import EUSImage
import EUSSupport
import Foundation

extension Dataset {
    /// The case id of a file in folder form: its name without the extension, when the
    /// extension is an image one; a DICOM file found by its preamble keeps its whole name
    /// (archives name them by UID, `1.2.840.….7`, where no part is an extension).
    static func caseID(fileName: String) -> String {
        let ext = (fileName as NSString).pathExtension.lowercased()
        return ImageDecoder.imageExtensions.contains(ext) ? (fileName as NSString).deletingPathExtension : fileName
    }

    /// `--frame all`: each frame of a multi-frame DICOM object becomes a case
    /// `<case id>_frame<k>` (k from 1) whose path is `<file>#frame=<k>`, all of them under one
    /// patient (the manifest's `patient_id`, else the object's case id), so that a split or the
    /// folds never put frames of one object on both sides. Single-frame files stay as they are.
    static func expandFrames(_ cases: [Case]) throws -> [Case] {
        try cases.flatMap { item -> [Case] in
            guard DICOMDecoder.isDICOMFile(item.path) else { return [item] }
            guard let data = FileManager.default.contents(atPath: item.path.path) else {
                throw UserError("\(item.path.path): cannot read the image (missing or unreadable)")
            }
            let frames = try DICOMDecoder.decode(data, source: item.path.path, frame: .first).attributes.frames
            guard frames > 1 else { return [item] }
            return (1...frames).map { k in
                Case(id: "\(item.id)_frame\(k)", path: DICOMDecoder.frameURL(item.path, frame: k),
                     relativePath: "\(item.relativePath)#frame=\(k)", label: item.label, classIndex: item.classIndex,
                     maskPath: nil, patientID: item.patientID ?? item.id)
            }
        }
    }

    /// Datasets already warned about burned-in text in this process.
    nonisolated(unsafe) private static var warnedRoots = Set<String>()
    private static let warnedLock = NSLock()

    /// The DICOM screen captures whose pixels may carry identifying text (BurnedInAnnotation
    /// YES, or absent on a Secondary Capture), as relative paths; reads only the DICOM files.
    public func burnedInTextCases(_ subset: [Case]? = nil) -> [String] {
        (subset ?? cases).filter { item in
            guard DICOMDecoder.isDICOMFile(item.path), let data = FileManager.default.contents(atPath: DICOMDecoder.fileURL(item.path).path),
                  let decoded = try? DICOMDecoder.decode(data, source: item.path.path) else { return false }
            return decoded.attributes.mayCarryBurnedInText
        }.map(\.relativePath)
    }

    /// One warning per dataset and process, on stderr, when `burnedInTextCases` is not empty.
    public func warnAboutBurnedInText(_ subset: [Case]? = nil) {
        Self.warnedLock.lock()
        let first = Self.warnedRoots.insert(root.standardizedFileURL.path).inserted
        Self.warnedLock.unlock()
        guard first else { return }
        let found = burnedInTextCases(subset)
        guard let example = found.first else { return }
        let message = "warning: \(root.path): \(found.count) DICOM image\(found.count == 1 ? " is a screen capture" : "s are screen captures") whose BurnedInAnnotation is YES or absent (e.g. \(example)): text burned into the pixels, such as a name or a date, may be shown in the report's images; crop the images to the scan field first\n"
        FileHandle.standardError.write(Data(message.utf8))
    }
}
