import AsyncHTTPClient
import DriftlessTesting
import Foundation
import Logging
import NIOCore
import Pipeline
import PipelineHTTP

/// An ingest-only process on the mock cluster, started through PipelineHTTP's
/// `PipelineRuntime.start` (the Hummingbird listener), with its ledger in a temporary directory.
struct ListenerFixture {
    static let secret = "shpss_listener_test_secret"

    let broker: TestBroker
    let runtime: PipelineRuntime
    let files: TemporaryFiles

    var port: Int { runtime.httpPort }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var webhookURL: String { baseURL + "/webhooks/shopify" }

    /// Starts ingest alone; `configure` sets the listener's limits.
    static func start(configure: (inout PipelineConfiguration) -> Void = { _ in }) async throws -> ListenerFixture {
        let broker = try TestBroker.mock()
        let files = try TemporaryFiles(prefix: "driftless-http")
        var configuration = PipelineConfiguration()
        configuration.bootstrapServers = broker.bootstrapServers
        configuration.topicPrefix = broker.uniqueName("http")
        configuration.ledgerURL = "sqlite://" + files.url("ledger.db").path
        configuration.ingestPort = 0
        configuration.shopifySecret = Secret(secret)
        configure(&configuration)
        var logger = Logger(label: "pipeline-http-test")
        logger.logLevel = .warning
        let runtime = try await PipelineRuntime.start(
            configuration: configuration, stages: [.ingest], mockCluster: broker.mockCluster, logger: logger)
        return ListenerFixture(broker: broker, runtime: runtime, files: files)
    }

    /// Stops the process and removes its files.
    func stop() async throws {
        try await runtime.shutdown()
        files.remove()
    }
}

/// GETs `url`; returns the status and the body without its trailing newline.
func getText(_ url: String) async throws -> (status: Int, text: String) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
}
