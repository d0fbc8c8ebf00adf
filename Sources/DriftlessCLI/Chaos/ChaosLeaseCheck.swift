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

    /// Whether it held the lease (anything but `skipped`).
    var ran: Bool { result != "skipped" }

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
                    startedAt: started, seconds: report.durationSeconds))
        }
        return runs
    }
}

/// Checks the reconciliation schedule across its lease candidates from their own reports: at most
/// one attempt held the lease per slot, no two attempts of different candidates overlapped in time,
/// the schedule ran at all, and after each kill of the lease holder another candidate ran a slot
/// while the holder was down.
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
        var resumed = 0
        /// Kills of the holder after which another candidate took over.
        var handovers = 0
        var kills = 0
        /// Attempts that failed (lease lost) and ended after the next holder resumed their run: the
        /// lease has no fencing, so a holder whose renewal is blocked acts on until the call returns.
        var failingOverlaps = 0
        var longestFailingOverlap = 0.0
        var violations: [String] = []

        var text: String {
            let per = ran.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(per.isEmpty ? "none" : per) ran (\(failed) failed, \(resumed) resumed), \(skipped) skipped; "
                + "holder killed \(kills)×, handed over \(handovers)×"
                + (failingOverlaps == 0
                    ? ""
                    : String(
                        format: "; %d failing holder(s) outlived their lease by ≤ %.1f s", failingOverlaps,
                        longestFailingOverlap))
        }
    }

    /// The report stamps have whole seconds: overlaps up to this are not counted.
    static let stampPrecision = 1.0

    static func check(runs: [ChaosReconcileRun], interval: Double, kills: [Kill]) -> Verdict {
        var verdict = Verdict()
        let held = runs.filter(\.ran).sorted { $0.startedAt < $1.startedAt }
        verdict.skipped = runs.count - held.count
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
            let end = first.startedAt.addingTimeInterval(first.seconds)
            for second in held[(index + 1)...] where second.candidate != first.candidate {
                let overlap = end.timeIntervalSince(second.startedAt)
                guard overlap > stampPrecision else { continue }
                if first.result == "failed" && first.runID == second.runID {
                    // A holder cut off from the ledger (its renewal blocked) is only told it lost the
                    // lease when the call returns; the next holder resumed its run meanwhile.
                    verdict.failingOverlaps += 1
                    verdict.longestFailingOverlap = max(verdict.longestFailingOverlap, overlap)
                    continue
                }
                verdict.violations.append(
                    "reconcile: \(first.candidate) (\(first.runID)) and \(second.candidate) (\(second.runID)) "
                        + String(format: "ran at the same time for %.1f s", overlap))
            }
        }
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
}
