import ArgumentParser
import Foundation
import EUSCore
import EUSModels

struct BenchCommand: ParsableCommand, ChoosesThreads {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference speed of a ResNet on random images.",
        discussion: """
            Builds a 2-class network, then times --steps training steps (forward, backward and \
            an SGD step in train mode; convolutions by im2col + sgemm) and --steps eval-mode \
            forwards as predict runs them (BatchNorm folded; 3x3 convolutions by Winograd \
            F(4x4, 3x3)), each after one warm-up step, on seeded random images. Prints one \
            JSON line:

              arch, image_size, width, batch_size, threads, train_img_s, infer_img_s,
              gflops_train, gflops_infer, peak_rss_mib, openblas_core, sgemm_gflops_1t,
              sgemm_gflops, train_peak_fraction, infer_peak_fraction

            gflops_* are achieved GFLOP/s: forward FLOPs per image (2 per multiply-add of the \
            convolutions and fc, as a direct convolution does them) times images per second, \
            and 3x that for training; Winograd does fewer, so gflops_infer can exceed the \
            machine's peak. \
            peak_rss_mib is the process's peak resident memory. sgemm_gflops_1t and \
            sgemm_gflops are a 2048³ cblas_sgemm's GFLOP/s on 1 and on --threads OpenBLAS \
            threads, and the peak fractions divide gflops_* by the latter; openblas_core is \
            the kernel OpenBLAS runs (OPENBLAS_CORETYPE pins it, and a note says so when the \
            pin is below the CPU). Run a release build \
            (swift build -c release) for meaningful numbers. --profile prints wall time per \
            layer kind of a training step and of an eval forward on stderr.
            """
    )

    @Option(help: "Architecture: resnet18, resnet34 or resnet50.")
    var arch = Architecture.resnet34

    @Option(help: "Square input size in pixels.")
    var imageSize = 224

    @Option(help: "Images per batch.")
    var batchSize = 16

    @Option(help: "ResNet base width: 64 is torchvision's, the demo trains 32.")
    var width = 64

    @Option(help: "Timed steps for training and for inference (after one warm-up step each).")
    var steps = 3

    @Option(help: "Threads the engine runs on: each convolution (by images, or by GEMM rows for a small batch) and each element-wise loop is split over them, every thread calling OpenBLAS single-threaded. Train, predict and evaluate use every core.")
    var threads = 2

    @Flag(help: "Print per-layer-kind time profiles of a training step and an eval forward on stderr.")
    var profile = false

    @Option(help: ArgumentHelp("Side of the square sgemm that measures the machine's peak (0: skip it).", visibility: .hidden))
    var peakSize = 2048

    func validate() throws {
        guard imageSize >= 32 else { throw ValidationError("--image-size must be at least 32") }
        guard batchSize >= 1, steps >= 1, threads >= 1, width >= 1 else {
            throw ValidationError("--batch-size, --steps, --threads and --width must be at least 1")
        }
    }

    func run() throws {
        if let warning = Self.pinnedKernelWarning() { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        var result = Benchmark.run(architecture: arch, imageSize: imageSize,
                                   batchSize: batchSize, steps: steps, width: width, profile: profile)
        if peakSize > 0 {
            result.sgemmPeak = (GEMM.sgemmPeak(size: peakSize, threads: 1), GEMM.sgemmPeak(size: peakSize, threads: threads))
        }
        if profile {
            let tables = [Benchmark.profileTable(result.trainProfile, steps: steps, title: "Training step"),
                          Benchmark.profileTable(result.inferProfile, steps: steps, title: "Eval forward")]
            FileHandle.standardError.write(Data((tables.joined(separator: "\n\n") + "\n").utf8))
        }
        print(result.jsonLine)
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
