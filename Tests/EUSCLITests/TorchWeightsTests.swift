import Foundation
import XCTest

/// `train --init` and `predict --weights` with torch.save files, and `--init imagenet` looked
/// up in torch's hub cache. The .pth fixtures are EUSModelsTests' (Fixtures/torch/, made by
/// scripts/make_torch_checkpoint_fixtures.py with torch 2.15.0, torchvision 0.29.2), read from
/// the source tree.
final class TorchWeightsTests: CLITestCase {
    private let tiny = ["--arch", "resnet18", "--width", "4", "--image-size", "32", "--epochs", "1", "--batch-size", "4"]

    private func torchFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EUSModelsTests/Fixtures/torch/\(name)").path
    }

    private func config(_ run: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url("\(run)/config.json"))) as? [String: Any])
    }

    /// A torchvision state_dict saved with torch.save starts training and predicts as it is.
    func testPthWeightsInitialiseTrainingAndPredict() throws {
        try makeDataset("data")
        let pth = torchFixture("narrow_resnet18.pth")
        let trained = try CLI.run(["train", path("data"), "--out", path("run"), "--init", pth] + tiny)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let config = try config("run")
        XCTAssertEqual(config["init"] as? String, pth)
        XCTAssertTrue((config["recipe"] as? [String])?.contains("initialised from the weights in narrow_resnet18.pth") ?? false, "\(config["recipe"] ?? "")")

        let predicted = try CLI.run(["predict", "--arch", "resnet18", "--weights", pth, path("data"), "--out", path("p.csv"),
                                     "--image-size", "32"])
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertEqual(try csvRows("p.csv").rows.count, 8)
    }

    /// `--init imagenet` finds torchvision's file name under $TORCH_HOME/hub/checkpoints and
    /// the recipe says the network was initialised from ImageNet weights.
    func testImagenetIsFoundInTorchHome() throws {
        try makeDataset("data", gist: 10, lm: 10)
        let folder = url("torch-home/hub/checkpoints")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The narrow network under the ImageNet file's name: the look-up goes by name.
        try FileManager.default.copyItem(atPath: torchFixture("narrow_resnet18.pth"), toPath: folder.appendingPathComponent("resnet18-f37072fd.pth").path)
        let result = try CLI.run(["train", path("data"), "--out", path("run"), "--init", "imagenet"] + tiny,
                                 environment: ["TORCH_HOME": path("torch-home")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let config = try config("run")
        XCTAssertEqual(config["init"] as? String, folder.appendingPathComponent("resnet18-f37072fd.pth").standardizedFileURL.path)
        let recipe = (config["recipe"] as? [String]) ?? []
        XCTAssertTrue(recipe.contains { $0.hasPrefix("initialised from ImageNet weights (torchvision's resnet18-f37072fd.pth") }, "\(recipe)")
        // The report says so, in its Training section's recipe.
        let evaluate = try CLI.run(["evaluate", path("data"), "--split", path("run/split.csv"), "--model", "resnet18=\(path("run"))",
                                    "--out", path("eval")])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        let report = try CLI.run(["report", path("eval"), "--out", path("report")])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(try read("report/report.html").contains("initialised from ImageNet weights"))
    }

    /// Absent, the error names the file, where to download it from and where to put it.
    func testMissingImagenetFileSaysWhatToDownloadAndWhere() throws {
        try makeDataset("data")
        let result = try CLI.run(["train", path("data"), "--out", path("run"), "--init", "imagenet"] + tiny.map { $0 == "resnet18" ? "resnet34" : $0 },
                                 environment: ["TORCH_HOME": path("nowhere"), "HOME": path("home"), "XDG_CACHE_HOME": ""])
        assertFails(result, with: "--init imagenet: torchvision's ImageNet weights for resnet34 (resnet34-b627a593.pth) are not in")
        XCTAssertTrue(result.stderr.contains("download https://download.pytorch.org/models/resnet34-b627a593.pth and put it in \(path("nowhere"))/hub/checkpoints/"), result.stderr)
        XCTAssertTrue(result.stderr.contains(path("home") + "/.cache/torch/hub/checkpoints"), result.stderr)
        XCTAssertFalse(exists("run"))
    }

    /// A pickle asking for os.system is refused before anything is built, and nothing is written.
    func testMaliciousPickleIsRefused() throws {
        try makeDataset("data")
        let result = try CLI.run(["train", path("data"), "--out", path("run"), "--init", torchFixture("evil_system.pth")] + tiny)
        assertFails(result, with: "asks for the global posix.system")
        XCTAssertFalse(exists("run/model.safetensors"))
        let predicted = try CLI.run(["predict", "--arch", "resnet18", "--weights", torchFixture("legacy.pth"), path("data"), "--out", path("p.csv")])
        assertFails(predicted, with: "legacy (pre-1.6, non-zip) torch.save file")
        XCTAssertFalse(exists("p.csv"))
    }
}
