import DriftlessOperations
import Foundation
import Pipeline
import Simulators
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Carries out the nemesis' timeline against the cluster, the run's PostgreSQL and the ERP simulator,
/// one fault at a time, each healed before the next; prints each as it starts and keeps when each
/// window was open (the report splits time-to-sync by it).
final class ChaosNemesis: Sendable {
    /// A fault as it happened (seconds after the traffic started).
    struct Window: Sendable, Codable, Hashable {
        var fault: ChaosFaultClass
        var target: String
        var start: Double
        var end: Double
    }

    let cluster: ChaosCluster
    let postgres: ChaosPostgres
    let erp: ERPSimulator
    let settings: ChaosSettings
    private let say: @Sendable (String) -> Void
    private let state = Mutex<(windows: [Window], errors: [String], kills: [ChaosLeaseCheck.Kill])>(([], [], []))

    init(
        cluster: ChaosCluster, postgres: ChaosPostgres, erp: ERPSimulator, settings: ChaosSettings,
        say: @escaping @Sendable (String) -> Void
    ) {
        self.cluster = cluster
        self.postgres = postgres
        self.erp = erp
        self.settings = settings
        self.say = say
    }

    /// The faults that happened, in order.
    var windows: [Window] { state.withLock { $0.windows } }
    /// Faults that could not be carried out or healed (a replica that did not come back, …).
    var errors: [String] { state.withLock { $0.errors } }
    /// The kills of the reconciliation lease holder.
    var leaseKills: [ChaosLeaseCheck.Kill] { state.withLock { $0.kills } }

    /// The ERP's background noise while the traffic runs: 2 % 503, 2 % 429, and a few answers that
    /// come after the client's timeout — some applied first (lost answers), some committed late.
    func startERPNoise() {
        let stall = settings.erpRequestTimeout + .seconds(1)
        erp.faults.update {
            $0.unavailableRatio = 0.02
            $0.throttledRatio = 0.02
            $0.retryAfterSeconds = 1
            $0.stallRatio = 0.003
            $0.lostAnswerRatio = 0.003
            $0.lateCommitRatio = 0.003
            $0.stall = stall
            $0.lateCommitDelay = stall + .seconds(1)
        }
    }

    /// Runs `plan` (times relative to `start`).
    func run(_ plan: [ChaosFaultEvent], start: ContinuousClock.Instant) async {
        for event in plan {
            try? await Task.sleep(until: start + .milliseconds(Int64(event.at * 1000)))
            if Task.isCancelled { return }
            let began = (ContinuousClock.now - start).chaosSeconds
            say("nemesis " + event.line)
            var target = event.target
            do {
                target = try await apply(event) ?? target
            } catch {
                state.withLock { $0.errors.append("\(event.fault.rawValue) \(event.target): \(error)") }
                say("nemesis: \(event.fault.rawValue) \(event.target) failed: \(error)")
            }
            let ended = (ContinuousClock.now - start).chaosSeconds
            state.withLock {
                $0.windows.append(Window(fault: event.fault, target: target, start: began, end: ended))
            }
        }
    }

    /// Carries out `event`; returns what it hit when that is only known now (the lease holder).
    private func apply(_ event: ChaosFaultEvent) async throws -> String? {
        let length = Duration.milliseconds(Int64(event.seconds * 1000))
        switch event.fault {
        case .lease:
            let owner = await postgres.leaseHolder()
            let child = cluster.candidates.first { $0.name == owner } ?? leaseHolder()
            guard let child else { throw ChaosError("no reconciliation candidate") }
            say("nemesis: the lease holder is \(child.name)")
            let at = Date()
            child.halt(SIGKILL)
            guard await child.waitForExit(timeout: .seconds(10)) else {
                throw ChaosError("\(child.name) survived SIGKILL")
            }
            try await Task.sleep(for: length)
            let back = Date()
            try child.start()
            state.withLock { $0.kills.append(ChaosLeaseCheck.Kill(victim: child.name, at: at, back: back)) }
            return child.name
        case .pool:
            try await postgres.lockTables(for: length)
        case .kill, .pause, .scale, .partition, .postgres, .erp:
            try await applyOther(event, length: length)
        }
        return nil
    }

    /// Between runs (no unexpired lease): the candidate whose latest report held the lease (the
    /// first one when none has yet).
    private func leaseHolder() -> ChaosChild? {
        var latest: (child: ChaosChild, at: Date)?
        for child in cluster.candidates {
            guard let path = child.outputPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                continue
            }
            guard let run = ChaosReconcileRun.parse(candidate: child.name, text: text).last(where: \.ran) else {
                continue
            }
            if latest == nil || run.startedAt > latest?.at ?? .distantPast { latest = (child, run.startedAt) }
        }
        return latest?.child ?? cluster.candidates.first
    }

    private func applyOther(_ event: ChaosFaultEvent, length: Duration) async throws {
        switch event.fault {
        case .lease, .pool:
            return
        case .kill:
            let child = try replica(event.target)
            child.halt(SIGKILL)
            guard await child.waitForExit(timeout: .seconds(10)) else {
                throw ChaosError("\(child.name) survived SIGKILL")
            }
            try await Task.sleep(for: length)
            try child.start()
            try await cluster.waitStarted([child], timeout: .seconds(90))
        case .pause:
            let child = try replica(event.target)
            child.send(SIGSTOP)
            try await Task.sleep(for: length)
            child.send(SIGCONT)
        case .scale:
            let down =
                Array(cluster.replicas(of: .dispatch).dropFirst()) + Array(cluster.replicas(of: .translate).dropFirst())
            await withTaskGroup(of: Void.self) { group in
                for child in down { group.addTask { await child.stop() } }
            }
            try await Task.sleep(for: length)
            for child in down { try child.start() }
            try await cluster.waitStarted(down, timeout: .seconds(90))
        case .partition:
            await cluster.proxy.stop(grace: .seconds(2))
            try await Task.sleep(for: length)
            try await cluster.startProxy()
        case .postgres:
            try await postgres.stop()
            try await Task.sleep(for: length)
            try await postgres.start()
        case .erp:
            let outage = settings.erpOutage
            erp.faults.update { $0.outageUntil = Date().addingTimeInterval(outage.chaosSeconds) }
            try await Task.sleep(for: outage)
            let before = erp.faults.settings
            erp.faults.update {
                $0.outageUntil = nil
                $0.throttledRatio = 0.5
                $0.retryAfterSeconds = 2
            }
            try await Task.sleep(for: settings.erpThrottling)
            erp.faults.update {
                $0.throttledRatio = before.throttledRatio
                $0.retryAfterSeconds = before.retryAfterSeconds
            }
        }
    }

    private func replica(_ name: String) throws -> ChaosChild {
        guard let child = cluster.replicas.first(where: { $0.name == name }) else {
            throw ChaosError("no replica \(name)")
        }
        return child
    }
}
