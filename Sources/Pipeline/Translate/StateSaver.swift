import Ledger
import Logging
import OrderModel

/// Saves a translate batch's state rows, only-if-newer, and tells how many rows of each order were
/// already applied by another replica (a concurrent replica during a rebalance).
///
/// A batch's rows for one order are versions v+1…v+n, where v is the version the plan started from;
/// the ledger writes a row only above the stored version, so when another replica stored version w,
/// the first min(n, w − v) rows are refused. Orders whose stored version is still v (the normal case)
/// are saved together in **one transaction**; orders that moved since the plan are saved one
/// transaction each so the refused count of each is exact.
struct StateSaver {
    let ledger: any LedgerStore
    let logger: Logger

    /// Saves `saves` (per order key, rows in version order). Returns per key the rows refused.
    func save(_ saves: [String: [OrderStateRecord]]) async throws -> [String: Int] {
        guard !saves.isEmpty else { return [:] }
        let keys = Array(saves.keys)
        var stored: [String: Int64] = [:]
        for row in try await ledger.loadStates(orders: keys)
        where row.system == OrderKey(row.orderKey)?.channel.rawValue {
            stored[row.orderKey] = row.version
        }
        var together: [OrderStateRecord] = []
        var alone: [(String, [OrderStateRecord])] = []
        for (key, rows) in saves {
            guard let first = rows.first else { continue }
            if stored[key, default: 0] == first.version - 1 {
                together.append(contentsOf: rows)
            } else {
                alone.append((key, rows))
            }
        }
        var refused: [String: Int] = [:]
        for (key, rows) in alone {
            let written = try await ledger.saveStates(rows, onlyIfNewer: true)
            if written < rows.count { refused[key] = rows.count - written }
        }
        let written = try await ledger.saveStates(together, onlyIfNewer: true)
        if written < together.count {
            // Another replica stored some of these orders between the check and the write (a window
            // of one ledger round trip): the per-order split of the refused rows is not known, so
            // they are attributed to the orders in key order.
            var shortfall = together.count - written
            logger.warning("translate: rows refused in the batched state save", metadata: ["refused": "\(shortfall)"])
            for key in keys.sorted()
            where shortfall > 0 && stored[key, default: 0] == (saves[key]?.first?.version ?? 1) - 1 {
                let count = min(shortfall, saves[key]?.count ?? 0)
                refused[key, default: 0] += count
                shortfall -= count
            }
        }
        return refused
    }
}
