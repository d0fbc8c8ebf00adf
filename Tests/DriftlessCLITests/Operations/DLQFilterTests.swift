import ArgumentParser
import DriftlessTesting
import Foundation
import Ledger
import XCTest

@testable import DriftlessCLI
@testable import DriftlessOperations

/// Issue 25 item 14: one name per meaning on every `dlq` verb — `--reason-code` selects cases,
/// `--note` is the justification — and the old, ambiguous `--reason` is refused with what to write.
final class DLQFilterTests: XCTestCase {
    private var directory: URL?
    private var ledgerURL = ""

    override func setUpWithError() throws {
        let made = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-dlq-filter")
        directory = made
        ledgerURL = "sqlite://" + made.appendingPathComponent("ledger.db").path
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Three cases: two reasons, one of them resolved.
    private func seed() async throws -> [String: Int64] {
        let store = try await Ledger.open(url: ledgerURL)
        let cases = try XCTUnwrap(store as? any CaseStore)
        var ids: [String: Int64] = [:]
        for (offset, (name, reason)) in [
            ("unmapped", "unmapped-status"), ("refused", "erp-refused"), ("resolved", "unmapped-status"),
        ].enumerated() {
            let arrival = CaseArrival(
                orderKey: "shopify:\(offset)", channel: "shopify", eventID: "e-\(offset)", traceID: nil,
                provenance: CaseProvenance(
                    sourceTopic: "p.quarantine", sourcePartition: 0, sourceOffset: Int64(offset),
                    originalTopic: "p.ingest.raw", originalPartition: 0, originalOffset: Int64(offset),
                    stage: "validate", reasonCode: reason, reasonDetail: ""),
                payload: CasePayload(key: Data("shopify:\(offset)".utf8), value: Data("{}".utf8), headers: []))
            ids[name] = try await cases.recordCase(arrival).caseID
        }
        _ = try await cases.transitionCase(
            id: try XCTUnwrap(ids["resolved"]), to: .resolved, actor: "test", reason: nil, at: Date(),
            allowedFrom: [.open])
        await store.close()
        return ids
    }

    private func parse(_ arguments: [String]) throws -> any ParsableCommand {
        try DriftlessCommand.parseAsRoot(arguments + ["--ledger", ledgerURL])
    }

    private func refusal(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(arguments)
            XCTFail("\(arguments) was accepted", file: file, line: line)
            return ""
        } catch {
            return DriftlessCommand.message(for: error)
        }
    }

    func testReasonIsRefusedEverywhereWithWhatToWriteInstead() async throws {
        _ = try await seed()
        for arguments in [
            ["dlq", "list", "--reason", "unmapped-status"],
            ["dlq", "replay", "--reason", "unmapped-status", "--state", "resolved", "--dry-run"],
            ["dlq", "discard", "1", "--reason", "test order"],
        ] {
            let message = refusal(arguments)
            XCTAssertTrue(message.contains("--reason-code") && message.contains("--note"), "\(arguments): \(message)")
        }
        // The advice for a replay without a selection names options that exist (no loop back to --reason).
        let advice = refusal(["dlq", "replay"])
        XCTAssertTrue(advice.contains("--reason-code unmapped-status"), advice)
        XCTAssertFalse(advice.contains("--reason unmapped"), advice)
    }

    func testReasonCodeSelectsTheSameCasesOnListAndReplay() async throws {
        let ids = try await seed()
        let filter = ["--reason-code", "unmapped-status", "--state", "resolved,open"]
        let list = try XCTUnwrap(try parse(["dlq", "list"] + filter + ["--json"]) as? DLQList)
        let listed = try await list.execute()
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        let expected = [ids["unmapped"], ids["resolved"]].compactMap { $0 }.sorted()
        XCTAssertEqual(rows.compactMap { ($0["id"] as? Int).map(Int64.init) }, expected)

        let replay = try XCTUnwrap(
            try parse(["dlq", "replay"] + filter + ["--dry-run", "--force", "--note", "mapping v2"]) as? DLQReplay)
        let lines = LinesBox()
        let summary = try await replay.execute { lines.append($0) }
        XCTAssertTrue(summary.hasPrefix("2 cases selected"), summary)
        let replayedIDs = lines.all.compactMap { line -> Int64? in
            guard let range = line.range(of: "case ") else { return nil }
            return Int64(line[range.upperBound...].prefix { $0.isNumber })
        }
        XCTAssertEqual(replayedIDs.sorted(), expected, "only cases with that reason code: \(lines.all)")
    }

    func testDiscardTakesANote() async throws {
        let ids = try await seed()
        let id = String(try XCTUnwrap(ids["refused"]))
        XCTAssertTrue(refusal(["dlq", "discard", id]).contains("--note"))
        let discard = try XCTUnwrap(
            try parse(["dlq", "discard", id, "--note", "test order", "--who", "ana"]) as? DLQDiscard)
        let text = try await discard.execute()
        XCTAssertTrue(text.contains("discarded by ana: test order"), text)
    }
}

/// Lines written by a progress callback.
final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
