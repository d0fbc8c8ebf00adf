import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// A ledger that can hold reconciliation's findings, lease and cases.
public typealias ReconcileLedger = CaseStore & LedgerStore & ReconcileStore

/// One reconciliation run (the playbook's Step 4): pages through each channel's orders updated in the
/// window (storefront, marketplace), reads each one's ERP view, compares them with the mismatch classifier (``Reconciler``) and,
/// per the policy, injects the channel's truth on `<p>.ingest.raw` or opens a case. Findings go to the
/// ledger, the metrics and the mismatch alert rule.
///
/// One run at a time across replicas: the run holds a ledger lease (renewed while it goes on) and
/// records its window and progress on it after every page, so a run interrupted mid-way is resumed by
/// the next attempt (same run id: what was injected is not injected again) from the last finished page.
public final class ReconcileJob: Sendable {
    let settings: ReconcileSettings
    let channels: [any ChannelOrderReader]
    let erp: ERPViewReader
    let stats: ReconcileAPIStats
    let reconciler: Reconciler
    let translator: ChannelTranslator
    let ledger: any ReconcileLedger
    let send: @Sendable ([ProducerRecord]) async throws -> Void
    let topics: PipelineTopics
    let metrics: PipelineMetrics?
    let alerts: AlertEngine?
    let logger: Logger
    let clock: @Sendable () -> Date
    let progress: (@Sendable (ReconcileProgress) -> Void)?

    /// A job; `stats` must be the instance the readers count into, `send` produces records (and returns
    /// once they are acknowledged), `clock` gives "now" (the window ends there).
    public init(
        settings: ReconcileSettings, channels: [any ChannelOrderReader], erp: ERPViewReader, stats: ReconcileAPIStats,
        matrix: MappingMatrix, ledger: any ReconcileLedger, topics: PipelineTopics,
        send: @escaping @Sendable ([ProducerRecord]) async throws -> Void, metrics: PipelineMetrics? = nil,
        alerts: AlertEngine? = nil, logger: Logger = Logger(label: "driftless.reconcile"),
        clock: @escaping @Sendable () -> Date = { Date() },
        progress: (@Sendable (ReconcileProgress) -> Void)? = nil
    ) {
        self.settings = settings
        self.channels = channels
        self.erp = erp
        self.stats = stats
        self.reconciler = Reconciler(matrix: matrix, policy: settings.policy)
        self.translator = ChannelTranslator(matrix: matrix)
        self.ledger = ledger
        self.send = send
        self.topics = topics
        self.metrics = metrics
        self.alerts = alerts
        self.logger = logger
        self.clock = clock
        self.progress = progress
    }

    /// Runs once. A run that cannot take the lease returns `skipped`, and so does one for a scheduled
    /// `slot` that a completed run already covered (its window ended at or after the slot, and no
    /// interrupted run waits to be resumed); a failed read or write ends it as `failed` (the report
    /// says why), its progress kept for the next attempt. Every write it makes is fenced by the lease
    /// generation it acquired (``ReconcileLeaseHold``): once another replica took the lease, or the
    /// lease lapsed before it was renewed, the run writes nothing more and stops.
    public func run(slot: Date? = nil) async -> ReconcileReport {
        let started = ContinuousClock.now
        let now = clock()
        let fresh = ReconcileRunState(
            runID: Self.newRunID(now), windowStart: now.addingTimeInterval(-DurationSeconds.of(settings.window)),
            windowEnd: now)
        guard !settings.dryRun else { return await attempt(fresh, resumed: false, started: started, now: now) }
        let acquired: ReconcileLease?
        do {
            acquired = try await ledger.acquireReconcileLease(
                name: settings.leaseName, owner: settings.owner, ttl: settings.leaseTTL, now: now)
        } catch {
            return failed(fresh, error: error, started: started)
        }
        guard let lease = acquired else {
            logger.info("reconciliation skipped: another replica holds the lease")
            return skipped(fresh, now: now)
        }
        let hold = ReconcileLeaseHold(fence: lease.fence, ttl: settings.leaseTTL, askedAt: now)
        return await ReconcileLeaseHold.$current.withValue(hold) {
            var state = fresh
            var resumed = false
            do {
                if let slot, lease.run?.finished ?? true,
                    let completed = try await ledger.loadCheckpoint(completedCheckpoint), completed >= slot
                {
                    try await ledger.releaseReconcileLease(lease.fence)
                    logger.info("reconciliation skipped: another replica already ran this slot")
                    return skipped(state, now: now)
                }
                if let last = lease.run, !last.finished, try await !giveUpIfStuck(last, now: now) {
                    state = last
                    resumed = true
                }
                if !resumed { state.windowStart = try await windowStart(now: now) }
                try await saveRun(state)
                try await recordAttempt(state, now: now)
            } catch {
                return failed(state, error: error, started: started)
            }
            return await attempt(state, resumed: resumed, started: started, now: now)
        }
    }

