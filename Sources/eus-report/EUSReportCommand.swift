import ArgumentParser
import Foundation
import EUSCore
import EUSPipeline
import EUSSupport

@main
struct EUSReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eus-report",
        abstract: "Train ResNet-34 and ResNet-50 to tell GIST from leiomyoma on EUS images, and report.",
        discussion: """
        Start with `eus-report demo`: it makes a synthetic EUS phantom, trains both networks, \
        evaluates them and writes an HTML and a PDF report to output/demo. `eus-report run DATA` \
        does the same on your own images (a folder with one sub-folder per class, or a CSV \
        manifest). The other commands are the steps of `run`, one by one.

        Progress goes to stderr: a bar on a terminal, plain lines otherwise. Set \
        EUS_REPORT_QUIET=1 (or pass --quiet where offered) to silence it. Errors are one line, \
        `error: <what is wrong>`, with exit status 1; an interrupted command (Ctrl-C) exits with \
        status 130 and leaves earlier outputs as they were.

        Matrix products run on oneDNN's sgemm, compiled at run time for this CPU; set \
        EUS_REPORT_GEMM=openblas to run them on OpenBLAS instead (the reproducibility section \
        records which ran).
        """,
        subcommands: [
            DemoCommand.self, RunCommand.self,
            SynthCommand.self, SplitCommand.self, TrainCommand.self, PredictCommand.self,
            EvaluateCommand.self, MetricsCommand.self, ReportCommand.self, BenchCommand.self,
        ]
    )

    /// Parses the arguments and runs the command. A `UserError` or an invalid option becomes
    /// one line on stderr and exit status 1 (`--help` and `--version` print as usual).
    static func main() {
        Interruption.install()
        if let quiet = ProcessInfo.processInfo.environment["EUS_REPORT_QUIET"], !quiet.isEmpty, quiet != "0" {
            Progress.enabled = false
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            optionError(error)
        }
        GEMM.configure(threads: (command as? ChoosesThreads)?.threads ?? Parallel.coreCount,
                       engine: (command as? ChoosesThreads)?.gemm ?? gemmEngine())
        do {
            try command.run()
        } catch let error as UserError {
            Interruption.cleanUp()
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            optionError(error)
        } catch {
            Interruption.cleanUp()
            FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// ArgumentParser's own message, on one line in the project's format, pointing at
    /// `--help` instead of printing the whole usage block.
    static func optionError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success else { exit(withError: error) }
        // A command that printed its own error line and exits with `ExitCode(n)` says no more.
        if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
        let text = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }.joined(separator: "; ")
        let stripped = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        let command = CommandLine.arguments.dropFirst().first { names.contains($0) }.map { "eus-report \($0) --help" } ?? "eus-report --help"
        FileHandle.standardError.write(Data("error: \(stripped) (see `\(command)`)\n".utf8))
        Foundation.exit(1)
    }
}

/// A command that chooses how many threads the engine uses and which library multiplies
/// (bench's `--threads` and `--gemm`); every other command uses all the cores
/// (`Parallel.coreCount`) and `EUS_REPORT_GEMM`'s library.
protocol ChoosesThreads {
    var threads: Int { get }
    var gemm: GEMM.Engine? { get }
}

extension EUSReportCommand {
    /// `EUS_REPORT_GEMM` (onednn or openblas), oneDNN when unset; any other value is an error.
    static func gemmEngine(environment: [String: String] = ProcessInfo.processInfo.environment) -> GEMM.Engine {
        guard let name = environment["EUS_REPORT_GEMM"], !name.isEmpty else { return .oneDNN }
        guard let engine = GEMM.Engine(rawValue: name.lowercased()) else {
            let names = GEMM.Engine.allCases.map(\.rawValue).joined(separator: " or ")
            FileHandle.standardError.write(Data("error: EUS_REPORT_GEMM: '\(name)' is not a GEMM engine (\(names))\n".utf8))
            Foundation.exit(1)
        }
        return engine
    }
}
