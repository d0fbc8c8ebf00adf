import CRdKafka
import Synchronization

/// The producer's `rd_kafka_topic_t` handles, one per topic, created on first use and kept until
/// the producer goes away.
///
/// Producing by topic *name* (`rd_kafka_produceva` with a topic string) creates librdkafka's topic
/// object without asking for its metadata: the records wait in the unassigned queue until the
/// periodic topic scan (every second) requests it — a ~1 s stall on the first send to each topic.
/// `rd_kafka_topic_new` requests the metadata at once, and reusing the handle also spares a
/// name lookup per record.
final class TopicHandles: @unchecked Sendable {
    /// Keeps the client alive until every topic handle is destroyed.
    private let client: RdKafkaHandle
    private let handles = Mutex<[String: OpaquePointer]>([:])

    init(client: RdKafkaHandle) {
        self.client = client
    }

    /// The handle of `topic`, created (and its metadata requested) on first use; `nil` if
    /// librdkafka refuses the topic.
    func handle(for topic: String) -> OpaquePointer? {
        handles.withLock { handles in
            if let existing = handles[topic] { return existing }
            guard let created = rd_kafka_topic_new(client.pointer, topic, nil) else { return nil }
            handles[topic] = created
            return created
        }
    }

    deinit {
        for (_, handle) in handles.withLock({ $0 }) { rd_kafka_topic_destroy(handle) }
    }
}
