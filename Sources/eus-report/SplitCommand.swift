import ArgumentParser

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "split", abstract: "(not yet built)")
}
