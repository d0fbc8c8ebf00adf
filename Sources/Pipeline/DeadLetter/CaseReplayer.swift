import Foundation
import Kafka
import Ledger

/// Replays cases (`driftless dlq replay`): each case is marked `replayed` (compare and set from
/// `open`, or from any state with `force`), then its record is produced at the stage that failed
/// (``CaseReplay``) and a `replayed` audit row written; a failed produce puts the case back to the
/// state it had. Marking first means a replayed record that fails again at once finds its case
/// `replayed` and reopens it.
public struct CaseReplayer: Sendable {
    let cases: any CaseStore
    let ledger: (any LedgerStore)?
    let sink: (any RecordSink)?
    let topics: PipelineTopics
    let actor: String
    let reason: String?
    let force: Bool
    let interval: Duration?
    let reconcile: ReconcileCaseCheck?

    /// Creates a replayer. `sink` nil = dry run. `rate`: at most that many records per second.
    /// `reconcile`: re-checks reconciliation's cases (stage `reconcile`) against the channel and the
    /// ERP; without it they fail to replay (their stored snapshot may be stale).
    public init(
        cases: any CaseStore, ledger: (any LedgerStore)?, sink: (any RecordSink)?, topics: PipelineTopics,
        actor: String, reason: String? = nil, force: Bool = false, rate: Double? = nil,
        reconcile: ReconcileCaseCheck? = nil
    ) {
        self.reconcile = reconcile
        self.cases = cases
        self.ledger = ledger
        self.sink = sink
        self.topics = topics
        self.actor = actor
        self.reason = reason
        self.force = force
        interval = rate.flatMap { $0 > 0 && $0.isFinite ? Duration.seconds(1 / $0) : nil }
    }

    /// Replays `selected` in order; `progress` is called after each case with (done, total, id, result).
    public func replay(
        _ selected: [DeadLetterCase],
        progress: @Sendable (Int, Int, Int64, ReplaySummary.Result) -> Void = { _, _, _, _ in }
    ) async -> ReplaySummary {
        var summary = ReplaySummary()
        summary.dryRun = sink == nil
        var produced = 0
        for (index, value) in selected.enumerated() {
            let result = await replayOne(value, pauseFirst: produced > 0)
            if case .replayed = result { produced += 1 }
            summary.results.append(ReplaySummary.Entry(id: value.id, result: result))
            progress(index + 1, selected.count, value.id, result)
        }
        return summary
    }

    private func replayOne(_ value: DeadLetterCase, pauseFirst: Bool) async -> ReplaySummary.Result {
        let replayable: Set<CaseState> = force ? Set(CaseState.allCases) : [.open]
        guard replayable.contains(value.state) else { return .skipped(state: value.state.rawValue) }
        guard let topic = CaseReplay.topic(for: value, topics: topics) else {
            return .failed("stage '\(value.provenance.stage)' has no topic to re-enter at")
        }
        var snapshot: ChannelOrderSnapshot?
        if value.provenance.stage == ReconcileCaseCheck.stage {
            guard let reconcile else {
                return .failed(
                    "reconciliation cases need the channel and ERP read APIs (reconcile.shopify / poller:, erp:)")
            }
            do {
                switch try await reconcile.check(value) {
                case .drift(let current, _): snapshot = current
                case .inSync:
                    guard sink != nil else { return .resolvedInSync }
                    return await resolveInSync(value, replayable)
                case .unavailable(let why): return .failed(why)
                }
            } catch {
                return .failed("re-checking the order: \(error)")
            }
        }
        guard let sink else { return .wouldReplay(topic: topic) }
        if pauseFirst, let interval { try? await Task.sleep(for: interval) }
        let now = Date()
        let marked: DeadLetterCase
        do {
            switch try await cases.transitionCase(
                id: value.id, to: .replayed, actor: actor, reason: reason, at: now, allowedFrom: replayable)
            {
            case .changed(let changed): marked = changed
            case .refused(let current): return .skipped(state: current.state.rawValue)
            case .notFound: return .failed("no case \(value.id)")
            }
        } catch {
            return .failed("marking replayed: \(error)")
        }
        do {
            let record =
                snapshot.map { ReconcileCaseCheck.record(for: marked, snapshot: $0, topic: topic) }
                ?? CaseReplay.record(for: marked, topic: topic)
            let report = try await sink.send(record)
            try? await ledger?.append(
                AuditRecord(
                    time: now, hop: .replayed, orderKey: marked.orderKey, channel: marked.channel,
                    eventID: marked.eventID, stage: "dlq", replica: actor, topic: report.topic,
                    partition: report.partition, offset: report.offset, reason: marked.provenance.reasonCode,
                    detail: "case \(marked.id) replayed to \(topic) by \(actor)" + (reason.map { ": \($0)" } ?? ""),
                    traceID: marked.traceID))
            return .replayed(topic: topic)
        } catch {
            _ = try? await cases.transitionCase(
                id: value.id, to: value.state, actor: actor, reason: "replay failed: \(error)", at: Date(),
                allowedFrom: [.replayed])
            return .failed("producing to \(topic): \(error)")
        }
    }

    /// A reconciliation case whose order is in sync again: resolved, with a `replayed`-stage note in
    /// its history; nothing produced.
    private func resolveInSync(_ value: DeadLetterCase, _ replayable: Set<CaseState>) async -> ReplaySummary.Result {
        do {
            switch try await cases.transitionCase(
                id: value.id, to: .resolved, actor: actor,
                reason: "in sync on re-check" + (reason.map { ": \($0)" } ?? ""), at: Date(), allowedFrom: replayable)
            {
            case .changed: return .resolvedInSync
            case .refused(let current): return .skipped(state: current.state.rawValue)
            case .notFound: return .failed("no case \(value.id)")
            }
        } catch {
            return .failed("resolving: \(error)")
        }
    }
}
