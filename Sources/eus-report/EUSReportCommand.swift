import ArgumentParser

@main
struct EUSReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eus-report",
        abstract: "Train ResNet-34 and ResNet-50 to tell GIST from leiomyoma on EUS images, and report.",
        subcommands: [
            DemoCommand.self, RunCommand.self,
            SynthCommand.self, SplitCommand.self, TrainCommand.self, PredictCommand.self,
            EvaluateCommand.self, MetricsCommand.self, ReportCommand.self, BenchCommand.self,
        ]
    )
}
