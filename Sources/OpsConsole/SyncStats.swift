import Foundation
import Ledger

/// Sync success and time-to-sync over a window, from the audit trail: a `dispatched` row with an
/// HTTP status below 400 is a success, a `dead_lettered` row a failure; time to sync is from the
/// `received` row of the same trace to its first successful `dispatched` row. Pure: given the rows.
struct SyncStats: Sendable, Hashable {
    var successes: Int
    var failures: Int
    /// Seconds from receipt to sync, sorted.
    var durations: [Double]
    /// Successes per bucket of the window, oldest first.
    var perBucket: [Int]

    /// Successes over successes and failures; nil without either.
    var successRate: Double? {
        successes + failures == 0 ? nil : Double(successes) / Double(successes + failures)
    }

    /// The `q` quantile (0…1) of the durations, nearest rank; nil without any.
    func quantile(_ q: Double) -> Double? {
        guard !durations.isEmpty else { return nil }
        let rank = Int((q * Double(durations.count)).rounded(.up))
        return durations[min(max(rank, 1), durations.count) - 1]
    }

    /// From `records` seen in the window ending `now`, `buckets` buckets long.
    static func compute(_ records: [AuditRecord], now: Date, window: TimeInterval, buckets: Int) -> SyncStats {
        var received: [String: Date] = [:]
        for record in records where record.hop == .received {
            let key = record.traceID ?? record.eventID
            received[key] = min(received[key] ?? record.time, record.time)
        }
        var stats = SyncStats(successes: 0, failures: 0, durations: [], perBucket: Array(repeating: 0, count: buckets))
        var synced = Set<String>()
        for record in records.sorted(by: { $0.time < $1.time }) {
            switch record.hop {
            case .dispatched where (record.httpStatus ?? 200) < 400:
                stats.successes += 1
                let age = now.timeIntervalSince(record.time)
                let bucket = buckets - 1 - Int(age / (window / Double(buckets)))
                if (0..<buckets).contains(bucket) { stats.perBucket[bucket] += 1 }
                let key = record.traceID ?? record.eventID
                if let start = received[key], synced.insert(key).inserted {
                    stats.durations.append(max(0, record.time.timeIntervalSince(start)))
                }
            case .deadLettered:
                stats.failures += 1
            default:
                break
            }
        }
        stats.durations.sort()
        return stats
    }
}
