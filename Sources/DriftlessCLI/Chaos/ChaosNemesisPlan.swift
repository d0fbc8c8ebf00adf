import DriftlessOperations
import Foundation
import Pipeline
import Simulators

/// One fault of the nemesis' timeline: when it starts (seconds after the traffic started), its class,
/// what it hits and how long it lasts.
struct ChaosFaultEvent: Sendable, Codable, Hashable {
    var at: Double
    var fault: ChaosFaultClass
    /// The replica (kill, pause), `dispatch+translate` (scale), `proxy`, `postgres` or `erp`.
    var target: String
    var seconds: Double

    /// `  +12.0 s  kill       dispatch-1 (restarted after 4.0 s)`.
    var line: String {
        let what =
            switch fault {
            case .kill: "SIGKILL \(target), restarted after \(Self.format(seconds)) s"
            case .pause: "SIGSTOP \(target) for \(Self.format(seconds)) s, then SIGCONT"
            case .scale: "dispatch 3→1→3 and translate 2→1→2, scaled down for \(Self.format(seconds)) s"
            case .partition: "broker proxy stopped for \(Self.format(seconds)) s"
            case .postgres: "PostgreSQL stopped for \(Self.format(seconds)) s, then started"
            case .erp: "ERP down (503) then throttled (429 + Retry-After), \(Self.format(seconds)) s in all"
            case .pool: "ledger tables locked for \(Self.format(seconds)) s (every pooled connection blocked)"
            case .lease: "SIGKILL the reconcile lease holder, restarted after \(Self.format(seconds)) s"
            }
        let time = String(format: "%+8.1f s", at)
        return "\(time)  \(fault.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  \(what)"
    }

    static func format(_ seconds: Double) -> String { String(format: "%.1f", seconds) }
}

/// The nemesis' timeline, made from the seed before the run: one fault at a time with a few seconds
/// of calm between them. The short profile has every enabled class once (in a seeded order); the long
/// one cycles through them until the traffic ends.
enum ChaosNemesisPlan {
    static func make(settings: ChaosSettings, replicaNames: [StageName: [String]]) -> [ChaosFaultEvent] {
        var random = SeededRandom(seed: settings.seed &+ 0x9E37_79B9)
        let enabled = ChaosFaultClass.allCases.filter { settings.faults.contains($0) }
        guard !enabled.isEmpty else { return [] }
        var events: [ChaosFaultEvent] = []
        var time = 8.0
        let victims = [StageName.ingest, .validate, .translate, .dispatch, .retry, .deadLetter].flatMap {
            replicaNames[$0] ?? []
        }
        let consumers = [StageName.validate, .translate, .dispatch, .retry].flatMap { replicaNames[$0] ?? [] }
        repeat {
            var round = enabled
            round.shuffle(using: &random)
            for fault in round {
                let event: ChaosFaultEvent
                switch fault {
                case .kill:
                    let target = victims.isEmpty ? "none" : victims[Int(random.next() % UInt64(victims.count))]
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: target, seconds: 3 + Double(random.next() % 4))
                case .pause:
                    let target =
                        consumers.isEmpty ? "none" : consumers[Int(random.next() % UInt64(consumers.count))]
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: target, seconds: settings.pause.chaosSeconds)
                case .scale:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "dispatch+translate", seconds: settings.scaledDown.chaosSeconds)
                case .partition:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "proxy", seconds: settings.partition.chaosSeconds)
                case .postgres:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "postgres", seconds: settings.postgresDown.chaosSeconds)
                case .erp:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "erp",
                        seconds: (settings.erpOutage + settings.erpThrottling).chaosSeconds)
                case .pool:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "ledger", seconds: settings.poolExhausted.chaosSeconds)
                case .lease:
                    event = ChaosFaultEvent(
                        at: time, fault: fault, target: "lease holder", seconds: settings.leaseHolderDown.chaosSeconds)
                }
                if !settings.eachFaultOnce && event.at + event.seconds > settings.trafficSeconds - 5 { return events }
                events.append(event)
                time = event.at + event.seconds + 3 + Double(random.next() % 5)
            }
        } while !settings.eachFaultOnce
        return events
    }
}
