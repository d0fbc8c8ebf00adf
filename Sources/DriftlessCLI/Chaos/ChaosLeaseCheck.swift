import DriftlessOperations
import Foundation
import Pipeline

/// One reconciliation attempt as a lease candidate reported it (`driftless reconcile --schedule
/// --json`, one JSON report per attempt on its standard output).
struct ChaosReconcileRun: Sendable, Codable, Hashable {
    var candidate: String
    /// `ok`, `drift-found`, `failed` or `skipped`.
    var result: String
    var runID: String
    var resumed: Bool
    var startedAt: Date
    var seconds: Double
    /// The lease generation (fencing token) it held; nil in reports of builds without fencing.
    var generation: Int64? = nil
    /// Its last write the lease checks let through (nil: none, or no fencing).
    var actedUntil: Date? = nil

    /// Whether it held the lease (anything but `skipped`).
    var ran: Bool { result != "skipped" }

    /// Until when it acted: its last fenced write, or (no fencing) the end of its report.
    var activeUntil: Date {
        guard generation != nil else { return startedAt.addingTimeInterval(seconds) }
        return max(startedAt, actedUntil ?? startedAt)
    }

    /// The reports in `text` (pretty-printed JSON objects one after another: each opens with a line
    /// `{` and closes with a line `}`); a report without a start time or that does not decode is
    /// skipped (a process killed mid-write leaves half of one).
    static func parse(candidate: String, text: String) -> [ChaosReconcileRun] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var runs: [ChaosReconcileRun] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "{" { current = [] }
            current.append(line)
            guard line == "}" else { continue }
            let data = Data(current.joined(separator: "\n").utf8)
            current = []
            guard let report = try? decoder.decode(ReconcileReport.self, from: data), let started = report.startedAt
            else { continue }
            runs.append(
                ChaosReconcileRun(
                    candidate: candidate, result: report.result, runID: report.runID, resumed: report.resumed,
                    startedAt: started, seconds: report.durationSeconds, generation: report.leaseGeneration,
                    actedUntil: report.leaseActedUntil))
        }
        return runs
    }
}

/// Checks the reconciliation schedule across its lease candidates from their own reports: at most
/// one attempt held the lease per slot; no two attempts acted at the same time (from an attempt's
/// start to its last fenced write — an attempt fenced off may report its loss later, having written
/// nothing meanwhile); each lease generation held once, in the order the attempts started; the
/// schedule ran at all; and after each kill of the lease holder another candidate ran a slot while
/// the holder was down.
enum ChaosLeaseCheck {
    /// A kill of the lease holder: who, when, when it was started again.
    struct Kill: Sendable, Codable, Hashable {
        var victim: String
        var at: Date
        var back: Date
    }

    struct Verdict: Sendable, Codable, Hashable {
        /// Attempts that held the lease, per candidate.
        var ran: [String: Int] = [:]
        var skipped = 0
        var failed = 0
        /// Attempts that failed before they could take the lease (their ledger unreachable): with
        /// fencing they report no lease generation; they did nothing, so no slot counts them.
        var failedBeforeLease = 0
        var resumed = 0
        /// Kills of the holder after which another candidate took over.
        var handovers = 0
        var kills = 0
        /// Attempts fenced off: their report ends after the next holder started (a blocked ledger
        /// call returns late), but their last write came before it.
        var failingOverlaps = 0
        var longestFailingOverlap = 0.0
        var violations: [String] = []

        var text: String {
            let per = ran.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(per.isEmpty ? "none" : per) ran (\(failed) failed, \(resumed) resumed), \(skipped) skipped"
                + (failedBeforeLease == 0 ? "" : ", \(failedBeforeLease) failed before taking the lease") + "; "
                + "holder killed \(kills)×, handed over \(handovers)×"
                + (failingOverlaps == 0
                    ? ""
                    : String(
                        format: "; %d fenced holder(s) stopped ≤ %.1f s after the takeover, writing nothing",
                        failingOverlaps, longestFailingOverlap))
        }
    }

