import Pipeline
import ServiceLifecycle
import Synchronization

/// One reconciliation run as a `Service` (for `driftless reconcile` without `--schedule`): runs the job
/// once, hands the report over and returns, which shuts the group down gracefully.
final class ReconcileOnce: Service, Sendable {
    let job: ReconcileJob
    let onReport: @Sendable (ReconcileReport) -> Void
    private let result = Mutex<String?>(nil)

    init(job: ReconcileJob, onReport: @escaping @Sendable (ReconcileReport) -> Void) {
        self.job = job
        self.onReport = onReport
    }

    /// Whether the run failed.
    var failed: Bool { result.withLock { $0 } == "failed" }

    func run() async throws {
        let report = await job.run()
        result.withLock { $0 = report.result }
        onReport(report)
    }
}
