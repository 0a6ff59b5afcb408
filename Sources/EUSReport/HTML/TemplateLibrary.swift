import EUSSupport
import Foundation
import Mustache

/// The Mustache templates of `report.html`.
///
/// The templates live in the repository's `templates/` folder so they can be edited without
/// rebuilding. A copy is compiled into the binary (`EmbeddedTemplates`, kept identical to the
/// folder by a test), so an installed `eus-report` works anywhere. `.automatic` takes the
/// folder in `EUS_REPORT_TEMPLATES` when it is set, and otherwise the embedded copy: a
/// `templates/` folder that happens to lie in the current directory or above the executable
/// is never picked up unasked, since a template can carry a `<script>` into every report.
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

    /// The folder that `EUS_REPORT_TEMPLATES` names, or nil to use the embedded copy.
    public static func locate() -> URL? {
        guard let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
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
