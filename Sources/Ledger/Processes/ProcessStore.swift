import Foundation

/// Where processes register and heartbeat (migration 9), so every replica and the operations
/// console see each stage's processes and their throughput. Both backends conform.
public protocol ProcessStore: Sendable {
    /// Upserts `processes` (by process id and stage) and adds each count of `throughput` to its
    /// minute's row, in one transaction.
    func heartbeat(_ processes: [StageProcess], throughput: [StageThroughput]) async throws

    /// Every registered process, by stage then replica.
    func stageProcesses() async throws -> [StageProcess]

    /// Throughput rows from `since` on, oldest first.
    func stageThroughput(since: Date) async throws -> [StageThroughput]

    /// Forgets processes whose last heartbeat and throughput minutes older than `cutoff`; how many
    /// rows went.
    @discardableResult
    func pruneStageProcesses(before cutoff: Date) async throws -> Int
}
