import EUSData
import Foundation
import XCTest

/// The URL of a committed fixture.
func fixture(_ name: String) throws -> URL {
    let url = URL(fileURLWithPath: name)
    let resource = url.deletingPathExtension().lastPathComponent
    return try XCTUnwrap(Bundle.module.url(forResource: resource, withExtension: url.pathExtension,
                                           subdirectory: "Fixtures"), "missing fixture \(name)")
}

/// A minimal safetensors reader for F32 tensors: an 8-byte little-endian header length, a
/// JSON header `{name: {dtype, shape, data_offsets}}`, then the data.
struct SafetensorsFile {
    var tensors: [String: (shape: [Int], values: [Float])] = [:]

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        for (name, entry) in header where name != "__metadata__" {
            let entry = entry as! [String: Any]
            XCTAssertEqual(entry["dtype"] as? String, "F32", name)
            let shape = entry["shape"] as! [Int]
            let offsets = entry["data_offsets"] as! [Int]
            let bytes = data.subdata(in: (8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1]))
            let values = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
            }
            tensors[name] = (shape, values)
        }
    }
}

/// The largest absolute difference and its index.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> (value: Float, index: Int) {
    precondition(a.count == b.count, "maxAbsDifference: \(a.count) vs \(b.count) values")
    var best: (Float, Int) = (0, 0)
    for i in a.indices where abs(a[i] - b[i]) > best.0 { best = (abs(a[i] - b[i]), i) }
    return best
}

/// A dataset in memory (split needs no files): `gist` GIST and `lm` LM cases, with
/// `patientOf(i)` giving the patient of the i-th case of each class.
func memoryDataset(gist: Int, lm: Int, patientOf: ((String, Int) -> String?)? = nil) -> Dataset {
    var cases: [Case] = []
    for (index, label, count) in [(0, "GIST", gist), (1, "LM", lm)] {
        for i in 0..<count {
            let id = "\(label.lowercased())_\(i)"
            cases.append(Case(id: id, path: URL(fileURLWithPath: "/data/\(label)/\(id).png"), relativePath: "\(label)/\(id).png",
                              label: label, classIndex: index, patientID: patientOf?(label, i)))
        }
    }
    return Dataset(root: URL(fileURLWithPath: "/data"), source: .manifest, cases: cases, classNames: ["GIST", "LM"], positiveIndex: 0)
}
