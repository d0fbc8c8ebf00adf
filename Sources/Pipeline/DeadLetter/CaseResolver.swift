import Foundation
import Ledger
import Logging
import OrderModel
import Synchronization

/// Resolves replayed cases: a case in `replayed` becomes `resolved` once the audit trail shows the
/// replayed event getting through **the stage that failed** (at or after the replay): `validated`
/// for validate, `translated` for translate, a successful `dispatched` for dispatch — and for
/// reconciliation's cases (their drift is in the ERP) and any other stage, a successful `dispatched`:
/// the ERP write landed, not merely validate seeing the event.
///
/// Each pass checks at most ``maxPerPass`` cases, going round the replayed cases by id from where the
/// last pass stopped, so every replayed case is checked in turn however many there are (the one
/// checked longest ago first) and a pass costs the same with 10 or 100,000 of them.
public struct CaseResolver: Sendable {
    /// Cases checked per pass.
    public static let defaultMaxPerPass = 500

    let cases: any CaseStore
    let ledger: any LedgerStore
    let logger: Logger
    let maxPerPass: Int
    /// The id of the last case the previous pass checked (0: start from the lowest).
    private let cursor = Cursor()

    /// Creates a resolver over one ledger (which holds both the cases and the audit trail).
    public init(cases: any CaseStore, ledger: any LedgerStore, logger: Logger, maxPerPass: Int = defaultMaxPerPass) {
        self.cases = cases
        self.ledger = ledger
        self.logger = logger
        self.maxPerPass = max(1, maxPerPass)
    }

    /// The hops that show an event got through `stage`.
    static func successHops(after stage: String) -> Set<AuditHop> {
        switch stage {
        case StageName.validate.rawValue: [.validated]
        case StageName.translate.rawValue: [.translated]
        default: [.dispatched]
        }
    }

    /// The event ids the replayed event has on its way: its own and, once translated, its canonical
    /// event's (`canonical:<order key>:<event id>`, what dispatch audits for an event that entered
    /// before translate — reconciliation's cases).
    static func eventIDs(of value: DeadLetterCase) -> Set<String> {
        guard let key = OrderKey(value.orderKey) else { return [value.eventID] }
        return [value.eventID, CanonicalEvent.eventID(orderKey: key, sourceEventID: value.eventID)]
    }

    /// Checks the next (at most) ``maxPerPass`` replayed cases; returns the ids it resolved.
    @discardableResult
    public func resolveOnce(now: Date = Date()) async throws -> [Int64] {
        let after = cursor.value
        var batch = try await cases.cases(CaseQuery(states: [.replayed], afterID: after, limit: maxPerPass))
        if batch.count < maxPerPass, after > 0 {
            // Wrapped round: the lowest ids again, up to where this pass started.
            let wrapped = try await cases.cases(CaseQuery(states: [.replayed], limit: maxPerPass - batch.count))
            batch += wrapped.filter { $0.id <= after }
        }
        cursor.value = batch.count < maxPerPass ? 0 : (batch.last?.id ?? 0)
        var resolved: [Int64] = []
        for replayed in batch {
            guard let since = replayed.replayedAt else { continue }
            let hops = Self.successHops(after: replayed.provenance.stage)
            let ids = Self.eventIDs(of: replayed)
            let success = try await ledger.timeline(order: replayed.orderKey).first { row in
                ids.contains(row.eventID) && hops.contains(row.hop) && row.time >= since && !row.isFailure
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

    /// Where the next pass starts.
    private final class Cursor: Sendable {
        private let id = Mutex<Int64>(0)
        var value: Int64 {
            get { id.withLock { $0 } }
            set { id.withLock { $0 = newValue } }
        }
    }
}
