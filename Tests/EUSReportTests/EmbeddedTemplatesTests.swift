@testable import EUSReport
import Foundation
import XCTest

/// The binary carries a copy of templates/; it must be the same as the folder.
final class EmbeddedTemplatesTests: XCTestCase {
    /// The repository's templates/ folder.
    private var templatesFolder: URL { ReportFixture.repositoryRoot.appendingPathComponent("templates") }

    func testEmbeddedCopyMatchesTheTemplatesFolder() throws {
        let files = try TemplateLibrary.read(templatesFolder)
        if ProcessInfo.processInfo.environment["EUS_UPDATE_EMBEDDED_TEMPLATES"] == "1" {
            let swift = ReportFixture.repositoryRoot.appendingPathComponent("Sources/EUSReport/HTML/EmbeddedTemplates.swift")
            try EmbeddedTemplatesTests.source(files).write(to: swift, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(Set(EmbeddedTemplates.files.keys), Set(files.keys), "templates added or removed: regenerate with EUS_UPDATE_EMBEDDED_TEMPLATES=1")
        for (name, text) in files {
            XCTAssertEqual(EmbeddedTemplates.files[name], text, "\(name).mustache differs from the embedded copy: regenerate with EUS_UPDATE_EMBEDDED_TEMPLATES=1 swift test --filter EmbeddedTemplatesTests")
        }
    }

    func testEveryTemplateParsesAndTheFolderIsFound() throws {
        _ = try TemplateLibrary.load(.folder(templatesFolder))
        _ = try TemplateLibrary.load(.embedded)
        XCTAssertThrowsError(try TemplateLibrary.load(.folder(templatesFolder.appendingPathComponent("missing"))))
    }

    static func source(_ files: [String: String]) -> String {
        var lines = ["// Generated from templates/ by EmbeddedTemplatesTests; do not edit by hand.",
                     "// Regenerate: EUS_UPDATE_EMBEDDED_TEMPLATES=1 swift test --filter EmbeddedTemplatesTests", "",
                     "/// The copy of `templates/*.mustache` compiled into the binary (see `TemplateLibrary`).",
                     "enum EmbeddedTemplates {", "    static let files: [String: String] = ["]
        for name in files.keys.sorted() {
            lines.append("        \"\(name)\": ##\"\"\"\n\(files[name]!)\n\"\"\"##,")
        }
        lines += ["    ]", "}", ""]
        return lines.joined(separator: "\n")
    }
}
