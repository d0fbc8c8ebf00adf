import Foundation
import OrderModel

/// Reads the ERP's view of orders for reconciliation through the dispatch stage's ``ERPSync`` (SuiteQL:
/// the sales order by external id, then its related records). A throttled read (429, `Retry-After`
/// when sent, else a growing jittered wait) is waited out and counted as a rate-limit wait; other transient failures are retried with back-off; a
/// read that keeps failing fails the run.
public struct ERPViewReader: Sendable {
    /// The system name in stats and errors.
    public static let system = "erp"
    let sync: ERPSync
    let stats: ReconcileAPIStats
    let maxAttempts: Int
    let maxWait: Duration
    let sleep: @Sendable (Duration) async throws -> Void
    /// The destination's breaker, when the process shares one (``ERPAccess``): reads wait while it
    /// is open and count towards it.
    let gate: DestinationGate?

    /// A reader over `sync` (through `gate` when given).
    public init(
        sync: ERPSync, stats: ReconcileAPIStats, maxAttempts: Int = 8, maxWait: Duration = .seconds(60),
        gate: DestinationGate? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.gate = gate
        self.sync = sync
        self.stats = stats
        self.maxAttempts = maxAttempts
        self.maxWait = maxWait
        self.sleep = sleep
    }

    /// The ERP's view of `key`; nil when the ERP has no sales order for it.
    public func view(of key: OrderKey) async throws -> ERPView? {
        let result = await sync.view(of: key) { read in await send(read) }
        switch result {
        case .found(let view): return view
        case .absent: return nil
        case .failed(let outcome): throw Self.error(outcome)
        }
    }

    func send(_ read: ERPSync.Read) async -> (outcome: ERPOutcome, body: Data?) {
        var attempt = 0
        while true {
            attempt += 1
            stats.call(Self.system)
            let answer: (outcome: ERPOutcome, body: Data?)
            if let gate {
                guard let probe = await gate.admit(isStopping: { Task.isCancelled }) else {
                    return (.transient(status: nil, retryAfter: nil, detail: "cancelled"), nil)
                }
                answer = await sync.send(read)
                await gate.record(answer.outcome, probe: probe)
            } else {
                answer = await sync.send(read)
            }
            guard case .transient(let status, let retryAfter, _) = answer.outcome, attempt < maxAttempts,
                !Task.isCancelled
            else { return answer }
            let wait: Duration
            if let retryAfter {
                wait = min(retryAfter, maxWait)
                stats.waited(Self.system, wait)
            } else if status == 429 {
                // NetSuite's documentation promises no `Retry-After`: a growing, jittered wait of our own.
                let base = min(10_000, 250 << min(attempt, 6))
                wait = min(.milliseconds(base / 2 + Int.random(in: 0...(base / 2))), maxWait)
                stats.waited(Self.system, wait)
            } else {
                wait = .milliseconds(min(5_000, 100 << min(attempt, 6)))
            }
            do { try await sleep(wait) } catch { return answer }
        }
    }

    static func error(_ outcome: ERPOutcome) -> ReconcileReadError {
        switch outcome {
        case .unauthorized(let status, _): .unauthorized(system: system, status: status)
        case .transient(let status?, _, _), .permanent(let status, _, _), .conflict(let status, _, _):
            .http(system: system, status: status)
        case .transient(nil, _, let detail): .transport(system: system, detail: detail)
        case .done: .malformed(system: system, detail: "unexpected success")
        }
    }
}
