import Foundation
import Dispatch
import EUSSupport

/// What Ctrl-C (SIGINT) or SIGTERM does: remove this process's half-built outputs, put back any
/// previous output that was being replaced, print one line and exit with status 130.
///
/// Outputs are staged by `AtomicOutput` under hidden siblings named `.<name>.partial-<pid>`,
/// and a folder being replaced is parked as `.<name>.old-<pid>` for an instant. The handler
/// runs on a dispatch queue, not in signal context, so it may touch the file system; it scans
/// the folders registered with `watch(_:recursive:)` for this process's staging names.
public enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var watched: [(url: URL, recursive: Bool)] = []
    private static let lock = NSLock()

    /// Installs the handlers. Call once, at the start of `main`, before the engine starts
    /// any thread.
    ///
    /// The signals are blocked in this thread (and so in every thread it starts) and read by
    /// the dispatch source, never delivered into a running thread. Delivered into the main
    /// thread while it multiplied on oneDNN, about one interrupted run in ten aborted on a
    /// corrupted heap instead of exiting with 130; blocked, none of 30 did.
    public static func install() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { interrupted(by: signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    /// Registers a folder whose staging leftovers must go on interruption: the parent of an
    /// output (not recursive), or a work folder that this process fills (recursive).
    public static func watch(_ url: URL, recursive: Bool) {
        lock.lock()
        defer { lock.unlock() }
        watched.append((url.standardizedFileURL, recursive))
    }

    /// Removes this process's staging files and folders under the watched folders, and moves a
    /// parked previous output back into place. Also used after a failure.
    public static func cleanUp(processID: Int32 = getpid()) {
        lock.lock()
        let folders = watched
        lock.unlock()
        for folder in folders {
            cleanUp(folder: folder.url, recursive: folder.recursive, processID: processID)
        }
    }

    private static func interrupted(by signalNumber: Int32) {
        cleanUp()
        let name = signalNumber == SIGINT ? "interrupted (Ctrl-C)" : "terminated"
        // A progress line may be half drawn; end it first, but print no blank line when quiet.
        let lead = EUSSupport.Progress.enabled ? "\n" : ""
        FileHandle.standardError.write(Data("\(lead)error: \(name); previous outputs are left as they were\n".utf8))
        _exit(130)
    }

    private static func cleanUp(folder: URL, recursive: Bool, processID: Int32) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        let partial = ".partial-\(processID)"
        let old = ".old-\(processID)"
        for name in names {
            let url = folder.appendingPathComponent(name)
            if name.hasPrefix("."), name.hasSuffix(partial) {
                try? fm.removeItem(at: url)
            } else if name.hasPrefix("."), name.hasSuffix(old) {
                let original = folder.appendingPathComponent(String(name.dropFirst().dropLast(old.count)))
                if fm.fileExists(atPath: original.path) {
                    try? fm.removeItem(at: url)
                } else {
                    _ = rename(url.path, original.path)
                }
            } else if recursive {
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    cleanUp(folder: url, recursive: true, processID: processID)
                }
            }
        }
    }
}
