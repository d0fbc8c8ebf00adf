import AsyncHTTPClient
import Foundation
import NIOHTTP1
import XCTest

/// The console's gate over real HTTP: no token configured → 401 everywhere under `/ops`; with a
/// token, sign-in, sessions and the CSRF token every POST needs.
final class OpsConsoleAuthTests: XCTestCase {
    /// Every console path, read and action, known or not.
    static let paths: [(String, HTTPMethod)] = [
        ("/ops", .GET), ("/ops/cases", .GET), ("/ops/cases/group?stage=dispatch&reason=erp-unavailable", .GET),
        ("/ops/case?id=1", .GET), ("/ops/orders?id=%231001", .GET), ("/ops/health", .GET), ("/ops/jobs?id=1", .GET),
        ("/ops/no-such-page", .GET), ("/ops/login", .POST), ("/ops/cases/dry-run", .POST),
        ("/ops/cases/replay", .POST), ("/ops/cases/discard", .POST), ("/ops/no-such-action", .POST),
    ]

    func testWithoutATokenConfiguredEveryOpsPathAnswers401() async throws {
        let rig = try await OpsConsoleRig(token: nil)
        do {
            for (path, method) in Self.paths {
                let answer = try await rig.send(
                    path, method: method, form: method == .POST ? "who=a&token=anything&csrf=x" : nil,
                    bearer: "anything")
                XCTAssertEqual(answer.status, 401, "\(method) \(path)")
            }
            let health = try await rig.send("/healthz")
            XCTAssertEqual(health.status, 200, "the rest of the listener is not behind the console's gate")
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }

    func testWithATokenOnlyASignedInSessionOrTheBearerTokenGetsIn() async throws {
        let rig = try await OpsConsoleRig(token: "console-token-1")
        do {
            for (path, method) in Self.paths where path != "/ops/login" {
                let answer = try await rig.send(path, method: method, form: method == .POST ? "csrf=x" : nil)
                XCTAssertEqual(answer.status, 401, "\(method) \(path) without a session")
            }
            let wrong = try await rig.send("/ops/login", method: .POST, form: "who=mallory&token=console-token-2")
            XCTAssertEqual(wrong.status, 401)
            XCTAssertNil(wrong.cookie)
            let wrongBearer = try await rig.send("/ops/cases", bearer: "console-token-2")
            XCTAssertEqual(wrongBearer.status, 401)
            let bearer = try await rig.send("/ops/cases", bearer: "console-token-1")
            XCTAssertEqual(bearer.status, 200)
            let forged = try await rig.send("/ops/cases", cookie: "driftless_ops=616c696365.00")
            XCTAssertEqual(forged.status, 401, "a session this process did not issue")

            let cookie = try await rig.signIn("alice", token: "console-token-1")
            let cases = try await rig.send("/ops/cases", cookie: cookie)
            XCTAssertEqual(cases.status, 200)
            XCTAssertTrue(cases.body.contains("signed in as alice"), cases.body)
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }

    func testAReplayPostWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let rig = try await OpsConsoleRig(token: "console-token-1")
        do {
            let alice = try await rig.signIn("alice", token: "console-token-1")
            let bob = try await rig.signIn("bob", token: "console-token-1")
            let page = try await rig.send("/ops/cases/group?stage=dispatch&reason=erp-unavailable", cookie: alice)
            let aliceCSRF = try XCTUnwrap(OpsConsoleRig.csrf(in: page.body), page.body)
            let bobPage = try await rig.send("/ops/cases/group?stage=dispatch&reason=erp-unavailable", cookie: bob)
            let bobCSRF = try XCTUnwrap(OpsConsoleRig.csrf(in: bobPage.body))
            XCTAssertNotEqual(aliceCSRF, bobCSRF)
            let form = "stage=dispatch&reason=erp-unavailable&ids=1&note=test&rate=5/s"

            let missing = try await rig.send("/ops/cases/replay", method: .POST, form: form, cookie: alice)
            XCTAssertEqual(missing.status, 403, missing.body)
            let other = try await rig.send(
                "/ops/cases/replay", method: .POST, form: form + "&csrf=\(bobCSRF)", cookie: alice)
            XCTAssertEqual(other.status, 403, "another session's token")
            let bearerOnly = try await rig.send(
                "/ops/cases/replay", method: .POST, form: form + "&csrf=\(aliceCSRF)", bearer: "console-token-1")
            XCTAssertEqual(bearerOnly.status, 401, "actions need a signed-in session")
            // With the right token the action runs: no such case, so nothing is replayed.
            let accepted = try await rig.send(
                "/ops/cases/dry-run", method: .POST, form: "stage=dispatch&reason=erp-unavailable&csrf=\(aliceCSRF)",
                cookie: alice)
            XCTAssertEqual(accepted.status, 200, accepted.body)
            XCTAssertTrue(accepted.body.contains("would replay 0"), accepted.body)
        } catch {
            try await rig.close()
            throw error
        }
        try await rig.close()
    }
}
