import EUSImage
import EUSRender
import EUSStats
import EUSSupport
import Foundation
import Mustache

/// `report.html`: the report's sections rendered from `templates/` with swift-mustache into one
/// self-contained file. Figures are embedded as base64 SVG data URIs (vector, and each SVG
/// keeps its own glyph ids), case images and overlays as base64 JPEG; there are no external
/// references.
struct ReportHTML {
    let context: ReportContext
    let library: MustacheLibrary
    /// Case images in the HTML are scaled to at most this many pixels a side.
    var thumbnailSide = 200

    func render() throws -> String {
        let root = try rootContext()
        guard let html = library.render(root, withTemplate: TemplateLibrary.root) else {
            throw UserError("templates: no \(TemplateLibrary.root).mustache template")
        }
        return html
    }

    private func rootContext() throws -> [String: Any] {
        let numbers = context.figureNumbers
        let sections = try context.sections.enumerated().map { index, entry -> [String: Any] in
            ["id": entry.section.id, "title": entry.section.title, "number": index + 1,
             "blocks": try entry.blocks.map { try blockContext($0, numbers: numbers) }]
        }
        var root: [String: Any] = ["title": context.title, "subtitle": context.subtitle, "generated": context.generatedText,
                                   "sourceName": context.input.source.lastPathComponent, "sections": sections,
                                   "caseTable": caseTable()]
        if let banner = context.syntheticBanner { root["banner"] = banner }
        return root
    }

    private func blockContext(_ block: ReportBlock, numbers: [String: Int]) throws -> [String: Any] {
        switch block {
        case .subheading(let text): return ["isSubheading": true, "text": text]
        case .paragraph(let text): return ["isParagraph": true, "text": text]
        case .callout(let text, let warning): return ["isCallout": true, "text": text, "warning": warning]
        case .table(let table): return ["isTable": true, "table": tableContext(table)]
        case .keyValues(let pairs): return ["isKeyValues": true, "pairs": pairs.map { ["key": $0.key, "value": $0.value] }]
        case .figure(let name, let caption):
            guard let figure = context.figures.first(where: { $0.name == name }) else {
                return ["isCallout": true, "text": "Figure \(name) is not available for this input.", "warning": false]
            }
            let svg = try figure.render(.svg)
            return ["isFigure": true, "name": name, "caption": caption, "label": context.figureLabel(name, numbers: numbers), "width": figure.width == .single ? "single" : "double",
                    "dataURI": "data:image/svg+xml;base64," + svg.base64EncodedString()]
        case .cases(let cases, let audit): return ["isCases": true, "audit": audit, "cases": try cases.map { try caseContext($0, audit: audit) }]
        case .caseTable: return ["isCaseTable": true]
        case .preformatted(let title, let text): return ["isPreformatted": true, "title": title, "text": text]
        }
    }

    private func tableContext(_ table: ReportTable) -> [String: Any] {
        var result: [String: Any] = [
            "header": table.header.enumerated().map { ["text": $0.element, "isText": table.textColumns.contains($0.offset)] },
            "rows": table.rows.enumerated().map { index, row in
                ["cells": row.enumerated().map { column, text -> [String: Any] in
                    var cell: [String: Any] = ["text": text, "isText": table.textColumns.contains(column)]
                    if index < table.links.count, column < table.links[index].count, let href = table.links[index][column] { cell["href"] = href }
                    return cell
                }]
            },
        ]
        if let caption = table.caption { result["caption"] = caption }
        if let note = table.note { result["note"] = note }
        return result
    }

    private func caseContext(_ item: ReportCase, audit: Bool) throws -> [String: Any] {
        let metrics = context.metrics
        let calls = item.calls(threshold: metrics.threshold), correct = item.correct(threshold: metrics.threshold)
        let images = context.input.images
        var result: [String: Any] = ["id": item.id, "anchor": anchor(item.id), "label": item.label, "hasTiles": context.hasCaseImages,
                                     "wrong": item.misclassifiedByAny(threshold: metrics.threshold)]
        if let image = images.image(for: item) { result["image"] = try dataURI(image) }
        result["models"] = try context.input.modelNames.enumerated().map { index, name -> [String: Any] in
            var model: [String: Any] = ["model": ModelNames.display(name), "color": ModelNames.color(index).hexString,
                                        "probability": MetricsText.decimal(item.probabilities[index], digits: 2),
                                        "call": calls[index] ? metrics.positiveClass : metrics.negativeClass,
                                        "correct": correct[index], "mark": correct[index] ? "✓" : "✗"]
            if let overlay = images.overlay(model: name, caseID: item.id) { model["overlay"] = try dataURI(overlay) }
            return model
        }
        if audit {
            result["auditLines"] = context.auditLines(item)
            result["hasAuditLines"] = true
        }
        return result
    }

    /// The sortable per-case table: one row per case with sort keys and a "misclassified by
    /// any model" flag for the filter.
    private func caseTable() -> [String: Any] {
        let metrics = context.metrics
        let names = context.input.modelNames
        var header: [[String: Any]] = [["label": "Case", "type": "text"], ["label": "True class", "type": "text"]]
        for name in names {
            header += [["label": "P(\(metrics.positiveClass)) \(ModelNames.display(name))", "type": "number"],
                       ["label": "\(ModelNames.display(name)) call", "type": "text"]]
        }
        header.append(["label": "Misclassified by", "type": "text"])
        let rows = context.input.cases.map { item -> [String: Any] in
            let calls = item.calls(threshold: metrics.threshold), correct = item.correct(threshold: metrics.threshold)
            var cells: [[String: Any]] = [["text": item.id, "sort": item.id], ["text": item.label, "sort": item.label]]
            for index in names.indices {
                let probability = item.probabilities[index]
                cells.append(["text": MetricsText.decimal(probability, digits: 3), "sort": String(probability), "num": true])
                let call = calls[index] ? metrics.positiveClass : metrics.negativeClass
                cells.append(["text": call + (correct[index] ? " ✓" : " ✗"), "sort": call, "bad": !correct[index]])
            }
            let wrong = names.indices.filter { !correct[$0] }.map { ModelNames.display(names[$0]) }
            cells.append(["text": wrong.isEmpty ? "–" : wrong.joined(separator: ", "), "sort": wrong.joined(separator: ",")])
            return ["wrong": wrong.isEmpty ? "0" : "1", "cells": cells]
        }
        return ["header": header, "rows": rows]
    }

    private func dataURI(_ image: RGBImage) throws -> String {
        let small = ReportImages.shrink(image, maximumSide: thumbnailSide)
        return "data:image/jpeg;base64," + (try JPEGCodec.encode(small, quality: CasePanel.jpegQuality)).base64EncodedString()
    }

    private func anchor(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }
}
