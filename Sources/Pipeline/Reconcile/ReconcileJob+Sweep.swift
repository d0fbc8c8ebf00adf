import Foundation
import Kafka
import Ledger
import OrderModel

extension ReconcileJob {
    /// One order's comparison.
    struct Compared: Sendable {
        var snapshot: ChannelOrderSnapshot
        var observation: ChannelObservation
        var channel: ChannelView
        var erp: ERPView?
        var verdict: ReconcileVerdict
    }

    /// Pages through each channel from the run's progress on it (checkpoint `reconcile:<run>:<system>`) to
    /// the window's end; per page: compare, act, record, then move the progress. Then the ERP-side
    /// sweep (``sweepERP(_:_:handled:seen:pages:)``) for the orders that changed only in the ERP.
    func sweep(
        _ state: inout ReconcileRunState, _ report: inout ReconcileReport, handled: Set<String>,
        pending: PendingCorrections
    ) async throws {
        var pages = 0
        var seen = SeenOrders()
        for reader in channels {
            let checkpoint = "reconcile:\(state.runID):\(reader.system)"
            var since = state.windowStart
            if report.resumed, let saved = try await ledger.loadCheckpoint(checkpoint) { since = max(since, saved) }
            var cursor: String?
            // Progress moves only while pages come in last-update order (as both APIs serve them).
            var ordered = true
            var latest = Date.distantPast
            repeat {
                try Task.checkCancellation()
                let page = try await reader.page(since: since, until: state.windowEnd, cursor: cursor)
                cursor = page.next
                pages += 1
                // Orders changed after the window's end may still be on their way through the pipeline.
                let inWindow = page.orders.filter { $0.updatedAt <= state.windowEnd }
                for order in inWindow { seen.insert(order.key) }
                let compared = try await compare(
                    inWindow.filter { !handled.contains($0.key.description) }, &report)
                try await act(on: compared, runID: state.runID, pending: pending, &report)
                let dates = inWindow.map(\.updatedAt)
                if let first = dates.min(), first < latest { ordered = false }
                latest = max(latest, dates.max() ?? latest)
                if !settings.dryRun, ordered, let last = dates.last, last == latest {
                    state.progress = last
                    try await saveRun(state)
                    _ = try await ledger.advanceCheckpoint(checkpoint, to: last)
                }
                progress?(ReconcileProgress(pages: pages, compared: report.compared, found: report.found))
                if inWindow.count < page.orders.count { break }
            } while cursor != nil
        }
        if settings.erpSweep {
            try await sweepERP(&state, &report, handled: handled, seen: &seen, pages: &pages, pending: pending)
        }
    }

    /// The ERP views of `keys`: two SuiteQL queries per ``ERPSync/viewBatchSize`` orders, up to
    /// `concurrency` such batches at once.
    private func readViews(_ keys: [OrderKey]) async throws -> [OrderKey: ERPView] {
        let size = ERPSync.viewBatchSize
        let chunks = stride(from: 0, to: keys.count, by: size).map { Array(keys[$0..<min(keys.count, $0 + size)]) }
        let erp = self.erp
        var views: [OrderKey: ERPView] = [:]
        var next = 0
        while next < chunks.count {
            let wave = chunks[next..<min(chunks.count, next + settings.concurrency)]
            next += wave.count
            try await withThrowingTaskGroup(of: [OrderKey: ERPView].self) { group in
                for chunk in wave { group.addTask { try await erp.views(of: chunk) } }
                for try await found in group { views.merge(found) { first, _ in first } }
            }
        }
        return views
    }

    /// Reads the ERP views of `snapshots` (together: see ``readViews(_:)``) and classifies each order.
    func compare(_ snapshots: [ChannelOrderSnapshot], _ report: inout ReconcileReport) async throws -> [Compared] {
        var views: [ChannelObservation?] = []
        views.reserveCapacity(snapshots.count)
        for snapshot in snapshots {
            do {
                let observation = try translator.translate(
                    channel: snapshot.key.channel, payload: snapshot.payload, eventID: nil)
                views.append(observation)
            } catch {
                report.unreadable += 1
                logger.warning("order not mappable", metadata: ["order": "\(snapshot.key)", "error": "\(error)"])
                views.append(nil)
            }
        }
        var result: [Compared] = []
        let readable = snapshots.indices.filter { views[$0] != nil }
        let erpViews = try await readViews(readable.map { snapshots[$0].key })
        for index in readable {
            guard let observation = views[index] else { continue }
            let erpView = erpViews[snapshots[index].key]
            let channel = ChannelView(observation)
            let verdict = reconciler.compare(channel: channel, erp: erpView)
            result.append(
                Compared(
                    snapshot: snapshots[index], observation: observation, channel: channel, erp: erpView,
                    verdict: verdict))
        }
        result = try await checkContent(result)
        report.compared += result.count
        return result
    }

