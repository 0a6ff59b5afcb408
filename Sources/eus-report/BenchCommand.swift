import ArgumentParser
import Foundation
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
              gflops_train, gflops_infer, peak_rss_mib

            gflops_* are achieved GFLOP/s: forward FLOPs per image (2 per multiply-add of the \
            convolutions and fc, as a direct convolution does them) times images per second, \
            and 3x that for training; Winograd does fewer, so gflops_infer can exceed the \
            machine's peak. \
            peak_rss_mib is the process's peak resident memory. Run a release build \
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

    func validate() throws {
        guard imageSize >= 32 else { throw ValidationError("--image-size must be at least 32") }
        guard batchSize >= 1, steps >= 1, threads >= 1, width >= 1 else {
            throw ValidationError("--batch-size, --steps, --threads and --width must be at least 1")
        }
    }

    func run() throws {
        let result = Benchmark.run(architecture: arch, imageSize: imageSize,
                                   batchSize: batchSize, steps: steps, width: width, profile: profile)
        if profile {
            let tables = [Benchmark.profileTable(result.trainProfile, steps: steps, title: "Training step"),
                          Benchmark.profileTable(result.inferProfile, steps: steps, title: "Eval forward")]
            FileHandle.standardError.write(Data((tables.joined(separator: "\n\n") + "\n").utf8))
        }
        print(result.jsonLine)
    }
}
