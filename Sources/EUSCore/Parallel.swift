import Foundation

/// Splits the work over the cores: convolutions by images (or GEMM rows), and the
/// element-wise loops (BatchNorm, ReLU, pooling, im2col for a single image) by ranges.
///
/// OpenBLAS runs single-threaded (`GEMM.configure(threads:)`, which also sets `threadCount`)
/// and each of these threads calls it on its own share, so the cores are never contended
/// between OpenBLAS's thread pool and this one; on a machine shared with other work this also
/// avoids one thread spinning while its partner waits for a core.
public enum Parallel {
    /// The cores this process may use: the threads train, predict and evaluate run on.
    public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// How many chunks a loop is split into (`coreCount` by default; `GEMM.configure(threads:)`
    /// sets it).
    nonisolated(unsafe) public static var threadCount = coreCount

    /// Calls `body` on disjoint, contiguous sub-ranges of `0..<count`, in parallel when the
    /// total work (`count * costPerItem`, roughly in scalar operations) is worth it.
    public static func forRanges(
        _ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        let chunks = min(threadCount, count)
        if chunks <= 1 || count * costPerItem < 32_768 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { body(start..<end) }
            }
        }
    }

    /// Calls `body(chunk, range)` for `threadCount` (or fewer) contiguous chunks of
    /// `0..<count` in parallel, whatever the amount of work; `chunk` indexes per-thread scratch.
    public static func forChunks(_ count: Int, _ body: (Int, Range<Int>) -> Void) {
        let chunks = chunkCount(count)
        if chunks <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                body(chunk, chunkRange(chunk, of: count))
            }
        }
    }

    /// How many chunks `forChunks(count)` makes.
    public static func chunkCount(_ count: Int) -> Int { min(threadCount, count) }

    /// The range `forChunks(count)` gives chunk `chunk`.
    public static func chunkRange(_ chunk: Int, of count: Int) -> Range<Int> {
        let chunks = chunkCount(count)
        return count * chunk / chunks ..< count * (chunk + 1) / chunks
    }
}
