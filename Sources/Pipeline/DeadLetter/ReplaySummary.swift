/// What a replay did, case by case.
public struct ReplaySummary: Sendable {
    /// One case's result.
    public enum Result: Sendable, Hashable {
        /// Produced to `topic` and marked `replayed`.
        case replayed(topic: String)
        /// Would be produced to `topic` (dry run: nothing produced, nothing marked).
        case wouldReplay(topic: String)
        /// Skipped: its state was `state` (replayed, resolved or discarded; `--force` replays it).
        case skipped(state: String)
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

    /// How many cases had each kind of result.
    public var replayed: Int { results.filter { if case .replayed = $0.result { true } else { false } }.count }
    public var wouldReplay: Int { results.filter { if case .wouldReplay = $0.result { true } else { false } }.count }
    public var skipped: Int { results.filter { if case .skipped = $0.result { true } else { false } }.count }
    public var failed: Int { results.filter { if case .failed = $0.result { true } else { false } }.count }

    /// One line: `replayed 3, skipped 1 (already replayed or resolved; --force replays them), failed 0`.
    public var line: String {
        var parts: [String] = []
        if wouldReplay > 0 || replayed == 0 && failed == 0 && skipped == 0 {
            parts.append("dry run: would replay \(wouldReplay)")
        }
        if replayed > 0 || wouldReplay == 0 { parts.append("replayed \(replayed)") }
        if skipped > 0 {
            parts.append("skipped \(skipped) (already replayed, resolved or discarded; --force replays them)")
        }
        parts.append("failed \(failed)")
        return parts.joined(separator: ", ")
    }
}
