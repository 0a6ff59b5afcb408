import EUSImage
import Foundation
import XCTest
import EUSData

/// Tiny datasets written on the fly: a bright blob for GIST, a dark one for LM.
extension CLITestCase {
    /// Writes `root/GIST/g<i>.png` and `root/LM/l<i>.png` (gray, `size`²).
    @discardableResult
    func makeDataset(_ root: String, gist: Int = 4, lm: Int = 4, size: Int = 32, sizes: [Int]? = nil) throws -> URL {
        let folder = url(root)
        for (label, count, prefix) in [("GIST", gist, "g"), ("LM", lm, "l")] {
            for i in 0 ..< count {
                let side = sizes.map { $0[i % $0.count] } ?? size
                let image = blob(side: side, bright: label == "GIST", seed: i)
                try PNGCodec.write(image, to: folder.appendingPathComponent("\(label)/\(prefix)\(i).png"))
            }
        }
        return folder
    }

    func blob(side: Int, bright: Bool, seed: Int) -> GrayImage {
        var pixels = [UInt8](repeating: 0, count: side * side)
        let cx = Double(side) * (0.4 + 0.05 * Double(seed % 3)), cy = Double(side) * 0.5
        for y in 0 ..< side {
            for x in 0 ..< side {
                let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                let inside = d < Double(side) / 4
                let noise = UInt8(truncatingIfNeeded: (x &* 31 &+ y &* 17 &+ seed &* 7) % 23)
                pixels[y * side + x] = (inside ? (bright ? 200 : 40) : 110) &+ noise
            }
        }
        return GrayImage(width: side, height: side, pixels: pixels)
    }

    func write(_ text: String, to relative: String) throws {
        let target = url(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
    }

    func read(_ relative: String) throws -> String { try String(contentsOf: url(relative), encoding: .utf8) }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    /// Parses a CSV written by eus-report (no quoted commas in these tests).
    func csvRows(_ relative: String) throws -> (header: [String], rows: [[String]]) {
        let lines = try read(relative).split(separator: "\n").map(String.init)
        let split = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (split.first ?? [], Array(split.dropFirst()))
    }
}
