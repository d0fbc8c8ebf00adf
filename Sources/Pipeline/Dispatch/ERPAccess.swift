import AsyncHTTPClient
import Logging

/// The process's one way to the ERP account: one ``ERPClient`` (one credential cache — one OAuth 2.0
/// token for the process — and one concurrency limiter) and one ``DestinationGate`` (breaker and
/// credential pause), shared by dispatch, retry and reconciliation. NetSuite's concurrency limit is
/// the account's, shared by every integration: a process must not ask for it once per stage.
public final class ERPAccess: Sendable {
    /// The account's configuration.
    public let configuration: ERPConfiguration
    /// The client: requests at most `maxConcurrentRequests` at once, one credential cache.
    public let client: ERPClient
    /// The destination's breaker and pause (component `erp` on `/status`).
    public let gate: DestinationGate

    /// The access to the account `configuration` describes; `policy` sets the breaker.
    public init(
        configuration: ERPConfiguration, policy: DispatchPolicy = .init(), health: HealthState? = nil,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "driftless.erp")
    ) throws(PipelineConfigurationError) {
        self.configuration = configuration
        client = try ERPClient(configuration: configuration, client: httpClient, logger: logger)
        gate = .erp(configuration, policy: policy, health: health, logger: logger)
    }

    /// Reads and writes through the shared client.
    public var sync: ERPSync { ERPSync(client: client) }
}
