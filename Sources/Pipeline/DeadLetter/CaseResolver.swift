import Foundation
import Ledger
import Logging

/// Resolves replayed cases: a case in `replayed` becomes `resolved` once the audit trail shows the
/// replayed event getting through the stage that failed (a `validated`, `translated` or successful
/// `dispatched` row for its event id, at or after the replay).
public struct CaseResolver: Sendable {
    let cases: any CaseStore
    let ledger: any LedgerStore
    let logger: Logger

    /// Creates a resolver over one ledger (which holds both the cases and the audit trail).
    public init(cases: any CaseStore, ledger: any LedgerStore, logger: Logger) {
        self.cases = cases
        self.ledger = ledger
        self.logger = logger
    }

    /// The hops that show an event got through `stage`.
    static func successHops(after stage: String) -> Set<AuditHop> {
        switch stage {
        case StageName.validate.rawValue: [.validated]
        case StageName.translate.rawValue: [.translated]
        case StageName.dispatch.rawValue: [.dispatched]
        default: [.validated, .translated, .dispatched]
        }
    }

    /// Checks every replayed case once; returns the ids it resolved.
    @discardableResult
    public func resolveOnce(now: Date = Date()) async throws -> [Int64] {
        var resolved: [Int64] = []
        for replayed in try await cases.cases(CaseQuery(states: [.replayed], limit: 10_000)) {
            guard let since = replayed.replayedAt else { continue }
            let hops = Self.successHops(after: replayed.provenance.stage)
            let success = try await ledger.timeline(order: replayed.orderKey).first { row in
                row.eventID == replayed.eventID && hops.contains(row.hop) && row.time >= since && !row.isFailure
            }
            guard let success else { continue }
            let outcome = try await cases.transitionCase(
                id: replayed.id, to: .resolved, actor: StageName.deadLetter.rawValue,
                reason: "\(success.hop.rawValue) by \(success.stage) after the replay", at: now,
                allowedFrom: [.replayed])
            if case .changed = outcome {
                resolved.append(replayed.id)
                logger.info("dead-letter case resolved", metadata: ["case": "\(replayed.id)", "hop": "\(success.hop)"])
            }
        }
        return resolved
    }

    /// Checks every `interval` until the task is cancelled; a ledger failure is logged and retried
    /// at the next tick.
    func run(every interval: Duration) async {
        while !Task.isCancelled {
            do {
                try await resolveOnce()
            } catch {
                logger.warning("resolving dead-letter cases failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
