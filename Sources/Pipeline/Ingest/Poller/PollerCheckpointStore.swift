import Foundation
import Ledger

/// Durable "polled up to here" mark of a marketplace poller.
public protocol PollerCheckpointStore: Sendable {
    /// The saved checkpoint of poller `name`, if any.
    func load(_ name: String) async throws -> Date?
    /// Saves the checkpoint of poller `name`.
    func save(_ name: String, checkpoint: Date) async throws
}

/// Keeps checkpoints in the ledger's order-state table, as a reserved row per poller
/// (`orderKey = "poller:<name>"`, `system = "poller"`, `sourceTimestamp` = checkpoint, `version` =
/// milliseconds of the checkpoint so it only moves forward). The ledger has no table of its own for
/// checkpoints; this keeps them next to the order state, in the same database replicas share.
public struct LedgerPollerCheckpointStore: PollerCheckpointStore {
    private let store: any LedgerStore

    public init(store: any LedgerStore) {
        self.store = store
    }

    public func load(_ name: String) async throws -> Date? {
        try await store.loadState(order: "poller:\(name)", system: "poller")?.sourceTimestamp
    }

    public func save(_ name: String, checkpoint: Date) async throws {
        let millis = Int64((checkpoint.timeIntervalSince1970 * 1000).rounded())
        let record = OrderStateRecord(
            orderKey: "poller:\(name)", system: "poller", state: "CHECKPOINT", version: millis,
            sourceTimestamp: checkpoint, lastEventID: nil)
        try await store.saveStates([record], onlyIfNewer: true)
    }
}
