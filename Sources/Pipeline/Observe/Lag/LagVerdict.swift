import Foundation

/// A consumer group's health over a window of lag samples, the way Burrow judges one: not from one
/// number but from how committed offsets and lag moved.
public enum LagVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// Keeping up: lag reached zero in the window, or is not growing and offsets move.
    case ok = "OK"
    /// Lag grew over the whole window while the group still commits.
    case warn = "WARN"
    /// A partition with lag whose committed offset did not move during the window.
    case stall = "STALL"
    /// No member in the group: nothing consumes.
    case stop = "STOP"
}

/// One sample of a group: per partition its committed offset and lag, and how many members the group
/// has (nil when the brokers did not say).
public struct LagSample: Sendable, Hashable {
    /// A partition of a topic the group reads.
    public struct Partition: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var committed: Int64?
        public var lag: Int64

        public init(topic: String, partition: Int32, committed: Int64?, lag: Int64) {
            self.topic = topic
            self.partition = partition
            self.committed = committed
            self.lag = lag
        }

        var key: String { "\(topic)[\(partition)]" }
    }

    public var time: Date
    public var partitions: [Partition]
    public var members: Int?

    public init(time: Date, partitions: [Partition], members: Int? = nil) {
        self.time = time
        self.partitions = partitions
        self.members = members
    }

    /// The group's total lag.
    public var totalLag: Int64 { partitions.reduce(0) { $0 + $1.lag } }

    /// One sample per group of `report` (its topics together), at `time`; `members` by group name.
    public static func samples(_ report: LagReport, at time: Date, members: [String: Int] = [:]) -> [String: LagSample]
    {
        var samples: [String: LagSample] = [:]
        for group in report.groups {
            var sample = samples[group.group] ?? LagSample(time: time, partitions: [], members: members[group.group])
            sample.partitions += group.partitions.map {
                Partition(topic: group.topic, partition: $0.partition, committed: $0.committed, lag: $0.lag)
            }
            samples[group.group] = sample
        }
        return samples
    }
}

/// The verdict of one window, with the reason in words.
public struct LagEvaluation: Sendable, Hashable {
    public var verdict: LagVerdict
    public var reason: String
    /// The latest sample's total lag.
    public var lag: Int64

    public init(verdict: LagVerdict, reason: String, lag: Int64) {
        self.verdict = verdict
        self.reason = reason
        self.lag = lag
    }

    /// Judges `window` (oldest first). Rules, in order: no member → STOP; a partition with lag in every
    /// sample whose committed offset never moved → STALL; total lag above zero throughout and growing
    /// from sample to sample (never shrinking) → WARN; otherwise OK. One sample cannot show a trend:
    /// only STOP or OK.
    public static func evaluate(_ window: [LagSample]) -> LagEvaluation {
        guard let last = window.last else { return LagEvaluation(verdict: .ok, reason: "no samples yet", lag: 0) }
        if last.members == 0 {
            return LagEvaluation(verdict: .stop, reason: "no member in the group", lag: last.totalLag)
        }
        guard window.count >= 2, let first = window.first else {
            return LagEvaluation(verdict: .ok, reason: "one sample so far", lag: last.totalLag)
        }
        for partition in last.partitions where partition.lag > 0 {
            let history = window.map { sample in sample.partitions.first { $0.key == partition.key } }
            guard history.allSatisfy({ ($0?.lag ?? 0) > 0 }) else { continue }
            if Set(history.map { $0?.committed }).count == 1 {
                return LagEvaluation(
                    verdict: .stall,
                    reason: "\(partition.key): committed offset \(partition.committed.map(String.init) ?? "none") "
                        + "not moving over \(window.count) samples, lag \(partition.lag)",
                    lag: last.totalLag)
            }
        }
        let totals = window.map(\.totalLag)
        let growing = zip(totals, totals.dropFirst()).allSatisfy { $0 <= $1 } && last.totalLag > first.totalLag
        if growing, totals.allSatisfy({ $0 > 0 }) {
            return LagEvaluation(
                verdict: .warn,
                reason: "lag grew from \(first.totalLag) to \(last.totalLag) over \(window.count) samples",
                lag: last.totalLag)
        }
        return LagEvaluation(verdict: .ok, reason: "keeping up (lag \(last.totalLag))", lag: last.totalLag)
    }
}

/// Keeps a window of samples per group and the verdict of each: a pure state machine — it is given
/// samples and returns what changed; whoever feeds it logs, exports or prints.
public struct LagVerdictMachine: Sendable {
    /// What a new sample caused.
    public enum Action: Sendable, Hashable {
        /// The group's verdict changed (`from` nil: its first verdict).
        case changed(group: String, from: LagVerdict?, to: LagEvaluation)
    }

    /// Samples kept per group (the window).
    public let windowSize: Int
    private var windows: [String: [LagSample]] = [:]
    private var evaluations: [String: LagEvaluation] = [:]

    /// A machine judging over the latest `windowSize` samples (at least 2).
    public init(windowSize: Int = 10) {
        self.windowSize = max(2, windowSize)
    }

    /// Adds `sample` of `group`; the verdict change it caused, if any.
    public mutating func record(group: String, _ sample: LagSample) -> [Action] {
        var window = windows[group] ?? []
        window.append(sample)
        if window.count > windowSize { window.removeFirst(window.count - windowSize) }
        windows[group] = window
        let evaluation = LagEvaluation.evaluate(window)
        let previous = evaluations[group]
        evaluations[group] = evaluation
        return previous?.verdict == evaluation.verdict
            ? [] : [.changed(group: group, from: previous?.verdict, to: evaluation)]
    }

    /// Every group's current evaluation, by group name.
    public var current: [String: LagEvaluation] { evaluations }

    /// How many samples `group`'s window holds.
    public func samples(of group: String) -> Int { windows[group]?.count ?? 0 }
}
