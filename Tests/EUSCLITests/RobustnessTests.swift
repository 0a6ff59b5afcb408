@testable import eus_report
import EUSImage
import Foundation
import XCTest
@testable import EUSSupport
import EUSModels
import EUSData

/// The failures of issue 7's robustness list that are not about the dataset itself: each ends
/// with one clear line, a non-zero exit, and no partial output at the destination.
final class RobustnessTests: CLITestCase {
    static let tiny = ["--width", "8", "--image-size", "32", "--epochs", "1", "--batch-size", "4"]

    func testOutNotWritable() throws {
        try makeDataset("data")
        try write("a file, not a folder", to: "blocker")
        let result = try CLI.run(["run", path("data"), "--out", path("blocker/report")] + Self.tiny)
        assertFails(result, with: "blocker/report: cannot write there")
        XCTAssertEqual(try read("blocker"), "a file, not a folder")
        XCTAssertFalse(exists("blocker.work"))
        assertNoStagingLeft()

        let train = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("blocker/run")] + Self.tiny)
        assertFails(train, with: "blocker/run: cannot write there")
    }

    /// ResNet-34 weights do not pass for a ResNet-18 (it would ignore layer1.2 and on), and a
    /// non-finite weight is named instead of giving NaN probabilities.
    func testPredictRefusesExtraTensorsAndNonFiniteWeights() throws {
        try makeDataset("data")
        let trained = try CLI.run(["train", path("data"), "--arch", "resnet34", "--out", path("r34")] + Self.tiny)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let wrong = try CLI.run(["predict", path("data"), "--arch", "resnet18", "--weights", path("r34/model.safetensors"),
                                 "--image-size", "32", "--out", path("pred.csv")])
        assertFails(wrong, with: "tensor 'layer1.2.conv1.weight' is not part of resnet18")
        XCTAssertFalse(exists("pred.csv"))
        var tensors = try Safetensors.read(url("r34/model.safetensors")).tensors
        let index = try XCTUnwrap(tensors.firstIndex { $0.name == "layer2.0.conv1.weight" })
        var values = try XCTUnwrap(tensors[index].floats)
        values[7] = .infinity
        tensors[index] = NamedTensor(name: tensors[index].name, shape: tensors[index].shape, values: .float32(values))
        try Safetensors.encode(tensors).write(to: url("bad.safetensors"))
        let infinite = try CLI.run(["predict", path("data"), "--arch", "resnet34", "--weights", path("bad.safetensors"),
                                    "--image-size", "32", "--out", path("pred.csv")])
        assertFails(infinite, with: "tensor 'layer2.0.conv1.weight' holds a non-finite value (inf at element 7)")
        XCTAssertFalse(exists("pred.csv"))
        assertNoStagingLeft()
    }

    /// A ratio that leaves a partition without one class is refused, not written.
    func testSplitRefusesAnEmptyPartition() throws {
        try makeDataset("data", gist: 10, lm: 10)
        for ratio in ["0.99", "0.01"] {
            let result = try CLI.run(["split", path("data"), "--ratio", ratio, "--out", path("split.csv")])
            assertFails(result, with: "--ratio \(ratio): ")
            XCTAssertFalse(exists("split.csv"), ratio)
        }
        XCTAssertEqual(try CLI.run(["split", path("data"), "--out", path("split.csv")]).status, 0)
    }

    /// A mask of another size than its image would score the map against the wrong pixels:
    /// train and predict both refuse it, naming the mask, before writing anything.
    func testAMaskOfAnotherSizeIsRefused() throws {
        XCTAssertEqual(try CLI.run(["synth", "--out", path("phantom"), "--gist", "3", "--lm", "3", "--size", "48"]).status, 0)
        let trained = try CLI.run(["train", path("phantom"), "--arch", "resnet18", "--out", path("run")] + Self.tiny)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        try PNGCodec.write(GrayImage(width: 10, height: 10, pixels: Array(repeating: 255, count: 100)), to: url("phantom/masks/gist_001.png"))
        let predict = try CLI.run(["predict", path("phantom"), "--arch", "resnet18", "--weights", path("run/model.safetensors"),
                                   "--image-size", "32", "--out", path("pred.csv"), "--cam-dir", path("cams")])
        assertFails(predict, with: "gist_001.png: mask is 10x10 but image")
        XCTAssertFalse(exists("pred.csv") || exists("cams"))
        let again = try CLI.run(["train", path("phantom"), "--arch", "resnet18", "--out", path("run2")] + Self.tiny)
        assertFails(again, with: "gist_001.png: mask is 10x10 but image")
        assertNoStagingLeft()
    }

    /// Invalid option values are one line in the project's format with exit status 1, pointing
    /// at the command's --help; --help itself still prints and exits 0.
    func testOptionErrorsAreOneLine() throws {
        try makeDataset("data")
        assertFails(try CLI.run(["split", path("data"), "--ratio", "1.0", "--out", path("s.csv")]),
                    with: "--ratio must be strictly between 0 and 1")
        let unknown = try CLI.run(["demo", "--bogus"])
        assertFails(unknown, with: "Unknown option '--bogus'")
        XCTAssertTrue(unknown.stderr.contains("eus-report demo --help"), unknown.stderr)
        let help = try CLI.run(["split", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("USAGE"), help.stdout)
        // A folder or a device given as weights is named as such, not as an NSCocoaErrorDomain code.
        for weights in [path("data"), "/dev/zero"] {
            let result = try CLI.run(["predict", path("data"), "--arch", "resnet18", "--weights", weights,
                                      "--image-size", "32", "--out", path("p.csv")])
            assertFails(result, with: "not a safetensors file")
        }
    }

    /// A value that is none of an option's choices is refused while the arguments are parsed,
    /// before any work, in ArgumentParser's words listing the choices.
    func testUnknownChoicesAreRefusedWhileParsing() throws {
        let cases: [([String], String)] = [
            (["bench", "--arch", "resnet101"],
             "The value 'resnet101' is invalid for '--arch <arch>'. Please provide one of 'resnet18', 'resnet34' or 'resnet50'."),
            (["run", path("data"), "--arch", "resnet34", "--arch", "ResNet-50"],
             "The value 'ResNet-50' is invalid for '--arch <arch>'. Please provide one of 'resnet18', 'resnet34' or 'resnet50'."),
            (["train", path("data"), "--arch", "resnet18", "--out", path("run"), "--schedule", "linear"],
             "The value 'linear' is invalid for '--schedule <schedule>'. Please provide one of 'cosine' and 'constant'."),
            (["predict", path("data"), "--arch", "resnet18", "--weights", path("w"), "--out", path("p.csv"),
              "--cam-dir", path("cams"), "--cam", "gradcam++"],
             "The value 'gradcam++' is invalid for '--cam <cam>'. Please provide one of 'gradcam' and 'gradcampp'."),
            (["evaluate", path("data"), "--split", path("s.csv"), "--model", "a=\(path("run"))", "--out", path("eval"),
              "--cam-target", "2"],
             "The value '2' is invalid for '--cam-target <cam-target>'. Please provide one of 'positive', 'predicted', '0' or '1'."),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            assertFails(result, with: message)
            XCTAssertTrue(result.stderr.contains("(see `eus-report \(arguments[0]) --help`)"), result.stderr)
        }
        XCTAssertEqual(files(under: "."), [], "nothing is written")
    }

    /// A second writer to the same --out fails at once, naming it, while the first holds the
    /// lock; the kernel drops the lock with the process, so the next run goes ahead.
    func testASecondWriterToTheSameOutFailsFast() throws {
        try makeDataset("data")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        try write("", to: ".run.lock")
        holder.arguments = [path(".run.lock"), "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.5)
        let second = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run")] + Self.tiny)
        assertFails(second, with: "run: another eus-report is writing there")
        XCTAssertFalse(exists("run/model.safetensors"))
        holder.terminate()
        holder.waitUntilExit()
        let third = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run")] + Self.tiny)
        XCTAssertEqual(third.status, 0, third.stderr)
    }

    /// SIGKILL and SIGINT in the middle of a new `train` over a finished run: the previous
    /// model, history and config are intact (the new run replaces them only when it has
    /// finished), and the new run's checkpoint is there for --resume.
    func testKillingTrainOverAnExistingRunKeepsThePreviousModel() throws {
        try makeDataset("data", gist: 8, lm: 8)
        let first = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run"), "--seed", "1"] + Self.tiny)
        XCTAssertEqual(first.status, 0, first.stderr)
        let kept = try ["model.safetensors", "history.csv", "config.json"].map { try Data(contentsOf: url("run/\($0)")) }
        for signal in [SIGKILL, SIGINT] {
            try? FileManager.default.removeItem(at: url("run/checkpoint.json"))
            let process = Process()
            process.executableURL = try CLI.binary()
            process.arguments = ["train", path("data"), "--arch", "resnet18", "--out", path("run"), "--seed", "2",
                                 "--width", "8", "--image-size", "32", "--epochs", "200", "--batch-size", "4"]
            process.environment = ProcessInfo.processInfo.environment.merging(["EUS_REPORT_QUIET": "1"]) { $1 }
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while !exists("run/checkpoint.json"), process.isRunning, Date() < deadline { usleep(20_000) }
            XCTAssertTrue(process.isRunning, "train finished before it could be stopped")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, signal == SIGINT ? 130 : SIGKILL, "signal \(signal)")
            let now = try ["model.safetensors", "history.csv", "config.json"].map { try Data(contentsOf: url("run/\($0)")) }
            XCTAssertEqual(now, kept, "the previous run's files are intact after signal \(signal)")
            XCTAssertTrue(exists("run/checkpoint.safetensors"), "the new run's checkpoint is kept for --resume")
        }
        // A killed writer cannot remove its half-written file; the next run into the folder does.
        let next = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run"), "--seed", "3"] + Self.tiny)
        XCTAssertEqual(next.status, 0, next.stderr)
        assertNoStagingLeft()
    }

    func testAnOutputFolderNeverReplacesAFile() throws {
        try write("keep me", to: "f")
        let synth = try CLI.run(["synth", "--out", path("f"), "--gist", "2", "--lm", "2", "--size", "32"])
        assertFails(synth, with: "f: exists and is a file")
        XCTAssertEqual(try read("f"), "keep me")
        assertNoStagingLeft()
    }

    /// What a killed run leaves: a staging folder, and the previous output set aside between
    /// the two renames of a swap (the destination missing). The next run removes the first
    /// and puts the second back (2147483647 is a pid no process has).
    func testLeftoversOfAKilledRunAreRecoveredByTheNextRun() throws {
        try write("previous", to: ".out.old-2147483647/marker.txt")
        try write("half", to: ".out.partial-2147483647/x.txt")
        AtomicOutput.recoverLeftovers(of: url("out"))
        XCTAssertEqual(try read("out/marker.txt"), "previous", "the set-aside folder is put back")
        XCTAssertFalse(exists(".out.old-2147483647"))
        XCTAssertFalse(exists(".out.partial-2147483647"), "the dead run's staging folder is removed")
        try write("stale", to: ".phantom.partial-2147483647/x.txt")
        let synth = try CLI.run(["synth", "--out", path("phantom"), "--gist", "2", "--lm", "2", "--size", "32"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        XCTAssertTrue(exists("phantom/manifest.csv"))
        assertNoStagingLeft()
    }

    func testReadOnlyFolderWhenNotRoot() throws {
        guard getuid() != 0 else { throw XCTSkip("root may write into read-only folders") }
        try makeDataset("data")
        try FileManager.default.createDirectory(at: url("locked"), withIntermediateDirectories: true)
        chmod(path("locked"), 0o555)
        defer { chmod(path("locked"), 0o755) }
        let result = try CLI.run(["run", path("data"), "--out", path("locked/report")] + Self.tiny)
        assertFails(result, with: "locked/report: cannot write there")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("locked")), [])
    }

    func testMixedImageSizesAreResized() throws {
        try makeDataset("data", gist: 4, lm: 4, sizes: [24, 40, 57, 33])
        let result = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run")] + Self.tiny)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(exists("run/model.safetensors"))
    }

    func testNonFiniteLossNamesEpochAndBatch() throws {
        try makeDataset("data", gist: 10, lm: 10)
        let result = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("run"), "--lr", "1e30",
                                  "--width", "8", "--image-size", "32", "--epochs", "2", "--batch-size", "2", "--no-augment"])
        assertFails(result, with: "the training loss became")
        XCTAssertTrue(result.stderr.contains("epoch ") && result.stderr.contains("batch "), result.stderr)
        XCTAssertFalse(exists("run/model.safetensors"))
        assertNoStagingLeft()
    }

    func testWeightsOfTheWrongArchitecture() throws {
        try makeDataset("data")
        let trained = try CLI.run(["train", path("data"), "--arch", "resnet18", "--out", path("r18")] + Self.tiny)
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let result = try CLI.run(["predict", path("data"), "--arch", "resnet50", "--weights", path("r18/model.safetensors"),
                                  "--image-size", "32", "--out", path("pred.csv")])
        assertFails(result, with: "model.safetensors")
        XCTAssertTrue(result.stderr.contains("layer"), "the message names the tensor: \(result.stderr)")
        XCTAssertFalse(exists("pred.csv"))
        assertNoStagingLeft()
    }

    /// The disk fills while the evaluation folder and the report are written: simulated with a
    /// file-size limit (`ulimit -f`), under which every write past the limit fails with EFBIG.
    func testWriteFailureLeavesNoPartialOutput() throws {
        try makeDataset("data", gist: 10, lm: 10)
        try FileManager.default.createDirectory(at: url("report"), withIntermediateDirectories: true)
        try write("previous report", to: "report/report.html")
        let args = (["run", path("data"), "--out", path("report"), "--arch", "resnet18"] + Self.tiny).joined(separator: " ")
        // 8 blocks of 512 bytes: small files (split.csv, state.json) fit, weights do not.
        let result = try CLI.shell("trap '' XFSZ; ulimit -f 8; EUS_REPORT_QUIET=1 exec \"$EUS\" \(args)")
        assertFails(result, with: "cannot write")
        XCTAssertTrue(result.stderr.contains(".safetensors"), "the message names the file: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("File too large"), "the message gives the reason: \(result.stderr)")
        XCTAssertEqual(try read("report/report.html"), "previous report")
        XCTAssertEqual(files(under: "report"), ["report.html"])
        assertNoStagingLeft()
    }
}

