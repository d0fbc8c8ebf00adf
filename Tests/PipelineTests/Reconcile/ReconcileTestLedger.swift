import DriftlessTesting
import Foundation
import Ledger
import Synchronization
import XCTest

@testable import Pipeline

/// SQLite ledgers in temporary directories of their own, for reconcile tests that need no pipeline;
/// ``remove()`` deletes every directory made (call it from `tearDown`).
final class ReconcileTestLedger: Sendable {
    private let prefix: String
    private let directories = Mutex<[URL]>([])

    init(prefix: String) { self.prefix = prefix }

    /// A fresh ledger (each call its own directory).
    func open() async throws -> any ReconcileLedger {
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: prefix)
        directories.withLock { $0.append(directory) }
        let store = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        return try XCTUnwrap(store as? any ReconcileLedger)
    }

    /// Deletes every directory made.
    func remove() {
        for directory in directories.withLock({ made in
            defer { made = [] }
            return made
        }) {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
