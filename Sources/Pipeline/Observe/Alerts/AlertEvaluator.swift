import Foundation

/// The alert rules as a pure state machine: signals go in with their time, actions come out.
/// No clock, no I/O: the caller passes the time to ``record(_:at:)`` and ``evaluate(now:)``.
///
/// Each rule is either quiet or firing. A quiet rule whose condition holds fires (one
/// ``AlertNotice`` with a new incident number) unless it fired less than `cooldown` ago; a firing
/// rule whose condition no longer holds resolves (one notice with the same incident number).
/// While firing, further signals add nothing, so one incident is one alert plus one "resolved".
public struct AlertEvaluator: Sendable {
    private struct RuleState: Sendable {
        var firing = false
        var incidents = 0
        var lastFired: Date?
    }

    /// The rules in force, one per kind.
    public let rules: [AlertRule.Kind: AlertRule]
    /// The shortest time between two fired notices of one rule.
    public let cooldown: TimeInterval
    private var states: [AlertRule.Kind: RuleState] = [:]
    /// Signal times of the count rules, oldest first.
    private var events: [AlertRule.Kind: [Date]] = [:]
    private var lag: Int64 = 0
    private var lagAboveSince: Date?
    /// Destinations whose breaker is open or paused, and since when.
    private var openSince: [String: Date] = [:]
    private var lastReconciliation: Date
    /// Since when the oldest held order is held (nil: none).
    private var oldestHoldSince: Date?
    /// Why the last reconciliation run was given up, until a run finishes.
    private var abandonedRun: String?

    /// `started`: when the process started (the reconciliation clock runs from there until a
    /// first run is reported).
    public init(rules: [AlertRule], cooldown: Duration, started: Date) {
        var byKind: [AlertRule.Kind: AlertRule] = [:]
        for rule in rules { byKind[rule.kind] = rule }
        self.rules = byKind
        self.cooldown = cooldown.timeInterval
        lastReconciliation = started
    }

    /// Records `signal` (`times` of it, for the counted kinds) at `at`, then evaluates every rule at `at`.
    public mutating func record(_ signal: AlertSignal, times: Int = 1, at: Date) -> [AlertAction] {
        var actions: [AlertAction] = []
        switch signal {
        case .mismatch: append(.mismatches, at, times: times)
        case .deadLettered: append(.deadLetterGrowth, at, times: times)
        case .quarantined: append(.quarantineRate, at, times: times)
        case .breaker(let destination, let state):
            if state.hasPrefix("open") || state.hasPrefix("paused") {
                if openSince[destination] == nil { openSince[destination] = at }
            } else if state == "closed" {
                openSince[destination] = nil
            }
        case .lag(let value):
            lag = value
            let bound = rules[.consumerLag]?.threshold ?? Int.max
            if value > Int64(bound) {
                if lagAboveSince == nil { lagAboveSince = at }
            } else {
                lagAboveSince = nil
            }
        case .reconciled:
            lastReconciliation = max(lastReconciliation, at)
            abandonedRun = nil
        case .reconciliationAbandoned(let why): abandonedRun = why
        case .oldestHold(let seconds):
            oldestHoldSince = seconds.flatMap { $0.isFinite ? at.addingTimeInterval(-max(0, $0)) : nil }
        case .retried(let what): actions.append(.log("retried (below every alert threshold): \(what)"))
        }
        return actions + evaluate(now: at)
    }

    /// Evaluates every rule at `now`: windows roll forward, conditions that started or ended
    /// become notices.
    public mutating func evaluate(now: Date) -> [AlertAction] {
        var actions: [AlertAction] = []
        for kind in rules.keys.sorted() {
            guard let rule = rules[kind] else { continue }
            let summary = condition(rule, now: now)
            var state = states[kind] ?? RuleState()
            if let summary, !state.firing {
                if let last = state.lastFired, now.timeIntervalSince(last) < cooldown { continue }
                state.firing = true
                state.incidents += 1
                state.lastFired = now
                actions.append(.deliver(notice(rule, .fired, state.incidents, now, summary)))
            } else if summary == nil, state.firing {
                state.firing = false
                actions.append(.deliver(notice(rule, .resolved, state.incidents, now, resolvedSummary(rule))))
            }
            states[kind] = state
        }
        return actions
    }

