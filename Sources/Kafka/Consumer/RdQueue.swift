import CRdKafka

/// Owns a queue handle (`rd_kafka_queue_t`) of a consumer and keeps its client alive while it exists.
final class RdQueue: @unchecked Sendable {
    let pointer: OpaquePointer
    private let handle: RdKafkaHandle
    private var signalling = false

    private init(pointer: OpaquePointer, handle: RdKafkaHandle) {
        self.pointer = pointer
        self.handle = handle
    }

    /// The consumer queue (rebalance and error events; `rd_kafka_poll_set_consumer` routes the
    /// main queue into it).
    static func consumer(of handle: RdKafkaHandle) -> RdQueue? {
        rd_kafka_queue_get_consumer(handle.pointer).map { RdQueue(pointer: $0, handle: handle) }
    }

    /// The fetch queue of one partition, taken out of the consumer queue: librdkafka keeps
    /// prefetching into it (up to `queued.min.messages` / `queued.max.messages.kbytes`) and the
    /// poll thread reads it only while the partition has room in the buffer. Call before the
    /// partition is assigned: once the application set (or removed) a queue's forwarding,
    /// librdkafka's fetch start no longer forwards it to the consumer queue.
    static func detachedPartition(of handle: RdKafkaHandle, topic: String, partition: Int32) -> RdQueue? {
        guard let pointer = rd_kafka_queue_get_partition(handle.pointer, topic, partition) else { return nil }
        rd_kafka_queue_forward(pointer, nil)
        return RdQueue(pointer: pointer, handle: handle)
    }

    /// Makes librdkafka write a byte to `pipe` when the queue gets an element while empty.
    /// Poll thread only (like every use of the queue).
    func signal(_ pipe: WakePipe) {
        var byte: UInt8 = 1
        rd_kafka_queue_io_event_enable(pointer, pipe.writeDescriptor, &byte, 1)
        signalling = true
    }

    /// Stops the IO events (before the pipe may close; the underlying queue can outlive this handle).
    func stopSignalling() {
        guard signalling else { return }
        rd_kafka_queue_io_event_enable(pointer, -1, nil, 0)
        signalling = false
    }

    deinit {
        stopSignalling()
        rd_kafka_queue_destroy(pointer)
    }
}
