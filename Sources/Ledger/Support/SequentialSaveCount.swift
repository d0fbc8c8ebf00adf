/// How many rows an only-if-newer save of `states` writes when they are applied one by one, in
/// order, as SQLite does: a row is written when its key has no stored row yet or its version is
/// above the stored one (which each written row raises).
///
/// PostgreSQL writes one row per key in one statement; this gives it SQLite's count from the
/// versions stored before the save and the keys the upsert wrote (a key it did not write had no
/// row above the stored version, so none of its rows counts).
enum SequentialSaveCount {
    static func count(_ states: [OrderStateRecord], stored: [OrderStateKey: Int64], written: Set<OrderStateKey>) -> Int
    {
        var current = stored
        var count = 0
        for state in states where written.contains(state.key) {
            if let version = current[state.key], state.version <= version { continue }
            current[state.key] = state.version
            count += 1
        }
        return count
    }
}
