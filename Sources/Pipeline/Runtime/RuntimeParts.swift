import Foundation
import Kafka
import Ledger
import Logging
import OrderModel

/// The clients and stages of a runtime, built before the service group starts.
struct Parts: Sendable {
    /// The process's composition root (the shared parts come from it).
    var assembly: Assembly
    var configuration: PipelineConfiguration
    var topics: PipelineTopics
    var bootstrapServers: String
    var mockCluster: MockCluster?
    var ledger: any LedgerStore
    var auditWriter: AuditWriter
    var producer: KafkaProducer
    var health: HealthState
    var validate: ValidateStage?
    var translate: TranslateStage?
    var dispatch: DispatchStage?
    var retry: RetryStage?
    var deadLetter: DeadLetterStage?
    var webhooks: ShopifyWebhookIngest?
    /// Opened once the topics are set up (``TopicSetupService``): the stages, the poller, the
    /// schedule, the broker probe and the metrics sampler wait for it, and webhooks are answered 503
    /// until then.
    let topicsReady = StartupGate()
    var poller: MarketplacePoller?
    /// The process's one ERP client: dispatch's and retry's ``ERPAccess``, else one built from the
    /// `erp` configuration (the console's reads); nil without one.
    var erpClient: ERPClient? = nil
    /// The reconciliation schedule (plain `run` only, when configured: ``ReconcileRuntime``).
    var reconcile: ReconcileService?
    /// `/metrics`, the alert rules and their delivery, the sampler of consumer buffers and lag.
    var observe: ObserveParts
    /// The ledger's background work (PostgreSQL's connection pool), run by the group's first service
    /// (``LedgerService``).
    var ledgerBackground: (@Sendable () async -> Void)?
    /// Held while a translate stage runs on a SQLite ledger.
    var translateLock: SQLiteTranslateLock?
    var logger: Logger
    /// The Kafka client settings (the topic setup's admin client uses them).
    var kafka: KafkaConfig? = nil

