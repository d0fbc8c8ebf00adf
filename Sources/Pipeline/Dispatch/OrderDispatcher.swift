import Foundation
import OrderModel
import Synchronization

/// Dispatches one order's canonical events of a batch, strictly in order: for each, the ERP view
/// (read once, then kept up to date locally) → ``ERPEffectPlanner`` → each write in turn, through
/// the destination's ``DestinationGate``, retried in place with back-off while transient.
///
/// A conflict re-reads the ERP and plans again (at most `maxReplans` times). After a permanent
/// failure the order's later events still go: each plans from the order's whole current state, so
/// a later change also carries what the failed one could not. After an exhausted (transient)
/// failure they are `.deferred`: they wait behind it (parked) while it is in the retry tiers.
struct OrderDispatcher: Sendable {
    /// What the dispatcher knows of the order's ERP side.
    enum KnownView: Sendable, Equatable {
        case absent
        case found(ERPView)

        var view: ERPView? {
            if case .found(let view) = self { return view }
            return nil
        }
    }

    let sync: ERPSync
    let gate: DestinationGate
    let policy: DispatchPolicy
    /// The longest `Retry-After` waited out in place; a longer one ends the attempts (the retry
    /// tiers wait instead, due at that time). The retry stage waits none in place.
    var maxInPlaceWait: Duration = .seconds(60)
    static let maxReplans = 3

    /// Dispatches `events` (one order's, in canonical order). `known`: the view cached from
    /// earlier batches (nil: read it). `owns(i)`: whether event `i`'s partition is still this
    /// replica's. Returns each event's result and the view to cache (nil: unknown, read it next time).
    func dispatch(
        _ events: [CanonicalEvent], known: KnownView?, owns: (Int) -> Bool, isStopping: @escaping @Sendable () -> Bool
    ) async -> (results: [DispatchResult], known: KnownView?) {
        var known = known
        var results: [DispatchResult] = []
        for (index, event) in events.enumerated() {
            guard owns(index), !isStopping() else {
                results.append(.abandoned(applied: []))
                known = nil
                continue
            }
            if case .exhausted = results.last {
                // The order waits behind the event that went to the retry tiers.
                results.append(.deferred)
                continue
            }
            if case .deferred = results.last {
                results.append(.deferred)
                continue
            }
            let (result, after) = await dispatch(event, known: known, owns: { owns(index) }, isStopping: isStopping)
            results.append(result)
            known = after
        }
        return (results, known)
    }

