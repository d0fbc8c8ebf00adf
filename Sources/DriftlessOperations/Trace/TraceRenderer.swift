import Foundation
import Ledger

/// Renders a ``TraceReport`` as an aligned text table (people) or JSON (tools).
public enum TraceRenderer {
    /// JSON object `{"order": …, "records": [...], "states": [...]}`, dates in RFC 3339 with
    /// fractional seconds, keys sorted.
    public static func json(_ report: TraceReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    /// Decoder matching ``json(_:)``.
    public static func decodeJSON(_ text: String) throws -> TraceReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
            }
            return date
        }
        return try decoder.decode(TraceReport.self, from: Data(text.utf8))
    }

    /// The table: one line per record, then the order's states.
    public static func table(_ report: TraceReport) -> String {
        var lines: [String] = []
        if let order = report.order {
            lines.append("Order \(order): \(report.records.count) audit record\(report.records.count == 1 ? "" : "s")")
            if report.records.isEmpty, !order.contains(":") {
                lines.append("(order keys look like <channel>:<order id>, e.g. shopify:\(order))")
            }
        } else {
            lines.append("\(report.records.count) matching audit record\(report.records.count == 1 ? "" : "s")")
        }
        if !report.records.isEmpty {
            var header = ["TIME", "HOP", "STATUS", "SYSTEM", "STAGE", "EVENT", "STATE", "HTTP", "KAFKA", "REASON"]
            if report.order == nil { header.insert("ORDER", at: 1) }
            var rows = [header]
            for record in report.records {
                var row = [
                    timestamp(record.time), record.hop.rawValue, record.isFailure ? "FAILED" : "ok", record.channel,
                    record.stage + (record.replica.map { "/\($0)" } ?? ""), record.eventID, stateText(record),
                    record.httpStatus.map(String.init) ?? "", kafkaText(record), reasonText(record),
                ]
                if report.order == nil { row.insert(record.orderKey, at: 1) }
                rows.append(row)
            }
            lines += align(rows)
        }
        if !report.states.isEmpty {
            lines.append("")
            lines.append("Current state:")
            var rows = [["SYSTEM", "STATE", "VERSION", "SOURCE TIME", "LAST EVENT", "UPDATED"]]
            for state in report.states {
                rows.append([
                    state.system, state.state, String(state.version), state.sourceTimestamp.map(timestamp) ?? "",
                    state.lastEventID ?? "", timestamp(state.updatedAt),
                ])
            }
            lines += align(rows).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Cells

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static func stateText(_ record: AuditRecord) -> String {
        switch (record.fromState, record.toState) {
        case let (from?, to?): return "\(from) -> \(to)"
        case let (nil, to?): return "-> \(to)"
        case let (from?, nil): return from
        case (nil, nil): return ""
        }
    }

    private static func kafkaText(_ record: AuditRecord) -> String {
        guard let topic = record.topic else { return "" }
        var text = topic
        if let partition = record.partition { text += "[\(partition)]" }
        if let offset = record.offset { text += "@\(offset)" }
        return text
    }

    private static func reasonText(_ record: AuditRecord) -> String {
        var parts: [String] = []
        if let reason = record.reason { parts.append(reason) }
        if let detail = record.detail {
            // A detail that already starts with its reason code ("illegal-transition: …") is shown once.
            if let reason = record.reason, detail.hasPrefix(reason) { parts.removeLast() }
            parts.append(detail)
        }
        if let due = record.dueAt { parts.append("due \(timestamp(due))") }
        return parts.joined(separator: ": ")
    }

    /// Pads every column to its widest cell; single-line cells only.
    static func align(_ rows: [[String]]) -> [String] {
        let clean = rows.map { $0.map { $0.replacingOccurrences(of: "\n", with: " ") } }
        let columns = clean.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in clean { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return clean.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
