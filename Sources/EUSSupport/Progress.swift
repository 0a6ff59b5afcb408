import Foundation

/// Progress of long work on stderr: a redrawn bar with rate and ETA on a terminal, plain
/// lines (at most one every few seconds, and the last) when stderr is a file or a pipe.
///
///     let progress = Progress(title: "train resnet34", total: batches)
///     progress.advance(by: 1, detail: "epoch 3/10 loss 0.412")
///     progress.finish()
public final class Progress: @unchecked Sendable {
    public let title: String
    public let total: Int
    public private(set) var completed = 0
    private let start = Date()
    private var lastPrinted = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) != 0
    /// Set to false to silence all progress output (tests, `--quiet`).
    nonisolated(unsafe) public static var enabled = true

    public init(title: String, total: Int) {
        self.title = title
        self.total = max(total, 1)
    }

    public func advance(by count: Int = 1, detail: String = "") {
        completed = min(completed + count, total)
        let now = Date()
        let interval = isTerminal ? 0.1 : 5.0
        if completed == total || now.timeIntervalSince(lastPrinted) >= interval {
            lastPrinted = now
            draw(detail: detail, final: false)
        }
    }

    public func finish(detail: String = "") {
        completed = total
        draw(detail: detail, final: true)
    }

    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    private func draw(detail: String, final: Bool) {
        guard Progress.enabled else { return }
        let fraction = Double(completed) / Double(total)
        let elapsed = self.elapsed
        let eta = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : 0
        let timing = final ? "done in \(Progress.clock(elapsed))" : "ETA \(Progress.clock(eta))"
        let suffix = detail.isEmpty ? "" : "  \(detail)"
        if isTerminal {
            let width = 24
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\r\u{1B}[2K\(title) \(bar) \(completed)/\(total) \(timing)\(suffix)"
            FileHandle.standardError.write(Data((line + (final ? "\n" : "")).utf8))
        } else {
            let percent = Int((fraction * 100).rounded())
            let line = "\(title): \(completed)/\(total) (\(percent)%) \(timing)\(suffix)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// `m:ss` or `h:mm:ss`.
    /// "m:ss" or "h:mm:ss"; "–" for a time that is negative, not finite or over 10⁶ hours.
    public static func clock(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 3.6e9 else { return "–" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
