import Foundation
import Ledger
import OrderModel
import Yams

/// Everything `driftless run` needs, resolved from the YAML file, then `DRIFTLESS_…` environment
/// variables (which win), then defaults.
///
/// With no Kafka bootstrap servers the runtime is *embedded*: librdkafka's in-process mock cluster.
/// `driftless run` uses it only when asked for (``embeddedRequested``: the value `embedded`, or
/// `--embedded`). A key of the file no setting reads stops loading, naming the closest known key.
public struct PipelineConfiguration: Sendable {
    /// Kafka bootstrap servers; nil → embedded mock cluster.
    public var bootstrapServers: String?
    /// Extra librdkafka properties for every client.
    public var kafkaProperties: [String: String]
    /// Extra librdkafka properties for consumers only (e.g. `session.timeout.ms`).
    public var consumerProperties: [String: String]
    /// Topic name prefix (default `driftless`).
    public var topicPrefix: String
    /// Partitions and replication of topics created on start-up.
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Ledger URL (`sqlite:///path`, `sqlite::memory:`, `postgres://…`).
    public var ledgerURL: String
    /// Audit rows buffered for the ledger. Stages wait when it is full; webhook answers never do
    /// (their rows are dropped and counted instead).
    public var auditBufferRecords: Int
    /// Webhook listener.
    public var ingestHost: String
    public var ingestPort: Int
    public var maxBodyBytes: Int
    public var sendTimeout: Duration
    public var dedupeCapacity: Int
    public var dedupeTTL: Duration
    /// A connection that sends no complete request part for this long is closed (also covers a
    /// request head trickled byte by byte, and idle keep-alive connections).
    public var idleTimeout: Duration
    /// A request's body must arrive completely within this long of its head.
    public var requestReadTimeout: Duration
    /// Open connections accepted at once; further ones wait in the listen backlog.
    public var maxConnections: Int
    /// Sends to Kafka still outstanding (including ones whose caller already got a 503) above which
    /// webhooks are answered 503 at once instead of queueing more during an outage.
    public var maxPendingSends: Int
    /// How often the broker is probed for readiness.
    public var healthProbeInterval: Duration
    /// How start-up retries setting up the topics while the broker is slow or unreachable.
    public var topicSetupRetry = TopicSetupRetry()
    /// Shopify app secret (current and previous, for rotation). Nil: webhooks are refused (401).
    public var shopifySecret: Secret?
    public var shopifyPreviousSecret: Secret?
    /// Marketplace poller; nil when disabled.
    public var poller: PollerConfiguration?
    /// LWA credentials the poller's SP-API calls use (`poller.lwa`); nil: no token sent (simulator).
    public var amazonLWA: LWAConfiguration?
    /// Replica name (audit rows), e.g. the pod name.
    public var replica: String
    /// Consumer batch and buffer sizes.
    public var maxBatchSize: Int
    public var bufferCapacity: Int
    /// Mapping matrix file; nil → the bundled default.
    public var mappingFile: String?
    /// Where ERP dispatch writes; nil: `run` starts without dispatch (and says so).
    public var erp: ERPConfiguration?
    /// Dispatch's in-place retries and circuit breaker.
    public var dispatch: DispatchPolicy
    /// Alert rules and destinations (`alerts:`).
    public var alerts: AlertConfiguration
    /// How often consumer buffers and lag are sampled for `/metrics` (`metrics.sampleIntervalMs`).
    public var metricsSampleInterval: Duration
    /// The tiers a retry stage of this process reads (`driftless run --stage retry --tier 1m`);
    /// empty: all of `dispatch.retryTiers`.
    public var retryTierFilter: [String] = []
    /// How long the ledger keeps each growing table (`ledger.retention`, `driftless ledger purge`).
    public var retention = LedgerRetention()
    /// Reconciliation (`reconcile:`): readers, window, policy, schedule, whether `run` runs it.
    public var reconcile = ReconcileConfiguration()
    /// The operations console (`ops:`): its token and optional listener of its own.
    public var ops = OpsConfiguration()
    /// Whether to run on the embedded mock cluster.
    public var isEmbedded: Bool { bootstrapServers == nil }
    /// Whether the mock cluster was asked for by name (`kafka.bootstrapServers: embedded`,
    /// `DRIFTLESS_KAFKA_BOOTSTRAP=embedded`, `run --embedded`); `run` refuses to fall back to it.
    public var embeddedRequested = false

