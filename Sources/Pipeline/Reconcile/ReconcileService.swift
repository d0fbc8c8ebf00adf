import Foundation
import Logging
import ServiceLifecycle

/// The built-in schedule: runs a ``ReconcileJob`` at each scheduled time until graceful shutdown. Every
/// replica may run it; the ledger lease lets one run at a time (the others log `skipped`), a replica
/// that wakes for a slot another one already completed skips it too (one run per slot), and a run
/// that failed part-way is resumed at the next attempt (`retryAfterFailure` later or the next slot,
/// whichever comes first).
public final class ReconcileService: Service, Sendable {
    let job: ReconcileJob
    let schedule: ReconcileSchedule
    let retryAfterFailure: Duration
    let logger: Logger
    let onReport: (@Sendable (ReconcileReport) -> Void)?
    let clock: @Sendable () -> Date

    /// A service running `job` on `schedule` (`clock` tells the time of day).
    public init(
        job: ReconcileJob, schedule: ReconcileSchedule, retryAfterFailure: Duration = .seconds(600),
        logger: Logger = Logger(label: "driftless.reconcile"), onReport: (@Sendable (ReconcileReport) -> Void)? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.clock = clock
        self.job = job
        self.schedule = schedule
        self.retryAfterFailure = retryAfterFailure
        self.logger = logger
        self.onReport = onReport
    }

    public func run() async throws {
        var due = schedule.next(after: clock())
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            logger.info("next reconciliation", metadata: ["at": "\(due)"])
            do {
                try await cancelWhenGracefulShutdown { [clock, due] in
                    // The sleep's clock is not the time of day: sleep again until the slot has come
                    // (a run that starts early would count for the slot before).
                    var wait = due.timeIntervalSince(clock())
                    while wait > 0 {
                        try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
                        wait = due.timeIntervalSince(clock())
                    }
                }
            } catch {
                return
            }
            guard !Task.isShuttingDownGracefully else { return }
            // The slot: a replica that wakes for it after another one completed it skips it.
            let report = await job.run(slot: due)
            logger.info(
                "reconciliation finished", metadata: ["result": "\(report.result)", "found": "\(report.found)"])
            onReport?(report)
            let next = schedule.next(after: clock())
            due =
                report.result == "failed"
                ? min(clock().addingTimeInterval(DurationSeconds.of(retryAfterFailure)), next) : next
        }
    }
}
