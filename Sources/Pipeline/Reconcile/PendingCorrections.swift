import Foundation
import Ledger
import Synchronization

/// Corrections earlier runs sent that no run has checked yet (findings with outcome
/// ``correctionSent``), by order key. A run loads them at its start; comparing such an order again
/// settles its finding: in sync → ``corrected`` (the repair landed); still drifted → the correction
/// did not repair it, the finding becomes ``correctionFailed`` and the drift a case (it is not
/// corrected again).
final class PendingCorrections: Sendable {
    /// A correction was sent and not checked yet.
    static let correctionSent = "correction-sent"
    /// A later run found the order in sync: the repair landed.
    static let corrected = "corrected"
    /// A later run found the drift still there: it went to a case.
    static let correctionFailed = "correction-failed"
    /// How far back a run looks for corrections to check.
    static let lookBack: TimeInterval = 30 * 86_400

    private let pending: Mutex<[String: ReconcileFinding]>

    init(_ findings: [ReconcileFinding]) {
        var byOrder: [String: ReconcileFinding] = [:]
        for finding in findings where finding.outcome == Self.correctionSent {
            if let known = byOrder[finding.orderKey], known.foundAt >= finding.foundAt { continue }
            byOrder[finding.orderKey] = finding
        }
        pending = Mutex(byOrder)
    }

    /// The unchecked correction of `orderKey`, taken off the list (nil: none).
    func take(_ orderKey: String) -> ReconcileFinding? {
        pending.withLock { $0.removeValue(forKey: orderKey) }
    }

    /// The corrections not checked yet.
    var remaining: [ReconcileFinding] {
        pending.withLock { Array($0.values) }.sorted { $0.orderKey < $1.orderKey }
    }
}
