import Foundation
import OrderModel

/// What a reconciliation run did: orders compared, per classification found / corrected / flagged,
/// API calls and rate-limit waits, duration.
public struct ReconcileReport: Sendable, Codable, Hashable {
    /// Per classification (`pattern-<n>-<name>`, `other-drift`).
    public struct Counts: Sendable, Codable, Hashable {
        public var found = 0
        /// Corrections sent (findings `correction-sent`; the next run checks they repaired the order).
        public var corrected = 0
        public var flagged = 0
    }

    /// `ok` (all in sync), `drift-found`, `skipped` (another replica holds the lease), `failed`.
    public var result: String
    public var runID: String
    public var dryRun: Bool
    /// True when the run continued an interrupted one.
    public var resumed: Bool
    public var windowStart: Date
    public var windowEnd: Date
    public var compared = 0
    public var inSync = 0
    /// Orders whose channel payload could not be mapped (validate quarantines those).
    public var unreadable = 0
    public var classifications: [String: Counts] = [:]
    /// ERP-side sweep: sales orders listed as modified since the window's start (each once).
    public var erpListed = 0
    /// ERP-side sweep: orders compared that the channels' pages did not bring (also in `compared`).
    public var erpOnlyCompared = 0
    /// ERP-side sweep: sales orders of ours whose channel order the channel does not know.
    public var notInChannel = 0
    /// Corrections of earlier runs this run found repaired (their findings are now `corrected`).
    public var repairsConfirmed = 0
    /// Corrections of earlier runs whose drift was still there (findings `correction-failed`; the
    /// drift went to a case).
    public var repairsFailed = 0
    public var apiCalls: [String: Int] = [:]
    public var rateLimitWaits: [String: Int] = [:]
    public var rateLimitWaitSeconds = 0.0
    public var durationSeconds = 0.0
    /// When the attempt started (the lease was asked for).
    public var startedAt: Date?
    /// Why it failed, when it did.
    public var error: String?
    /// The lease generation (fencing token) the attempt held (nil: skipped or a dry run).
    public var leaseGeneration: Int64?
    /// The last moment the attempt acted under its lease: its last write the lease checks let through
    /// (the ledger's token check and the holder's own clock). Nothing it does after this is written.
    public var leaseActedUntil: Date?

    /// An empty report.
    public init(result: String, runID: String, dryRun: Bool, resumed: Bool, windowStart: Date, windowEnd: Date) {
        self.result = result
        self.runID = runID
        self.dryRun = dryRun
        self.resumed = resumed
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }

    /// Findings in all classifications.
    public var found: Int { classifications.values.reduce(0) { $0 + $1.found } }

    /// A human-readable summary, one fact per line.
    public var text: String {
        var lines = [
            "reconciliation \(runID): \(result)\(dryRun ? " (dry run)" : "")\(resumed ? " (resumed)" : "")",
            "window \(RFC3339.format(windowStart)) … \(RFC3339.format(windowEnd))",
            "orders compared: \(compared), in sync: \(inSync), unreadable: \(unreadable)",
        ]
        if erpListed > 0 {
            lines.append(
                "ERP-side sweep: \(erpListed) sales orders modified, \(erpOnlyCompared) compared only through it, "
                    + "\(notInChannel) unknown to their channel")
        }
        for name in classifications.keys.sorted() {
            let c = classifications[name] ?? Counts()
            lines.append("  \(name): found \(c.found), correction sent \(c.corrected), flagged \(c.flagged)")
        }
        if repairsConfirmed > 0 || repairsFailed > 0 {
            lines.append(
                "earlier corrections: \(repairsConfirmed) repaired, \(repairsFailed) still drifted (flagged instead)")
        }
        for system in apiCalls.keys.sorted() {
            lines.append(
                "API \(system): \(apiCalls[system] ?? 0) calls, \(rateLimitWaits[system] ?? 0) rate-limit waits")
        }
        lines.append(
            String(format: "rate-limit waits: %.1f s; duration: %.1f s", rateLimitWaitSeconds, durationSeconds))
        if let error { lines.append("error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
