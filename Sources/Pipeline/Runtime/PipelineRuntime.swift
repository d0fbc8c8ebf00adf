import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import ServiceLifecycle
import Synchronization

/// The running pipeline: the selected stages of one process, wired to Kafka and the ledger, under one
/// `ServiceGroup` (graceful shutdown on SIGTERM/SIGINT: intake stops first, then translate and
/// validate finish their batch in hand, commit and leave their groups; then the producer is flushed,
/// the audit writer drained and the ledger closed).
public final class PipelineRuntime: Sendable {
    /// The resolved configuration.
    public let configuration: PipelineConfiguration
    /// Topic names.
    public let topics: PipelineTopics
    /// The ledger.
    public let ledger: any LedgerStore
    /// Liveness/readiness.
    public let health: HealthState
    /// Stages running in this process (nil when not selected).
    public let validate: ValidateStage?
    public let translate: TranslateStage?
    public let dispatch: DispatchStage?
    /// The retry stage (nil when not run here or no ERP is configured).
    public let retry: RetryStage?
    public let deadLetter: DeadLetterStage?
    public let webhooks: ShopifyWebhookIngest?
    public let poller: MarketplacePoller?
    /// The process's one ERP client (dispatch's and retry's ``ERPAccess`` when they run, else one built
    /// from the `erp` configuration); nil without an ERP configured.
    public let erpClient: ERPClient?
    /// The process's composition root: the shared parts (matrix, producer, ERP and marketplace access).
    public let assembly: Assembly
    /// The process's metrics (`GET /metrics`).
    public let metrics: PipelineMetrics
    /// The alert rules and their delivery; feed it mismatches with `alerts.engine.record(mismatch:at:)`.
    public let alerts: AlertService
    /// The HTTP port (webhooks and health).
    public let httpPort: Int
    /// Kafka bootstrap servers in use (the mock cluster's when embedded).
    public let bootstrapServers: String

    private let producer: KafkaProducer
    private let auditWriter: AuditWriter
    /// Closes the shared clients when the group did not (cancelled, or ended before their services).
    private let opened: OpenedClients

    /// The audit writer's counters (buffered, written, dropped by webhook answers, rejected rows).
    public var auditStatistics: AuditWriterStatistics {
        get async { await auditWriter.stats }
    }
    private let mockCluster: MockCluster?
    private let runner: ServiceRunner
    private let task: Task<Void, any Error>
    private let logger: Logger
    private let closed = Mutex(false)
    /// Released once the runtime closed (another translate replica may then use the SQLite file).
    private let translateLock: Mutex<SQLiteTranslateLock?>

    private init(parts: Parts, runner: ServiceRunner, task: Task<Void, any Error>, httpPort: Int) {
        configuration = parts.configuration
        topics = parts.topics
        ledger = parts.ledger
        health = parts.health
        validate = parts.validate
        translate = parts.translate
        dispatch = parts.dispatch
        retry = parts.retry
        deadLetter = parts.deadLetter
        webhooks = parts.webhooks
        poller = parts.poller
        erpClient = parts.erpClient
        assembly = parts.assembly
        metrics = parts.observe.metrics
        alerts = parts.observe.alerts
        bootstrapServers = parts.bootstrapServers
        producer = parts.producer
        auditWriter = parts.auditWriter
        opened = parts.opened
        mockCluster = parts.mockCluster
        translateLock = Mutex(parts.translateLock)
        logger = parts.logger
        self.runner = runner
        self.task = task
        self.httpPort = httpPort
    }

