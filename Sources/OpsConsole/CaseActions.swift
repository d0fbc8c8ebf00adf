import Foundation
import Kafka
import Ledger
import Logging
import Pipeline

/// Replay and discard of a group of cases, through the same ``CaseReplayer`` as `driftless dlq
/// replay` (a case is marked `replayed` only once the broker acknowledged its record, and a
/// `replayed` audit row names who and why) and the same ``CaseDiscarder`` as `driftless dlq discard`
/// (a compare-and-set transition whose history names who and why, and a `discarded` audit row).
struct CaseActions: Sendable {
    let backend: OpsBackend
    let configuration: PipelineConfiguration
    let jobs: OpsJobs
    let logger: Logger

    /// The most cases one action selects.
    static let limit = 10_000

    /// The open cases of the group `stage`/`reasonCode` (all states with `states` empty).
    func cases(stage: String, reasonCode: String, states: Set<CaseState> = [.open], ids: [Int64] = [])
        async throws -> [DeadLetterCase]
    {
        guard let store = backend.cases else { throw OpsError.noCases }
        return try await store.cases(
            CaseQuery(ids: ids, reasonCode: reasonCode, stage: stage, states: states, limit: Self.limit))
    }

    /// What a replay of `selected` would do: nothing produced, nothing marked.
    func dryRun(_ selected: [DeadLetterCase], who: String) async throws -> ReplaySummary {
        guard let store = backend.cases else { throw OpsError.noCases }
        let replayer = CaseReplayer(
            cases: store, ledger: backend.ledger, sink: nil, topics: backend.topics, actor: who,
            reconcile: try ReconcileCaseCheck.forReplay(backend.assembly, needed: selected))
        return await replayer.replay(selected)
    }

    /// Starts replaying `selected` at most `rate` records per second in the background; the job's id.
    func startReplay(_ selected: [DeadLetterCase], title: String, who: String, note: String, rate: Double)
        throws -> Int
    {
        guard let store = backend.cases else { throw OpsError.noCases }
        let check = try ReconcileCaseCheck.forReplay(backend.assembly, needed: selected)
        // The process's producer (the assembly built it for the stages): no second one for replays.
        let producer = try backend.assembly.producer(bootstrapServers: backend.bootstrapServers)
        let replayer = CaseReplayer(
            cases: store, ledger: backend.ledger, sink: producer, topics: backend.topics, actor: who, reason: note,
            rate: rate, reconcile: check)
        let jobs = self.jobs
        let id = jobs.start(title: title, who: who, total: selected.count)
        let logger = self.logger
        Task {
            let summary = await replayer.replay(selected) { done, total, caseID, result in
                jobs.progress(id, "\(done)/\(total) case \(caseID): \(Self.describe(result))")
            }
            jobs.finish(id, summary: summary.line)
            logger.notice(
                "ops console replay",
                metadata: ["who": "\(who)", "cases": "\(selected.count)", "result": "\(summary.line)"])
        }
        return id
    }

    /// Discards the open (or replayed) cases among `selected`; (discarded, refused) counts.
    func discard(_ selected: [DeadLetterCase], who: String, note: String) async throws -> (Int, Int) {
        guard let store = backend.cases else { throw OpsError.noCases }
        let discarder = CaseDiscarder(cases: store, ledger: backend.ledger, actor: who, reason: note)
        var discarded = 0
        var refused = 0
        for value in selected {
            switch try await discarder.discard(id: value.id) {
            case .changed: discarded += 1
            case .refused, .notFound: refused += 1
            }
        }
        logger.notice("ops console discard", metadata: ["who": "\(who)", "cases": "\(discarded)", "note": "\(note)"])
        return (discarded, refused)
    }

    /// A result in words.
    static func describe(_ result: ReplaySummary.Result) -> String {
        switch result {
        case .replayed(let topic): "replayed to \(topic)"
        case .wouldReplay(let topic): "would replay to \(topic)"
        case .skipped(let state): "skipped (\(state))"
        case .resolvedInSync: "in sync again: resolved"
        case .failed(let why): "failed: \(why)"
        }
    }

    /// `5`, `5/s` → records per second (0 < rate ≤ 1000); nil when unreadable.
    static func rate(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.hasSuffix("/s") ? String(trimmed.dropLast(2)) : trimmed
        guard let value = Double(number), value > 0, value <= 1000 else { return nil }
        return value
    }
}

/// Why a console request cannot be answered.
enum OpsError: Error, CustomStringConvertible {
    case noCases
    case notReady
    case badRequest(String)

    var description: String {
        switch self {
        case .noCases: "this ledger keeps no dead-letter cases"
        case .notReady: "the pipeline is still starting"
        case .badRequest(let why): why
        }
    }
}
