import Foundation
import Ledger

/// Durable "polled up to here" mark of a marketplace poller.
public protocol PollerCheckpointStore: Sendable {
    /// The saved checkpoint of poller `name`, if any.
    func load(_ name: String) async throws -> Date?
    /// Saves the checkpoint of poller `name`.
    func save(_ name: String, checkpoint: Date) async throws
}

/// Keeps checkpoints in the ledger's `checkpoints` table as `poller:<name>`, in the same database
/// replicas share. The ledger only moves a checkpoint forward and retention never purges it.
public struct LedgerPollerCheckpointStore: PollerCheckpointStore {
    private let store: any LedgerStore

    public init(store: any LedgerStore) {
        self.store = store
    }

    public func load(_ name: String) async throws -> Date? {
        try await store.loadCheckpoint("poller:\(name)")
    }

    public func save(_ name: String, checkpoint: Date) async throws {
        try await store.advanceCheckpoint("poller:\(name)", to: checkpoint)
    }
}
