import Foundation
import Ledger

/// Dead-letter and quarantine cases that fail for the same reason: one stage, one reason code.
/// Pure: built from the cases the ledger returned, nothing read here.
struct CaseGroup: Sendable, Hashable {
    /// The stage that refused the records (`validate`, `translate`, `dispatch`, `reconcile`).
    var stage: String
    /// The reason code (`unmapped-status`, `erp-refused`, …).
    var reasonCode: String
    /// How many cases are in each state.
    var counts: [CaseState: Int]
    /// Arrivals (latest occurrence) per hour over the last ``trendHours`` hours, oldest first.
    var trend: [Int]
    /// A detail of the newest case (what the error says).
    var sample: String
    /// The newest arrival.
    var lastSeen: Date

    /// How many hours the trend covers.
    static let trendHours = 24

    /// The group's identifier in URLs: `stage/reason-code`.
    var id: String { stage + "/" + reasonCode }

    /// All its cases.
    var total: Int { counts.values.reduce(0, +) }

    /// Open cases (what replay and discard act on).
    var open: Int { counts[.open] ?? 0 }

    /// Arrivals in the last hour against the hour before: `up`, `down` or `flat`.
    var direction: String {
        guard trend.count >= 2 else { return "flat" }
        let last = trend[trend.count - 1]
        let before = trend[trend.count - 2]
        return last > before ? "up" : last < before ? "down" : "flat"
    }

    /// `cases` grouped by stage and reason code: groups with open cases first, then by size.
    static func groups(_ cases: [DeadLetterCase], now: Date) -> [CaseGroup] {
        var byKey: [String: CaseGroup] = [:]
        for value in cases {
            let key = value.provenance.stage + "/" + value.provenance.reasonCode
            var group =
                byKey[key]
                ?? CaseGroup(
                    stage: value.provenance.stage, reasonCode: value.provenance.reasonCode, counts: [:],
                    trend: Array(repeating: 0, count: trendHours), sample: "", lastSeen: .distantPast)
            group.counts[value.state, default: 0] += 1
            let hoursAgo = Int(now.timeIntervalSince(value.lastSeen) / 3600)
            if (0..<trendHours).contains(hoursAgo) { group.trend[trendHours - 1 - hoursAgo] += 1 }
            if value.lastSeen >= group.lastSeen {
                group.lastSeen = value.lastSeen
                group.sample = value.provenance.reasonDetail
            }
            byKey[key] = group
        }
        return byKey.values.sorted {
            ($0.open > 0 ? 0 : 1, -$0.total, $0.id) < ($1.open > 0 ? 0 : 1, -$1.total, $1.id)
        }
    }
}
