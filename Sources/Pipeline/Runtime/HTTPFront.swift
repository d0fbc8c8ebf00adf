import Logging
import ServiceLifecycle

/// What a process's HTTP listener serves from: health, metrics, the webhook intake (when ingest runs
/// here) and the alert engine webhook retries are reported to.
public struct HTTPFrontParts: Sendable {
    /// The resolved configuration (listen address, timeouts, connection limit).
    public let configuration: PipelineConfiguration
    /// Liveness and readiness (`/healthz`, `/readyz`, `/status`).
    public let health: HealthState
    /// The process's metrics (`/metrics`).
    public let metrics: PipelineMetrics
    /// The Shopify webhook intake; nil when ingest does not run in this process.
    public let webhooks: ShopifyWebhookIngest?
    /// Where a webhook delivered again is reported (logged, never alerted on its own).
    public let alerts: AlertEngine
    /// The process's logger.
    public let logger: Logger
}

/// The process's HTTP listener, kept out of the pipeline's core so the stages do not link an HTTP
/// server: the `PipelineHTTP` target supplies the Hummingbird one (`HummingbirdHTTPFront`), and
/// ``PipelineRuntime`` runs what it makes as one service of the process's group.
public protocol HTTPFront: Sendable {
    /// A service that listens on `parts.configuration`'s address and calls `onListening` once: with
    /// the bound port, or nil when it stopped before binding.
    func makeService(parts: HTTPFrontParts, onListening: @escaping @Sendable (Int?) -> Void) -> any Service
}
