/// The settings of the table-driven sections — `kafka`, `ledger` (with `ledger.retention`), `ingest`,
/// `health`, `stages`, `mapping`, `metrics`, `dispatch` — one row each (``Setting``). Loading applies the file's values
/// and then the environment's (which win) row by row; a key of these sections that is no row's is
/// unknown. The sections with nested credentials and lists of objects (`ingest.shopify`, `poller`,
/// `erp`, `alerts`, `reconcile`, `ops`) still have readers of their own.
enum SettingsTable {
    /// Every row, in the order `config show` and the reference list them.
    static let rows: [Setting] = kafka + ledger + ingest + stages + dispatch

    static let kafka: [Setting] = [
        Setting(
            key: "kafka.bootstrapServers", environment: "DRIFTLESS_KAFKA_BOOTSTRAP", kind: .text,
            doc: "The brokers, or `embedded` for librdkafka's in-process mock cluster (never used unless asked for).",
            show: { $0.bootstrapServers ?? ($0.embeddedRequested ? "embedded" : "") },
            assign: { configuration, value, invalid in
                let text = try Setting.scalar(value, invalid, expected: "host:port list or embedded")
                if text == "embedded" {
                    configuration.bootstrapServers = nil
                    configuration.embeddedRequested = true
                } else if !text.isEmpty {
                    configuration.bootstrapServers = text
                    configuration.embeddedRequested = false
                }
            }),
        .text(
            "kafka.topicPrefix", env: "DRIFTLESS_TOPIC_PREFIX", "Prefix of every topic (`<prefix>.ingest.raw` …).",
            \.topicPrefix),
        .int32(
            "kafka.partitions", env: "DRIFTLESS_PARTITIONS", "Partitions of the topics created on start-up.",
            \.partitions),
        .int32("kafka.replicationFactor", "Replication factor of the topics created on start-up.", \.replicationFactor),
        .milliseconds(
            "kafka.topicSetupTimeoutMs", "One start-up attempt to set up the topics waits this long for the broker.",
            \.topicSetupRetry.attemptTimeout, minimum: 1),
        .map(
            "kafka.properties", environmentPrefix: "DRIFTLESS_KAFKA_PROPERTY_",
            "librdkafka properties for every client (`DRIFTLESS_KAFKA_PROPERTY_LINGER_MS=5` → `linger.ms`).",
            \.kafkaProperties),
        .map(
            "kafka.consumerProperties", environmentPrefix: "DRIFTLESS_CONSUMER_PROPERTY_",
            "librdkafka properties for consumers only (`DRIFTLESS_CONSUMER_PROPERTY_SESSION_TIMEOUT_MS=6000`).",
            \.consumerProperties),
    ]

    static let ledger: [Setting] = [
        .text(
            "ledger.url", env: "DRIFTLESS_LEDGER_URL",
            "`sqlite:///path.db` (default `./.data/driftless.db`), `sqlite::memory:` or `postgres://…` (replicas).",
            \.ledgerURL),
        .integer(
            "ledger.auditBufferRecords", "Audit rows buffered for the ledger; stages wait when it is full.",
            \.auditBufferRecords, minimum: 1),
        .duration(
            "ledger.retention.auditRecords", env: "DRIFTLESS_LEDGER_RETENTION_AUDIT_RECORDS",
            "Audit rows older than this are purged (`driftless ledger purge`).", \.retention.auditRecords,
            minimum: 3600),
        .duration(
            "ledger.retention.closedCases", env: "DRIFTLESS_LEDGER_RETENTION_CLOSED_CASES",
            "Resolved or discarded cases, from their last change (open ones are kept).", \.retention.closedCases,
            minimum: 3600),
        .duration(
            "ledger.retention.reconcileFindings", env: "DRIFTLESS_LEDGER_RETENTION_RECONCILE_FINDINGS",
            "Reconciliation findings.", \.retention.reconcileFindings, minimum: 3600),
        .duration(
            "ledger.retention.reconcileRuns", env: "DRIFTLESS_LEDGER_RETENTION_RECONCILE_RUNS",
            "Per-run checkpoints and run history.", \.retention.reconcileRuns, minimum: 3600),
    ]

    static let ingest: [Setting] = [
        .text("ingest.host", env: "DRIFTLESS_INGEST_HOST", "Address the webhook listener binds.", \.ingestHost),
        .integer(
            "ingest.port", env: "DRIFTLESS_INGEST_PORT", "Port of webhooks, `/healthz`, `/readyz`, `/metrics`.",
            \.ingestPort),
        .integer("ingest.maxBodyBytes", "Larger webhook bodies are answered 413.", \.maxBodyBytes),
        .milliseconds(
            "ingest.sendTimeoutMs", "No Kafka acknowledgement within this → 503 (Shopify waits 5 s).", \.sendTimeout),
        .integer("ingest.dedupeCapacity", "Webhook ids remembered to drop duplicates …", \.dedupeCapacity),
        .seconds("ingest.dedupeTtlSeconds", "… and for how long.", \.dedupeTTL),
        .milliseconds(
            "ingest.idleTimeoutMs", "A connection sending nothing for this long is closed.", \.idleTimeout),
        .milliseconds(
            "ingest.requestTimeoutMs", "A request's body must arrive within this long of its head.",
            \.requestReadTimeout),
        .integer("ingest.maxConnections", "Open connections at once; more wait in the backlog.", \.maxConnections),
        .integer(
            "ingest.maxPendingSends", "Kafka sends outstanding above which webhooks get 503 at once.",
            \.maxPendingSends),
        .milliseconds(
            "health.probeIntervalMs", env: "DRIFTLESS_HEALTH_PROBE_INTERVAL_MS", "How often the broker is probed.",
            \.healthProbeInterval),
        .milliseconds(
            "metrics.sampleIntervalMs", "How often consumer buffers and lag are sampled for `/metrics`.",
            \.metricsSampleInterval, minimum: 1),
    ]

    static let stages: [Setting] = [
        .text(
            "stages.replica", env: "DRIFTLESS_REPLICA", "This replica's name in audit rows (e.g. the pod name).",
            \.replica),
        .integer("stages.maxBatchSize", "Records a stage takes from its consumer at once.", \.maxBatchSize, minimum: 1),
        .integer("stages.bufferCapacity", "Records a consumer buffers ahead.", \.bufferCapacity, minimum: 1),
        .optionalText(
            "mapping.file", env: "DRIFTLESS_MAPPING_FILE", "The mapping matrix file (default: the bundled one).",
            \.mappingFile),
    ]
}
