import ServiceLifecycle

/// A ledger store as a `Service` of a long-lived process: it runs the store's background work (the
/// PostgreSQL connection pool of ``Ledger/openForService(url:logger:)``; SQLite has none) until
/// graceful shutdown, then closes the store and only then stops that work. List it before every
/// part that writes to the ledger (the audit writer, the stages): the group shuts services down in
/// reverse order, so it closes last.
public struct LedgerService: Service, CustomStringConvertible {
    private let store: any LedgerStore
    private let background: (@Sendable () async -> Void)?

    public var description: String { "ledger" }

    public init(store: any LedgerStore, background: (@Sendable () async -> Void)?) {
        self.store = store
        self.background = background
    }

    /// Cancelled (the group is cancelled, not shut down gracefully) the background work stops and
    /// the store is left open for its owner to close after the parts still draining.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { work in
            if let background { work.addTask { await background() } }
            let graceful = (try? await gracefulShutdown()) != nil
            if graceful { await store.close() }
            work.cancelAll()
        }
    }
}
