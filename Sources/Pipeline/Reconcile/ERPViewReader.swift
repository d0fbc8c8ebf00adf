import Foundation
import OrderModel

/// Reads the ERP's view of orders for reconciliation through the dispatch stage's ``ERPSync`` (SuiteQL:
/// the sales orders by external id, then their related records; a page of orders at once), under its ``policy``: a
/// throttled read (429, `Retry-After` when sent, else a growing jittered wait) is waited out and counted as a rate-limit
/// wait; other transient failures are retried with back-off; a read that keeps failing fails the run.
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

    /// The ERP's views of `keys`, read together (two SuiteQL queries per hundred orders); an order
    /// the ERP has no sales order for is missing from the answer.
    public func views(of keys: [OrderKey]) async throws -> [OrderKey: ERPView] {
        switch await sync.views(of: keys, through: { read in await send(read) }) {
        case .success(let views): return views
        case .failure(let outcome): throw Self.error(outcome)
        }
    }

    /// The reads' call policy: `maxAttempts` transient failures in all; a `Retry-After` waited (at
    /// most `maxWait`), a 429 without one a growing jittered wait of our own (NetSuite's
    /// documentation promises no `Retry-After`), other failures 0.2 s doubling to 5 s.
    var policy: OutboundCallPolicy {
        OutboundCallPolicy(
            attemptTimeout: nil, maxAttempts: maxAttempts,
            backoff: OutboundBackoff(initial: .milliseconds(200), maximum: .seconds(5)),
            throttleBackoff: OutboundBackoff(initial: .milliseconds(500), maximum: .seconds(10), jitter: .equal),
            waits: .zero...max(.zero, maxWait), refreshesCredentialOnce: false)
    }

    func send(_ read: ERPSync.Read) async -> (outcome: ERPOutcome, body: Data?) {
        var call = OutboundCall<(outcome: ERPOutcome, body: Data?)?>(policy: policy)
        call.isStopping = { false }  // cancellation ends the waits; the gate admits nothing once cancelled
        call.sleep = sleep
        let ending = try? await call.run(
            attempt: { _ in
                stats.call(Self.system)
                guard let gate else { return await sync.send(read) }
                guard let probe = await gate.admit(isStopping: { Task.isCancelled }) else { return nil }
                let answer = await sync.send(read)
                await gate.record(answer.outcome, probe: probe)
                return answer
            },
            classify: { answer in
                switch answer?.outcome {
                case nil: .stopped
                case .done?: .success
                case .transient(let status, let retryAfter, _)? where !Task.isCancelled:
                    .failed(.init(throttled: status == 429, retryAfter: retryAfter.map(DurationSeconds.of)))
                default: .refused
                }
            },
            onRetry: { wait, throttled, _ in if throttled { stats.waited(Self.system, wait) } })
        return ending?.last.flatMap { $0 } ?? (.transient(status: nil, retryAfter: nil, detail: "cancelled"), nil)
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
