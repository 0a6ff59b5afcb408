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

    /// A test target may import only what it declares: SwiftPM can compile an undeclared
    /// import when another target happens to build the module first, and a fresh clone then
    /// fails.
    func testTestTargetsDeclareWhatTheyImport() throws {
        let manifest = try Self.text("Package.swift")
        let modules = try PackageTargets(manifest: manifest)
        let ours = Set(modules.dependencies.keys).union(["TestHelpers", "ReferenceNetworks"])
        var checked = 0
        for kind in [".testTarget(", ".target("] {
            var rest = Substring(manifest)
            while let start = rest.range(of: kind) {
                let body = PackageTargets.balanced(rest[start.upperBound...])
                rest = rest[start.upperBound...]
                guard let name = PackageTargets.firstString(after: "name:", in: body) else { continue }
                let path = PackageTargets.firstString(after: "path:", in: body) ?? (kind == ".testTarget(" ? "Tests/\(name)" : "")
                guard path.hasPrefix("Tests/") else { continue }
                let declared = Set(PackageTargets.dependencyNames(in: body))
                let imported = try Self.imports(under: path).filter { ours.contains($0) || $0 == "eus_report" }
                XCTAssertEqual(imported.subtracting(declared).subtracting(["eus_report"]), [], "\(name) imports modules it does not declare in Package.swift")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 8, "the test targets were found")
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
        try imports(under: "Sources/" + module)
    }

    /// The modules named by `import` lines in the Swift files under `path`, the platform's left out.
    static func imports(under path: String) throws -> Set<String> {
        let folder = root.appendingPathComponent(path)
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
                dependencies[name] = Self.dependencyNames(in: body)
            }
        }
    }

    /// The names in a target's `dependencies: [...]`; `.product(name: X, package: x)` counts as X.
    static func dependencyNames(in body: String) -> [String] {
        guard let open = body.range(of: "dependencies: [") else { return [] }
        var deps: [String] = []
        var scan = Substring(balanced(body[open.upperBound...], open: "[", close: "]"))
        while let quote = scan.firstIndex(of: "\"") {
            let after = scan[scan.index(after: quote)...]
            guard let end = after.firstIndex(of: "\"") else { break }
            if !scan[..<quote].hasSuffix("package: ") { deps.append(String(after[..<end])) }
            scan = after[after.index(after: end)...]
        }
        return deps
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
