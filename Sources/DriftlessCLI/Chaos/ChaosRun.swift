import DriftlessOperations
import Foundation
import Kafka
import KafkaCompatProxy
import Ledger
import Logging
import Pipeline
import Simulators

/// One chaos run: its PostgreSQL, the simulators and the workload, the cluster of stage processes
/// behind its own broker proxy, the nemesis' timeline while the traffic runs, the settle, the check
/// against the simulators' records, the report; everything it started stopped and removed at the
/// end, also when it fails.
struct ChaosRun: Sendable {
    let settings: ChaosSettings
    let profile: String
    let selfTest: Bool
    let say: @Sendable (String) -> Void
    let logger: Logger

    func run() async throws -> ChaosReport {
        let started = ContinuousClock.now
        let stamp = Int(Date().timeIntervalSince1970)
        let pid = ProcessInfo.processInfo.processIdentifier
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftless-chaos-\(pid)-\(stamp)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard let executable = Bundle.main.executableURL else {
            throw ChaosError("cannot find the driftless executable")
        }
        var report = ChaosReport()
        report.seed = settings.seed
        report.profile = profile
        report.rate = settings.rate
        report.trafficSeconds = settings.trafficSeconds
        report.replicas = Dictionary(uniqueKeysWithValues: settings.replicas.map { ($0.key.rawValue, $0.value) })
        report.rssLimitMB = settings.rssLimitMB
        report.directory = directory.path

        say("chaos: PostgreSQL of its own (initdb) in \(directory.path)")
        let postgres: ChaosPostgres
        do {
            postgres = try await ChaosPostgres.start(in: directory)
        } catch {
            // Not cancelled with the run: the clean-up must finish.
            await Task.detached {
                await ChaosPostgres.stopIfRunning(in: directory)
                try? FileManager.default.removeItem(at: directory)
            }.value
            throw error
        }
        var cluster: ChaosCluster?
        var world: DemoWorld?
        let topics = PipelineTopics(prefix: "driftless-chaos-\(pid)-\(stamp)")
        do {
            let ledger = try await Ledger.open(url: postgres.url, logger: logger)
            var demo = DemoSettings()
            demo.orders = settings.storefrontOrders
            demo.seed = settings.seed
            say(
                "chaos: simulators (storefront, marketplace, ERP) and \(settings.storefrontOrders) storefront lifecycles"
            )
            let made = try await DemoWorld.start(settings: demo, now: Date(), logger: logger)
            world = made
            let plan = try await ChaosWorkload.plan(
                count: settings.storefrontOrders, store: made.storefront.store, seed: settings.seed)
            let proxyPort = try LoopbackPorts.freePort()
            let env = ChaosConfig.environment(world: made, settings: settings)
            let files = try ChaosConfig.write(
                in: directory, settings: settings, bootstrap: "127.0.0.1:\(proxyPort)", topicPrefix: topics.prefix,
                ledgerURL: postgres.url, marketplaceURL: made.marketplace.server.baseURL)
            let running = ChaosCluster(
                settings: settings, executable: executable, directory: directory, configFile: files.plain,
                pollerConfigFile: files.poller, reconcileConfigFile: files.reconcile, environment: env,
                proxyPort: proxyPort,
                tansuPort: settings.tansuBinary == nil ? nil : try LoopbackPorts.freePort())
            cluster = running
            say(
                "chaos: starting \(running.replicas.count) stage processes behind the broker proxy \(running.bootstrap) → "
                    + "\(running.tansuPort.map { "Tansu of its own on 127.0.0.1:\($0)" } ?? settings.upstream), "
                    + "topics \(topics.prefix).*")
            try await running.start(timeout: .seconds(180))
            report = try await drive(
                report: report, cluster: running, postgres: postgres, world: made, plan: plan, ledger: ledger,
                topics: topics)
            await ledger.close()
        } catch {
            say("chaos: the run stopped: \(error)")
            // Detached: not cancelled with the run, the clean-up must finish.
            await Task.detached { [self, cluster, world] in
                await teardown(
                    cluster: cluster, world: world, postgres: postgres, topics: topics, directory: directory, keep: true
                )
            }.value
            throw error
        }
        report.durationSeconds = (ContinuousClock.now - started).chaosSeconds
        report.outcome = report.passed ? "passed" : "failed"
        let keep = !report.passed
        await Task.detached { [self, cluster, world] in
            await teardown(
                cluster: cluster, world: world, postgres: postgres, topics: topics, directory: directory, keep: keep)
        }.value
        return report
    }

