import ArgumentParser
import Foundation
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
        """,
        subcommands: [
            DemoCommand.self, RunCommand.self,
            SynthCommand.self, SplitCommand.self, TrainCommand.self, PredictCommand.self,
            EvaluateCommand.self, MetricsCommand.self, ReportCommand.self, BenchCommand.self,
        ]
    )

    /// Parses the arguments and runs the command. A `UserError` becomes one line on stderr and
    /// exit status 1; argument errors keep ArgumentParser's usage text.
    static func main() {
        Interruption.install()
        if let quiet = ProcessInfo.processInfo.environment["EUS_REPORT_QUIET"], !quiet.isEmpty, quiet != "0" {
            Progress.enabled = false
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch let error as UserError {
            Interruption.cleanUp()
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exit(withError: error)
        } catch {
            Interruption.cleanUp()
            FileHandle.standardError.write(Data("error: \(error.localizedDescription)\n".utf8))
            Foundation.exit(1)
        }
    }
}
