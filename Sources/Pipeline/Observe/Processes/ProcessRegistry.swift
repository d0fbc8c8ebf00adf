import Foundation
import Kafka
import Ledger
import Logging
import ServiceLifecycle
import Synchronization

/// Registers this process's stages in the ledger (``ProcessStore``) and keeps them beating, so every
/// replica and the operations console see each stage's processes: replica, host, the partitions each
/// owns, state and last heartbeat, and the records each settled per minute.
///
/// Every `check` it reads its consumers' assignment, which their rebalance callbacks keep
/// (``KafkaConsumerStatistics/assignment``): an assignment or revocation is written at once, otherwise
/// a heartbeat goes every ``heartbeatInterval``. Each write adds what the stages settled since the
/// last one to the minute's throughput row — one small transaction per heartbeat, nothing per record.
/// On graceful shutdown the stages are written `stopped`. A failed write is logged and tried again at
/// the next heartbeat; its counts go with the next write that lands.
public final class ProcessRegistry: Service, Sendable {
    /// One stage of this process.
    public struct Source: Sendable {
        public var stage: String
        /// Its consumer's counters (nil: a stage without a consumer, e.g. ingest).
        public var statistics: @Sendable () -> KafkaConsumerStatistics?
        /// Records it settled so far.
        public var settled: @Sendable () -> Int

        public init(
            stage: String, statistics: @escaping @Sendable () -> KafkaConsumerStatistics?,
            settled: @escaping @Sendable () -> Int
        ) {
            self.stage = stage
            self.statistics = statistics
            self.settled = settled
        }
    }

    /// How often a process beats when nothing changed.
    public static let heartbeatInterval: Duration = .seconds(5)
    /// A heartbeat older than this means the process is gone or hung (six missed beats).
    public static let staleAfter: TimeInterval = 30
    /// How long a process that stopped beating, and throughput rows, are kept.
    public static let keep: TimeInterval = 86_400

    /// This process: `<replica>@<host>:<pid>:<start>`.
    public let processID: String
    let replica: String
    let host: String
    let pid: Int
    let startedAt: Date
    private let store: any ProcessStore
    private let sources: [Source]
    private let check: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let last = Mutex(Last())

    private struct Last {
        var rebalances: [String: Int] = [:]
        var settled: [String: Int] = [:]
        var written: Date?
        var pruned: Date?
    }

    /// A registry of `sources` in `store` for the process `replica` on `host`.
    public init(
        store: any ProcessStore, replica: String, host: String = ProcessInfo.processInfo.hostName,
        pid: Int = Int(ProcessInfo.processInfo.processIdentifier), sources: [Source], check: Duration = .seconds(1),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        let started = now()
        self.store = store
        self.replica = replica
        self.host = host
        self.pid = pid
        self.startedAt = started
        processID = "\(replica)@\(host):\(pid):\(Int(started.timeIntervalSince1970))"
        self.sources = sources
        self.check = check
        self.now = now
        self.logger = logger
    }

    /// Beats until graceful shutdown, then writes the stages `stopped`.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.beat()
                do { try await Task.sleep(for: self.check) } catch { return }
            }
        }
        await beat(stopping: true)
    }

    /// Writes the stages when an assignment changed, the heartbeat is due, `stopping` or `force`;
    /// whether it wrote.
    @discardableResult
    public func beat(stopping: Bool = false, force: Bool = false) async -> Bool {
        let at = now()
        let readings = sources.map { ($0, $0.statistics(), $0.settled()) }
        let (due, prune) = last.withLock { last -> (Bool, Bool) in
            let moved = readings.contains { source, statistics, _ in
                statistics.map { $0.assignments + $0.revocations } != last.rebalances[source.stage]
            }
            let interval = DurationSeconds.of(Self.heartbeatInterval)
            let late = last.written.map { at.timeIntervalSince($0) >= interval } ?? true
            let prune = last.pruned.map { at.timeIntervalSince($0) >= 3600 } ?? true
            return (moved || late || stopping || force, prune)
        }
        guard due else { return false }
        var processes: [StageProcess] = []
        var throughput: [StageThroughput] = []
        let previous = last.withLock { $0.settled }
        for (source, statistics, settled) in readings {
            processes.append(
                StageProcess(
                    processID: processID, stage: source.stage, replica: replica, host: host, pid: pid,
                    partitions: stopping ? [] : statistics?.assignment ?? [],
                    state: Self.state(statistics, stopping: stopping), startedAt: startedAt, heartbeatAt: at))
            let delta = settled - (previous[source.stage] ?? 0)
            if delta > 0 {
                throughput.append(
                    StageThroughput(stage: source.stage, processID: processID, minute: at, records: delta))
            }
        }
        do {
            if prune { try await store.pruneStageProcesses(before: at.addingTimeInterval(-Self.keep)) }
            try await store.heartbeat(processes, throughput: throughput)
        } catch {
            // Tried again at the next heartbeat (not every check: one warning per interval in an
            // outage); the settled counts go with the next write that lands.
            logger.warning("process heartbeat not written", metadata: ["error": "\(error)"])
            last.withLock { last in
                last.written = at
                for (source, statistics, _) in readings {
                    last.rebalances[source.stage] = statistics.map { $0.assignments + $0.revocations }
                }
            }
            return false
        }
        last.withLock { last in
            last.written = at
            if prune { last.pruned = at }
            for (source, statistics, settled) in readings {
                last.rebalances[source.stage] = statistics.map { $0.assignments + $0.revocations }
                last.settled[source.stage] = settled
            }
        }
        return true
    }

    /// `stopped`, `starting` (no assignment yet), `idle` (a member with no partitions) or `running`.
    static func state(_ statistics: KafkaConsumerStatistics?, stopping: Bool) -> String {
        if stopping { return "stopped" }
        guard let statistics else { return "running" }
        if statistics.assignments == 0 { return "starting" }
        return statistics.assignment.isEmpty ? "idle" : "running"
    }
}
