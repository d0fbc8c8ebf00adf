import Foundation
import Ledger

/// Renders dead-letter cases: a table (`dlq list`), JSON (`--json`) and one case in full (`dlq show`).
enum CaseRenderer {
    /// A JSON array of cases (dates RFC 3339, payload bytes base64, keys sorted).
    static func json(_ cases: [DeadLetterCase]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TraceRenderer.timestamp(date))
        }
        return String(decoding: try encoder.encode(cases), as: UTF8.self)
    }

    /// One line per case.
    static func table(_ cases: [DeadLetterCase]) -> String {
        guard !cases.isEmpty else { return "no cases" }
        var rows = [["ID", "STATE", "ORDER", "STAGE", "REASON", "HTTP", "SEEN", "LAST SEEN", "BY"]]
        for value in cases {
            rows.append([
                String(value.id), value.state.rawValue, value.orderKey, value.provenance.stage,
                value.provenance.reasonCode, value.provenance.httpStatus.map(String.init) ?? "",
                String(value.occurrences), TraceRenderer.timestamp(value.lastSeen), value.lastTransition?.actor ?? "",
            ])
        }
        return (TraceRenderer.align(rows) + ["\(cases.count) case\(cases.count == 1 ? "" : "s")"])
            .joined(separator: "\n")
    }

    /// Everything about one case: provenance, attempt history, transitions, a payload summary.
    static func detail(_ value: DeadLetterCase) -> String {
        let p = value.provenance
        var lines = ["Case \(value.id): \(value.state.rawValue) (seen \(value.occurrences)×)"]
        var rows: [[String]] = [
            ["order", value.orderKey], ["channel", value.channel], ["event", value.eventID],
            ["trace", value.traceID ?? ""], ["stage", p.stage],
            ["reason", p.reasonDetail.isEmpty ? p.reasonCode : "\(p.reasonCode): \(p.reasonDetail)"],
            ["source", "\(p.sourceTopic)[\(p.sourcePartition)]@\(p.sourceOffset)"],
        ]
        if let topic = p.originalTopic {
            let partition = p.originalPartition.map { "[\($0)]" } ?? ""
            rows.append(["original", topic + partition + (p.originalOffset.map { "@\($0)" } ?? "")])
        }
        if let attempts = p.attempts { rows.append(["attempts", String(attempts)]) }
        if let first = p.firstFailure { rows.append(["first failure", TraceRenderer.timestamp(first)]) }
        if let status = p.httpStatus { rows.append(["last status", "HTTP \(status)"]) }
        if let error = p.lastError { rows.append(["last error", error]) }
        if let effect = p.effectID { rows.append(["effect", effect]) }
        if let tier = p.tier { rows.append(["retry tier", tier]) }
        rows.append(["first seen", TraceRenderer.timestamp(value.firstSeen)])
        rows.append(["last seen", TraceRenderer.timestamp(value.lastSeen)])
        if let replayed = value.replayedAt { rows.append(["replayed at", TraceRenderer.timestamp(replayed)]) }
        lines += TraceRenderer.align(rows).map { "  " + $0 }
        lines.append("History:")
        for step in value.history {
            let from = step.from.map { "\($0.rawValue) -> " } ?? ""
            lines.append(
                "  \(TraceRenderer.timestamp(step.at))  \(from)\(step.to.rawValue)  by \(step.actor)"
                    + (step.reason.map { ": \($0)" } ?? ""))
        }
        lines.append("Payload:")
        lines.append("  key: " + (value.payload.key.map { String(decoding: $0, as: UTF8.self) } ?? "(none)"))
        for header in value.payload.headers {
            lines.append("  \(header.key): \(header.stringValue.map { String($0.prefix(120)) } ?? "(binary)")")
        }
        if let body = value.payload.value {
            let text = String(decoding: body.prefix(300), as: UTF8.self)
            lines.append("  value (\(body.count) bytes): \(text)\(body.count > 300 ? "…" : "")")
        } else {
            lines.append("  value: (none)")
        }
        return lines.joined(separator: "\n")
    }
}
