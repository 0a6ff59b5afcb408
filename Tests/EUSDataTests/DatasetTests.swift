import TestHelpers
import EUSImage
import EUSData
import EUSSupport
import Foundation
import XCTest

/// Folder and manifest datasets: class order, masks, skipped files, positive class, every
/// error, and batch loading.
final class DatasetTests: XCTestCase {
    /// Writes a small gray PNG whose pixels depend on `value`.
    func writeImage(_ url: URL, value: UInt8, size: Int = 12) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pixels = (0..<(size * size)).map { UInt8((Int(value) + $0 * 7) % 256) }
        try PNGCodec.encode(GrayImage(width: size, height: size, pixels: pixels)).write(to: url)
    }

    /// DATA/GIST: a, b; DATA/LM: c, d, e; masks/a.png; plus a hidden file and a text file.
    func makeFolder() throws -> URL {
        let root = try temporaryDirectory(self)
        for (label, ids) in [("GIST", ["a", "b"]), ("LM", ["c", "d", "e"])] {
            for (i, id) in ids.enumerated() { try writeImage(root.appendingPathComponent("\(label)/\(id).png"), value: UInt8(i * 40)) }
        }
        try writeImage(root.appendingPathComponent("masks/a.png"), value: 255)
        try Data("x".utf8).write(to: root.appendingPathComponent("LM/.DS_Store"))
        try Data("notes".utf8).write(to: root.appendingPathComponent("GIST/readme.txt"))
        return root
    }

    func testFolderDatasetOrdersClassesLikeImageFolderAndFindsMasks() throws {
        let dataset = try Dataset.load(makeFolder())
        XCTAssertEqual(dataset.classNames, ["GIST", "LM"])
        XCTAssertEqual(dataset.positiveIndex, 0)
        XCTAssertEqual(dataset.positiveClass, "GIST")
        XCTAssertEqual(dataset.cases.map(\.id), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(dataset.cases.map(\.classIndex), [0, 0, 1, 1, 1])
        XCTAssertEqual(dataset.classCounts, [2, 3])
        XCTAssertEqual(dataset.cases[0].relativePath, "GIST/a.png")
        XCTAssertEqual(dataset.cases[0].maskPath?.lastPathComponent, "a.png")
        XCTAssertNil(dataset.cases[1].maskPath)
        XCTAssertEqual(dataset.skippedFiles, ["GIST/readme.txt", "LM/.DS_Store"])
        XCTAssertEqual(try Dataset.load(makeFolder(), positive: "LM").positiveIndex, 1)
        assertThrows(try Dataset.load(makeFolder(), positive: "CANCER"), containing: ["positive class 'CANCER'", "GIST, LM"])
    }

    func testFolderErrors() throws {
        let one = try temporaryDirectory(self)
        try writeImage(one.appendingPathComponent("GIST/a.png"), value: 0)
        assertThrows(try Dataset.load(one), containing: [one.path, "found 1 class", "exactly two"])

        let three = try makeFolder()
        try writeImage(three.appendingPathComponent("SCHWANNOMA/s.png"), value: 0)
        assertThrows(try Dataset.load(three), containing: ["found 3 classes", "GIST, LM, SCHWANNOMA"])

        let empty = try makeFolder()
        for id in ["c", "d", "e"] { try FileManager.default.removeItem(at: empty.appendingPathComponent("LM/\(id).png")) }
        assertThrows(try Dataset.load(empty), containing: ["class 'LM' is empty"])

        let duplicate = try makeFolder()
        try writeImage(duplicate.appendingPathComponent("LM/a.png"), value: 0)
        assertThrows(try Dataset.load(duplicate), containing: ["duplicate case id 'a'", "GIST/a.png", "LM/a.png"])

        assertThrows(try Dataset.load(one.appendingPathComponent("nowhere")), containing: ["nowhere", "no such file or folder"])
    }

    func writeManifest(_ root: URL, _ lines: [String]) throws -> URL {
        let url = root.appendingPathComponent("manifest.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testManifestDatasetWithMasksAndPatients() throws {
        let root = try makeFolder()
        let url = try writeManifest(root, [
            "case_id,path,label,mask_path,patient_id,extra",
            "p1-a,GIST/a.png,GIST,masks/a.png,P1,x",
            "p1-b,GIST/b.png,GIST,,P1,x",
            "c,LM/c.png,LM,,P2,x",
            "d,\(root.path)/LM/d.png,LM,,,x",
        ])
        let dataset = try Dataset.load(url)
        XCTAssertEqual(dataset.source, .manifest)
        XCTAssertEqual(dataset.cases.map(\.id), ["p1-a", "p1-b", "c", "d"])
        XCTAssertEqual(dataset.cases.map(\.patientID), ["P1", "P1", "P2", nil])
        XCTAssertEqual(dataset.cases[0].maskPath?.path, root.appendingPathComponent("masks/a.png").standardizedFileURL.path)
        XCTAssertEqual(dataset.cases[3].path.path, root.appendingPathComponent("LM/d.png").path)
        XCTAssertEqual(try dataset.loadTensor(dataset.cases[0], imageSize: 8).count, 3 * 8 * 8)
    }

    func testManifestErrorsNameFileAndLine() throws {
        let root = try makeFolder()
        let missing = try writeManifest(root, ["case_id,path,label", "a,GIST/a.png,GIST", "c,LM/nope.png,LM"])
        assertThrows(try Dataset.load(missing), containing: ["manifest.csv line 3", "'LM/nope.png'", "does not exist"])
        let duplicate = try writeManifest(root, ["case_id,path,label", "a,GIST/a.png,GIST", "a,LM/c.png,LM"])
        assertThrows(try Dataset.load(duplicate), containing: ["line 3", "duplicate case id 'a'", "line 2"])
        let oneClass = try writeManifest(root, ["case_id,path,label", "a,GIST/a.png,GIST"])
        assertThrows(try Dataset.load(oneClass), containing: ["manifest.csv", "found 1 class"])
        let three = try writeManifest(root, ["case_id,path,label", "a,GIST/a.png,GIST", "c,LM/c.png,LM", "d,LM/d.png,X"])
        assertThrows(try Dataset.load(three), containing: ["found 3 classes"])
        let noLabel = try writeManifest(root, ["case_id,path", "a,GIST/a.png"])
        assertThrows(try Dataset.load(noLabel), containing: ["missing column 'label'"])
        let badMask = try writeManifest(root, ["case_id,path,label,mask_path", "a,GIST/a.png,GIST,masks/zz.png", "c,LM/c.png,LM,"])
        assertThrows(try Dataset.load(badMask), containing: ["line 2", "mask file 'masks/zz.png'"])
    }

    func testLoadTensorIsThePreprocessingAndBatchesMatchOnAnyThreadCount() throws {
        let dataset = try Dataset.load(makeFolder())
        let item = dataset.cases[2]
        let direct = Preprocessing.tensor(try ImageDecoder.decode(item.path), imageSize: 16)
        XCTAssertEqual(try dataset.loadTensor(item, imageSize: 16), direct)
        let one = try dataset.batch(dataset.cases, imageSize: 16, augmentation: .standard, seed: 3, epoch: 2, threads: 1)
        let two = try dataset.batch(dataset.cases, imageSize: 16, augmentation: .standard, seed: 3, epoch: 2, threads: 2)
        XCTAssertEqual(one, two)
        XCTAssertEqual(Array(one[(2 * 768)..<(3 * 768)]),
                       try dataset.loadTensor(item, imageSize: 16, augmentation: .standard, seed: 3, epoch: 2))
        let mask = try XCTUnwrap(try dataset.loadMask(dataset.cases[0]))
        XCTAssertEqual(mask.width, 12)
        XCTAssertNoThrow(try dataset.checkImages())
        try writeImage(dataset.cases[0].maskPath!, value: 1, size: 5)
        assertThrows(try dataset.checkImages(), containing: ["a.png", "mask is 5x5 but image 'GIST/a.png' is 12x12"])
        try Data("garbage".utf8).write(to: dataset.cases[3].path)
        assertThrows(try dataset.checkImages(), containing: ["a.png"])
        try writeImage(dataset.cases[0].maskPath!, value: 1)
        assertThrows(try dataset.checkImages(), containing: ["d.png", "not a supported image format"])
        try writeImage(dataset.cases[3].path, value: 9)
        // checkImages keeps the images it read, the file just rewritten included: a file that
        // goes missing afterwards still loads from memory, as it was when checked.
        XCTAssertNoThrow(try dataset.checkImages())
        let checked = try dataset.loadTensor(dataset.cases[3], imageSize: 8)
        XCTAssertEqual(checked, Preprocessing.tensor(try ImageDecoder.decode(dataset.cases[3].path), imageSize: 8))
        try FileManager.default.removeItem(at: dataset.cases[3].path)
        XCTAssertEqual(try dataset.loadTensor(dataset.cases[3], imageSize: 8), checked)
        // A case whose file went missing before it was ever read: the batch error names it.
        let unread = try Dataset.load(makeFolder())
        try FileManager.default.removeItem(at: unread.cases[4].path)
        assertThrows(try unread.batch(unread.cases, imageSize: 8), containing: ["e.png", "cannot read"])
    }
}
