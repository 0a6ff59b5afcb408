import EUSSupport
import Foundation
import Mustache

/// The Mustache templates of `report.html`.
///
/// The templates live in the repository's `templates/` folder so they can be edited without
/// rebuilding. A copy is compiled into the binary (`EmbeddedTemplates`, kept identical to the
/// folder by a test), so an installed `eus-report` works anywhere. `.automatic` takes, in
/// order: the folder in `EUS_REPORT_TEMPLATES`; a `templates/` folder holding `report.mustache`
/// found by walking up from the executable and then from the current directory (a checkout);
/// the embedded copy.
public enum TemplateLibrary {
    public enum Source: Sendable {
        case automatic
        case folder(URL)
        case embedded
    }

    public static let environmentVariable = "EUS_REPORT_TEMPLATES"
    /// The template every report starts from; the others are its partials.
    public static let root = "report"

    public static func load(_ source: Source) throws -> MustacheLibrary {
        switch source {
        case .embedded: return try library(EmbeddedTemplates.files, source: "embedded templates")
        case .folder(let url): return try library(try read(url), source: url.path)
        case .automatic:
            if let folder = locate() { return try library(try read(folder), source: folder.path) }
            return try load(.embedded)
        }
    }

    /// Where `.automatic` finds a templates folder, or nil to use the embedded copy.
    public static func locate() -> URL? {
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for start in [executable, current] {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("templates")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("\(root).mustache").path) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// Every `*.mustache` file of `folder`, by name without the extension.
    public static func read(_ folder: URL) throws -> [String: String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw UserError("\(folder.path): cannot read the templates folder")
        }
        var files: [String: String] = [:]
        for name in names where name.hasSuffix(".mustache") {
            let url = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw UserError("\(url.path): cannot read the template") }
            files[String(name.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
        }
        guard files[root] != nil else { throw UserError("\(folder.path): no \(root).mustache in the templates folder") }
        return files
    }

    private static func library(_ files: [String: String], source: String) throws -> MustacheLibrary {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in files {
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                throw UserError("\(source)/\(name).mustache: not a valid Mustache template (\(error))")
            }
        }
        return MustacheLibrary(templates: templates)
    }
}
