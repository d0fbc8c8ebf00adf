import Foundation
import Ledger
import XCTest

extension LedgerConformance {
    /// Checkpoints start absent, only move forward (also when two writers race), and survive purge.
    func checkpointsMoveForwardAndSurvivePurge() async throws {
        let (store, _) = try await open()
        defer { Task { await store.close() } }
        typealias F = LedgerFixtures
        let missing = try await store.loadCheckpoint("poller:amazon")
        XCTAssertNil(missing)

        let first = try await store.advanceCheckpoint("poller:amazon", to: F.at(100))
        assertSame(first, F.at(100))
        let back = try await store.advanceCheckpoint("poller:amazon", to: F.at(50))
        assertSame(back, F.at(100), "an older position leaves the checkpoint where it was")
        let forward = try await store.advanceCheckpoint("poller:amazon", to: F.at(200.5))
        assertSame(forward, F.at(200.5))
        let loaded = try await store.loadCheckpoint("poller:amazon")
        assertSame(loaded, F.at(200.5))
        let other = try await store.loadCheckpoint("poller:other")
        XCTAssertNil(other, "checkpoints are per name")

        // Concurrent advances: the greatest position wins whatever the interleaving.
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Added out of order (a fixed permutation: 7 is coprime with 20), so a failure replays.
            for step in (0..<20).map({ $0 * 7 % 20 }) {
                group.addTask { _ = try await store.advanceCheckpoint("race", to: F.at(Double(step))) }
            }
            try await group.waitForAll()
        }
        let raced = try await store.loadCheckpoint("race")
        assertSame(raced, F.at(19))

        _ = try await store.purge(olderThan: Date.distantFuture)
        let kept = try await store.loadCheckpoint("poller:amazon")
        assertSame(kept, F.at(200.5), "retention never purges checkpoints")
    }

    /// Dates round-trip with microsecond precision (PostgreSQL's, and SQLite's integer column).
    private func assertSame(_ actual: Date?, _ expected: Date, _ message: String = "", line: UInt = #line) {
        guard let actual else { return XCTFail("no checkpoint; expected \(expected). \(message)", line: line) }
        XCTAssertEqual(
            actual.timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 0.000_001, message, line: line)
    }
}
