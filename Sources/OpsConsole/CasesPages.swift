import Foundation
import Ledger
import Pipeline

/// The Cases view's HTML: groups by reason, one group's cases with its actions, one case.
enum CasesPages {
    typealias H = OpsHTML

    /// The groups: reason, stage, counts per state, a 24-hour trend and a sample error.
    static func groups(_ groups: [CaseGroup]) -> String {
        guard !groups.isEmpty else { return "<p id=\"no-cases\">No dead letters or quarantined records.</p>" }
        let rows = groups.map { group -> [String] in
            let link = "/ops/cases/group?stage=\(H.query(group.stage))&reason=\(H.query(group.reasonCode))"
            return [
                "<a class=\"group\" href=\"\(link)\">\(H.escape(group.reasonCode))</a>", H.escape(group.stage),
                "<span class=\"open-count\">\(group.open)</span>", String(group.counts[.replayed] ?? 0),
                String(group.counts[.resolved] ?? 0), String(group.counts[.discarded] ?? 0), String(group.total),
                H.sparkline(group.trend.map(Double.init)) + " " + H.escape(group.direction),
                H.escape(String(group.sample.prefix(120))),
            ]
        }
        return H.table(
            id: "case-groups",
            head: ["reason", "stage", "open", "replayed", "resolved", "discarded", "total", "last 24 h", "sample"],
            rows: rows)
    }

    /// One group's cases, with the dry-run and discard forms.
    static func group(stage: String, reason: String, cases: [DeadLetterCase], csrf: String) -> String {
        let rows = cases.map { value -> [String] in
            [
                "<a href=\"/ops/case?id=\(value.id)\">\(value.id)</a>",
                "<span class=\"state\">\(value.state.rawValue)</span>",
                "<a href=\"/ops/orders?id=\(H.query(value.orderKey))\">\(H.escape(value.orderKey))</a>",
                String(value.occurrences), value.provenance.attempts.map(String.init) ?? "",
                H.escape(value.lastSeen.formatted(.iso8601)),
                H.escape(String(value.provenance.reasonDetail.prefix(100))),
            ]
        }
        let fields = [("stage", stage), ("reason", reason)]
        let open = cases.filter { $0.state == .open }.count
        return """
            <p>Stage <b>\(H.escape(stage))</b>, reason <b>\(H.escape(reason))</b>: \(cases.count) cases, \
            <span id="group-open">\(open)</span> open.</p>
            \(H.form(action: "/ops/cases/dry-run", csrf: csrf, fields: fields,
                inner: "<button id=\"dry-run\" type=\"submit\">Dry run: what would be replayed</button>", id: "dry-run-form"))
            \(H.form(action: "/ops/cases/discard", csrf: csrf, fields: fields,
                inner: "<input type=\"text\" name=\"note\" id=\"discard-note\" placeholder=\"why (required)\" required> "
                + "<button id=\"discard\" type=\"submit\">Discard the open cases</button>", id: "discard-form")
                .replacingOccurrences(of: "<form ", with: "<form data-confirm=\"Discard the open cases of this group?\" "))
            \(H.table(id: "group-cases", head: ["case", "state", "order", "occurrences", "attempts", "last seen", "detail"], rows: rows))
            """
    }

    /// What a discard did, and where its audit rows are.
    static func discarded(
        stage: String, reason: String, _ selected: [DeadLetterCase], _ discarded: Int, _ refused: Int, _ who: String,
        _ note: String
    ) -> String {
        let orders = Set(selected.map(\.orderKey)).sorted().prefix(50).map {
            "<li><a href=\"/ops/orders?id=\(H.query($0))\">\(H.escape($0))</a></li>"
        }
        return """
            <p id="discard-summary">discarded \(discarded), refused \(refused)</p>
            <p>Each discarded case's history, and a <code>discarded</code> row on its order's trail, name \
            <b>\(H.escape(who))</b> and why: \(H.escape(note)).</p>
            <ul id="discarded-orders">\(orders.joined())</ul>
            <p><a href="/ops/cases/group?stage=\(H.query(stage))&reason=\(H.query(reason))">Back to the group</a></p>
            """
    }

