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

    /// Creates a replayer. `sink` nil = dry run. `rate`: at most that many records per second.
    public init(
        cases: any CaseStore, ledger: (any LedgerStore)?, sink: (any RecordSink)?, topics: PipelineTopics,
        actor: String, reason: String? = nil, force: Bool = false, rate: Double? = nil
    ) {
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
            let report = try await sink.send(CaseReplay.record(for: marked, topic: topic))
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
}
