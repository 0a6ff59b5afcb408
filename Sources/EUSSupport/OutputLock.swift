import Foundation

/// One writer per output: a second `eus-report` writing the same `--out` fails at once with a
/// clear error instead of mixing its files with the first one's (a seed-1 model beside a
/// seed-2 config.json).
///
/// The lock is `flock` on `.<name>.lock` beside the output, held until the process exits (the
/// kernel releases it however the process ends, so a killed run leaves no stale lock).
public enum OutputLock {
    nonisolated(unsafe) private static var held: [String: Int32] = [:]
    private static let guardLock = NSLock()

    /// Takes the lock of `output`, or throws a `UserError` naming it when another process
    /// holds it. Taking it again in the same process is a no-op.
    public static func acquire(_ output: URL) throws {
        let url = output.standardizedFileURL
        let lockFile = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock")
        guardLock.lock()
        defer { guardLock.unlock() }
        guard held[lockFile.path] == nil else { return }
        try AtomicOutput.createDirectory(lockFile.deletingLastPathComponent())
        let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw UserError("\(output.path): cannot take the output's lock \(lockFile.lastPathComponent) (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw UserError("\(output.path): another eus-report is writing there; wait for it to finish or choose another --out")
        }
        held[lockFile.path] = descriptor
    }
}