    /// A dry run's result and the form that replays exactly those cases.
    static func dryRun(stage: String, reason: String, summary: ReplaySummary, csrf: String) -> String {
        let rows = summary.results.map {
            ["<a href=\"/ops/case?id=\($0.id)\">\($0.id)</a>", H.escape(CaseActions.describe($0.result))]
        }
        let ids = summary.results.compactMap { entry -> String? in
            if case .wouldReplay = entry.result { return String(entry.id) }
            if case .resolvedInSync = entry.result { return String(entry.id) }
            return nil
        }
        let form =
            ids.isEmpty
            ? "<p>Nothing to replay.</p>"
            : H.form(
                action: "/ops/cases/replay", csrf: csrf,
                fields: [("stage", stage), ("reason", reason), ("ids", ids.joined(separator: ","))],
                inner: """
                    <label>Why <input type="text" name="note" id="replay-note" required></label>
                    <label>Rate <input type="text" name="rate" id="replay-rate" value="10/s" size="6"></label>
                    <button id="replay" type="submit">Replay these \(ids.count) cases</button>
                    """, id: "replay-form")
        return """
            <p id="dry-run-summary">\(H.escape(summary.line))</p>
            \(H.table(id: "dry-run-results", head: ["case", "would"], rows: rows))
            \(form)
            """
    }

    /// A replay job's progress.
    static func job(id: Int, _ job: OpsJobs.Job) -> String {
        """
        <p>Job \(id): \(H.escape(job.title)) by \(H.escape(job.who)), \(job.total) cases.</p>
        <p id="job-status">\(job.summary.map { "done: " + H.escape($0) } ?? "running…")</p>
        <pre id="job-lines">\(H.escape(job.lines.suffix(200).joined(separator: "\n")))</pre>
        <p><a href="/ops/cases">Back to the cases</a></p>
        """
    }

    /// One case: provenance, attempts, history, payload summary and a link to the order's trace.
    static func detail(_ value: DeadLetterCase) -> String {
        let p = value.provenance
        let facts: [(String, String?)] = [
            ("state", value.state.rawValue), ("order", value.orderKey), ("channel", value.channel),
            ("event id", value.eventID), ("trace id", value.traceID), ("stage", p.stage), ("reason", p.reasonCode),
            ("detail", p.reasonDetail), ("occurrences", String(value.occurrences)),
            ("first seen", value.firstSeen.formatted(.iso8601)), ("last seen", value.lastSeen.formatted(.iso8601)),
            ("source", "\(p.sourceTopic)[\(p.sourcePartition)]@\(p.sourceOffset)"),
            ("original", p.originalTopic.map { "\($0)[\(p.originalPartition ?? -1)]@\(p.originalOffset ?? -1)" }),
            ("attempts", p.attempts.map(String.init)), ("first failure", p.firstFailure?.formatted(.iso8601)),
            ("last HTTP status", p.httpStatus.map(String.init)), ("last error", p.lastError),
            ("ERP effect", p.effectID), ("retry tier", p.tier),
        ]
        let rows = facts.compactMap { name, text in text.map { [H.escape(name), H.escape($0)] } }
        let history = value.history.map {
            [
                H.escape($0.at.formatted(.iso8601)), H.escape($0.from?.rawValue ?? "–") + " → " + $0.to.rawValue,
                H.escape($0.actor), H.escape($0.reason ?? ""),
            ]
        }
        let bytes = value.payload.value ?? Data()
        let payload = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return """
            \(H.table(id: "case-facts", head: ["", ""], rows: rows))
            <p><a id="case-order" href="/ops/orders?id=\(H.query(value.orderKey))">The order's trace</a></p>
            <h2>History</h2>
            \(H.table(id: "case-history", head: ["at", "change", "who", "why"], rows: history))
            <h2>Payload (first 4 KiB of \(bytes.count) bytes)</h2>
            <pre id="case-payload">\(H.escape(payload))</pre>
            """
    }
}
