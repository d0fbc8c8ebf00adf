import DriftlessTesting
import Foundation
import Ledger
import XCTest

/// Issue 25 item 11: `dlq replay` marks a case `replayed` only after the broker acknowledged its
/// record; with the broker unreachable it fails fast (a short send timeout), exits non-zero and
/// leaves the case open with no `replayed` step in its history.
final class DLQReplayDeliveryTests: XCTestCase {
    func testUnreachableBrokerFailsFastAndLeavesTheCaseOpen() async throws {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-replay-delivery")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite://" + directory.appendingPathComponent("ledger.db").path
        let store = try await Ledger.open(url: url)
        let cases = try XCTUnwrap(store as? any CaseStore)
        let id = try await cases.recordCase(
            CaseArrival(
                orderKey: "shopify:7", channel: "shopify", eventID: "e-7", traceID: nil,
                provenance: CaseProvenance(
                    sourceTopic: "d.quarantine", sourcePartition: 0, sourceOffset: 7, originalTopic: "d.ingest.raw",
                    originalPartition: 0, originalOffset: 7, stage: "validate", reasonCode: "unmapped-status",
                    reasonDetail: ""),
                payload: CasePayload(key: Data("shopify:7".utf8), value: Data("{}".utf8), headers: []))
        ).caseID
        await store.close()
        // A port nobody listens on.
        let listener = try SilentListener()
        let port = listener.port
        listener.close()

        let result = try await DriftlessProcess.run(
            [
                "dlq", "replay", String(id), "--ledger", url, "--bootstrap", "127.0.0.1:\(port)", "--send-timeout",
                "2s",
                "--note", "broker down",
            ], directory: directory, timeout: .seconds(90))
        XCTAssertNotEqual(result.status, 0, "a failed replay is a failure:\n\(result.stdout)\n\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("failed 1"), result.stdout + result.stderr)

        let reopened = try await Ledger.open(url: url)
        defer { Task { await reopened.close() } }
        let loaded = try await (reopened as? any CaseStore)?.loadCase(id: id)
        let after = try XCTUnwrap(loaded)
        XCTAssertEqual(after.state, .open)
        XCTAssertFalse(after.history.contains { $0.to == .replayed }, "never marked: \(after.history)")
    }
}
