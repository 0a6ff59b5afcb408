import Foundation
import EUSReport
import EUSSupport

/// Runs the named steps of `run` and `demo` in a work folder, remembering in `state.json`
/// which steps finished and how long each took, so `--resume` skips them.
///
/// A step that throws is not recorded; rerunning with `--resume` starts it again (training
/// itself resumes from its last finished epoch through its own checkpoint).
public final class StepRunner {
    public let workFolder: URL
    private(set) var state: State
    private var stateURL: URL { workFolder.appendingPathComponent("state.json") }

    struct State: Codable {
        /// The settings the work folder was started with; a resume must match them.
        var fingerprint: String
        var finished: [String]
        var steps: [EvaluationDocument.StepTiming]
    }

    /// Opens `workFolder`: a fresh one (any previous content is removed) unless `resume`, in
    /// which case the folder and its `state.json` must exist and match `fingerprint`.
    public init(workFolder: URL, fingerprint: String, resume: Bool) throws {
        self.workFolder = workFolder
        let fm = FileManager.default
        let stateURL = workFolder.appendingPathComponent("state.json")
        if resume, fm.fileExists(atPath: stateURL.path) {
            let saved = try JSONFile.read(State.self, from: stateURL)
            guard saved.fingerprint == fingerprint else {
                throw UserError("\(workFolder.path): the interrupted run used other data or settings; rerun without --resume to start again")
            }
            state = saved
        } else if resume {
            throw UserError("\(workFolder.path): nothing to resume (no state.json); rerun without --resume")
        } else {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: workFolder.path, isDirectory: &isDirectory) {
                let contents = (try? fm.contentsOfDirectory(atPath: workFolder.path)) ?? []
                guard isDirectory.boolValue, contents.isEmpty || contents.contains("state.json") else {
                    throw UserError("\(workFolder.path): exists but is not a work folder of eus-report (no state.json); move it away or choose another --out")
                }
                do { try fm.removeItem(at: workFolder) } catch {
                    throw UserError("\(workFolder.path): cannot clear the previous work folder (\(error.localizedDescription))")
                }
            }
            try AtomicOutput.createDirectory(workFolder)
            state = State(fingerprint: fingerprint, finished: [], steps: [])
            try JSONFile.write(state, to: stateURL)
        }
        Interruption.watch(workFolder, recursive: true)
    }

    public var timings: [EvaluationDocument.StepTiming] { state.steps }

    public func isFinished(_ name: String) -> Bool { state.finished.contains(name) }

    /// Runs `body` unless step `name` already finished; records its wall time.
    public func step(_ name: String, _ body: () throws -> Void) throws {
        guard !isFinished(name) else {
            log("\(name): already done, skipped")
            return
        }
        log("── \(name)")
        let start = Date()
        try body()
        state.finished.append(name)
        state.steps.removeAll { $0.name == name }
        state.steps.append(.init(name: name, seconds: Date().timeIntervalSince(start)))
        try JSONFile.write(state, to: stateURL)
    }

    /// After a failure: a work folder in which no step finished holds nothing worth resuming,
    /// so it goes.
    public func discardIfNothingFinished() {
        if state.finished.isEmpty { try? FileManager.default.removeItem(at: workFolder) }
    }
}

/// A line of progress on stderr, unless progress is silenced.
func log(_ line: String) {
    guard Progress.enabled else { return }
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