    private func skipped(_ state: ReconcileRunState, now: Date) -> ReconcileReport {
        var report = ReconcileReport(
            result: "skipped", runID: "", dryRun: false, resumed: false, windowStart: state.windowStart,
            windowEnd: state.windowEnd)
        report.startedAt = now
        return report
    }

    /// The attempt after the lease was taken (or a dry run): the sweep racing the lease's renewal,
    /// then the run finished, the checkpoint moved and the lease released.
    private func attempt(
        _ initialState: ReconcileRunState, resumed: Bool, started: ContinuousClock.Instant, now: Date
    ) async -> ReconcileReport {
        var state = initialState
        let callsBefore = stats.calls
        let waitsBefore = stats.waits
        let waitedBefore = stats.waitedTotal
        var report = ReconcileReport(
            result: "ok", runID: state.runID, dryRun: settings.dryRun, resumed: resumed,
            windowStart: state.windowStart, windowEnd: state.windowEnd)
        report.startedAt = now
        do {
            // A resumed run does not act again on orders its earlier attempt already handled.
            let handled: Set<String> =
                resumed
                ? Set(try await ledger.findings(runID: state.runID, since: nil, limit: .max).map(\.orderKey)) : []
            let pending = try await pendingCorrections(runID: state.runID, now: now)
            let start = state
            let initial = report
            // The sweep and the lease renewal race: a lost lease ends the sweep (cancelled) and the run.
            let swept = try await withThrowingTaskGroup(of: (ReconcileRunState, ReconcileReport)?.self) { group in
                if !settings.dryRun {
                    group.addTask {
                        try await self.keepLease()
                        return nil
                    }
                }
                group.addTask {
                    var state = start
                    var report = initial
                    try await self.sweep(&state, &report, handled: handled, pending: pending)
                    if !self.settings.dryRun {
                        try await self.checkPendingCorrections(pending, runID: state.runID, &report)
                    }
                    return (state, report)
                }
                while let finished = try await group.next() {
                    if let finished {
                        group.cancelAll()
                        return finished
                    }
                }
                throw CancellationError()
            }
            (state, report) = swept
            if !settings.dryRun {
                state.finished = true
                try await saveRun(state)
                try await ledger.advanceCheckpoint("reconcile:\(settings.leaseName)", to: state.windowEnd)
                try await releaseLease()
            }
            report.result = report.found == 0 ? "ok" : "drift-found"
        } catch {
            report.result = "failed"
            report.error = String(describing: error)
            if !noteLeaseLoss(error, runID: state.runID) {
                logger.error("reconciliation failed", metadata: ["run": "\(state.runID)", "error": "\(error)"])
            }
        }
        report.apiCalls = stats.calls.merging(callsBefore) { $0 - $1 }
        report.rateLimitWaits = stats.waits.merging(waitsBefore) { $0 - $1 }
        report.rateLimitWaitSeconds = DurationSeconds.of(stats.waitedTotal - waitedBefore)
        report.durationSeconds = DurationSeconds.of(ContinuousClock.now - started)
        if let hold = ReconcileLeaseHold.current {
            report.leaseGeneration = hold.fence.generation
            report.leaseActedUntil = hold.actedUntil
        }
        if !settings.dryRun {
            await recordOutcome(report)
            metrics?.reconciliation(duration: ContinuousClock.now - started, result: report.result, now: clock())
            if metrics == nil && report.result != "failed" { alerts?.recordReconciliation(at: clock()) }
        }
        return report
    }

    private func failed(_ state: ReconcileRunState, error: any Error, started: ContinuousClock.Instant)
        -> ReconcileReport
    {
        var report = ReconcileReport(
            result: "failed", runID: state.runID, dryRun: settings.dryRun, resumed: false,
            windowStart: state.windowStart, windowEnd: state.windowEnd)
        report.error = String(describing: error)
        report.startedAt = clock().addingTimeInterval(-DurationSeconds.of(ContinuousClock.now - started))
        report.durationSeconds = DurationSeconds.of(ContinuousClock.now - started)
        if let hold = ReconcileLeaseHold.current {
            report.leaseGeneration = hold.fence.generation
            report.leaseActedUntil = hold.actedUntil
        }
        noteLeaseLoss(error, runID: state.runID)
        metrics?.reconciliation(duration: ContinuousClock.now - started, result: "failed", now: clock())
        return report
    }

    /// `r20261205T031500Z-1a2b3c`.
    static func newRunID(_ now: Date) -> String {
        let stamp = RFC3339.format(now).filter { $0.isNumber || $0 == "T" || $0 == "Z" }
        return "r\(stamp)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
