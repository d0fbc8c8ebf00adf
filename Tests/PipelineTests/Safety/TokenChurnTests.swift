import Foundation
import Synchronization
import XCTest

@testable import Pipeline
@testable import Simulators

/// Tokens whose lifetime is shorter than the refresh margin are still reused (refreshed at a
/// fraction of their lifetime), and the ERP simulator's TBA nonce memory stays bounded (issue 25,
/// item 10).
final class TokenChurnTests: XCTestCase {
    private func cachedFetches(_ answer: String, calls: Int, every step: TimeInterval) async throws -> Int {
        let cache = TokenCache()
        let fetches = Atomic<Int>(0)
        let start = Date()
        for call in 0..<calls {
            let now = start.addingTimeInterval(Double(call) * step)
            _ = try await cache.token(now: now, margin: 60) {
                fetches.add(1, ordering: .relaxed)
                guard let token = AccessToken.parse(Data(answer.utf8), receivedAt: now) else {
                    throw TokenEndpointError.unavailable(endpoint: "test", reason: "unreadable")
                }
                return token
            }
        }
        return fetches.load(ordering: .relaxed)
    }

    func testATokenLivingLessThanTheMarginIsReusedForHalfItsLife() async throws {
        // 30 s tokens, 60 s margin: ten calls over 9 s share one token.
        let fetches = try await cachedFetches(#"{"access_token":"a","expires_in":30}"#, calls: 10, every: 1)
        XCTAssertEqual(fetches, 1, "one token for the first half of its 30 s life")
        // …and it is replaced once half its life is gone: 10 calls over 27 s need 2.
        let later = try await cachedFetches(#"{"access_token":"a","expires_in":30}"#, calls: 10, every: 3)
        XCTAssertEqual(later, 2)
    }

    func testAnExpiresInThatIsNotANumberDoesNotMakeEveryCallFetch() async throws {
        for value in [#""nan""#, #""inf""#, "-5", #""-1e300""#, "1e400"] {
            let answer = #"{"access_token":"a","expires_in":\#(value)}"#
            let parsed = AccessToken.parse(Data(answer.utf8), receivedAt: Date())
            // An answer JSON itself cannot read (1e400) is no token at all; every other one is one token.
            guard let parsed else { continue }
            XCTAssertTrue(parsed.expiresAt.timeIntervalSinceNow > 0, value)
            let fetches = try await cachedFetches(answer, calls: 5, every: 1)
            XCTAssertLessThanOrEqual(fetches, 1, "expires_in \(value)")
        }
    }

    func testOAuth2TokensShorterThanTheMarginAreNotFetchedPerRequest() async throws {
        let erp = try await TestERP.start(auth: .oauth2, tokenLifetime: 20)
        let client = try ERPClient(configuration: erp.configuration())
        for index in 0..<6 {
            let (outcome, _) = await client.read("salesOrder", id: "eid:so-shopify-\(index)")
            if case .unauthorized = outcome { XCTFail("refused: \(outcome)") }
        }
        XCTAssertEqual(erp.simulator.tokenCounts.granted, 1, "six requests within 10 s share one 20 s token")
        await erp.stop()
    }

    func testTheSimulatorForgetsNoncesOutsideTheTimestampWindow() {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let verifier = TBAVerifier(
            credentials: .init(
                accountID: TestERP.tba.accountID, consumerKey: TestERP.tba.consumerKey,
                consumerSecret: TestERP.tba.consumerSecret.value, tokenID: TestERP.tba.tokenID,
                tokenSecret: TestERP.tba.tokenSecret.value),
            tolerance: 300, now: { clock.withLock { $0 } })
        let signer = NetSuiteTBASigner(credentials: TestERP.tba)
        let base = "http://127.0.0.1:9300"
        let target = "/services/rest/record/v1/salesOrder/1"
        func header(_ nonce: String) -> String {
            signer.authorization(
                method: "GET", url: base + target, timestamp: Int(clock.withLock { $0 }.timeIntervalSince1970),
                nonce: nonce)
        }
        for index in 0..<50 {
            XCTAssertTrue(verifier.verify(header: header("n\(index)"), method: "GET", baseURL: base, target: target))
        }
        XCTAssertFalse(
            verifier.verify(header: header("n7"), method: "GET", baseURL: base, target: target), "a replay is refused")
        XCTAssertEqual(verifier.nonceCount, 50)
        clock.withLock { $0 = $0.addingTimeInterval(1000) }
        XCTAssertTrue(verifier.verify(header: header("n7"), method: "GET", baseURL: base, target: target))
        XCTAssertEqual(verifier.nonceCount, 1, "nonces older than the timestamp window are forgotten")
    }
}