/// `bench` reports the machine's sgemm peak beside its own speed, and says when the
/// environment pins OpenBLAS below the CPU.
final class BenchReportTests: CLITestCase {
    func testBenchPrintsThePeakAndTheKernel() throws {
        let result = try CLI.run(["bench", "--arch", "resnet18", "--width", "8", "--image-size", "32", "--batch-size", "2",
                                  "--steps", "1", "--peak-size", "64"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["openblas_core", "sgemm_gflops_1t", "sgemm_gflops", "onednn_sgemm_gflops", "train_peak_fraction",
                    "infer_peak_fraction"] {
            XCTAssertNotNil(json[key], "bench's JSON lacks \(key)")
        }
        XCTAssertEqual(json["gemm"] as? String, "onednn", "oneDNN is the default engine")
        XCTAssertGreaterThan(json["sgemm_gflops"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(json["onednn_sgemm_gflops"] as? Double ?? 0, 0)
        let train = try XCTUnwrap(json["gflops_train"] as? Double), peak = try XCTUnwrap(json["sgemm_gflops"] as? Double)
        XCTAssertEqual(try XCTUnwrap(json["train_peak_fraction"] as? Double), train / peak, accuracy: 1e-3)
    }

    /// End to end on a tiny phantom: train's epochs and predict's batches are timed, and the
    /// line says which mode it measured and on how many training cases (the 8:2 split's).
    func testBenchEndToEndRunsTrainsLoopOnTheData() throws {
        let synth = try CLI.run(["synth", "--out", path("data"), "--gist", "5", "--lm", "5", "--size", "40"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let result = try CLI.run(["bench", "--data", path("data"), "--arch", "resnet18", "--width", "8", "--image-size", "32",
                                  "--batch-size", "4", "--epochs", "1", "--peak-size", "64", "--profile"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["mode"] as? String, "end_to_end")
        XCTAssertEqual(json["train_cases"] as? Int, 8, "8 of the 10 cases train")
        XCTAssertEqual(json["image_size"] as? Int, 32)
        for key in ["train_img_s", "infer_img_s", "load_img_s", "gflops_train", "sgemm_gflops", "train_peak_fraction"] {
            XCTAssertGreaterThan(json[key] as? Double ?? 0, 0, "\(key) in \(result.stdout)")
        }
        XCTAssertTrue(result.stderr.contains("Training step, end to end"), result.stderr)
        XCTAssertTrue(result.stderr.contains("optimizer step") && result.stderr.contains("waiting for the batch"), result.stderr)
    }

    /// `--gemm` and `EUS_REPORT_GEMM` choose the engine (the option wins); a name that is
    /// neither engine is one error line.
    func testTheGEMMEngineIsChosenAndNamed() throws {
        let small = ["bench", "--arch", "resnet18", "--width", "8", "--image-size", "32", "--batch-size", "2", "--steps", "1",
                     "--peak-size", "0"]
        func engine(_ arguments: [String], environment: [String: String] = [:]) throws -> String? {
            let result = try CLI.run(small + arguments, environment: environment)
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return json?["gemm"] as? String
        }
        XCTAssertEqual(try engine(["--gemm", "openblas"]), "openblas")
        XCTAssertEqual(try engine([], environment: ["EUS_REPORT_GEMM": "OpenBLAS"]), "openblas")
        XCTAssertEqual(try engine(["--gemm", "onednn"], environment: ["EUS_REPORT_GEMM": "openblas"]), "onednn")
        let wrong = try CLI.run(small, environment: ["EUS_REPORT_GEMM": "mkl"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertEqual(wrong.stderr, "error: EUS_REPORT_GEMM: 'mkl' is not a GEMM engine (onednn or openblas)\n")
    }

    func testBenchEndToEndNamesAMissingDataSet() throws {
        let result = try CLI.run(["bench", "--data", path("absent"), "--epochs", "1", "--peak-size", "0"])
        XCTAssertEqual(result.status, 1)
        // One error line, last; a pinned OpenBLAS kernel (as CI pins it) puts its note before it.
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("error: ") }.count, 1, result.stderr)
        XCTAssertTrue(lines.last?.hasPrefix("error: ") == true && result.stderr.contains(path("absent")), result.stderr)
    }

    func testAPinnedKernelBelowTheCPUIsNamed() {
        let avx512: Set<String> = ["fpu", "avx2", "avx512f"]
        XCTAssertNotNil(BenchCommand.pinnedKernelWarning(environment: ["OPENBLAS_CORETYPE": "Haswell"], cpuFlags: avx512, core: "Haswell"))
        XCTAssertNil(BenchCommand.pinnedKernelWarning(environment: [:], cpuFlags: avx512, core: "Cooperlake"), "no pin, no note")
        XCTAssertNil(BenchCommand.pinnedKernelWarning(environment: ["OPENBLAS_CORETYPE": "Cooperlake"], cpuFlags: avx512, core: "Cooperlake"))
        XCTAssertNil(BenchCommand.pinnedKernelWarning(environment: ["OPENBLAS_CORETYPE": "Haswell"], cpuFlags: ["avx2"], core: "Haswell"),
                     "an AVX2 CPU is not held back")
    }
}
