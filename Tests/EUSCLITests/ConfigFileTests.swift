@testable import EUSPipeline
import EUSReport
import EUSSupport
import Foundation
import XCTest

/// Reading a run folder's config.json: what `train` writes reads back, older files still
/// read, and a value that is none of the choices stops with one line naming the file.
final class ConfigFileTests: XCTestCase {
    /// A config.json as `train` writes it (without --split), less the optional parts.
    static func config(arch: String = "resnet34", schedule: String = "cosine",
                       splitSettings: String = #"{"method": "stratified single hold-out", "ratio": 0.7, "seed": 3}"#) -> String {
        """
        {"arch": "\(arch)", "class_names": ["GIST", "LM"], "data": "/data/phantom", "flops": 2863360,
         "machine": {"cores": 2, "cpu": "AMD EPYC", "memory_gib": 23.5, "os": "Debian GNU/Linux 12 (bookworm)"},
         "parameters": 335594, "positive_class": "GIST",
         "software": {"cairo": "1.16.0", "eus_report": "0.1.0", "openblas": "OpenBLAS 0.3.21", "swift": "6.3.1"},
         "split": "split.csv (made by train)", "split_settings": \(splitSettings), "train_cases": 8,
         "training": {"augment": false, "batch_size": 4, "epochs": 2, "image_size": 32, "lr": 0.001, "momentum": 0.9,
                      "optimizer": "adamw", "schedule": "\(schedule)", "seed": 3, "weight_decay": 0.05, "width": 8}}
        """
    }

    func read(_ text: String) throws -> RunConfig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("config.json")
        try Data(text.utf8).write(to: url)
        return try JSONFile.read(RunConfig.self, from: url)
    }

    func testConfigReads() throws {
        let config = try read(Self.config())
        XCTAssertEqual(config.arch, .resnet34)
        XCTAssertEqual(config.training.epochs, 2)
        XCTAssertEqual(config.splitSettings, SplitSettings(ratio: 0.7, seed: 3))
    }

    /// An unknown architecture is one line: the file, where in it, and the choices.
    func testUnknownArchitectureNamesTheFile() {
        XCTAssertThrowsError(try read(Self.config(arch: "resnet101"))) { error in
            let message = (error as? UserError)?.message ?? "\(error)"
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssert(message.hasPrefix(FileManager.default.temporaryDirectory.path), message)
            XCTAssert(message.contains("config.json: not a valid RunConfig JSON file (arch: unknown architecture 'resnet101' (choose resnet18, resnet34 or resnet50))"), message)
        }
    }

    /// A split that was given has no ratio or seed: files omit them, and older files, which
    /// said 0 for both, read as none.
    func testAGivenSplitHasNoRatioOrSeed() throws {
        let old = #"{"method": "given: /data/split.csv", "ratio": 0, "seed": 0}"#
        let given = try XCTUnwrap(try read(Self.config(splitSettings: old)).splitSettings)
        XCTAssertEqual(given, .given(URL(fileURLWithPath: "/data/split.csv")))
        XCTAssertNil(given.ratio)
        XCTAssertNil(given.seed)
        XCTAssertEqual(String(decoding: try JSONFile.encode(given), as: UTF8.self),
                       "{\n  \"method\" : \"given: /data/split.csv\"\n}\n")
        XCTAssertEqual(try JSONDecoder().decode(SplitSettings.self, from: JSONFile.encode(given)), given)
        // A made split keeps seed 0 when that is its seed.
        let made = try read(Self.config(splitSettings: #"{"method": "stratified single hold-out", "ratio": 0.8, "seed": 0}"#))
        XCTAssertEqual(made.splitSettings, SplitSettings(ratio: 0.8, seed: 0))
        XCTAssertEqual(try JSONDecoder().decode(SplitSettings.self, from: JSONFile.encode(SplitSettings())), SplitSettings())
    }

    func testUnknownScheduleNamesTheFile() throws {
        XCTAssertEqual(try read(Self.config(schedule: "constant")).training.schedule, .constant)
        XCTAssertThrowsError(try read(Self.config(schedule: "linear"))) { error in
            let message = (error as? UserError)?.message ?? "\(error)"
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssert(message.contains("config.json: not a valid RunConfig JSON file (training.schedule: "), message)
            XCTAssert(message.contains("linear"), message)
        }
    }
}
