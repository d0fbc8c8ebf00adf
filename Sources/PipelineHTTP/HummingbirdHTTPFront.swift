import Hummingbird
import HummingbirdCore
import NIOCore
import Pipeline
import ServiceLifecycle

/// The Hummingbird HTTP listener of a Driftless process: `POST /webhooks/shopify` (when ingest runs
/// here), `/healthz`, `/readyz`, `/status` and `/metrics`, with a bound on how long a request may
/// take to arrive, an idle timeout and a connection limit.
public struct HummingbirdHTTPFront: HTTPFront {
    /// Adds more routes (the operations console) to the listener's router.
    let extraRoutes: (@Sendable (Router<BasicRequestContext>) -> Void)?

    /// A listener; `extraRoutes` adds routes of other parts (e.g. the console under `/ops`).
    public init(extraRoutes: (@Sendable (Router<BasicRequestContext>) -> Void)? = nil) {
        self.extraRoutes = extraRoutes
    }

    public func makeService(
        parts: HTTPFrontParts, onListening: @escaping @Sendable (Int?) -> Void
    ) -> any Service {
        let configuration = parts.configuration
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: IngestRequestMetrics(metrics: parts.metrics))
        IngestRoutes.addHealthRoutes(to: router, health: parts.health)
        MetricsRoutes.add(to: router, metrics: parts.metrics)
        if let webhooks = parts.webhooks {
            IngestRoutes.addWebhookRoutes(to: router, shopify: webhooks, alerts: parts.alerts)
        }
        extraRoutes?(router)
        let app = Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        RequestReadDeadlineHandler(timeout: configuration.requestReadTimeout.timeAmount)
                    ],
                    idleTimeout: configuration.idleTimeout.timeAmount)),
            configuration: .init(
                address: .hostname(configuration.ingestHost, port: configuration.ingestPort), serverName: "driftless",
                availableConnectionsDelegate: MaximumAvailableConnections(
                    configuration.maxConnections, logger: parts.logger)),
            onServerRunning: { channel in onListening(channel.localAddress?.port) },
            logger: parts.logger)
        return app
    }
}
