import Foundation

/// A batch of network inputs built on a background thread while the network runs on the
/// previous one, waited for where it is used (training epochs and prediction batches).
final class PendingBatch: @unchecked Sendable {
    /// Threads that build one batch beside the network: one, so that the network keeps the
    /// cores it splits its work over and the batch fills the gaps between.
    static let threads = 1
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<[Float], Error>?

    init(_ build: @escaping @Sendable () throws -> [Float]) {
        DispatchQueue.global().async { [self] in
            result = Result(catching: build)
            done.signal()
        }
    }

    func value() throws -> [Float] {
        done.wait()
        return try result!.get()
    }
}