    /// Starts `stages` (all by default): opens the ledger, ensures topics, starts the consumers, the
    /// HTTP listener `http` makes and the poller. `handleSignals` installs SIGTERM/SIGINT graceful shutdown.
    /// `mockCluster`: a mock cluster the caller owns (its bootstrap servers must be configured), so
    /// topics are created through it (the mock cluster does not serve CreateTopics). `assembly`: the
    /// process's composition root, when the caller already has one (its configuration then wins).
    public static func start(
        configuration: PipelineConfiguration, stages: Set<StageName> = Set(StageName.allCases),
        handleSignals: Bool = false, mockCluster: MockCluster? = nil, assembly: Assembly? = nil,
        logger: Logger = Logger(label: "driftless"), http: any HTTPFront
    ) async throws -> PipelineRuntime {
        let parts = try await Parts.make(
            configuration: configuration, stages: stages, mockCluster: mockCluster, assembly: assembly, logger: logger)
        let (ports, portContinuation) = AsyncStream<Int?>.makeStream()
        let app = http.makeService(
            parts: HTTPFrontParts(
                configuration: parts.configuration, health: parts.health, metrics: parts.observe.metrics,
                webhooks: parts.webhooks, alerts: parts.observe.alerts.engine, logger: logger),
            onListening: { port in
                portContinuation.yield(port)
                portContinuation.finish()
            })

        // One group runs every long-lived part; it shuts them down in reverse order of this list:
        // the broker probe and the fatal-error watch, HTTP intake, the poller, validate, translate,
        // dispatch (each drains its batches in flight, commits and leaves its group), then the producer
        // (flushed), the audit writer (flushed) and the ledger (closed, then its pool stopped). Each
        // client is its own `Service`: it runs until graceful shutdown, then closes.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // Shut down after everything: the stages and the audit writer still write until then.
            .init(service: LedgerService(store: parts.ledger, background: parts.ledgerBackground)),
            .init(service: parts.auditWriter),
            .init(service: parts.producer),
        ]
        // Alerts stop after the stages (what they report last is still delivered), before the ledger.
        services.append(.init(service: parts.observe.alerts))
        // The process registry writes its stages `stopped` once they have drained, before the ledger closes.
        if let registry = parts.observe.registry { services.append(.init(service: registry)) }
        // The stages, the poller and the schedule start once the topics are set up (retried while the
        // broker does not answer; readiness stays `starting` meanwhile).
        let topicsReady = parts.topicsReady
        func gated(_ service: any Service) -> ServiceGroupConfiguration.ServiceConfiguration {
            .init(service: GatedService(gate: topicsReady, inner: service))
        }
        if let reconcile = parts.reconcile { services.append(gated(reconcile)) }
        // Dead letters are fed by every stage below: it stops after them.
        if let deadLetter = parts.deadLetter { services.append(gated(deadLetter)) }
        if let retry = parts.retry { services.append(gated(retry)) }
        if let dispatch = parts.dispatch { services.append(gated(dispatch)) }
        if let translate = parts.translate { services.append(gated(translate)) }
        if let validate = parts.validate { services.append(gated(validate)) }
        if let poller = parts.poller {
            services.append(gated(PollerService(poller: poller)))
            parts.health.setDetail("poller", "running")
        }
        services.append(.init(service: app))
        // The sampler and the probe ask the broker for the pipeline's topics: not before they exist
        // (a metadata request for a missing topic can make the broker create it with its own count).
        if let sampler = parts.observe.sampler { services.append(gated(sampler)) }
        // A fatal producer error shuts the whole group down gracefully (and `wait()` then throws
        // it, so the process exits non-zero).
        services.append(
            .init(
                service: FatalErrorWatch(producer: parts.producer, health: parts.health, logger: logger),
                successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup))
        services.append(
            .init(
                service: GatedService(
                    gate: topicsReady,
                    inner: BrokerProbe(
                        producer: parts.producer, health: parts.health, interval: configuration.healthProbeInterval,
                        logger: logger, ledger: parts.ledger)),
                successTerminationBehavior: .ignore))
        if parts.mockCluster != nil {
            // An in-process mock cluster always answers: `Parts.make` made its topics already.
            parts.health.setDetail("topics", "ready")
            topicsReady.open()
        } else {
            // Listed last, so shut down first: a stop while it still waits for the broker closes the
            // gate and the stages waiting at it return at once.
            parts.health.setDetail("topics", "setting up")
            services.append(
                .init(
                    service: TopicSetupService(
                        kafka: parts.kafka ?? KafkaConfig(bootstrapServers: parts.bootstrapServers, [:]),
                        topics: parts.topics, partitions: configuration.partitions,
                        replicationFactor: configuration.replicationFactor, tiers: configuration.dispatch.retryTiers,
                        retry: configuration.topicSetupRetry, health: parts.health, gate: topicsReady, logger: logger),
                    successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        let runner = ServiceRunner(
            services, logger: logger, signals: handleSignals, maximumGracefulShutdownDuration: .seconds(30))
        let task = Task {
            defer { portContinuation.finish() }
            try await runner.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), let port = bound, port > 0 else {
            // The group ended without its clients' graceful shutdown (the listener failed): close them.
            _ = await task.result
            await parts.opened.close()
            throw PipelineRuntimeError.httpFailedToStart(host: configuration.ingestHost, port: configuration.ingestPort)
        }
        // Returns once the topics are set up, or when the process was asked to stop before that
        // (then `wait()` returns as soon as the group has shut down).
        guard await topicsReady.wait() else {
            logger.notice("stopped before start-up finished: the topics were never set up")
            return PipelineRuntime(parts: parts, runner: runner, task: task, httpPort: port)
        }
        parts.health.markStarted()
        logger.info(
            "driftless running",
            metadata: [
                "stages": "\(stages.map(\.rawValue).sorted())", "http": "\(configuration.ingestHost):\(port)",
                "kafka": "\(parts.bootstrapServers)", "embedded": "\(configuration.isEmbedded)",
                "ledger": "\(parts.ledger.location)",
            ])
        return PipelineRuntime(parts: parts, runner: runner, task: task, httpPort: port)
    }

    /// The process's producer, for tests that inject client errors into it.
    @_spi(Testing) public var producerForTesting: KafkaProducer { producer }

    /// Waits until the service group ends (signal or ``shutdown()``), then releases resources.
    public func wait() async throws {
        let result = await task.result
        health.markStopping()
        let first = closed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        if first {
            // Normally done by the clients' own services; this covers a group that was cancelled or
            // ended before them (each close is then a no-op for what is already closed).
            await opened.close()
            translateLock.withLock { $0 = nil }
            withExtendedLifetime(mockCluster) {}
        }
        try result.get()
    }

    /// Graceful shutdown: stop intake, finish in-flight batches, commit, flush, close.
    public func shutdown() async throws {
        health.markStopping()
        await runner.triggerGracefulShutdown()
        try await wait()
    }
}

/// Why the runtime could not start.
public enum PipelineRuntimeError: Error, Equatable, CustomStringConvertible {
    case httpFailedToStart(host: String, port: Int)
    case mapping(String)
    /// The Kafka producer hit a fatal error; the process stopped so another replica takes over.
    case kafkaFatal(String)
    /// Another translate replica already uses this SQLite ledger file.
    case sqliteLedgerShared(path: String)
    /// `--stage dispatch` or `--stage retry` was asked for but no ERP is configured.
    case dispatchWithoutERP
    /// The ledger cannot park events (a store without ``ParkingStore``).
    case ledgerWithoutParking

    public var description: String {
        switch self {
        case .kafkaFatal(let why): "stopped after a fatal Kafka error: \(why)"
        case .httpFailedToStart(let host, let port): "HTTP listener on \(host):\(port) failed to start"
        case .mapping(let why): "mapping matrix: \(why)"
        case .sqliteLedgerShared(let path):
            "another translate replica already uses the SQLite ledger \(path); several translate replicas "
                + "need the shared PostgreSQL ledger (DRIFTLESS_LEDGER_URL=postgres://…), or give each process its own file"
        case .dispatchWithoutERP:
            "the dispatch and retry stages need an ERP: set DRIFTLESS_ERP_URL and DRIFTLESS_ERP_TOKEN (or erp.baseURL and erp.token)"
        case .ledgerWithoutParking:
            "the ledger store cannot park events (dispatch and retry need a SQLite or PostgreSQL ledger)"
        }
    }
}
