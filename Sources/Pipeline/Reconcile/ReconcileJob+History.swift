import Foundation
import Ledger
import Logging

/// Where a run's window starts, giving up a run that keeps failing, and the run history.
extension ReconcileJob {
    /// The checkpoint holding the end of the last completed window.
    var completedCheckpoint: String { "reconcile:\(settings.leaseName)" }

    /// A new run's window start: the usual `now − window`, or earlier — where the last completed
    /// window ended, when runs were missed — but never before `now − maxLookback`.
    func windowStart(now: Date) async throws -> Date {
        let usual = now.addingTimeInterval(-DurationSeconds.of(settings.window))
        let floor = now.addingTimeInterval(-DurationSeconds.of(max(settings.maxLookback, settings.window)))
        guard let lastEnd = try await ledger.loadCheckpoint(completedCheckpoint) else { return usual }
        return max(min(usual, lastEnd), floor)
    }

    /// Whether the unfinished run `last` has used up its attempts; if so it is marked finished
    /// (abandoned) on the lease and in the history, and the alert fires.
    func giveUpIfStuck(_ last: ReconcileRunState, now: Date) async throws -> Bool {
        let record = try await ledger.reconcileRunRecord(runID: last.runID)
        let attempts = record?.attempts ?? 0
        guard attempts >= settings.maxRunAttempts else { return false }
        let why =
            "reconciliation run \(last.runID) given up after \(attempts) failed attempts"
            + (record?.error.map { " (last: \($0))" } ?? "") + "; the next run covers its window"
        var abandoned = record ?? Self.historyEntry(last, name: settings.leaseName, now: now, attempts: attempts)
        abandoned.result = "abandoned"
        abandoned.updatedAt = now
        abandoned.error = why
        try await fenced { fence in try await ledger.saveReconcileRunRecord(abandoned, fence: fence) }
        var finished = last
        finished.finished = true
        try await saveRun(finished)
        logger.error("reconciliation run given up", metadata: ["run": "\(last.runID)", "attempts": "\(attempts)"])
        alerts?.record(.reconciliationAbandoned(why), at: now)
        return true
    }

    /// Counts one more attempt of `state`'s run in the history (`running`).
    func recordAttempt(_ state: ReconcileRunState, now: Date) async throws {
        var entry =
            try await ledger.reconcileRunRecord(runID: state.runID)
            ?? Self.historyEntry(state, name: settings.leaseName, now: now, attempts: 0)
        entry.attempts += 1
        entry.result = "running"
        entry.updatedAt = now
        try await fenced { fence in try await ledger.saveReconcileRunRecord(entry, fence: fence) }
    }

    /// How the attempt ended (best effort: the report says the same). An attempt that lost its lease
    /// writes nothing: the run's entry is the next holder's.
    func recordOutcome(_ report: ReconcileReport) async {
        guard ReconcileLeaseHold.current?.lost == nil else { return }
        do {
            guard var entry = try await ledger.reconcileRunRecord(runID: report.runID) else { return }
            entry.result = report.result
            entry.updatedAt = clock()
            entry.compared = report.compared
            entry.found = report.found
            entry.error = report.error
            try await fenced { fence in try await ledger.saveReconcileRunRecord(entry, fence: fence) }
        } catch {
            logger.warning("recording the reconciliation run failed", metadata: ["error": "\(error)"])
        }
    }

    static func historyEntry(_ state: ReconcileRunState, name: String, now: Date, attempts: Int)
        -> ReconcileRunRecord
    {
        ReconcileRunRecord(
            runID: state.runID, name: name, windowStart: state.windowStart, windowEnd: state.windowEnd,
            startedAt: now, updatedAt: now, attempts: attempts, result: "running")
    }
}