    /// Defaults: embedded, the ledger's default SQLite file (`./.data/driftless.db`, the same one
    /// `driftless trace` reads), webhooks on 127.0.0.1:8080.
    public init() {
        bootstrapServers = nil
        kafkaProperties = [:]
        consumerProperties = [:]
        topicPrefix = "driftless"
        partitions = 6
        replicationFactor = 1
        ledgerURL = LedgerURL.defaultURLString
        auditBufferRecords = 10_000
        ingestHost = "127.0.0.1"
        ingestPort = 8080
        maxBodyBytes = 512 * 1024
        sendTimeout = .seconds(3)
        dedupeCapacity = 100_000
        dedupeTTL = .seconds(24 * 3600)
        idleTimeout = .seconds(30)
        requestReadTimeout = .seconds(10)
        maxConnections = 2048
        maxPendingSends = 10_000
        healthProbeInterval = .seconds(5)
        shopifySecret = nil
        shopifyPreviousSecret = nil
        poller = nil
        replica = ProcessInfo.processInfo.hostName
        maxBatchSize = 1_000
        bufferCapacity = 10_000
        mappingFile = nil
        erp = nil
        dispatch = DispatchPolicy()
        alerts = AlertConfiguration()
        metricsSampleInterval = .seconds(15)
    }

    /// Loads `file` (optional) and applies `environment` overrides.
    /// - Throws: `PipelineConfigurationError` naming the file, variable or field.
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PipelineConfiguration {
        try loadWithOrigins(file: file, environment: environment).configuration
    }

    /// ``load(file:environment:)``, and where each settings-table row's value came from (by key; a
    /// row absent there has its default) — what `driftless config show` prints.
    static func loadWithOrigins(
        file: String?, environment: [String: String]
    ) throws -> (configuration: PipelineConfiguration, origins: [String: SettingsTable.Origin]) {
        var configuration = PipelineConfiguration()
        var fileSecrets: PipelineConfigFile.Shopify?
        var fileERP: PipelineConfigFile.ERP?
        var fileLWA: PipelineConfigFile.LWA?
        var fileAlerts: PipelineConfigFile.Alerts?
        var document: Node?
        if let file {
            let (parsed, text) = try ConfigFileReader.decode(PipelineConfigFile.self, from: file)
            if let unknown = ConfigKeyRecorder.firstUnknownKey(
                in: text, readBy: [PipelineConfigFile.self, ReconcileConfigFile.self, OpsConfigFile.self])
            {
                throw PipelineConfigurationError.invalidFile(path: file, reason: unknown.message)
            }
            document = try? Yams.compose(yaml: text)
            try configuration.apply(parsed)
            fileSecrets = parsed.ingest?.shopify
            fileERP = parsed.erp
            fileLWA = parsed.poller?.lwa
            fileAlerts = parsed.alerts
        }
        // The table's sections: the file's values, then the environment's.
        let origins = try SettingsTable.apply(file: document, path: file, environment: environment, to: &configuration)
        try configuration.apply(environment: environment)
        // Secrets: environment first, then the file's settings; files are read only when used. A
        // setting that is present but empty fails here (an empty HMAC key would accept anything).
        configuration.shopifySecret =
            try configuration.shopifySecret
            ?? SecretSource.shopifyCurrent.resolve(
                environment: environment, fileValue: fileSecrets?.secret, filePath: fileSecrets?.secretFile)
        configuration.shopifyPreviousSecret =
            try configuration.shopifyPreviousSecret
            ?? SecretSource.shopifyPrevious.resolve(
                environment: environment, fileValue: fileSecrets?.previousSecret,
                filePath: fileSecrets?.previousSecretFile)
        try configuration.resolveERP(file: fileERP, environment: environment)
        try configuration.resolveLWA(file: fileLWA, environment: environment)
        try configuration.resolveAlerts(file: fileAlerts, environment: environment)
        configuration.reconcile = try ReconcileConfiguration.load(file: file, environment: environment)
        configuration.ops = try OpsConfiguration.load(file: file, environment: environment)
        try configuration.validate()
        return (configuration, origins)
    }