    private func drive(
        report: ChaosReport, cluster: ChaosCluster, postgres: ChaosPostgres, world: DemoWorld,
        plan: ChaosWorkload.Plan, ledger: any LedgerStore, topics: PipelineTopics
    ) async throws -> ChaosReport {
        var report = report
        let nemesis = ChaosNemesis(cluster: cluster, postgres: postgres, erp: world.erp, settings: settings, say: say)
        let names = Dictionary(grouping: cluster.replicas.map(\.name)) { name in
            StageName(rawValue: String(name[..<(name.lastIndex(of: "-") ?? name.endIndex)])) ?? .ingest
        }
        let timeline = ChaosNemesisPlan.make(settings: settings, replicaNames: names)
        say(
            "chaos: nemesis timeline (seed \(settings.seed)):\n"
                + timeline.map { "  " + $0.line }.joined(separator: "\n"))
        if settings.faults.contains(.erp) { nemesis.startERPNoise() }
        let say = self.say
        let sampler = Task {
            while !Task.isCancelled {
                cluster.sampleRSS()
                for crash in await cluster.restartCrashed() { say("chaos: \(crash) (restarted)") }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        defer { sampler.cancel() }
        let workload = ChaosWorkload(secret: world.webhookSecret)
        let start = ContinuousClock.now
        let startDate = Date()
        say(
            "chaos: traffic for \(Int(settings.trafficSeconds)) s: \(plan.schedule.count) webhooks of \(plan.storefrontIDs.count) "
                + "storefront orders, \(String(format: "%.1f", settings.marketplaceRate)) marketplace orders/s")
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await workload.sendStorefront(
                    plan.schedule, seconds: settings.trafficSeconds, giveUpAfter: .seconds(180),
                    targets: { cluster.webhookURLs() })
            }
            group.addTask {
                await workload.sendMarketplace(
                    store: world.marketplace.store, rate: settings.marketplaceRate, seconds: settings.trafficSeconds,
                    seed: settings.seed &+ 1)
            }
            group.addTask { await nemesis.run(timeline, start: start) }
        }
        world.erp.faults.update { $0 = ERPFaults.Settings() }
        let calm = ContinuousClock.now
        say("chaos: traffic and faults over; settling")
        let newest = await world.marketplace.store.allOrders().compactMap {
            ISO8601DateFormatter().date(from: $0.LastUpdateDate)
        }.max()
        let settle = ChaosSettle(
            bootstrap: cluster.bootstrap, topics: topics, tiers: settings.retryTiers, ledger: ledger, erp: world.erp)
        let unsettled = await settle.wait(marketplaceUntil: newest, timeout: settings.settleTimeout)
        report.settled = unsettled == nil
        report.unsettledDetail = unsettled
        report.settleSeconds = unsettled == nil ? (ContinuousClock.now - calm).chaosSeconds : nil
        // Two metric samples after the settle (one a second), then no consumer may hold a pause.
        try? await Task.sleep(for: .seconds(2))
        report.pausedAfterSettle = await ChaosPausedPartitions.check(
            cluster.replicas, saveIn: unsettled == nil ? nil : URL(fileURLWithPath: report.directory))
        cluster.sampleRSS()

        say("chaos: checking the ERP simulator's records against the channels' orders")
        let expectations = try await Self.expectations(world: world)
        let records = await world.erp.store.allRecords()
        let log = await world.erp.store.writeLog
        let acknowledged = Set(workload.lastAcknowledgement.keys.map { "shopify:\($0)" })
        report.verdict = ChaosChecker.check(
            expectations: expectations, records: records, writes: ChaosWrite.salesOrderWrites(log),
            acknowledgedOrders: acknowledged, simulatorDuplicates: await world.erp.store.duplicateEffects)
        report.erpVersionRegressionsAttempted = await world.erp.store.versionRegressions
        report.storefrontOrders = plan.storefrontIDs.count
        report.marketplaceOrders = workload.marketplaceOrders.count
        report.webhooksSent = plan.schedule.count
        report.webhooksDuplicated = plan.duplicated
        report.webhooksLate = plan.late
        report.webhooksAcknowledged = workload.acknowledgedCount
        report.webhooksUnanswered = workload.unansweredIDs.count
        report.timeline = nemesis.windows
        report.nemesisErrors = nemesis.errors
        for window in nemesis.windows { report.faultsPerClass[window.fault.rawValue, default: 0] += 1 }
        report.peakRSSMB = cluster.peakRSSByStage()
        report.restarts = Dictionary(uniqueKeysWithValues: cluster.workers.map { ($0.name, $0.starts) })
        report.crashes = cluster.workers.flatMap { child in child.crashes.map { "\(child.name): \($0)" } }
        report.erpAnswers = Dictionary(uniqueKeysWithValues: world.erp.statusCounts.map { (String($0.key), $0.value) })
        let sync = ChaosTimeToSync.measure(
            records: records, log: log, acknowledgements: workload.lastAcknowledgement, windows: nemesis.windows,
            trafficStart: startDate)
        report.timeToSyncDuringFaults = sync.during
        report.timeToSyncOutsideFaults = sync.outside
        var runs: [ChaosReconcileRun] = []
        for child in cluster.candidates {
            guard let path = child.outputPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                continue
            }
            runs += ChaosReconcileRun.parse(candidate: child.name, text: text)
        }
        report.reconcile = ChaosLeaseCheck.check(
            runs: runs, interval: settings.reconcileInterval.chaosSeconds, kills: nemesis.leaseKills)
        report.traceSample = ChaosTraceCheck.sample(expectations, count: 25, seed: settings.seed)
        report.traceViolations = await ChaosTraceCheck.check(orders: report.traceSample, in: ledger)
        if selfTest { report.selfTest = ChaosSelfTest.run(expectations: expectations) }
        if !report.passed {
            report.traces = await traces(of: report.verdict.offendingOrders.prefix(3), ledgerURL: postgres.url)
        }
        return report
    }

    /// What the ERP must hold for every order the storefront and the marketplace hold now.
    static func expectations(world: DemoWorld) async throws -> [OracleExpectation] {
        var expectations: [OracleExpectation] = []
        for order in await world.storefront.store.allOrders() {
            expectations.append(try ERPOracle.expectation(shopify: order))
        }
        for order in await world.marketplace.store.allOrders() {
            expectations.append(ERPOracle.expectation(amazon: order))
        }
        return expectations
    }

    /// `driftless trace <order>` of a few offending orders, from the run's ledger.
    private func traces(of orders: ArraySlice<String>, ledgerURL: String) async -> [String] {
        guard let executable = Bundle.main.executableURL else { return [] }
        var lines: [String] = []
        for order in orders where order.hasPrefix("shopify:") || order.hasPrefix("amazon:") {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent(
                "chaos-trace-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let child = ChaosChild(
                name: "trace", role: "trace", executable: executable,
                arguments: ["trace", order, "--ledger", ledgerURL, "--limit", "40"],
                environment: ProcessInfo.processInfo.environment, logPath: output.path)
            do {
                try child.start()
                _ = await child.waitForExit(timeout: .seconds(30))
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                lines.append("trace of \(order):")
                lines += text.split(separator: "\n").prefix(60).map { "    " + $0 }
            } catch {
                lines.append("trace of \(order) failed: \(error)")
            }
        }
        return lines
    }

    /// Stops the replicas, deletes the run's topics (through the proxy, still up), stops the proxy,
    /// the simulators and PostgreSQL; removes the directory unless `keep` (its logs explain a failure).
    private func teardown(
        cluster: ChaosCluster?, world: DemoWorld?, postgres: ChaosPostgres, topics: PipelineTopics, directory: URL,
        keep: Bool
    ) async {
        say("chaos: stopping the stage processes, deleting topics \(topics.prefix).*, stopping PostgreSQL")
        if let cluster {
            await withTaskGroup(of: Void.self) { group in
                for child in cluster.workers { group.addTask { await child.stop() } }
            }
            if !cluster.proxy.isRunning { try? await cluster.startProxy() }
            do {
                let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: cluster.bootstrap))
                try await admin.deleteTopics(topics.allTopics(tiers: settings.retryTiers.compactMap(RetryTier.init)))
            } catch {
                say("chaos: the run's topics (\(topics.prefix).*) were not deleted: \(error)")
            }
            await cluster.proxy.stop()
            await cluster.tansu?.stop()
        }
        await world?.stop()
        await postgres.stopIfRunning()
        try? FileManager.default.removeItem(atPath: postgres.directory)
        if !keep { try? FileManager.default.removeItem(at: directory) }
    }
}
