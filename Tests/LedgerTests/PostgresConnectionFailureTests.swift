import DriftlessTesting
import Foundation
import Ledger
import XCTest

/// PostgreSQL connection failures that need no server: they always run.
final class PostgresConnectionFailureTests: XCTestCase {
    func testUnreachableServerFailsClearly() async throws {
        do {
            _ = try await Ledger.open(url: "postgres://driftless:secret@127.0.0.1:1/x?connect_timeout=2")
            XCTFail("nothing listens on port 1")
        } catch let error as LedgerError {
            guard case let .unreachable(location, _) = error else {
                return XCTFail("expected .unreachable, got \(error)")
            }
            XCTAssertEqual(location, "postgres://driftless@127.0.0.1:1/x")
            XCTAssertFalse(error.description.contains("secret"), "password never shown")
        }
    }

    /// A server that accepts the TCP connection and then never answers: open gives up after the
    /// connect timeout instead of hanging.
    func testSilentServerTimesOutInsteadOfHanging() async throws {
        let listener = try SilentListener()
        do {
            _ = try await Ledger.open(url: "postgres://driftless:secret@127.0.0.1:\(listener.port)/x?connect_timeout=1")
            XCTFail("a silent server must not yield a store")
        } catch let error as LedgerError {
            switch error {
            case .timeout, .unreachable: break
            default: XCTFail("expected .timeout or .unreachable, got \(error)")
            }
            XCTAssertFalse(error.description.contains("secret"))
        }
        // Returning at all (with a timeout, not a store) is what is asserted: the listener never answers.
        withExtendedLifetime(listener) {}
    }
}
