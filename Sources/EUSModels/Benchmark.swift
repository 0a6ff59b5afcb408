import EUSSupport
import Foundation
import EUSCore

/// Training and inference throughput on random data, for `eus-report bench`.
public enum Benchmark {
    /// One benchmark's figures; `jsonLine` prints them in the documented field order.
    public struct Result: Sendable {
        public var architecture: Architecture
        public var imageSize: Int
        public var width: Int
        public var batchSize: Int
        public var threads: Int
        /// Images per second for forward + backward + SGD step in train mode.
        public var trainImagesPerSecond: Double
        /// Images per second for an eval-mode forward (BatchNorm folded).
        public var inferImagesPerSecond: Double
        /// Achieved GFLOP/s in training, counting 3x the forward FLOPs per image.
        public var trainGFLOPS: Double
        /// Achieved GFLOP/s in inference.
        public var inferGFLOPS: Double
        /// The process's peak resident set size (MiB).
        public var peakRSSMiB: Double
        /// Per-layer-kind times of the timed training steps and eval forwards, when profiled.
        /// The 2048³ sgemm peak of OpenBLAS on 1 thread and on the benchmark's threads, and of
        /// oneDNN on the benchmark's threads; OpenBLAS's kernel; the engine that ran the products.
        public var sgemmPeak: (oneThread: Double, threads: Double, oneDNN: Double)?
        public var engine = GEMM.engine
        public var openblasCore = GEMM.coreName
        public var trainProfile: [Profiler.Row] = []
        public var inferProfile: [Profiler.Row] = []

        public var jsonLine: String {
            func number(_ value: Double) -> String { String(format: "%.3f", value) }
            return "{\"arch\": \"\(architecture.rawValue)\", \"image_size\": \(imageSize), \"width\": \(width), \"batch_size\": \(batchSize), "
                + "\"threads\": \(threads), \"gemm\": \"\(engine.rawValue)\", \"train_img_s\": \(number(trainImagesPerSecond)), "
                + "\"infer_img_s\": \(number(inferImagesPerSecond)), \"gflops_train\": \(number(trainGFLOPS)), "
                + "\"gflops_infer\": \(number(inferGFLOPS)), \"peak_rss_mib\": \(number(peakRSSMiB))"
                + ", \"openblas_core\": \"\(openblasCore)\"" + (sgemmPeak.map { peak in
                    ", \"sgemm_gflops_1t\": \(number(peak.oneThread)), \"sgemm_gflops\": \(number(peak.threads)), "
                        + "\"onednn_sgemm_gflops\": \(number(peak.oneDNN)), "
                        + "\"train_peak_fraction\": \(number(trainGFLOPS / peak.threads)), \"infer_peak_fraction\": \(number(inferGFLOPS / peak.threads))"
                } ?? "") + "}"
        }
    }

    /// Times `steps` training steps (after one warm-up step), then `steps` eval forwards
    /// (after one warm-up), of a 2-class network on seeded random images, on the threads that
    /// `GEMM.configure(threads:)` set (recorded as `threads`).
    /// - Parameter profile: when true, `Profiler` collects per-layer times of the timed steps.
    /// - Parameter width: the base width (64 is torchvision's; the demo trains 32).
    public static func run(architecture: Architecture, imageSize: Int, batchSize: Int, steps: Int,
                           width: Int = 64, profile: Bool = false) -> Result {
        precondition(imageSize >= 32 && batchSize >= 1 && steps >= 1, "Benchmark: invalid sizes")
        let threads = Parallel.threadCount
        let model = ResNet(architecture: architecture, numClasses: 2, baseWidth: width, seed: 1)
        var random = SeededRandom(seed: 7)
        let input = Tensor(shape: [batchSize, 3, imageSize, imageSize])
        for i in 0..<input.count { input[i] = random.normal() }
        let labels = (0..<batchSize).map { $0 % 2 }
        let optimizer = SGD(parameters: model.namedParameters, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)

        func trainStep() {
            model.zeroGrad()
            let logits = model.forward(input, mode: .train)
            model.backward(softmaxCrossEntropy(logits: logits, labels: labels).dLogits)
            Profiler.measure("sgd step") { optimizer.step() }
        }
        /// Seconds for `steps` calls of `body` after one warm-up call, and their profile
        /// (empty unless profiling).
        func time(_ body: () -> Void) -> (seconds: Double, profile: [Profiler.Row]) {
            body()
            Profiler.reset()
            Profiler.isEnabled = profile
            defer { Profiler.isEnabled = false }
            let elapsed = seconds { for _ in 0..<steps { body() } }
            return (elapsed, profile ? Profiler.report : [])
        }
        let (train, trainProfile) = time(trainStep)
        let (infer, inferProfile) = time { _ = model.forward(input, mode: .eval) }

        let images = Double(steps * batchSize)
        let flops = model.flops(imageSize: imageSize)
        return Result(
            architecture: architecture, imageSize: imageSize, width: width, batchSize: batchSize, threads: threads,
            trainImagesPerSecond: images / train, inferImagesPerSecond: images / infer,
            trainGFLOPS: 3 * flops * images / train / 1e9, inferGFLOPS: flops * images / infer / 1e9,
            peakRSSMiB: peakResidentMiB(), trainProfile: trainProfile, inferProfile: inferProfile)
    }

    /// Wall-clock seconds of `body`.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// getrusage's ru_maxrss, which Linux reports in KiB.
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A profile as a table, one line per layer kind, per step.
    public static func profileTable(_ rows: [Profiler.Row], steps: Int, title: String) -> String {
        let total = rows.filter { !$0.key.contains(":") }.reduce(0) { $0 + $1.seconds }
        let width = rows.map(\.key.count).reduce(26, max)
        var lines = [title, "layer kind".padding(toLength: width + 2, withPad: " ", startingAt: 0) + "ms/step   share  calls/step",
                     "(\"conv ...: part\" rows are parts of the conv rows, timed on the first thread)"]
        for row in rows.sorted(by: { ($0.key.split(separator: ":")[0], $0.seconds) > ($1.key.split(separator: ":")[0], $1.seconds) }) {
            let name = row.key.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append(name + String(format: " %8.1f  %5.1f%%  %6d", row.seconds * 1000 / Double(steps),
                                       100 * row.seconds / max(total, 1e-12), row.calls / steps))
        }
        return lines.joined(separator: "\n")
    }
}
