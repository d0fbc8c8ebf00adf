import Synchronization

/// Records enqueued by ``KafkaProducer/enqueue(_:)`` whose broker acknowledgements are still to
/// be awaited.
///
/// Await ``reports()`` once. Dropping it without awaiting is allowed: the records are still
/// delivered, their reports are discarded.
public final class KafkaPendingDeliveries: Sendable {
    private let core: ProducerCore
    private let ids: Range<UInt>
    private let awaited = Atomic<Bool>(false)

    init(core: ProducerCore, ids: Range<UInt>) {
        self.core = core
        self.ids = ids
    }

    /// Number of records enqueued.
    public var count: Int { ids.count }

    /// Waits until the broker acknowledged every record and returns their delivery reports in
    /// enqueue order. Throws the first failure (``KafkaError/delivery(topic:code:message:)`` when
    /// the broker did not acknowledge a record within `message.timeout.ms`, ``KafkaError/closed``
    /// when the producer gave up on it at close, or when called a second time) only after every
    /// record has a result, so nothing is left in flight when it throws.
    public func reports() async throws -> [DeliveryReport] {
        guard !awaited.exchange(true, ordering: .acquiringAndReleasing) else { throw KafkaError.closed }
        if ids.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            core.table.withLock { $0.wait(ids, continuation: continuation) }.run()
        }
    }

    deinit {
        if !awaited.load(ordering: .acquiring) {
            let ids = ids
            core.table.withLock { $0.abandon(ids) }
        }
    }
}
