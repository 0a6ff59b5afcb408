import TestHelpers
import EUSData
import EUSSupport
import Foundation
import XCTest

final class SplitTests: XCTestCase {
    func testTheStudysCountsGive55And58TrainingAnd14And15Validation() {
        let data = memoryDataset(gist: 69, lm: 73)
        let split = Split.stratified(data, ratio: 0.8, seed: 1)
        XCTAssertEqual(split.classCounts(.train, of: data), [55, 58])
        XCTAssertEqual(split.classCounts(.validation, of: data), [14, 15])
        XCTAssertEqual(split.partitions.count, 142)
        XCTAssertEqual(split.summary(for: data), "train: 113 (GIST 55, LM 58)\nvalidation: 29 (GIST 14, LM 15)")
        // round(ratio × n) per class for other ratios and sizes too.
        for (ratio, g, l) in [(0.7, 10, 11), (0.5, 5, 7), (0.9, 3, 40)] {
            let d = memoryDataset(gist: g, lm: l)
            XCTAssertEqual(Split.stratified(d, ratio: ratio, seed: 4).classCounts(.train, of: d),
                           [Int((ratio * Double(g)).rounded()), Int((ratio * Double(l)).rounded())], "\(ratio) \(g) \(l)")
        }
    }

    func testSplitIsDeterministicAndDependsOnTheSeed() {
        let data = memoryDataset(gist: 69, lm: 73)
        XCTAssertEqual(Split.stratified(data, seed: 7), Split.stratified(data, seed: 7))
        XCTAssertNotEqual(Split.stratified(data, seed: 7), Split.stratified(data, seed: 8))
        // The validation set is not simply the last cases.
        let validation = Split.stratified(data, seed: 7).cases(.validation, of: data).map(\.id)
        XCTAssertNotEqual(validation.filter { $0.hasPrefix("gist") }, (55..<69).map { "gist_\($0)" })
    }

    func testPatientsStayInOnePartitionAndCountsStayClose() {
        // 1 to 3 images per patient.
        let data = memoryDataset(gist: 69, lm: 73) { label, i in "\(label)-p\(i / (1 + i % 3))" }
        for seed in UInt64(1)...5 {
            let split = Split.stratified(data, ratio: 0.8, seed: seed)
            var partitionOfPatient: [String: Split.Partition] = [:]
            for c in data.cases {
                let p = split.partitions[c.id]!
                if let seen = partitionOfPatient[c.patientID!] { XCTAssertEqual(seen, p, "patient \(c.patientID!) split") }
                partitionOfPatient[c.patientID!] = p
            }
            let train = split.classCounts(.train, of: data)
            XCTAssert(abs(train[0] - 55) <= 2 && abs(train[1] - 58) <= 2, "train counts \(train)")
        }
    }

    func testCSVRoundTripAndMismatchErrors() throws {
        let folder = try temporaryDirectory(self)
        let data = memoryDataset(gist: 6, lm: 5)
        let split = Split.stratified(data, ratio: 0.8, seed: 2)
        let url = folder.appendingPathComponent("split.csv")
        try split.write(to: url, for: data)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssert(text.hasPrefix("case_id,label,partition\ngist_0,GIST,"))
        XCTAssertEqual(text.split(separator: "\n").count, 12)
        XCTAssertEqual(try Split.read(url, for: data), split)

        func check(_ edit: (inout [String]) -> Void, _ fragments: [String]) throws {
            var lines = text.split(separator: "\n").map(String.init)
            edit(&lines)
            let bad = folder.appendingPathComponent("bad.csv")
            try (lines.joined(separator: "\n") + "\n").write(to: bad, atomically: true, encoding: .utf8)
            assertThrows(try Split.read(bad, for: data), containing: ["bad.csv"] + fragments)
        }
        try check({ $0[1] = "gist_99,GIST,train" }, ["line 2", "unknown case id 'gist_99'"])
        try check({ $0.remove(at: 3) }, ["1 case(s) of the dataset are missing", "gist_2"])
        try check({ $0[1] = "gist_0,LM,train" }, ["line 2", "label 'LM' here but 'GIST' in the dataset"])
        try check({ $0[1] = "gist_0,GIST,test" }, ["line 2", "'test' is neither"])
        try check({ $0.append($0[1]) }, ["line 13", "appears twice"])
        try check({ $0[0] = "case_id,label,set" }, ["missing column 'partition'"])
    }
}

final class SeededRandomTests: XCTestCase {
    func testIndexIsUniformAndStreamsAreReproducible() {
        var random = SeededRandom(seed: 42)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7000 { counts[random.index(7)] += 1 }
        XCTAssert(counts.allSatisfy { (850...1150).contains($0) }, "counts \(counts)")
        var a = SeededRandom(seed: 5, 1, 2), b = SeededRandom(seed: 5, 1, 2), c = SeededRandom(seed: 5, 2, 1)
        let first = (0..<4).map { _ in a.next() }
        XCTAssertEqual(first, (0..<4).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<4).map { _ in c.next() })
        var normal = SeededRandom(seed: 3)
        let values = (0..<20000).map { _ in normal.standardNormal() }
        let mean = values.reduce(0, +) / 20000, variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
