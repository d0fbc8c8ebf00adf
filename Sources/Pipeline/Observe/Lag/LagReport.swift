import Foundation
import Kafka

/// Consumer lag of the stage groups: per partition the committed offset, the watermarks and the
/// lag (high watermark − committed offset; − low watermark when nothing is committed), and the
/// total per group. `driftless lag` prints it and ``MetricsSampler`` exports the same numbers as
/// `driftless_consumer_lag_messages`.
public struct LagReport: Sendable, Hashable, Codable {
    /// One stage's consumer group on its input topic.
    public struct Group: Sendable, Hashable, Codable {
        public var group: String
        public var stage: String
        public var topic: String
        public var partitions: [Partition]
        /// Sum of the partitions' lag.
        public var total: Int64 { partitions.reduce(0) { $0 + $1.lag } }

        private enum CodingKeys: String, CodingKey { case group, stage, topic, partitions, total }

        public init(group: String, stage: String, topic: String, partitions: [Partition]) {
            self.group = group
            self.stage = stage
            self.topic = topic
            self.partitions = partitions
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            group = try container.decode(String.self, forKey: .group)
            stage = try container.decode(String.self, forKey: .stage)
            topic = try container.decode(String.self, forKey: .topic)
            partitions = try container.decode([Partition].self, forKey: .partitions)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(group, forKey: .group)
            try container.encode(stage, forKey: .stage)
            try container.encode(topic, forKey: .topic)
            try container.encode(partitions, forKey: .partitions)
            try container.encode(total, forKey: .total)
        }
    }

    /// One partition of a group's topic.
    public struct Partition: Sendable, Hashable, Codable {
        public var partition: Int32
        /// nil: the group committed nothing on it yet.
        public var committed: Int64?
        public var lowWatermark: Int64
        public var highWatermark: Int64
        public var lag: Int64
    }

    public var groups: [Group]

    public init(groups: [Group]) {
        self.groups = groups
    }

    /// The groups of `stages` and their input topics under `topics`' prefix (the retry group reads
    /// one topic per tier of `retryTiers`).
    public static func stageGroups(
        topics: PipelineTopics, stages: [StageName] = StageName.allCases, retryTiers: [String] = []
    ) -> [(stage: StageName, group: String, topics: [String])] {
        stages.compactMap { stage in
            // By name, so a stage added later (the retry stage's tiers) needs no change here.
            let inputs: [String] =
                switch stage.rawValue {
                case "validate": [topics.ingestRaw]
                case "translate": [topics.validated]
                case "dispatch": [topics.canonical]
                case "retry": retryTiers.map { topics.retry(tier: $0) }
                case "dead-letter": [topics.deadLetter, topics.quarantine]
                default: []
                }
            return inputs.isEmpty ? nil : (stage, topics.consumerGroup(for: stage), inputs)
        }
    }

    /// Asks the brokers (committed offsets and ListOffsets watermarks) through `admin`; one
    /// ``Group`` per group and input topic.
    public static func collect(
        admin: KafkaAdmin, topics: PipelineTopics, stages: [StageName] = StageName.allCases,
        retryTiers: [String] = [], group: String? = nil
    ) async throws -> LagReport {
        var groups: [Group] = []
        for entry in stageGroups(topics: topics, stages: stages, retryTiers: retryTiers)
        where group == nil || group == entry.group {
            let lags = try await admin.lag(group: entry.group, topics: entry.topics)
            for topic in entry.topics {
                groups.append(
                    Group(
                        group: entry.group, stage: entry.stage.rawValue, topic: topic,
                        partitions: lags.filter { $0.topic == topic }.sorted { $0.partition < $1.partition }.map {
                            Partition(
                                partition: $0.partition, committed: $0.committed, lowWatermark: $0.lowWatermark,
                                highWatermark: $0.highWatermark, lag: $0.lag)
                        }))
            }
        }
        return LagReport(groups: groups)
    }

    /// A fixed-width table, one line per partition and a total line per group.
    public func table() -> String {
        var lines = [
            "GROUP                          TOPIC                          PART  COMMITTED        LOW       HIGH        LAG"
        ]
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        func right(_ text: String, _ width: Int) -> String {
            text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
        }
        for group in groups {
            for p in group.partitions {
                lines.append(
                    pad(group.group, 31) + pad(group.topic, 31) + right("\(p.partition)", 4)
                        + right(p.committed.map(String.init) ?? "-", 11) + right("\(p.lowWatermark)", 11)
                        + right("\(p.highWatermark)", 11) + right("\(p.lag)", 11))
            }
            lines.append(
                pad(group.group, 31) + pad("total (\(group.stage))", 31) + right("", 48) + right("\(group.total)", 11))
        }
        return lines.joined(separator: "\n")
    }

    /// Sorted-keys JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
