import EUSImage
import EUSRender
import EUSReport
import EUSSupport
import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Helpers shared by the report tests: temporary folders, a tiny evaluation folder built in
/// code, and checks of the written report folder.
enum ReportFixture {
    static func temporaryFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("eus-report-tests-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The repository's top folder, found from this file's path (templates/, scripts/).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var predictionsCSV: URL {
        Bundle.module.url(forResource: "predictions_two_models", withExtension: "csv", subdirectory: "Fixtures")!
    }

    /// Fast options for tests: a short bootstrap.
    static let options = ReportInput.Options(bootstrapResamples: 100)

    /// A small evaluation folder: `count` cases per class, 24×24 images, overlays for two
    /// models, histories, configs and a synthetic eval.json. Model `resnet50` gets case 0 of
    /// each class wrong and `resnet34` case 1 of GIST wrong.
    static func makeEvaluationFolder(in root: URL, count: Int = 4) throws -> URL {
        let folder = root.appendingPathComponent("eval")
        let fm = FileManager.default
        for sub in ["images", "cams/resnet34", "cams/resnet50", "histories", "configs"] {
            try fm.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        var writer = CSVWriter(header: ["case_id", "label", "resnet34", "resnet50", "resnet34_cam_energy", "resnet50_cam_energy",
                                        "resnet34_cam_hit", "resnet50_cam_hit", "path", "mask_path"])
        var hashes: [String: String] = [:]
        for label in ["GIST", "LM"] {
            for i in 0..<count {
                let id = "\(label.prefix(1))\(i)"
                let positive = label == "GIST"
                var p34 = positive ? 0.9 - 0.05 * Double(i) : 0.1 + 0.05 * Double(i)
                var p50 = positive ? 0.8 - 0.04 * Double(i) : 0.2 + 0.04 * Double(i)
                if i == 0 { p50 = 1 - p50 }
                if positive, i == 1 { p34 = 1 - p34 }
                // resnet34 puts 0.6 of its energy in the mask and always hits; resnet50 0.3, hitting on
                // even cases, except for case 3 of LM, where its map is blank (no scores).
                let blank = !positive && i == 3
                writer.append([id, label, String(p34), String(p50), "0.6", blank ? "" : "0.3", "1",
                               blank ? "" : i % 2 == 0 ? "1" : "0", "images/\(id).png", "masks/\(id).png"])
                let shade = UInt8(40 + 20 * i)
                try PNGCodec.write(RGBImage(width: 24, height: 24, fill: (shade, shade, shade)), to: folder.appendingPathComponent("images/\(id).png"))
                for (model, colour) in [("resnet34", (UInt8(200), UInt8(60), UInt8(20))), ("resnet50", (UInt8(30), UInt8(90), UInt8(220)))] {
                    try PNGCodec.write(RGBImage(width: 24, height: 24, fill: colour), to: folder.appendingPathComponent("cams/\(model)/\(id).png"))
                }
                hashes[id] = String(repeating: "ab", count: 32)
            }
        }
        try AtomicOutput.write(writer.text, to: folder.appendingPathComponent("predictions.csv"))
        for model in ["resnet34", "resnet50"] {
            var history = "epoch,train_loss,train_accuracy,lr,seconds\n"
            for epoch in 1...5 { history += "\(epoch),\(0.7 / Double(epoch)),\(0.5 + 0.08 * Double(epoch)),0.01,1.5\n" }
            try AtomicOutput.write(history, to: folder.appendingPathComponent("histories/\(model).csv"))
            try AtomicOutput.write("{\n  \"arch\": \"\(model)\",\n  \"epochs\": 5\n}\n", to: folder.appendingPathComponent("configs/\(model).json"))
        }
        let models = [("resnet34", 21285698, 7.3e9, 12.5), ("resnet50", 23512130, 8.2e9, 20.25)].map { name, parameters, flops, seconds in
            EvaluationDocument.ModelSummary(name: name, arch: name, weights: "runs/\(name)/model.safetensors", parameters: parameters,
                                            flops: flops, imageSize: 224, width: 64, trainSeconds: seconds, epochs: 5)
        }
        let eval = EvaluationDocument(
            data: .init(root: folder.path, synthetic: true, positiveClass: "GIST", negativeClass: "LM",
                        counts: ["train": ["GIST": 3 * count, "LM": 3 * count], "validation": ["GIST": count, "LM": count]],
                        excluded: 1, imageSHA256: hashes),
            split: SplitSettings(ratio: 0.8, seed: 1), models: models,
            cam: .init(method: "gradcam", target: "positive", layer: "layer4.2", alpha: 0.5),
            threshold: 0.5, thresholdSource: "fixed at 0.5 before evaluation", seed: 1,
            software: .init(swift: "6.3.1", openblas: "OpenBLAS 0.3.21", cairo: "1.16.0", eusReport: "0.1.0"),
            machine: .init(cpu: "test", cores: 2, memoryGiB: 24, os: "Debian GNU/Linux 12"),
            steps: [.init(name: "train resnet34", seconds: 12.5), .init(name: "evaluate", seconds: 1.25)])
        try JSONFile.write(eval, to: folder.appendingPathComponent("eval.json"))
        return folder
    }

    // MARK: - Checks on a written report

    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Every figure in three formats, PNGs 1004 or 2102 px wide at 300 dpi, SVGs well-formed XML,
    /// PDFs one page each.
    static func checkFigures(_ report: URL, expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = report.appendingPathComponent("figures")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(names, expected.flatMap { ["\($0).pdf", "\($0).png", "\($0).svg"] }.sorted(), file: file, line: line)
        for name in expected {
            let png = try Data(contentsOf: folder.appendingPathComponent("\(name).png"))
            let size = try PNGInfo.dimensions(of: png)
            XCTAssertTrue([1004, 2102].contains(size.width), "\(name).png is \(size.width) px wide", file: file, line: line)
            let dpi = try XCTUnwrap(try PNGInfo.dotsPerInch(of: png), "\(name).png has no pHYs", file: file, line: line)
            XCTAssertEqual(dpi.x, 300, accuracy: 0.01, "\(name).png dpi", file: file, line: line)
            XCTAssertEqual(dpi.y, 300, accuracy: 0.01, "\(name).png dpi", file: file, line: line)
            let svg = try Data(contentsOf: folder.appendingPathComponent("\(name).svg"))
            let parser = XMLParser(data: svg)
            XCTAssertTrue(parser.parse(), "\(name).svg: \(String(describing: parser.parserError))", file: file, line: line)
            let pdf = try Data(contentsOf: folder.appendingPathComponent("\(name).pdf"))
            XCTAssertEqual(PDFInfo.pageCount(of: pdf), 1, "\(name).pdf pages", file: file, line: line)
            XCTAssertTrue(PDFInfo.embedsFonts(pdf), "\(name).pdf embeds no font", file: file, line: line)
        }
    }

    /// Every `src=`/`href=` value: the HTML may only point inside itself (`#id`) or hold data.
    static func externalReferences(in html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"(?i)\b(src|href)\s*=\s*["']?([^"'\s>]*)"#)
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).compactMap { match in
            let value = String(html[Range(match.range(at: 2), in: html)!])
            return value.hasPrefix("#") || value.hasPrefix("data:") ? nil : value
        }
    }
}
