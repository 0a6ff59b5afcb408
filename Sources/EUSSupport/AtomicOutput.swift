import Foundation

/// Writes outputs so that a reader never sees half of one.
///
/// A file is written to `.<name>.partial-<pid>` beside its destination, flushed to disk and
/// renamed into place; a folder is built under a hidden sibling and swapped in at the end, so
/// an interrupted or failed run leaves the previous output intact. What a killed run leaves
/// behind (a staging folder, or the previous folder set aside as `.<name>.old-<pid>` between
/// the two renames of a swap) is removed or put back by the next run to the same destination.
public enum AtomicOutput {
    /// Writes `data` to `url` via a temporary sibling and a rename. Creates parent folders.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try createDirectory(directory)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        recoverLeftovers(of: url)
        if let reason = writeAll(data, to: temporary.path) {
            try? FileManager.default.removeItem(at: temporary)
            throw UserError("\(url.path): cannot write (\(reason))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw UserError("\(url.path): cannot move into place (\(reason))")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Builds a folder at `destination`: `body` fills a fresh hidden staging folder, which
    /// then replaces `destination` (the old one is removed only after the new one is complete).
    /// On any error the staging folder is removed and `destination` is untouched.
    public static func buildDirectory<T>(at destination: URL, _ body: (URL) throws -> T) throws -> T {
        let parent = destination.deletingLastPathComponent()
        try createDirectory(parent)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw UserError("\(destination.path): exists and is a file, not a folder; give another --out or remove the file")
        }
        recoverLeftovers(of: destination)
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        try createDirectory(staging)
        do {
            let result = try body(staging)
            try replace(destination, with: staging)
            return result
        } catch let error as UserError {
            try? FileManager.default.removeItem(at: staging)
            // Name the user's folder, not the hidden staging folder that no longer exists.
            throw UserError(error.message.replacingOccurrences(of: staging.path, with: destination.path))
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    public static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw UserError("\(url.path): cannot create the folder (\(describe(error)))")
        }
    }

    /// Puts back a previous folder that a killed swap set aside (when the destination is
    /// missing), and removes the staging folders and set-aside copies of runs that are no
    /// longer alive.
    static func recoverLeftovers(of destination: URL) {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent(), name = destination.lastPathComponent
        guard let siblings = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        for sibling in siblings.sorted() {
            for marker in [".partial-", ".old-"] where sibling.hasPrefix(".\(name)\(marker)") {
                guard let pid = Int32(sibling.dropFirst(name.count + 1 + marker.count)), pid != getpid(),
                      kill(pid, 0) != 0, errno == ESRCH else { continue }
                let path = parent.appendingPathComponent(sibling).path
                if marker == ".old-", !fm.fileExists(atPath: destination.path), rename(path, destination.path) == 0 { continue }
                try? fm.removeItem(atPath: path)
            }
        }
    }

    private static func replace(_ destination: URL, with staging: URL) throws {
        let fm = FileManager.default
        let retired = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        let hadOld = fm.fileExists(atPath: destination.path)
        if hadOld, rename(destination.path, retired.path) != 0 {
            throw UserError("\(destination.path): cannot replace (\(String(cString: strerror(errno))))")
        }
        guard rename(staging.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if hadOld { _ = rename(retired.path, destination.path) }
            throw UserError("\(destination.path): cannot move into place (\(reason))")
        }
        if hadOld { try? fm.removeItem(at: retired) }
    }

    /// Writes with POSIX calls so that a failure reports its errno ("No space left on
    /// device", "File too large"); returns nil on success or the reason.
    private static func writeAll(_ data: Data, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure: String? = nil
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        // On disk before the rename makes it visible: a crash then leaves the old file or the
        // whole new one, never an empty one.
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

extension AtomicOutput {
    /// Refuses an output that is one of the inputs, lies inside one, or holds one: writing it
    /// would replace or delete what is being read. Paths are compared resolved (symbolic
    /// links followed, `..` removed).
    public static func checkSeparate(output: URL, from inputs: [URL]) throws {
        func resolved(_ url: URL) -> [String] { url.standardizedFileURL.resolvingSymlinksInPath().pathComponents }
        let out = resolved(output)
        for input in inputs {
            let source = resolved(input)
            if out == source {
                throw UserError("\(output.path): is also an input; writing it would replace what is being read")
            }
            if out.starts(with: source) {
                throw UserError("\(output.path): lies inside the input \(input.path); choose an output outside it")
            }
            if source.starts(with: out) {
                throw UserError("\(output.path): holds the input \(input.path); writing it would delete that input")
            }
        }
    }
}