    private func dispatch(
        _ event: CanonicalEvent, known start: KnownView?, owns: () -> Bool, isStopping: @escaping @Sendable () -> Bool
    ) async -> (DispatchResult, KnownView?) {
        // A reconciliation repair is about what the ERP holds now: never the cached view.
        let isRepair = event.sourceKind == ReconcileRepair.sourceKind
        var event = event
        var known = isRepair ? nil : start
        var applied: [AppliedEffect] = []
        var replans = 0
        replan: while true {
            if known == nil {
                // Each read of the view goes through the gate and is retried on its own.
                var gaveUp: (@Sendable (String?, [AppliedEffect]) -> DispatchResult)?
                let read = await sync.view(of: event.orderKey) { request in
                    let (answer, failed) = await self.read(request, isStopping: isStopping)
                    if let failed { gaveUp = failed }
                    return answer
                }
                switch read {
                case .found(let view): known = .found(view)
                case .absent: known = .absent
                case .failed(let outcome):
                    if let gaveUp { return (gaveUp(nil, applied), nil) }
                    // A conflict, or an answer that makes no sense: read again, a few times.
                    replans += 1
                    guard replans <= Self.maxReplans else {
                        let (status, detail) =
                            if case .conflict = outcome { (409, "reading the order conflicted") } else {
                                (0, "reading the order: \(outcome)")
                            }
                        return (
                            .permanent(effect: nil, status: status, code: "CONFLICT", detail: detail, applied: applied),
                            nil
                        )
                    }
                    continue replan
                }
            }
            var view = known?.view
            if isRepair, let applied = view?.appliedVersion {
                // The repair carries the order's merged state: it sets the status whatever version the
                // ERP shows (a status edited by hand keeps the version of the write it replaced).
                event.version = max(event.version, applied)
                view?.appliedVersion = nil
            }
            let plan = ERPEffectPlanner.plan(
                orderKey: event.orderKey, version: event.version, target: event.erpTarget,
                dimensions: event.dimensions, facts: event.facts, erp: view)
            for effect in plan.effects {
                guard owns(), !isStopping() else { return (.abandoned(applied: applied), nil) }
                let salesOrderID = known?.view?.salesOrderID
                let returnAuthorizationID = known?.view?.returnAuthorizationID
                let eventID = event.eventID
                // A transform is checked (SuiteQL, by effect id) before it is sent again: an earlier
                // send may have landed unanswered. The first send trusts the view, as every write does.
                let sends = SendCount()
                let write = await perform(isStopping: isStopping) { () -> (ERPOutcome, ERPSync.Applied) in
                    let applied = await sync.applyEffect(
                        effect, salesOrderID: salesOrderID, returnAuthorizationID: returnAuthorizationID,
                        eventID: eventID, recheck: sends.next() > 1)
                    return (applied.outcome, applied)
                }
                switch write {
                case .done(let written, let status, let attempts):
                    applied.append(AppliedEffect(effect: effect, status: status, attempts: attempts))
                    if let id = written.salesOrderID {
                        var view = ERPView.applying(effect, to: known?.view, salesOrderID: id)
                        // The return authorization a credit memo was made from: the next one needs no lookup.
                        if view.returnAuthorizationID == nil {
                            view.returnAuthorizationID = written.returnAuthorizationID
                        }
                        known = .found(view)
                    } else {
                        known = nil  // no id given back: read it before a related record needs it
                    }
                case .conflict:
                    replans += 1
                    known = nil
                    guard replans <= Self.maxReplans else {
                        return (
                            .permanent(
                                effect: effect.id, status: 409, code: "CONFLICT",
                                detail: "still conflicting after \(Self.maxReplans) re-reads", applied: applied), nil
                        )
                    }
                    continue replan
                case .failed(let result):
                    return (result(effect.id, applied), nil)
                }
            }
            return (
                .done(
                    applied: applied, blocked: plan.blocked, unmatchedPayments: plan.unmatchedERPPayments,
                    review: plan.review), known
            )
        }
    }

    /// The views of `keys` read together (``ERPSync/views(of:through:)``: two SuiteQL queries per
    /// hundred orders instead of one or two per order), each read through the gate and retried like
    /// any read. Nil when the reading gave up: each order then reads its own view.
    func prefetch(_ keys: [OrderKey], isStopping: @escaping @Sendable () -> Bool) async -> [OrderKey: KnownView]? {
        guard !keys.isEmpty else { return [:] }
        let read = await sync.views(of: keys) { await self.read($0, isStopping: isStopping).answer }
        guard case .success(let views) = read else { return nil }
        var known: [OrderKey: KnownView] = [:]
        for key in keys { known[key] = views[key].map(KnownView.found) ?? .absent }
        return known
    }

    /// ``ERPSync/lookUpItems(_:refreshing:through:)`` with each read through the gate and retried like
    /// any read.
    func lookUpItems(
        _ skus: Set<String>, refreshing: Set<String>, isStopping: @escaping @Sendable () -> Bool
    ) async -> ERPSync.ItemLookupResult {
        await sync.lookUpItems(skus, refreshing: refreshing) { await self.read($0, isStopping: isStopping).answer }
    }

    /// One read of a view, through the gate and retried like any request (``perform(isStopping:_:)``):
    /// the answer, and when the read gave up, the result the event gets.
    private func read(
        _ request: ERPSync.Read, isStopping: @escaping @Sendable () -> Bool
    ) async -> (
        answer: (outcome: ERPOutcome, body: Data?), failed: (@Sendable (String?, [AppliedEffect]) -> DispatchResult)?
    ) {
        switch await perform(isStopping: isStopping, { () -> (ERPOutcome, Data?) in await sync.send(request) }) {
        case .done(let body, let status, _):
            return ((.done(status: status, location: nil), body), nil)
        case .conflict:
            return ((.conflict(status: 409, code: "CONFLICT", detail: "reading the order conflicted"), nil), nil)
        case .failed(let result):
            return ((.transient(status: nil, retryAfter: nil, detail: "gave up"), nil), result)
        }
    }

