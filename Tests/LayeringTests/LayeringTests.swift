import Foundation
import XCTest

/// Every import points down: README.md's module table (bottom to top), the `dependencies:` of
/// Package.swift and the `import` lines in `Sources/` must agree, and no module may import one
/// that sits in its own row or below it in the table.
final class LayeringTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// Modules of the platform, importable anywhere.
    static let platform: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin"]

    func testImportsPointDownTheDocumentedOrder() throws {
        let table = try ModuleTable(readme: Self.text("README.md"))
        let package = try PackageTargets(manifest: Self.text("Package.swift"))
        XCTAssertEqual(Set(table.rows.flatMap(\.modules)), Set(package.dependencies.keys).union(package.shims),
                       "README.md's module table and Package.swift's source targets should name the same modules")
        for (level, row) in table.rows.enumerated() {
            for module in row.modules {
                let declared = package.dependencies[module] ?? []
                let imported = try Self.imports(of: module)
                XCTAssertEqual(Set(declared), row.imports, "\(module): Package.swift's dependencies vs README.md's imports column")
                XCTAssertEqual(imported, row.imports, "\(module): the imports in Sources/\(module) vs README.md's imports column")
                for dependency in imported.union(declared) {
                    guard let other = table.level(of: dependency) else { continue }  // an external package
                    XCTAssertLessThan(other, level, "\(module) imports \(dependency), which sits at or above it in README.md's module table")
                }
            }
        }
    }

    /// The check itself: a table with a module's imports reversed is caught.
    func testAReversedImportIsCaught() throws {
        let table = try ModuleTable(readme: """
            | module | imports | what it holds |
            |---|---|---|
            | `Low` | | |
            | `High` | Low | |
            """)
        XCTAssertEqual(table.level(of: "Low"), 0)
        XCTAssertEqual(table.level(of: "High"), 1)
        XCTAssertEqual(table.rows[1].imports, ["Low"])
        XCTAssertTrue(table.violations(["Low": ["High"]]).contains("Low imports High"))
        XCTAssertTrue(table.violations(["High": ["Low"]]).isEmpty)
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The modules named by `import` lines in Sources/`module`, the platform's left out.
    static func imports(of module: String) throws -> Set<String> {
        let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        var found: Set<String> = []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let at = words.firstIndex(of: "import"), words[..<at].allSatisfy({ $0.hasPrefix("@") }),
                      at + 1 < words.count else { continue }
                found.insert(words[at + 1])
            }
        }
        return found.subtracting(platform)
    }
}

/// README.md's table `| module | imports | what it holds |`, one row per layer, bottom first.
struct ModuleTable {
    struct Row {
        var modules: [String]
        var imports: Set<String>
    }

    var rows: [Row] = []

    init(readme: String) throws {
        var inTable = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.first == "module", cells.dropFirst().first == "imports" { inTable = true; continue }
            guard inTable else { continue }
            guard cells.count >= 2 else { break }
            if cells[0].hasPrefix("---") { continue }
            let modules = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            let imports = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append(Row(modules: modules, imports: Set(imports.filter { !$0.isEmpty })))
        }
        guard !rows.isEmpty else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "README.md: no module table"]) }
    }

    func level(of module: String) -> Int? { rows.firstIndex { $0.modules.contains(module) } }

    /// "A imports B" for every import of B by A that does not point down the table.
    func violations(_ imports: [String: Set<String>]) -> [String] {
        imports.flatMap { module, targets in
            targets.compactMap { target -> String? in
                guard let from = level(of: module), let to = level(of: target), to >= from else { return nil }
                return "\(module) imports \(target)"
            }
        }
    }
}

/// The source targets of Package.swift and their `dependencies:` (test targets, and targets
/// under Tests/, left out); `.product(name: X, ...)` counts as X.
struct PackageTargets {
    var dependencies: [String: [String]] = [:]
    var shims: Set<String> = []

    init(manifest: String) throws {
        for kind in [".target(", ".executableTarget(", ".systemLibrary("] {
            var rest = Substring(manifest)
            while let start = rest.range(of: kind) {
                let body = Self.balanced(rest[start.upperBound...])
                rest = rest[start.upperBound...]
                guard let name = Self.firstString(after: "name:", in: body), !body.contains("path: \"Tests/") else { continue }
                if kind == ".systemLibrary(" || name.hasPrefix("C") && !body.contains("dependencies:") {
                    shims.insert(name)
                    continue
                }
                var deps: [String] = []
                if let open = body.range(of: "dependencies: [") {
                    let list = Self.balanced(body[open.upperBound...], open: "[", close: "]")
                    var scan = Substring(list)
                    while let quote = scan.firstIndex(of: "\"") {
                        let after = scan[scan.index(after: quote)...]
                        guard let end = after.firstIndex(of: "\"") else { break }
                        let word = String(after[..<end])
                        let before = scan[..<quote]
                        // In `.product(name: "X", package: "x")` keep X, skip the package.
                        if !before.hasSuffix("package: ") { deps.append(word) }
                        scan = after[after.index(after: end)...]
                    }
                }
                dependencies[name] = deps
            }
        }
    }

    /// The text up to the bracket that closes the one just opened.
    static func balanced(_ text: Substring, open: Character = "(", close: Character = ")") -> String {
        var depth = 1
        for index in text.indices {
            if text[index] == open { depth += 1 }
            if text[index] == close { depth -= 1; if depth == 0 { return String(text[..<index]) } }
        }
        return String(text)
    }

    static func firstString(after key: String, in text: String) -> String? {
        guard let keyRange = text.range(of: key), let open = text[keyRange.upperBound...].firstIndex(of: "\"") else { return nil }
        let after = text[text.index(after: open)...]
        return after.firstIndex(of: "\"").map { String(after[..<$0]) }
    }
}
