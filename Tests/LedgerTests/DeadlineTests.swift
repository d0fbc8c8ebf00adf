import DriftlessTesting
import Foundation
import Synchronization
import XCTest

@testable import Ledger

/// `withDeadline` bounds every PostgreSQL ledger call: its caller gets the timeout at the deadline even
/// when the call does not respond to cancellation (seen in chaos: after a PostgreSQL restart a process
/// stopped writing its audit rows and another its reconciliation reports, with no error logged).
final class DeadlineTests: XCTestCase {
    func testTheCallerGetsTheTimeoutAlthoughTheBodyIgnoresCancellation() async throws {
        let stuck = StuckCall()
        let outcome = Mutex<String?>(nil)
        let caller = Task {
            do {
                let value = try await withDeadline(.milliseconds(200), "a stuck query") { await stuck.wait() }
                outcome.withLock { $0 = "returned \(value)" }
            } catch let error as LedgerError {
                outcome.withLock { $0 = "\(error)" }
            } catch {
                outcome.withLock { $0 = "other: \(error)" }
            }
        }
        let answered = await waitUntil(timeout: .seconds(30)) { outcome.withLock { $0 } != nil }
        XCTAssertTrue(answered, "the caller got an answer while the body was still stuck")
        XCTAssertEqual(outcome.withLock { $0 }, "\(LedgerError.timeout("a stuck query", seconds: 0.2))")
        let stillStuck = await stuck.isWaiting
        XCTAssertTrue(stillStuck, "the body ignored its cancellation")
        await stuck.release()
        await caller.value
    }

    func testAResultBeforeTheDeadlineIsReturned() async throws {
        let value = try await withDeadline(.seconds(30), "a quick query") { 42 }
        XCTAssertEqual(value, 42)
        do {
            _ = try await withDeadline(.seconds(30), "a failing query") { () -> Int in
                throw LedgerError.invalidArgument("refused")
            }
            XCTFail("the body's error was not passed on")
        } catch let error as LedgerError {
            XCTAssertEqual("\(error)", "\(LedgerError.invalidArgument("refused"))")
        }
    }
}

/// A call that ignores cancellation until released.
private actor StuckCall {
    private var waiter: CheckedContinuation<Int, Never>?
    private var released = false

    var isWaiting: Bool { waiter != nil }

    func wait() async -> Int {
        if released { return 0 }
        return await withCheckedContinuation { waiter = $0 }
    }

    func release() {
        released = true
        waiter?.resume(returning: 1)
        waiter = nil
    }
}
