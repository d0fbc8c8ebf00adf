import Foundation

/// One process running one stage, as it last reported itself (`stage_processes`, migration 9): which
/// replica on which host, the partitions it owns, its state and when it last beat.
public struct StageProcess: Sendable, Hashable {
    /// Unique per running process: `<replica>@<host>:<pid>:<start time>`.
    public var processID: String
    /// The stage (`validate`, `translate`, …, `ingest`).
    public var stage: String
    /// The configured replica name (`DRIFTLESS_REPLICA`, default the host name).
    public var replica: String
    public var host: String
    public var pid: Int
    /// The partitions it owns, e.g. `driftless.raw[0]`, sorted.
    public var partitions: [String]
    /// `starting`, `running`, `idle` (a member with no partitions), `stopped`.
    public var state: String
    public var startedAt: Date
    public var heartbeatAt: Date

    /// A process entry.
    public init(
        processID: String, stage: String, replica: String, host: String, pid: Int, partitions: [String],
        state: String, startedAt: Date, heartbeatAt: Date
    ) {
        self.processID = processID
        self.stage = stage
        self.replica = replica
        self.host = host
        self.pid = pid
        self.partitions = partitions
        self.state = state
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }

    /// Partitions as stored (comma-separated).
    var partitionsText: String { partitions.joined(separator: ",") }

    /// Partitions from their stored text.
    static func partitions(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }
}

/// Records one process settled for one stage in one minute (`stage_throughput`).
public struct StageThroughput: Sendable, Hashable {
    public var stage: String
    public var processID: String
    /// The minute's start (whole minutes, UTC).
    public var minute: Date
    public var records: Int

    /// A count.
    public init(stage: String, processID: String, minute: Date, records: Int) {
        self.stage = stage
        self.processID = processID
        self.minute = minute
        self.records = records
    }

    /// The start of the minute `date` falls in.
    public static func minute(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }
}