    /// Builds the parts of `stages`; the shared ones (matrix, producer, ERP and marketplace access)
    /// come from `assembly` (the process's composition root, whose configuration then wins; one is
    /// made from `configuration` if nil).
    static func make(
        configuration given: PipelineConfiguration, stages: Set<StageName>, mockCluster external: MockCluster?,
        assembly: Assembly? = nil, logger: Logger
    ) async throws -> Parts {
        let assembly = try assembly ?? Assembly(configuration: given, logger: logger)
        let configuration = assembly.configuration
        if !stages.isDisjoint(with: [.dispatch, .retry]), configuration.erp == nil,
            stages.count < StageName.allCases.count
        {
            // Asked for by name (not just part of plain `run`): refuse before anything is opened.
            throw PipelineRuntimeError.dispatchWithoutERP
        }
        let matrix = try assembly.matrix()
        let translateLock =
            stages.contains(.translate) ? try SQLiteTranslateLock.acquire(ledgerURL: configuration.ledgerURL) : nil
        var mockCluster = external
        let bootstrap: String
        if let servers = configuration.bootstrapServers {
            bootstrap = servers
        } else {
            let cluster = try MockCluster(brokers: 1)
            mockCluster = cluster
            bootstrap = cluster.bootstrapServers
            logger.notice(
                "no Kafka brokers configured: running embedded on librdkafka's mock cluster (in-process, nothing kept on disk)",
                metadata: ["bootstrap": "\(bootstrap)"])
        }
        let kafka = assembly.kafka(bootstrapServers: bootstrap)
        let consumerKafka = kafka.merging(configuration.consumerProperties)
        let topics = PipelineTopics(prefix: configuration.topicPrefix)
        if let mockCluster {
            // An in-process mock cluster always answers: its topics are made now, before the stages'
            // consumers join their groups — the mock would otherwise create a subscribed topic on first
            // use with its own default partition count. (``TopicSetupService`` is for a real broker.)
            try await TopicSetup.ensure(
                kafka: kafka, topics: topics, partitions: configuration.partitions,
                replicationFactor: configuration.replicationFactor, tiers: configuration.dispatch.retryTiers,
                mockCluster: mockCluster, logger: logger)
        }
        // The topics are set up by the service group's first steps (``TopicSetupService``), retried
        // while the broker does not answer; the stages wait for them.
        let (ledger, ledgerBackground) = try await Ledger.openForService(url: configuration.ledgerURL, logger: logger)
        let auditWriter = AuditWriter(
            store: ledger, configuration: AuditWriterConfiguration(capacity: configuration.auditBufferRecords),
            logger: logger)
        let audit = LedgerAuditSink(writer: auditWriter)
        let producer = try assembly.producer(bootstrapServers: bootstrap)
        let health = assembly.health
        let observe = try ObserveParts.make(
            configuration: configuration, kafka: kafka, topics: topics, health: health, audit: audit, logger: logger)
        let options = KafkaConsumerOptions(
            bufferCapacity: configuration.bufferCapacity, maxBatchSize: configuration.maxBatchSize)
        let replica = configuration.replica
        var parts = Parts(
            assembly: assembly, configuration: configuration, topics: topics, bootstrapServers: bootstrap,
            mockCluster: mockCluster,
            ledger: ledger, auditWriter: auditWriter, producer: producer, health: health, observe: observe,
            ledgerBackground: ledgerBackground, translateLock: translateLock, logger: logger, kafka: kafka)
        if stages.contains(.validate) {
            parts.validate = try ValidateStage(
                kafka: consumerKafka, topics: topics, matrix: matrix, sink: producer, audit: audit,
                replica: "\(replica)/validate", options: options, logger: logger)
        }
        if stages.contains(.translate) {
            parts.translate = try TranslateStage(
                kafka: consumerKafka, topics: topics, matrix: matrix, sink: producer, ledger: ledger, audit: audit,
                replica: "\(replica)/translate", options: options, logger: logger)
        }
        // One ERP client, credential cache, limiter and breaker for dispatch, retry, reconciliation
        // and the console (the assembly's).
        if stages.contains(.dispatch) || stages.contains(.retry) {
            if let access = try assembly.erpAccess() {
                let erp = access.configuration
                guard let parking = ledger as? any ParkingStore else { throw PipelineRuntimeError.ledgerWithoutParking }
                if stages.contains(.dispatch) {
                    parts.dispatch = try DispatchStage(
                        kafka: consumerKafka, topics: topics, erp: erp, policy: configuration.dispatch, sink: producer,
                        audit: audit, parking: parking, access: access, health: health,
                        replica: "\(replica)/dispatch", options: options, logger: logger)
                }
                if stages.contains(.retry) {
                    parts.retry = try RetryStage(
                        kafka: consumerKafka, topics: topics, erp: erp, policy: configuration.dispatch,
                        tiers: configuration.retryTierFilter, sink: producer, audit: audit, parking: parking,
                        access: access, replica: "\(replica)/retry", options: options, logger: logger)
                }
            } else {
                logger.notice(
                    "no ERP configured (DRIFTLESS_ERP_URL / erp.baseURL): running without dispatch; canonical changes wait on \(topics.canonical)"
                )
            }
        }
        if stages.contains(.deadLetter) {
            if let cases = ledger as? any LedgerStore & CaseStore {
                parts.deadLetter = try DeadLetterStage(
                    kafka: consumerKafka, topics: topics, ledger: cases, audit: audit,
                    replica: "\(replica)/dead-letter", options: options, logger: logger)
            } else {
                logger.warning(
                    "the ledger at \(ledger.location) keeps no dead-letter cases: running without the dead-letter stage"
                )
            }
        }
        if stages.contains(.ingest) {
            if let secret = configuration.shopifySecret {
                parts.webhooks = ShopifyWebhookIngest(
                    configuration: .init(
                        maxBodyBytes: configuration.maxBodyBytes, sendTimeout: configuration.sendTimeout,
                        dedupeCapacity: configuration.dedupeCapacity, dedupeTTL: configuration.dedupeTTL,
                        maxPendingSends: configuration.maxPendingSends),
                    verifier: ShopifySignatureVerifier(
                        current: secret.value, previous: configuration.shopifyPreviousSecret?.value),
                    topics: topics, sink: producer, audit: audit, health: health, replica: "\(replica)/ingest",
                    logger: logger, accepting: { [gate = parts.topicsReady] in gate.isOpen })
            } else {
                logger.warning(
                    "no Shopify secret configured (DRIFTLESS_SHOPIFY_SECRET / ingest.shopify.secret): POST /webhooks/shopify is not served"
                )
            }
            // The poller's SP-API token and pacer, shared with the in-process reconciliation.
            if let pollerConfiguration = configuration.poller, let access = assembly.marketplaceAccess() {
                parts.poller = MarketplacePoller(
                    configuration: pollerConfiguration, topics: topics, sink: producer, audit: audit,
                    checkpoints: LedgerPollerCheckpointStore(store: ledger), replica: "\(replica)/poller",
                    tokens: access.tokens, pacer: access.pacer, orderItemsFrom: access, health: health,
                    logger: logger)
            }
        }
        parts.erpClient = try assembly.erpAccess()?.client
        if stages.count == StageName.allCases.count {
            parts.reconcile = try ReconcileRuntime.service(
                assembly: assembly, ledger: ledger, producer: producer, topics: topics, metrics: observe.metrics,
                alerts: observe.alerts.engine, logger: logger)
        }
        parts.observe.attach(
            validate: parts.validate, translate: parts.translate, dispatch: parts.dispatch, retry: parts.retry,
            deadLetter: parts.deadLetter, cases: parts.deadLetter == nil ? nil : ledger as? any CaseStore,
            parking: parts.dispatch == nil && parts.retry == nil ? nil : ledger as? any ParkingStore,
            processes: ledger as? any ProcessStore, replica: replica,
            ingest: parts.webhooks != nil || parts.poller != nil)
        return parts
    }
}
