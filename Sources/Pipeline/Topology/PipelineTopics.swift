/// The names of the pipeline's Kafka topics, derived from one configurable prefix.
///
/// `<p>.ingest.raw` → validate → `<p>.validated` → translate → `<p>.canonical`; failures go to
/// `<p>.quarantine`. Retry tiers and the dead-letter topic are named here already so the dispatch
/// stage (next issue) shares the naming.
public struct PipelineTopics: Sendable, Hashable {
    /// The prefix of every topic name (default `driftless`).
    public let prefix: String

    /// Creates the topic names for `prefix`.
    public init(prefix: String = "driftless") {
        self.prefix = prefix
    }

    /// Raw channel payloads as received (webhooks, poller).
    public var ingestRaw: String { "\(prefix).ingest.raw" }
    /// Payloads that decoded and whose statuses are mapped.
    public var validated: String { "\(prefix).validated" }
    /// Canonical events (JSON `CanonicalEvent`).
    public var canonical: String { "\(prefix).canonical" }
    /// Records a stage refused, with `dl-stage` / `dl-reason` / provenance headers.
    public var quarantine: String { "\(prefix).quarantine" }
    /// Records given up on for good (dispatch and retry), with their retry envelope.
    public var deadLetter: String { "\(prefix).dead-letter" }

    /// A delayed retry topic of the dispatch stage, e.g. `retry(tier: "30s")`.
    public func retry(tier: String) -> String { "\(prefix).retry.\(tier)" }

    /// The topics the stages read or write besides the retry tiers (created on start-up).
    public var stageTopics: [String] { [ingestRaw, validated, canonical, quarantine, deadLetter] }

    /// Every topic of a pipeline with `tiers` (created on start-up).
    public func allTopics(tiers: [RetryTier]) -> [String] {
        stageTopics + tiers.map { retry(tier: $0.name) }
    }

    /// The consumer group of a stage: `<p>.<stage>`.
    public func consumerGroup(for stage: StageName) -> String { "\(prefix).\(stage.rawValue)" }
}

/// The stages `driftless run --stage` can start.
public enum StageName: String, Sendable, CaseIterable, Codable {
    case ingest
    case validate
    case translate
    case dispatch
    /// The delayed retry tiers (group `<p>.retry`).
    case retry
    /// Turns `<p>.dead-letter` and `<p>.quarantine` records into ledger cases (group `<p>.dead-letter`).
    case deadLetter = "dead-letter"
}