    /// Applies the policy to a page's mismatches: corrects (the channel's order to `<p>.ingest.raw` and
    /// a ``ReconcileRepair`` to `<p>.canonical`, one batch of records), opens cases, records findings and
    /// audit rows, feeds the alert rule. An order with a correction of an earlier run still unchecked
    /// (`pending`) settles it: in sync → that finding is `corrected`; drifted still → it is
    /// `correction-failed` and the drift becomes a case instead of being corrected again.
    func act(
        on compared: [Compared], runID: String, pending: PendingCorrections, _ report: inout ReconcileReport
    ) async throws {
        let now = clock()
        var records: [ProducerRecord] = []
        var findings: [ReconcileFinding] = []
        var audit: [AuditRecord] = []
        var checked = false
        for item in compared {
            let earlier = settings.dryRun ? nil : pending.take(item.snapshot.key.description)
            guard var action = item.verdict.action,
                let name = ReconcilePolicy.name(of: item.verdict.report.classification)
            else {
                report.inSync += 1
                if var earlier {
                    earlier.outcome = PendingCorrections.corrected
                    findings.append(earlier)
                    report.repairsConfirmed += 1
                }
                continue
            }
            var evidence = item.verdict.report.evidence
            if var earlier {
                // The correction sent then did not repair the order: a case, not another correction.
                earlier.outcome = PendingCorrections.correctionFailed
                findings.append(earlier)
                report.repairsFailed += 1
                action = .flag
                evidence.insert("still drifted after the correction of run \(earlier.runID)", at: 0)
            }
            report.classifications[name, default: .init()].found += 1
            var finding = ReconcileFinding(
                runID: runID, orderKey: item.snapshot.key.description, classification: name, action: action.rawValue,
                outcome: "reported", channelState: item.channel.canonicalState.rawValue,
                erpState: item.erp.map { reconciler.erpDimensions(of: $0).canonicalState.rawValue },
                evidence: evidence.joined(separator: "; "), foundAt: now)
            guard !settings.dryRun else { continue }
            if !checked {
                // Acts only while the run's lease generation is current.
                try await ensureLease()
                checked = true
            }
            switch action {
            case .autoCorrect:
                let key = item.snapshot.key
                records.append(
                    ReconcileInjection.record(item.snapshot, runID: runID, topic: topics.ingestRaw, now: now))
                let stored = try await ledger.loadState(order: key.description, system: key.channel.rawValue)
                let repair = ReconcileRepair.event(
                    observation: item.observation, stored: stored, matrix: translator.matrix, runID: runID)
                records.append(ReconcileRepair.record(repair, topic: topics.canonical, now: now))
                finding.outcome = PendingCorrections.correctionSent
                finding.eventID = repair.eventID
                report.classifications[name, default: .init()].corrected += 1
            case .flag:
                var mismatch = item.verdict.report
                mismatch.evidence = evidence
                let arrival = ReconcileInjection.caseArrival(
                    item.snapshot, report: mismatch, classification: name, runID: runID,
                    topic: topics.ingestRaw, now: now)
                finding.caseID = try await flag(arrival, runID: runID)
                finding.outcome = "flagged"
                report.classifications[name, default: .init()].flagged += 1
            }
            findings.append(finding)
            audit.append(
                AuditRecord(
                    time: now, hop: .reconciled, orderKey: finding.orderKey,
                    eventID: finding.eventID ?? ReconcileInjection.eventID(runID: runID, key: item.snapshot.key),
                    stage: "reconcile", replica: settings.owner,
                    topic: action == .autoCorrect ? topics.ingestRaw : nil, fromState: finding.erpState,
                    toState: finding.channelState, reason: name,
                    detail: "\(finding.outcome): \(finding.evidence)" + (finding.caseID.map { " (case \($0))" } ?? ""),
                    traceID: "reconcile-\(runID)"))
            alerts?.record(mismatch: item.verdict.report.pattern, at: now)
        }
        guard !settings.dryRun else { return }
        if !records.isEmpty {
            try await ensureLease()
            try await send(records)
        }
        try await fenced { fence in try await ledger.recordFindings(findings, fence: fence) }
        try await fenced { _ in try await ledger.append(audit) }
    }
}
