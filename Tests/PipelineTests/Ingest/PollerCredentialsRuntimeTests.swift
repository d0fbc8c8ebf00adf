import Foundation
import PipelineHTTP
import Simulators
import XCTest

@testable import Pipeline

/// The whole process with a poller whose LWA authorization was revoked: the poller stops, the
/// process stays up (`/healthz` 200) but is not ready (`/readyz` 503), and shuts down normally.
final class PollerCredentialsRuntimeTests: XCTestCase {
    func testRevokedCredentialsTurnReadinessOffWithoutEndingTheProcess() async throws {
        let lwa = LWASimulatorCredentials(clientID: "app", clientSecret: "app-secret", refreshToken: "Atzr|revoked")
        let marketplace = try await MarketplaceSimulator.start(rate: 1000, burst: 1000, lwa: lwa)
        marketplace.revokeRefreshToken()
        var configuration = PipelineConfiguration()
        configuration.ingestPort = 0
        configuration.ledgerURL = "sqlite::memory:"
        configuration.partitions = 2
        configuration.poller = PollerConfiguration(baseURL: marketplace.server.baseURL)
        configuration.amazonLWA = LWAConfiguration(
            tokenURL: marketplace.tokenURL, clientID: lwa.clientID, clientSecret: Secret(lwa.clientSecret),
            refreshToken: Secret(lwa.refreshToken))
        let runtime = try await PipelineRuntime.start(configuration: configuration)
        let base = "http://127.0.0.1:\(runtime.httpPort)"
        let stopped = await eventually(timeout: .seconds(30)) {
            (try? await get("\(base)/readyz")) == 503
        }
        XCTAssertTrue(stopped, "readiness turns off once the refresh is refused")
        XCTAssertEqual(runtime.health.readiness.detail, "credentials-rejected")
        let reason = await runtime.poller?.stoppedBecause
        guard case .credentialsRejected? = reason else { return XCTFail("\(String(describing: reason))") }
        let alive = try await get("\(base)/healthz")
        XCTAssertEqual(alive, 200, "the process stays up, not ready")
        XCTAssertEqual(marketplace.authCounts.refused, 1, "no retry loop against the token endpoint")
        try await runtime.shutdown()
        await marketplace.stop()
    }
}
