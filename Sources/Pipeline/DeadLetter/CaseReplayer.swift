import Foundation
import Kafka
import Ledger

/// Replays cases (`driftless dlq replay`): each case's record is produced at the stage that failed
/// (``CaseReplay``) and, **once the broker acknowledged it**, the case is marked `replayed` (compare
/// and set from the state it had; as of the moment the send began) and a `replayed` audit row
/// written. A send that fails or times out leaves the case as it was, with nothing in its history;
/// an interrupted replay leaves at worst a delivered record on an `open` case (replaying it again is
/// harmless: every stage is idempotent per event). A replayed record that fails again before the mark
/// has reopened the case already (one more occurrence): it is then left open.
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

    /// Dispatch's content cases (``StageRejection/editAfterFulfilment(_:)``): re-checked like reconciliation's.
    static let editAfterFulfilment = StageRejection.editAfterFulfilment("").code

    private func replayOne(_ value: DeadLetterCase, pauseFirst: Bool) async -> ReplaySummary.Result {
        let replayable: Set<CaseState> = force ? Set(CaseState.allCases) : [.open]
        guard replayable.contains(value.state) else { return .skipped(state: value.state.rawValue) }
        guard let topic = CaseReplay.topic(for: value, topics: topics) else {
            return .failed("stage '\(value.provenance.stage)' has no topic to re-enter at")
        }
        var snapshot: ChannelOrderSnapshot?
        let fromReconcile = value.provenance.stage == ReconcileCaseCheck.stage
        if fromReconcile || value.provenance.reasonCode == Self.editAfterFulfilment {
            guard let reconcile else {
                return .failed(
                    "reconciliation and content cases need the channel and ERP read APIs (reconcile.shopify / poller:, erp:)"
                )
            }
            do {
                switch try await reconcile.check(value) {
                case .drift(let current, _): if fromReconcile { snapshot = current }
                case .contentDrift(_, let differences, fulfilled: true):
                    // No replay can correct it (the ERP cannot un-ship): the case stays open.
                    return .failed(
                        "content still differs (\(differences.joined(separator: "; ").prefix(300))) and the sales "
                            + "order is fulfilled: correct its lines in the ERP, then replay")
                case .contentDrift(let current, _, fulfilled: false): if fromReconcile { snapshot = current }
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
        let report: DeliveryReport
        do {
            let record =
                snapshot.map { ReconcileCaseCheck.record(for: value, snapshot: $0, topic: topic) }
                ?? CaseReplay.record(for: value, topic: topic)
            report = try await sink.send(record)
        } catch {
            return .failed("producing to \(topic): \(error)")
        }
        return await markReplayed(value, replayable, topic: topic, report: report, sentAt: now)
    }

    /// After the acknowledged send: the case marked `replayed` as of `sentAt` (unless it came back
    /// already), and the `replayed` audit row.
    private func markReplayed(
        _ value: DeadLetterCase, _ replayable: Set<CaseState>, topic: String, report: DeliveryReport, sentAt: Date
    ) async -> ReplaySummary.Result {
        do {
            if let current = try await cases.loadCase(id: value.id), current.occurrences > value.occurrences {
                return .replayed(topic: topic)  // failed again already: reopened, left open
            }
            switch try await cases.transitionCase(
                id: value.id, to: .replayed, actor: actor, reason: reason, at: sentAt, allowedFrom: replayable)
            {
            case .changed: break
            case .refused(let current):
                return .failed("delivered to \(topic), but the case became \(current.state.rawValue) meanwhile")
            case .notFound: return .failed("delivered to \(topic), but case \(value.id) is gone")
            }
        } catch {
            return .failed("delivered to \(topic), but marking it replayed failed: \(error)")
        }
        try? await ledger?.append(
            AuditRecord(
                time: sentAt, hop: .replayed, orderKey: value.orderKey, channel: value.channel,
                eventID: value.eventID, stage: "dlq", replica: actor, topic: report.topic,
                partition: report.partition, offset: report.offset, reason: value.provenance.reasonCode,
                detail: "case \(value.id) replayed to \(topic) by \(actor)" + (reason.map { ": \($0)" } ?? ""),
                traceID: value.traceID))
        return .replayed(topic: topic)
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