    /// How one request ended after its attempts.
    private enum Performed<Value: Sendable>: Sendable {
        case done(Value, status: Int, attempts: Int)
        case conflict
        /// The event's result, given the effect and what landed before.
        case failed(@Sendable (String?, [AppliedEffect]) -> DispatchResult)
    }

    /// In-place retries (``DispatchPolicy``): `maxAttempts` failures the breaker does not explain;
    /// full-jitter back-off `initialBackoff · 2ⁿ` up to `maxBackoff`, never before `Retry-After` — and a
    /// `Retry-After` beyond `maxInPlaceWait` is left to the retry tiers.
    var inPlacePolicy: OutboundCallPolicy {
        OutboundCallPolicy(
            attemptTimeout: nil, maxAttempts: policy.maxAttempts,
            backoff: OutboundBackoff(initial: policy.initialBackoff, maximum: policy.maxBackoff, jitter: .full),
            waits: .zero...max(policy.maxBackoff, maxInPlaceWait), longRetryAfter: .giveUp(beyond: maxInPlaceWait),
            retryAfterUse: .atLeastBackoff, refreshesCredentialOnce: false)
    }

    /// Runs `request` through the gate until it is done, refused for good, out of attempts, or the
    /// stage stops. Unauthorized answers wait at the gate (the destination is paused) without
    /// spending attempts. A transient failure — a timeout too: the write may have landed — is sent
    /// again by `request` itself, which makes the repeat safe (async writes' idempotency key, a
    /// transform's recheck, upserts by external id).
    private func perform<Value: Sendable>(
        isStopping: @escaping @Sendable () -> Bool, _ request: @Sendable () async -> (ERPOutcome, Value)
    ) async -> Performed<Value> {
        var call = OutboundCall<(outcome: ERPOutcome, value: Value, counts: Bool)?>(policy: inPlacePolicy)
        call.isStopping = isStopping
        call.sleep = { await Self.nap($0, isStopping: isStopping) }
        let ending = try? await call.run(
            attempt: { _ in
                guard let probe = await gate.admit(isStopping: isStopping) else { return nil }
                let (outcome, value) = await request()
                return (outcome, value, await gate.record(outcome, probe: probe))
            },
            classify: { answer in
                switch answer?.outcome {
                case nil: .stopped
                case .done?: .success
                case .conflict?, .permanent?: .refused
                case .unauthorized?: .resend
                case .transient(let status, let retryAfter, _)?:
                    .failed(
                        .init(
                            throttled: status == 429, counts: answer?.counts ?? true,
                            retryAfter: retryAfter.map(DurationSeconds.of)))
                }
            })
        guard let ending, ending.gaveUp != .stopped, let last = ending.last.flatMap({ $0 }) else {
            return .failed { _, applied in .abandoned(applied: applied) }
        }
        let sent = ending.stats.attempts
        switch last.outcome {
        case .done(let status, _):
            return .done(last.value, status: status, attempts: sent)
        case .conflict:
            return .conflict
        case .permanent(let status, let code, let detail):
            return .failed { effect, applied in
                .permanent(effect: effect, status: status, code: code, detail: detail, applied: applied)
            }
        case .transient(let status, let retryAfter, let detail):
            return .failed { effect, applied in
                .exhausted(
                    effect: effect, attempts: sent, lastStatus: status, retryAfter: retryAfter,
                    detail: String(detail.prefix(200)), applied: applied)
            }
        case .unauthorized:
            return .failed { _, applied in .abandoned(applied: applied) }
        }
    }

    /// Sleeps `duration` in short naps, ending early once `isStopping`.
    static func nap(_ duration: Duration, isStopping: @Sendable () -> Bool) async {
        let end = ContinuousClock.now + duration
        while !isStopping(), ContinuousClock.now < end {
            try? await Task.sleep(until: min(end, .now + .milliseconds(250)), clock: .continuous)
        }
    }
}

/// How many times a request was sent (shared with the request's closure).
final class SendCount: Sendable {
    private let count = Mutex(0)

    /// Counts one more send and returns the count.
    func next() -> Int {
        count.withLock {
            $0 += 1
            return $0
        }
    }
}
