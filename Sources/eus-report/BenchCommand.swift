import ArgumentParser
import Foundation
import EUSCore
import EUSModels
import EUSPipeline

struct BenchCommand: ParsableCommand, ChoosesThreads {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference speed of a ResNet, on random images or end to end on a data set.",
        discussion: """
            Builds a 2-class network, then times --steps training steps (forward, backward and \
            an SGD step in train mode, as train runs them: the forward by oneDNN's direct \
            convolutions (im2col + sgemm with --gemm openblas), the \
            gradients of the 3x3 convolutions by Winograd F(4x4, 3x3) where they pay) and \
            --steps eval-mode forwards as predict runs them (BatchNorm folded; 3x3 \
            convolutions by Winograd), each after one warm-up step, on seeded random images. \
            Prints one JSON line:

              arch, image_size, width, batch_size, threads, gemm, train_img_s, infer_img_s,
              gflops_train, gflops_infer, peak_rss_mib, openblas_core, sgemm_gflops_1t,
              sgemm_gflops, onednn_sgemm_gflops, train_peak_fraction, infer_peak_fraction

            gflops_* are achieved GFLOP/s: forward FLOPs per image (2 per multiply-add of the \
            convolutions and fc, as a direct convolution does them) times images per second, \
            and 3x that for training; Winograd does fewer, so gflops_infer can exceed the \
            machine's peak. \
            peak_rss_mib is the process's peak resident memory. gemm is the library that ran \
            the products (--gemm). sgemm_gflops_1t and sgemm_gflops are a 2048³ cblas_sgemm's \
            GFLOP/s on 1 and on --threads OpenBLAS threads, and the peak fractions divide \
            gflops_* by the latter; onednn_sgemm_gflops is the same product by dnnl_sgemm on \
            --threads threads; openblas_core is the kernel OpenBLAS runs (OPENBLAS_CORETYPE \
            pins it, and a note says so when the pin is below the CPU; oneDNN picks its own).

            End to end (--data DIR, or --demo-config): whole epochs of train's loop on the \
            training partition of the 8:2 stratified split, with decoding, augmentation and \
            batching on the clock, after one warm-up epoch, and predict's batches over every \
            case; the study's recipe (AdamW, EMA, label smoothing) at --image-size, --width and \
            --batch-size. --demo-config is the demo's configuration: the phantom of seed 1 \
            (made in a temporary folder unless --data is given), 160 px and width 32. The JSON \
            line then also has mode "end_to_end", load_img_s (building training batches \
            alone) and train_cases. Run a release build \
            (swift build -c release) for meaningful numbers. --profile prints wall time per \
            layer kind of a training step and of an eval forward on stderr.
            """
    )

    @Option(help: "Architecture: resnet18, resnet34 or resnet50.")
    var arch = Architecture.resnet34

    @Option(help: "Square input size in pixels (default 224; 160 with --demo-config).")
    var imageSize: Int?

    @Option(help: "Images per batch.")
    var batchSize = 16

    @Option(help: "ResNet base width: 64 is torchvision's, the demo trains 32 (default 64; 32 with --demo-config).")
    var width: Int?

    @Option(help: "End to end on this data set (a class-per-folder tree or a manifest, as train takes).")
    var data: String?

    @Flag(help: "End to end in the demo's configuration: its phantom (unless --data), 160 px, width 32.")
    var demoConfig = false

    @Option(help: "End to end: timed epochs of training, and timed passes of prediction over every case.")
    var epochs = 2

    @Option(help: "Timed steps for training and for inference (after one warm-up step each).")
    var steps = 3

    @Option(help: "Threads the engine runs on: each convolution (by images, or by GEMM rows for a small batch) and each element-wise loop is split over them, every thread calling OpenBLAS single-threaded. Train, predict and evaluate use every core.")
    var threads = 2

    @Flag(help: "Print per-layer-kind time profiles of a training step and an eval forward on stderr.")
    var profile = false

    @Option(help: "The library that runs the matrix products: onednn or openblas (default: EUS_REPORT_GEMM, else onednn).")
    var gemm: GEMM.Engine?

    @Option(help: ArgumentHelp("Side of the square sgemm that measures the machine's peak (0: skip it).", visibility: .hidden))
    var peakSize = 2048

    func validate() throws {
        guard resolvedImageSize >= 32 else { throw ValidationError("--image-size must be at least 32") }
        guard batchSize >= 1, steps >= 1, threads >= 1, resolvedWidth >= 1, epochs >= 1 else {
            throw ValidationError("--batch-size, --steps, --threads, --width and --epochs must be at least 1")
        }
    }

    var resolvedImageSize: Int { imageSize ?? (demoConfig ? DemoPreset(quick: false).training.imageSize : 224) }
    var resolvedWidth: Int { width ?? (demoConfig ? DemoPreset(quick: false).training.width : 64) }

    func run() throws {
        if let warning = Self.pinnedKernelWarning() { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        if data != nil || demoConfig { return try runEndToEnd() }
        var result = Benchmark.run(architecture: arch, imageSize: resolvedImageSize,
                                   batchSize: batchSize, steps: steps, width: resolvedWidth, profile: profile)
        if peakSize > 0 {
            result.sgemmPeak = (GEMM.sgemmPeak(size: peakSize, threads: 1), GEMM.sgemmPeak(size: peakSize, threads: threads),
                                GEMM.sgemmPeak(size: peakSize, threads: threads, engine: .oneDNN))
        }
        if profile {
            let tables = [Benchmark.profileTable(result.trainProfile, steps: steps, title: "Training step"),
                          Benchmark.profileTable(result.inferProfile, steps: steps, title: "Eval forward")]
            FileHandle.standardError.write(Data((tables.joined(separator: "\n\n") + "\n").utf8))
        }
        print(result.jsonLine)
    }

    /// `--data` / `--demo-config`: the training loop and the prediction batches as the
    /// commands run them, on the demo's phantom when no data is given.
    func runEndToEnd() throws {
        var settings = TrainingSettings.study
        settings.imageSize = resolvedImageSize
        settings.width = resolvedWidth
        settings.batchSize = batchSize
        let result = try TrainingBenchmark.run(data: data.map { URL(fileURLWithPath: $0) }, arch: arch, settings: settings,
                                               epochs: epochs, profile: profile)
        if profile {
            FileHandle.standardError.write(Data((Benchmark.profileTable(result.profile, steps: result.steps, title: "Training step, end to end") + "\n").utf8))
        }
        let peak = peakSize > 0 ? GEMM.sgemmPeak(size: peakSize, threads: threads) : nil
        let oneDNNPeak = peakSize > 0 ? GEMM.sgemmPeak(size: peakSize, threads: threads, engine: .oneDNN) : nil
        func number(_ value: Double) -> String { String(format: "%.3f", value) }
        let trainGFLOPS = 3 * result.flopsPerImage * result.trainImagesPerSecond / 1e9
        print("{\"arch\": \"\(arch.rawValue)\", \"mode\": \"end_to_end\", \"image_size\": \(settings.imageSize), "
              + "\"width\": \(settings.width), \"batch_size\": \(batchSize), \"threads\": \(Parallel.threadCount), "
              + "\"gemm\": \"\(GEMM.engine.rawValue)\", "
              + "\"train_cases\": \(result.trainCases), \"epochs\": \(epochs), \"train_img_s\": \(number(result.trainImagesPerSecond)), "
              + "\"infer_img_s\": \(number(result.inferImagesPerSecond)), \"load_img_s\": \(number(result.loadImagesPerSecond)), "
              + "\"gflops_train\": \(number(trainGFLOPS)), \"peak_rss_mib\": \(number(Benchmark.peakResidentMiB())), "
              + "\"openblas_core\": \"\(GEMM.coreName)\""
              + (peak.map { ", \"sgemm_gflops\": \(number($0)), \"train_peak_fraction\": \(number(trainGFLOPS / $0))" } ?? "")
              + (oneDNNPeak.map { ", \"onednn_sgemm_gflops\": \(number($0))" } ?? "") + "}")
    }

    /// A note when `OPENBLAS_CORETYPE` holds OpenBLAS to a kernel without AVX-512 on a CPU that
    /// has it: the numbers are then not those a user's machine gives.
    static func pinnedKernelWarning(environment: [String: String] = ProcessInfo.processInfo.environment,
                                    cpuFlags: Set<String> = cpuFlags(), core: String = GEMM.coreName) -> String? {
        guard let pinned = environment["OPENBLAS_CORETYPE"], cpuFlags.contains("avx512f") else { return nil }
        let avx512Kernels = ["skylakex", "cooperlake", "sapphirerapids"]
        guard !avx512Kernels.contains(core.lowercased()) else { return nil }
        return "note: OPENBLAS_CORETYPE=\(pinned) holds OpenBLAS to its \(core) kernel on a CPU with AVX-512; "
            + "unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in this command to measure what users run"
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }
}

extension GEMM.Engine: ExpressibleByArgument {}
