import Foundation
import Kafka
import Logging
import OrderModel
import Synchronization

/// The composition root of one process: from one loaded, validated ``PipelineConfiguration`` it builds
/// each shared part **once** — the mapping matrix, the Kafka producer, the ``ERPAccess`` (one ERP
/// client, credential cache, limiter and breaker), the ``MarketplaceAccess`` (one LWA token and the
/// usage-plan pacers) and the storefront's Admin API reader — and every command (`run`, `run --stage`,
/// `dlq`, `reconcile`, `demo`, `trace`) asks it for what it needs instead of building its own.
///
/// Parts are built on first use (a command that needs no producer opens none) and the same instance is
/// handed out afterwards. The assembly does not close what it built: the producer is closed by whoever
/// runs the process's services (``PipelineRuntime``, or the command).
public final class Assembly: Sendable {
    /// The process's configuration (validated).
    public let configuration: PipelineConfiguration
    /// The process's health (`/status` components: broker, ERP breaker).
    public let health: HealthState
    /// The API calls and rate-limit waits of this process's reconciliation readers.
    public let reconcileStats = ReconcileAPIStats()
    let logger: Logger
    private let built = Mutex(Built())

    private struct Built: ~Copyable {
        var matrix: MappingMatrix?
        var producers: [String: KafkaProducer] = [:]
        var erp: ERPAccess?
        var marketplace: MarketplaceAccess?
        var channels: [any ChannelOrderReader]?
        var counts = AssemblyCounts()
    }

    /// The root of a process configured by `configuration`.
    /// - Throws: ``PipelineConfigurationError`` when the configuration is not valid.
    public init(configuration: PipelineConfiguration, health: HealthState = HealthState(), logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.health = health
        self.logger = logger
    }

    /// How many of each shared part this root built (each is at most 1 per process; the producer at
    /// most one per broker address).
    public var counts: AssemblyCounts { built.withLock { $0.counts } }

    /// The mapping matrix (`mapping.file`, else the bundled one), loaded once. Without an ERP there is
    /// nothing to look SKUs up in, so the content table is checked alone.
    public func matrix() throws(PipelineRuntimeError) -> MappingMatrix {
        try built.withLock { (built: inout Built) throws(PipelineRuntimeError) -> MappingMatrix in
            if let matrix = built.matrix { return matrix }
            var matrix = try Self.loadMatrix(configuration.mappingFile)
            if configuration.erp == nil { matrix.content.itemLookup = .off }
            built.matrix = matrix
            built.counts.matrixLoads += 1
            return matrix
        }
    }

    /// The Kafka client settings for `bootstrapServers` (the configured properties applied).
    public func kafka(bootstrapServers: String) -> KafkaConfig {
        KafkaConfig(bootstrapServers: bootstrapServers, configuration.kafkaProperties)
    }

    /// The process's producer to `bootstrapServers`, built once. Topics are made only by the topic
    /// set-up with the configured partition count: the producer never asks the broker to auto-create
    /// one (it would take the broker's own count) unless the configuration says otherwise.
    public func producer(bootstrapServers: String) throws -> KafkaProducer {
        try built.withLock { built in
            if let producer = built.producers[bootstrapServers] { return producer }
            let kafka = kafka(bootstrapServers: bootstrapServers)
            let settings =
                configuration.kafkaProperties["allow.auto.create.topics"] == nil
                ? kafka.merging(["allow.auto.create.topics": "false"]) : kafka
            let producer = try KafkaProducer(config: settings, logger: logger)
            built.producers[bootstrapServers] = producer
            built.counts.producers += 1
            return producer
        }
    }

    /// The process's one way to the ERP account (nil without `erp:`), built once: dispatch, retry,
    /// reconciliation, replays and the console share its client, token, limiter and breaker. Its
    /// configuration carries the matrix's content rules.
    public func erpAccess() throws -> ERPAccess? {
        guard var erp = configuration.erp else { return nil }
        let matrix = try matrix()
        return try built.withLock { built in
            if let access = built.erp { return access }
            erp.content = matrix.content
            let access = try ERPAccess(
                configuration: erp, policy: configuration.dispatch, health: health, logger: logger)
            built.erp = access
            built.counts.erpClients += 1
            return access
        }
    }

    /// The marketplace's shared SP-API access (nil without `poller:`), built once: the poller and the
    /// reconciliation reader share one LWA token and one pacer per usage plan.
    public func marketplaceAccess() -> MarketplaceAccess? {
        guard let poller = configuration.poller else { return nil }
        return built.withLock { built in
            if let access = built.marketplace { return access }
            let access = MarketplaceAccess(poller: poller, lwa: configuration.amazonLWA, logger: logger)
            built.marketplace = access
            built.counts.marketplaceAccesses += 1
            return access
        }
    }

    /// The channels' order readers for reconciliation — the storefront's Admin API (`reconcile.shopify`)
    /// and the marketplace's getOrders through the shared ``marketplaceAccess()`` — built once, counting
    /// their calls in ``reconcileStats``. Empty when neither channel's read API is configured.
    public func channelReaders() throws -> [any ChannelOrderReader] {
        let marketplace = marketplaceAccess()
        return try built.withLock { built in
            if let readers = built.channels { return readers }
            let readers = try ReconcileReaders.channels(
                pipeline: configuration, stats: reconcileStats, marketplace: marketplace, logger: logger)
            built.channels = readers
            built.counts.channelReaderSets += 1
            return readers
        }
    }

    /// Reconciliation's ERP reader over the shared ``erpAccess()`` (its client, token, limiter and
    /// breaker); nil without `erp:`.
    public func erpViewReader() throws -> ERPViewReader? {
        try erpAccess().map { ERPViewReader(sync: $0.sync, stats: reconcileStats, gate: $0.gate) }
    }

    static func loadMatrix(_ file: String?) throws(PipelineRuntimeError) -> MappingMatrix {
        do {
            guard let file else { return try MappingMatrix.default }
            let text = try String(contentsOfFile: file, encoding: .utf8)
            return try MappingMatrix.load(yaml: text, fileName: file)
        } catch {
            throw PipelineRuntimeError.mapping(String(describing: error))
        }
    }
}