    /// The file's sections that have readers of their own (the table's are applied by
    /// ``SettingsTable``).
    mutating func apply(_ file: PipelineConfigFile) throws {
        if let poller = file.poller, poller.enabled ?? true, let url = poller.baseURL {
            var config = PollerConfiguration(baseURL: url)
            config.marketplaceID = poller.marketplaceID ?? config.marketplaceID
            config.pageSize = min(100, max(1, poller.pageSize ?? config.pageSize))
            config.intervalSeconds = poller.intervalSeconds ?? config.intervalSeconds
            config.lagSeconds = max(120, poller.lagSeconds ?? config.lagSeconds)
            config.initialLookbackSeconds = poller.initialLookbackSeconds ?? config.initialLookbackSeconds
            config.maxWindowSeconds = max(60, poller.maxWindowSeconds ?? config.maxWindowSeconds)
            config.maxBackoffSeconds = max(1, poller.maxBackoffSeconds ?? config.maxBackoffSeconds)
            config.rateLimitPerSecond = poller.rateLimitPerSecond ?? config.rateLimitPerSecond
            config.rateLimitBurst = poller.rateLimitBurst ?? config.rateLimitBurst
            // A deployment reads each order's items (its lines reach the ERP) unless told not to.
            config.orderItems = poller.orderItems ?? true
            config.orderItemsRateLimitPerSecond =
                poller.orderItemsRateLimitPerSecond ?? config.orderItemsRateLimitPerSecond
            config.orderItemsRateLimitBurst = poller.orderItemsRateLimitBurst ?? config.orderItemsRateLimitBurst
            config.restrictedDataToken = poller.restrictedDataToken ?? false
            self.poller = config
        }
    }

    /// The environment variables of the sections with readers of their own.
    mutating func apply(environment env: [String: String]) throws {
        let variables = EnvironmentValues(environment: env)
        if let url = variables.value("DRIFTLESS_POLLER_URL") {
            var config = poller ?? PollerConfiguration(baseURL: url)
            config.baseURL = url
            poller = config
        }
    }

    func validate() throws {
        guard (0...65535).contains(ingestPort) else {
            throw PipelineConfigurationError.invalidValue(field: "ingest.port", value: String(ingestPort))
        }
        guard partitions >= 1 else {
            throw PipelineConfigurationError.invalidValue(field: "kafka.partitions", value: String(partitions))
        }
        guard maxBodyBytes >= 1024 else {
            throw PipelineConfigurationError.invalidValue(field: "ingest.maxBodyBytes", value: String(maxBodyBytes))
        }
        for (field, duration) in [
            ("ingest.idleTimeoutMs", idleTimeout), ("ingest.requestTimeoutMs", requestReadTimeout),
            ("health.probeIntervalMs", healthProbeInterval), ("ingest.sendTimeoutMs", sendTimeout),
        ] where duration <= .zero {
            throw PipelineConfigurationError.invalidValue(field: field, value: "\(duration)")
        }
        for (field, count) in [("ingest.maxConnections", maxConnections), ("ingest.maxPendingSends", maxPendingSends)]
        where count < 1 {
            throw PipelineConfigurationError.invalidValue(field: field, value: String(count))
        }
        try checkBodyLimit()
        try erp?.validate()
        try amazonLWA?.validate()
        try dispatch.validate()
        try alerts.validate()
        for (setting, secret) in [
            ("ingest.shopify.secret", shopifySecret), ("ingest.shopify.previousSecret", shopifyPreviousSecret),
        ] {
            if let secret, secret.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw PipelineConfigurationError.emptySecret(setting: setting)
            }
        }
    }
}

extension PipelineConfiguration {
    /// Room a raw record needs beyond the webhook body: its key and envelope headers, and the
    /// observation header validate adds, with margin.
    static let recordHeadroomBytes = 64 * 1024

    /// The largest record the producer accepts (`message.max.bytes`, librdkafka's default 1,000,000).
    var producerMessageMaxBytes: Int {
        kafkaProperties["message.max.bytes"].flatMap { Int($0) } ?? 1_000_000
    }

    /// A body ingest accepts must be one the rest of the pipeline carries: within the producer's
    /// record limit (less the headroom for key and headers) and the payload decoder's limit.
    func checkBodyLimit() throws {
        let producerLimit = producerMessageMaxBytes - Self.recordHeadroomBytes
        let decoderLimit = PayloadLimits.defaultMaxBytes
        guard maxBodyBytes <= producerLimit, maxBodyBytes <= decoderLimit else {
            throw PipelineConfigurationError.invalidValue(
                field: "ingest.maxBodyBytes",
                value: "\(maxBodyBytes) is more than the pipeline carries: at most \(min(producerLimit, decoderLimit)) "
                    + "(kafka message.max.bytes \(producerMessageMaxBytes) less \(Self.recordHeadroomBytes) for key and headers; "
                    + "payload decoder limit \(decoderLimit))")
        }
    }
}
