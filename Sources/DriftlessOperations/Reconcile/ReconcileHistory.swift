import ArgumentParser
import Foundation
import Ledger

/// `driftless reconcile --history [--json]`: the last runs from the ledger's run history, read-only.
enum ReconcileHistory {
    /// The text to print: a table or a JSON array (dates RFC 3339), newest first.
    static func text(ledger option: LedgerURLOption, configuredURL: String?, limit: Int, json: Bool) async throws
        -> String
    {
        var option = option
        if option.url == nil, let configuredURL { option.url = configuredURL }
        let store = try await option.openReadOnly(logger: ledgerLogger())
        let runs: [ReconcileRunRecord]
        do {
            guard let reconcile = store as? any ReconcileStore else {
                throw CommandFailure("the ledger at \(store.location) keeps no reconciliation runs")
            }
            runs = try await reconcile.reconcileRunRecords(limit: limit)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return json ? try render(json: runs) : table(runs)
    }

    static func render(json runs: [ReconcileRunRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(TraceRenderer.timestamp(date))
        }
        return String(decoding: try encoder.encode(runs), as: UTF8.self)
    }

    static func table(_ runs: [ReconcileRunRecord]) -> String {
        guard !runs.isEmpty else { return "no reconciliation runs" }
        var rows = [["RUN", "RESULT", "ATTEMPTS", "WINDOW START", "WINDOW END", "COMPARED", "FOUND", "ERROR"]]
        for run in runs {
            rows.append([
                run.runID, run.result, String(run.attempts), TraceRenderer.timestamp(run.windowStart),
                TraceRenderer.timestamp(run.windowEnd), String(run.compared), String(run.found),
                run.error.map { String($0.prefix(80)) } ?? "",
            ])
        }
        return TraceRenderer.align(rows).joined(separator: "\n")
    }
}