    /// The report stamps have whole seconds: overlaps up to this are not counted.
    static let stampPrecision = 1.0

    static func check(runs: [ChaosReconcileRun], interval: Double, kills: [Kill]) -> Verdict {
        var verdict = Verdict()
        // With fencing every attempt that took the lease reports its generation, so a failed one
        // without it never held the lease (reports of builds without fencing have none at all).
        let fenced = runs.contains { $0.generation != nil }
        let beforeLease = { (run: ChaosReconcileRun) in fenced && run.result == "failed" && run.generation == nil }
        let held = runs.filter { $0.ran && !beforeLease($0) }.sorted { $0.startedAt < $1.startedAt }
        verdict.failedBeforeLease = runs.filter(beforeLease).count
        verdict.skipped = runs.filter { !$0.ran }.count
        verdict.failed = held.filter { $0.result == "failed" }.count
        verdict.resumed = held.filter(\.resumed).count
        for run in held { verdict.ran[run.candidate, default: 0] += 1 }
        if held.isEmpty { verdict.violations.append("reconcile: no candidate ever ran the schedule") }
        let step = max(1, interval)
        let bySlot = Dictionary(grouping: held) { Int(($0.startedAt.timeIntervalSince1970 / step).rounded(.down)) }
        for (slot, slotRuns) in bySlot.sorted(by: { $0.key < $1.key }) where slotRuns.count > 1 {
            let stamp = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(slot) * step))
            verdict.violations.append(
                "reconcile: slot \(stamp) ran \(slotRuns.count)× ("
                    + slotRuns.map { "\($0.candidate) \($0.runID) \($0.result)" }.joined(separator: ", ") + ")")
        }
        for (index, first) in held.enumerated() {
            let reportEnd = first.startedAt.addingTimeInterval(first.seconds)
            for second in held[(index + 1)...] where second.candidate != first.candidate {
                let overlap = first.activeUntil.timeIntervalSince(second.startedAt)
                if overlap > stampPrecision {
                    verdict.violations.append(
                        "reconcile: \(first.candidate) (\(first.runID)) and \(second.candidate) (\(second.runID)) "
                            + String(format: "acted at the same time for %.1f s", overlap))
                } else if reportEnd.timeIntervalSince(second.startedAt) > stampPrecision {
                    verdict.failingOverlaps += 1
                    verdict.longestFailingOverlap = max(
                        verdict.longestFailingOverlap, reportEnd.timeIntervalSince(second.startedAt))
                }
            }
        }
        verdict.violations += generationViolations(held)
        verdict.kills = kills.count
        for kill in kills {
            let other = held.contains {
                $0.candidate != kill.victim && $0.startedAt > kill.at && $0.startedAt <= kill.back
            }
            if other {
                verdict.handovers += 1
            } else {
                verdict.violations.append(
                    "reconcile: the lease holder \(kill.victim) was killed at \(ISO8601DateFormatter().string(from: kill.at)) "
                        + "and no other candidate ran a slot before it came back")
            }
        }
        return verdict
    }

    /// Each generation held by one attempt, and generations rising in the order attempts started.
    static func generationViolations(_ held: [ChaosReconcileRun]) -> [String] {
        var violations: [String] = []
        let fenced = held.filter { $0.generation != nil }
        for (generation, attempts) in Dictionary(grouping: fenced, by: { $0.generation ?? 0 })
        where attempts.count > 1 {
            violations.append(
                "reconcile: lease generation \(generation) held by \(attempts.count) attempts ("
                    + attempts.map { "\($0.candidate) \($0.runID)" }.joined(separator: ", ") + ")")
        }
        for (index, first) in fenced.enumerated() {
            for second in fenced[(index + 1)...]
            where second.startedAt.timeIntervalSince(first.startedAt) > stampPrecision
                && (second.generation ?? 0) < (first.generation ?? 0)
            {
                violations.append(
                    "reconcile: \(second.candidate) started after \(first.candidate) with a lower lease generation "
                        + "(\(second.generation ?? 0) < \(first.generation ?? 0))")
            }
        }
        return violations
    }
}
