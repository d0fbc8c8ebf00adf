/// What a replay did, case by case.
public struct ReplaySummary: Sendable {
    /// One case's result.
    public enum Result: Sendable, Hashable {
        /// Produced to `topic`, acknowledged by the broker, then marked `replayed`.
        case replayed(topic: String)
        /// Would be produced to `topic` (dry run: nothing produced, nothing marked).
        case wouldReplay(topic: String)
        /// Skipped: its state was `state` (replayed, resolved or discarded; `--force` replays it).
        case skipped(state: String)
        /// A reconciliation case whose order is in sync again on re-check: resolved, nothing produced
        /// (a dry run: would be).
        case resolvedInSync
        /// Failed (nothing left marked): why.
        case failed(String)
    }

    /// One case and its result.
    public struct Entry: Sendable, Hashable {
        public var id: Int64
        public var result: Result
    }

    /// Results in the order the cases were given.
    public var results: [Entry] = []

    /// Creates an empty summary.
    public init() {}

    /// Whether this was a dry run (nothing produced, nothing marked).
    public var dryRun = false

    /// Cases produced and marked `replayed`.
    public var replayed: Int { count { if case .replayed = $0 { true } else { false } } }
    /// Cases a dry run would replay.
    public var wouldReplay: Int { count { if case .wouldReplay = $0 { true } else { false } } }
    /// Cases skipped for their state.
    public var skipped: Int { count { if case .skipped = $0 { true } else { false } } }
    /// Reconciliation cases found in sync again (resolved without a record).
    public var resolvedInSync: Int { count { if case .resolvedInSync = $0 { true } else { false } } }
    /// Cases that failed.
    public var failed: Int { count { if case .failed = $0 { true } else { false } } }

    private func count(_ matching: (Result) -> Bool) -> Int {
        results.filter { matching($0.result) }.count
    }

    /// One line, e.g. `replayed 3, skipped 1 (already replayed, resolved or discarded; --force replays
    /// them), failed 0` or `dry run: would replay 4, failed 0`.
    public var line: String {
        var parts = [dryRun ? "dry run: would replay \(wouldReplay)" : "replayed \(replayed)"]
        if resolvedInSync > 0 {
            parts.append("\(dryRun ? "would resolve" : "resolved") \(resolvedInSync) (in sync again)")
        }
        if skipped > 0 {
            parts.append("skipped \(skipped) (already replayed, resolved or discarded; --force replays them)")
        }
        parts.append("failed \(failed)")
        return parts.joined(separator: ", ")
    }
}
