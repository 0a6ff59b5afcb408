import Foundation
import XCTest
import EUSModels

/// synth → split → train → predict on a tiny phantom, with every output file's content
/// checked: the CSVs' columns and rows, the safetensors' names, the history, the config, and
/// the Grad-CAM arrays and overlays.
final class EndToEndTests: CLITestCase {
    func testSynthSplitTrainPredictWithCAM() throws {
        // 64 px inputs give the default CAM block, layer3[-1] below 224 px, 4×4 activations.
        let synth = try CLI.run(["synth", "--out", path("phantom"), "--gist", "6", "--lm", "6", "--size", "48", "--seed", "3"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let split = try CLI.run(["split", path("phantom"), "--out", path("split.csv"), "--seed", "3"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let splitRows = try csvRows("split.csv")
        XCTAssertEqual(splitRows.header, ["case_id", "label", "partition"])
        XCTAssertEqual(splitRows.rows.count, 12)
        XCTAssertEqual(splitRows.rows.filter { $0[2] == "validation" }.count, 2, "round(0.8 × 6) = 5 of each class's 6 train")

        let train = try CLI.run(["train", path("phantom"), "--arch", "resnet18", "--split", path("split.csv"),
                                 "--out", path("run"), "--width", "8", "--image-size", "64", "--epochs", "1",
                                 "--batch-size", "4", "--seed", "3"])
        XCTAssertEqual(train.status, 0, train.stderr)
        try checkRunFolder("run", trainCases: splitRows.rows.filter { $0[2] == "train" }.count)

        let predict = try CLI.run(["predict", path("phantom"), "--arch", "resnet18", "--weights", path("run/model.safetensors"),
                                   "--split", path("split.csv"), "--partition", "validation", "--image-size", "64",
                                   "--out", path("pred.csv"), "--cam-dir", path("cams"), "--cam", "gradcampp"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let validation = splitRows.rows.filter { $0[2] == "validation" }
        try checkPredictions("pred.csv", expected: validation)
        try checkCAMFolder("cams", caseIDs: validation.map { $0[0] }, phantom: "phantom", side: 64, predictions: "pred.csv")

        // Without --cam-dir the probabilities come from the prediction forward (Winograd 3x3
        // convolutions), which agrees with Grad-CAM's im2col forward to rounding.
        let plain = try CLI.run(["predict", path("phantom"), "--arch", "resnet18", "--weights", path("run/model.safetensors"),
                                 "--split", path("split.csv"), "--partition", "validation", "--image-size", "64",
                                 "--out", path("pred-plain.csv")])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let (withCAM, withoutCAM) = (try csvRows("pred.csv").rows, try csvRows("pred-plain.csv").rows)
        XCTAssertEqual(withCAM.map { $0[0] }, withoutCAM.map { $0[0] })
        for (a, b) in zip(withCAM, withoutCAM) {
            XCTAssertEqual(Double(a[5])!, Double(b[5])!, accuracy: 1e-5, "P(positive) of \(a[0]) with and without --cam-dir")
        }

        // --tta: the logits stay the plain image's, P(positive) becomes the mean over the views
        // and the call follows it.
        let tta = try CLI.run(["predict", path("phantom"), "--arch", "resnet18", "--weights", path("run/model.safetensors"),
                               "--split", path("split.csv"), "--partition", "validation", "--image-size", "64",
                               "--out", path("pred-tta.csv"), "--tta"])
        XCTAssertEqual(tta.status, 0, tta.stderr)
        let averaged = try csvRows("pred-tta.csv").rows
        XCTAssertEqual(averaged.map { [$0[0], $0[3], $0[4]] }, withoutCAM.map { [$0[0], $0[3], $0[4]] }, "same case order and logits")
        XCTAssertTrue(zip(averaged, withoutCAM).contains { $0[5] != $1[5] }, "the views move some probability")
        for row in averaged {
            let p = Double(row[5])!
            XCTAssertTrue((0...1).contains(p), row[5])
            XCTAssertEqual(row[6], p >= 0.5 ? "GIST" : "LM", "the call follows the averaged P of \(row[0])")
        }

        // evaluate: the same model in an evaluation folder, its predictions equal predict's.
        let evaluate = try CLI.run(["evaluate", path("phantom"), "--split", path("split.csv"), "--model", "tiny=\(path("run"))",
                                    "--out", path("eval"), "--cam", "gradcampp"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        XCTAssertEqual(files(under: "eval").filter { !$0.hasPrefix("cams/") },
                       ["configs/tiny.json", "eval.json", "histories/tiny.csv", "predictions.csv", "split.csv"])
        XCTAssertEqual(try read("eval/histories/tiny.csv"), try read("run/history.csv"))
        let combined = try csvRows("eval/predictions.csv")
        XCTAssertEqual(combined.header, ["case_id", "label", "tiny", "tiny_call", "tiny_correct", "tiny_cam_energy",
                                         "tiny_cam_hit", "path", "mask_path", "crop"])
        let single = try csvRows("pred.csv").rows
        for row in combined.rows {
            let other = single.first { $0[0] == row[0] }
            XCTAssertEqual(row[2], other?[5], "P(positive) of \(row[0]) as predict wrote it")
            XCTAssertEqual(row[3], other?[6])
            XCTAssertEqual(row[4], row[3] == row[1] ? "1" : "0")
            XCTAssertTrue(row[8].hasSuffix("masks/\(row[0]).png"), row[8])
        }
        XCTAssertEqual(try Data(contentsOf: url("eval/cams/tiny/\(validation[0][0]).npy")),
                       try Data(contentsOf: url("cams/\(validation[0][0]).npy")), "same maps as predict --cam-dir")
        let eval = try JSONSerialization.jsonObject(with: Data(contentsOf: url("eval/eval.json"))) as? [String: Any]
        XCTAssertEqual((eval?["data"] as? [String: Any])?["synthetic"] as? Bool, true, "the phantom's manifest marks it")
        XCTAssertEqual((eval?["models"] as? [[String: Any]])?.first?["arch"] as? String, "resnet18")
        XCTAssertEqual((eval?["cam"] as? [String: Any])?["layer"] as? String, "layer3.1", "layer3[-1] below 224 px")
        XCTAssertEqual((eval?["cam"] as? [String: Any])?["method"] as? String, "gradcampp")

        // --init: start from the trained weights.
        let again = try CLI.run(["train", path("phantom"), "--arch", "resnet18", "--split", path("split.csv"),
                                 "--out", path("run2"), "--width", "8", "--image-size", "64", "--epochs", "1",
                                 "--batch-size", "4", "--seed", "3", "--init", path("run/model.safetensors")])
        XCTAssertEqual(again.status, 0, again.stderr)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: url("run2/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["init"] as? String, path("run/model.safetensors"))
        XCTAssertNotEqual(try csvRows("run2/history.csv").rows[0][1], try csvRows("run/history.csv").rows[0][1],
                          "the same seed from other weights gives another loss")
        assertNoStagingLeft()
    }

    /// model.safetensors with torchvision's names, history.csv with one row per epoch,
    /// config.json with every setting.
    func checkRunFolder(_ folder: String, trainCases: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let weights = try Safetensors.read(url("\(folder)/model.safetensors"))
        let names = Set(weights.tensors.map(\.name))
        for name in ["conv1.weight", "bn1.running_var", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
                     "layer4.1.bn2.bias", "fc.weight", "fc.bias"] {
            XCTAssertTrue(names.contains(name), "model.safetensors lacks \(name)", file: file, line: line)
        }
        XCTAssertEqual(weights["conv1.weight"]?.shape, [8, 3, 7, 7], file: file, line: line)
        XCTAssertEqual(weights["fc.weight"]?.shape, [2, 64], file: file, line: line)
        XCTAssertEqual(weights["bn1.num_batches_tracked"]?.dtype, "I64", file: file, line: line)

        let history = try csvRows("\(folder)/history.csv")
        XCTAssertEqual(history.header, ["epoch", "train_loss", "train_accuracy", "lr", "seconds"], file: file, line: line)
        XCTAssertEqual(history.rows.count, 1, file: file, line: line)
        let values = history.rows[0].map { Double($0) }
        XCTAssertEqual(values[0], 1, file: file, line: line)
        XCTAssertTrue((values[1] ?? -1) > 0 && (values[1] ?? 99) < 10, "loss \(history.rows[0][1])", file: file, line: line)
        XCTAssertTrue((0 ... 1).contains(values[2] ?? -1), file: file, line: line)
        XCTAssertEqual(values[3] ?? 0, 0.001, accuracy: 1e-12, "cosine starts at the default peak (AdamW, lr 0.001)", file: file, line: line)
        XCTAssertGreaterThan(values[4] ?? 0, 0, file: file, line: line)

        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: url("\(folder)/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["arch"] as? String, "resnet18", file: file, line: line)
        XCTAssertEqual(config?["class_names"] as? [String], ["GIST", "LM"], file: file, line: line)
        XCTAssertEqual(config?["positive_class"] as? String, "GIST", file: file, line: line)
        XCTAssertEqual(config?["train_cases"] as? Int, trainCases, file: file, line: line)
        let training = config?["training"] as? [String: Any]
        for key in ["epochs", "batch_size", "lr", "optimizer", "momentum", "weight_decay", "schedule", "image_size", "seed",
                    "width", "augment", "augmentation", "label_smoothing", "warmup_epochs", "ema_decay"] {
            XCTAssertNotNil(training?[key], "config.json training.\(key)", file: file, line: line)
        }
        XCTAssertEqual(training?["width"] as? Int, 8, file: file, line: line)
        let augmentation = config?["augmentation"] as? [String: Any]
        XCTAssertEqual(Set(augmentation?.keys.map { $0 } ?? []),
                       ["scanner", "radial_rotation_deg", "linear_rotation_deg", "flip_probability", "min_scale", "max_scale",
                        "gain_db", "dynamic_range", "contrast", "gamma", "speckle_probability", "speckle_strength",
                        "erasing_probability"], "config.json records every augmentation parameter", file: file, line: line)
        let recipe = (config?["recipe"] as? [String] ?? []).joined(separator: "\n")
        for part in ["AdamW", "learning rate:", "weight decay", "label smoothing", "moving average", "rotated about the transducer"] {
            XCTAssertTrue(recipe.contains(part), "config.json recipe names \(part): \(recipe)", file: file, line: line)
        }
        XCTAssertTrue((config?["selection"] as? String ?? "").contains("No validation case"), file: file, line: line)
        XCTAssertGreaterThan(config?["parameters"] as? Int ?? 0, 0, file: file, line: line)
        XCTAssertTrue(exists("\(folder)/checkpoint.json"), file: file, line: line)
    }

    func checkPredictions(_ csv: String, expected: [[String]], file: StaticString = #filePath, line: UInt = #line) throws {
        let table = try csvRows(csv)
        XCTAssertEqual(table.header, ["case_id", "path", "label", "logit_0", "logit_1", "p_positive", "predicted",
                                      "cam_energy_in_mask", "cam_pointing_hit", "crop"], file: file, line: line)
        XCTAssertEqual(table.rows.map { $0[0] }.sorted(), expected.map { $0[0] }.sorted(), file: file, line: line)
        for row in table.rows {
            let label = expected.first { $0[0] == row[0] }?[1]
            XCTAssertEqual(row[2], label, file: file, line: line)
            XCTAssertTrue(row[1].hasSuffix(".png"), row[1], file: file, line: line)
            let (z0, z1, p) = (Double(row[3])!, Double(row[4])!, Double(row[5])!)
            XCTAssertEqual(p, 1 / (1 + exp(z1 - z0)), accuracy: 1e-5, "p_positive = softmax(logits)[GIST]", file: file, line: line)
            XCTAssertEqual(row[6], p >= 0.5 ? "GIST" : "LM", file: file, line: line)
            if let energy = Double(row[7]) {
                XCTAssertTrue((0 ... 1).contains(energy), file: file, line: line)
                XCTAssertTrue(["0", "1"].contains(row[8]), file: file, line: line)
            } else {
                XCTAssertEqual(row[8], "", "both scores are empty together", file: file, line: line)
            }
        }
    }

    /// Each case has a (side, side) float32 .npy in [0, 1] with max 1 (or all zero), and an
    /// overlay PNG at the original image's size.
    func checkCAMFolder(_ folder: String, caseIDs: [String], phantom: String, side: Int, predictions: String,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let rows = try csvRows(predictions).rows
        XCTAssertEqual(files(under: folder), caseIDs.flatMap { ["\($0).npy", "\($0).png"] }.sorted(), file: file, line: line)
        for id in caseIDs {
            let npy = try Data(contentsOf: url("\(folder)/\(id).npy"))
            XCTAssertEqual(Array(npy.prefix(6)), [0x93] + Array("NUMPY".utf8), file: file, line: line)
            let headerLength = Int(npy[8]) | Int(npy[9]) << 8
            let header = String(decoding: npy[10 ..< 10 + headerLength], as: UTF8.self)
            XCTAssertTrue(header.contains("'descr': '<f4'"), header, file: file, line: line)
            XCTAssertTrue(header.contains("'fortran_order': False"), header, file: file, line: line)
            XCTAssertTrue(header.contains("'shape': (\(side), \(side))"), header, file: file, line: line)
            XCTAssertEqual((10 + headerLength) % 64, 0, "header padded to 64 bytes", file: file, line: line)
            let body = npy.dropFirst(10 + headerLength)
            XCTAssertEqual(body.count, side * side * 4, file: file, line: line)
            let values = body.withUnsafeBytes { raw in (0 ..< side * side).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
            XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 1 }, "values in [0,1]", file: file, line: line)
            let peak = values.max() ?? 0
            XCTAssertTrue(peak == 0 || abs(peak - 1) < 1e-5, "min-max scaled: max \(peak)", file: file, line: line)
            // The phantom has a mask for every case: a score is missing only for a flat map.
            let energy = rows.first { $0[0] == id }?[7] ?? ""
            XCTAssertEqual(energy.isEmpty, peak == 0, "\(id): energy '\(energy)', map max \(peak)", file: file, line: line)

            let png = try Data(contentsOf: url("\(folder)/\(id).png"))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file: file, line: line)
            let (w, h) = pngSize(png)
            let original = try pngSize(Data(contentsOf: imagePath(id, phantom: phantom)))
            XCTAssertEqual(w, original.0, "overlay width = original width", file: file, line: line)
            XCTAssertEqual(h, original.1, file: file, line: line)
        }
    }

    func imagePath(_ id: String, phantom: String) -> URL {
        for label in ["GIST", "LM"] where exists("\(phantom)/\(label)/\(id).png") { return url("\(phantom)/\(label)/\(id).png") }
        return url("\(phantom)/missing-\(id)")
    }

    func pngSize(_ data: Data) -> (Int, Int) {
        func be32(_ offset: Int) -> Int { data[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }
}