    /// Whether `kind` is firing now.
    public func isFiring(_ kind: AlertRule.Kind) -> Bool { states[kind]?.firing ?? false }

    /// Signals of a count rule inside its window at `now`, counted up to `threshold + 1` (the
    /// newest ones kept).
    public func count(_ kind: AlertRule.Kind, now: Date) -> Int {
        guard let rule = rules[kind] else { return 0 }
        let start = now.addingTimeInterval(-rule.window.timeInterval)
        return events[kind, default: []].lazy.filter { $0 > start && $0 <= now }.count
    }

    /// Adds `count` signals at `at`. Only the newest `threshold + 1` times are kept: more than
    /// `threshold` fall in a window exactly when the (`threshold` + 1)-th newest does, so memory and
    /// work stay bounded by the threshold whatever the signal rate.
    private mutating func append(_ kind: AlertRule.Kind, _ at: Date, times count: Int) {
        guard let rule = rules[kind], count > 0 else { return }
        let keep = rule.threshold + 1
        var times = events[kind, default: []]
        // Keep them ordered (a late signal goes in its place) and drop what left every window.
        let index = times.lastIndex(where: { $0 <= at }).map { $0 + 1 } ?? 0
        times.insert(contentsOf: repeatElement(at, count: min(count, keep)), at: index)
        if times.count > keep { times.removeFirst(times.count - keep) }
        let horizon = (times.last ?? at).addingTimeInterval(-rule.window.timeInterval)
        if let first = times.firstIndex(where: { $0 > horizon }), first > 0 { times.removeFirst(first) }
        events[kind] = times
    }

    /// The condition's one-line summary when it holds at `now`, else nil.
    private func condition(_ rule: AlertRule, now: Date) -> String? {
        let minutes = Int(rule.window.timeInterval / 60)
        switch rule.kind {
        case .mismatches, .deadLetterGrowth, .quarantineRate:
            let count = count(rule.kind, now: now)
            guard count > rule.threshold else { return nil }
            let what =
                switch rule.kind {
                case .mismatches: "order status mismatches"
                case .deadLetterGrowth: "records dead-lettered"
                default: "records quarantined"
                }
            return "\(count) \(what) in the last \(minutes) min (more than \(rule.threshold))"
        case .breakerOpen:
            let open = openSince.filter { now.timeIntervalSince($0.value) >= rule.sustain.timeInterval }
            guard !open.isEmpty else { return nil }
            return "circuit breaker open or paused for \(open.keys.sorted().joined(separator: ", "))"
        case .consumerLag:
            guard let since = lagAboveSince, now.timeIntervalSince(since) >= rule.sustain.timeInterval else {
                return nil
            }
            return "consumer lag \(lag) above \(rule.threshold) for \(Int(now.timeIntervalSince(since) / 60)) min"
        case .reconciliationOverdue:
            if let abandonedRun { return abandonedRun }
            let age = now.timeIntervalSince(lastReconciliation)
            guard age > rule.window.timeInterval else { return nil }
            return "no reconciliation finished for \(Int(age / 3600)) h (at most \(minutes / 60) h)"
        case .heldOrders:
            guard let since = oldestHoldSince else { return nil }
            let age = now.timeIntervalSince(since)
            guard age > rule.window.timeInterval else { return nil }
            return "an order held behind an event in the retry tiers for \(Int(age / 60)) min (at most \(minutes) min)"
        }
    }

    private func resolvedSummary(_ rule: AlertRule) -> String {
        switch rule.kind {
        case .mismatches, .deadLetterGrowth, .quarantineRate:
            "back to at most \(rule.threshold) in the last \(Int(rule.window.timeInterval / 60)) min"
        case .breakerOpen: "every circuit breaker closed"
        case .consumerLag: "consumer lag back to \(lag) (at most \(rule.threshold))"
        case .reconciliationOverdue: "reconciliation ran"
        case .heldOrders: "no order held longer than \(Int(rule.window.timeInterval / 60)) min"
        }
    }

    private func notice(
        _ rule: AlertRule, _ transition: AlertNotice.Transition, _ incident: Int, _ at: Date, _ summary: String
    ) -> AlertNotice {
        AlertNotice(
            rule: rule.kind, severity: rule.severity, transition: transition, incident: incident, at: at,
            summary: summary)
    }
}
