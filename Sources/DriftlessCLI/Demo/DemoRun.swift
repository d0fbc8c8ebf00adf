import DriftlessOperations
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Pipeline
import Simulators

/// The demo, phase by phase: simulators and scenario, every stage, the traffic (with an ERP outage in
/// the middle), settle; the mapping fix deployed and the quarantined records replayed; reconciliation
/// finds and repairs the drift; the operator replays the flagged cancellations; a last comparison and
/// the check against the simulators.
struct DemoRun: Sendable {
    let settings: DemoSettings
    let console: DemoConsole
    let logger: Logger
    /// Runs just before the check (tests use it to make the ERP hold something it should not).
    var beforeCheck: (@Sendable (DemoWorld) async throws -> Void)?

    /// What is left running after the report with `--keep`.
    struct Kept: Sendable {
        let runtime: PipelineRuntime
        let world: DemoWorld
        let pipeline: DemoPipeline
    }

    func run() async throws -> (DemoReport, Kept?) {
        let started = ContinuousClock.now
        let now = Date()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "driftless-demo-\(ProcessInfo.processInfo.processIdentifier)-\(Int(now.timeIntervalSince1970))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ledgerURL = settings.ledgerURL ?? "sqlite://" + directory.appendingPathComponent("driftless.db").path
        console.phase("starting the storefront, marketplace and ERP simulators")
        let world = try await DemoWorld.start(settings: settings, now: now, logger: logger)
        console.watch(world.erp)
        let view = self.console
        let ticker = Task {
            while !Task.isCancelled {
                view.tick()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { ticker.cancel() }
        var report = DemoReport(settings: settings, ledgerURL: ledgerURL, directory: directory)
        var pipeline: DemoPipeline?
        do {
            let scenario = try await DemoScenario.make(
                settings: settings, storefront: world.storefront.store, marketplace: world.marketplace.store, now: now)
            report.scenario = scenario
            let made = try DemoPipeline(settings: settings, world: world, ledgerURL: ledgerURL, logger: logger)
            pipeline = made
            report.bootstrapServers = made.configuration.bootstrapServers ?? ""
            report.configFile = try made.writeConfigFile(in: directory)
            let kept = try await drive(
                scenario: scenario, world: world, pipeline: made, directory: directory, report: &report)
            report.duration = ContinuousClock.now - started
            report.metrics = console.metrics
            console.finish("checked against the simulators: \(report.check.passed ? "passed" : "FAILED")")
            if settings.keep { return (report, Kept(runtime: kept, world: world, pipeline: made)) }
            console.retire(kept)
            try await kept.shutdown()
            await world.stop()
            if let failed = await made.deleteTopics() { console.phase(failed) }
            if settings.ledgerURL == nil { try? FileManager.default.removeItem(at: directory) }
            return (report, nil)
        } catch {
            await world.stop()
            if !settings.keep, let pipeline { _ = await pipeline.deleteTopics() }
            if settings.ledgerURL == nil && !settings.keep { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
    }

    private func drive(
        scenario: DemoScenario, world: DemoWorld, pipeline: DemoPipeline, directory: URL, report: inout DemoReport
    ) async throws -> PipelineRuntime {
        console.phase("starting Driftless: every stage, Kafka \(settings.brokers ?? "in-process mock cluster")")
        var runtime = try await pipeline.start()
        console.attach(runtime)
        report.metricsURL = "http://127.0.0.1:\(runtime.httpPort)/metrics"
        let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: pipeline.configuration.bootstrapServers ?? ""))
        let settle = DemoSettle(
            admin: admin, topics: pipeline.topics, tiers: settings.retryTiers, erp: world.erp, console: console)
        let producer = try pipeline.producer()
        do {
            try await traffic(scenario: scenario, world: world, runtime: runtime)
            let newestMarketplace = await world.marketplace.store.allOrders().compactMap {
                ISO8601DateFormatter().date(from: $0.LastUpdateDate)
            }.max()
            try await settle.wait(
                runtime: runtime, marketplaceUntil: newestMarketplace, timeout: settings.settleTimeout)
            world.erp.faults.update { $0 = ERPFaults.Settings() }
            report.trafficSettled = console.metrics

            // The mapping fix: the stages restart with it, then the quarantined records are replayed.
            let quarantined = try await cases(runtime, CaseQuery(reasonCode: "unmapped-status", states: [.open]))
            console.phase(
                "deploying the mapping fix (\(DemoMapping.unknownStatus) → PAYMENT_AUTHORIZED), restarting the stages",
                finished: "traffic settled: \(quarantined.count) records quarantined for an unknown status")
            let mapping = try DemoMapping.writeFixed(in: directory)
            console.retire(runtime)
            try await runtime.shutdown()
            runtime = try await pipeline.start(mappingFile: mapping)
            console.attach(runtime)
            report.metricsURL = "http://127.0.0.1:\(runtime.httpPort)/metrics"
            report.quarantineReplay = await replay(
                quarantined, runtime: runtime, producer: producer, topics: pipeline.topics,
                why: "mapping v2 knows \(DemoMapping.unknownStatus)")
            try await settle.wait(runtime: runtime, marketplaceUntil: nil, timeout: settings.settleTimeout)

            // Reconciliation: find, classify, correct through ingest or flag.
            console.phase("reconciling storefront and marketplace against the ERP (48 h window)")
            let matrix = try runtime.assembly.matrix()  // the fixed mapping the runtime was restarted with
            let reconcile = try DemoReconcile(
                world: world, runtime: runtime, topics: pipeline.topics, matrix: matrix, producer: producer,
                logger: logger)
            report.reconcile = await reconcile.run(dryRun: false)
            report.findings = try await reconcile.findings(runID: report.reconcile?.runID ?? "")
            try await settle.wait(runtime: runtime, marketplaceUntil: nil, timeout: settings.settleTimeout)

            // The operator reviews the flagged silent cancellations and lets them through.
            let flagged = try await cases(
                runtime,
                CaseQuery(
                    reasonCode: ReconcilePolicy.name(of: .silentCancellation), stage: "reconcile", states: [.open]))
            console.phase(
                "operator replays \(flagged.count) flagged cancellations (dlq replay)",
                finished: "reconciliation: \(report.reconcile?.found ?? 0) differences found")
            report.flaggedReplay = await replay(
                flagged, runtime: runtime, producer: producer, topics: pipeline.topics,
                why: "reviewed: cancelled before shipping, cancel in the ERP", reconcile: try reconcile.caseCheck())
            try await settle.wait(runtime: runtime, marketplaceUntil: nil, timeout: settings.settleTimeout)

            console.phase("comparing again and checking the ERP's records", finished: "replays settled")
            report.verify = await reconcile.run(dryRun: true)
            if let beforeCheck { try await beforeCheck(world) }
            report.check = try await DemoChecker.check(world: world)
            report.openCases = try await cases(runtime, CaseQuery(states: [.open])).count
            report.erpAnswers = world.erp.statusCounts
            report.erpTokens = world.erp.tokenCounts.granted
            report.lwaTokens = world.marketplace.authCounts.granted
        } catch {
            await producer.close()
            console.retire(runtime)
            try? await runtime.shutdown()
            throw error
        }
        await producer.close()
        return runtime
    }

    /// The storefront's webhooks (half, then an ERP outage, then the rest) while the poller reads the
    /// marketplace; 429s and 503s throughout.
    private func traffic(scenario: DemoScenario, world: DemoWorld, runtime: PipelineRuntime) async throws {
        console.phase(
            "traffic: \(scenario.schedule.count) webhooks for \(settings.storefrontOrders) storefront orders, "
                + "\(settings.marketplaceOrders) marketplace orders by polling")
        world.erp.faults.update {
            $0.unavailableRatio = 0.03
            $0.throttledRatio = 0.02
            $0.retryAfterSeconds = 1
        }
        let deliverer = world.storefront.deliverer(
            targetURL: "http://127.0.0.1:\(runtime.httpPort)/webhooks/shopify", secret: world.webhookSecret)
        let half = scenario.schedule.count / 2
        await deliverer.send(Array(scenario.schedule[..<half]), concurrency: settings.webhookConcurrency)
        let outage = settings.outage
        world.erp.faults.update { $0.outageUntil = Date().addingTimeInterval(DurationSeconds.of(outage)) }
        console.phase("ERP outage: every request answered 503 for \(outage.components.seconds) s")
        await deliverer.send(Array(scenario.schedule[half...]), concurrency: settings.webhookConcurrency)
        console.phase("settling: waiting for retries, the poller and every stage to finish")
    }

    private func cases(_ runtime: PipelineRuntime, _ query: CaseQuery) async throws -> [DeadLetterCase] {
        guard let store = runtime.ledger as? any CaseStore else { return [] }
        return try await store.cases(query)
    }

    private func replay(
        _ selected: [DeadLetterCase], runtime: PipelineRuntime, producer: KafkaProducer, topics: PipelineTopics,
        why: String, reconcile: ReconcileCaseCheck? = nil
    ) async -> ReplaySummary? {
        guard !selected.isEmpty, let store = runtime.ledger as? any CaseStore else { return nil }
        let replayer = CaseReplayer(
            cases: store, ledger: runtime.ledger, sink: producer, topics: topics, actor: "demo-operator", reason: why,
            reconcile: reconcile)
        return await replayer.replay(selected.sorted { $0.id < $1.id })
    }
}
