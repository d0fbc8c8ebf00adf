import ArgumentParser
import DriftlessOperations

/// A class of fault the chaos nemesis injects (`driftless chaos --faults kill,pause,…`).
enum ChaosFaultClass: String, CaseIterable, Codable, Sendable, Comparable {
    /// SIGKILL of a random replica, restarted a few seconds later.
    case kill
    /// SIGSTOP of a consumer replica for longer than the session timeout, then SIGCONT (a zombie
    /// member that wakes after its partitions moved).
    case pause
    /// Dispatch scaled 3 → 1 → 3 and translate 2 → 1 → 2 (graceful stops, then starts) under load.
    case scale
    /// The run's own broker proxy stopped: every client loses the broker, then it comes back.
    case partition
    /// The run's own PostgreSQL (the ledger) stopped and started again.
    case postgres
    /// The ERP down (every request 503), then throttling (429 with `Retry-After`).
    case erp
    /// The ledger's connection pools exhausted: every ledger table locked for a while, so each
    /// connection of every process's pool blocks in its query and further ledger calls queue.
    case pool
    /// SIGKILL of the reconciliation candidate holding the lease, down past its lease and two slots
    /// (the other candidate must take the schedule over).
    case lease

    static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// Parses `kill,pause,…` (or `all`, or `none`).
    static func parse(list text: String) throws -> Set<ChaosFaultClass> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names == ["all"] { return Set(allCases) }
        if names == ["none"] { return [] }
        var classes: Set<ChaosFaultClass> = []
        for name in names {
            guard let fault = ChaosFaultClass(rawValue: name) else {
                throw ValidationError(
                    "unknown fault class '\(name)': use \(allCases.map(\.rawValue).joined(separator: ", ")), all or none"
                )
            }
            classes.insert(fault)
        }
        return classes
    }
}
