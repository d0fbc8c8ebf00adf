import CRdKafka

/// Owns the result queue and the options of one admin request (request and operation timeouts).
final class AdminRequest {
    let queue: OpaquePointer
    let options: OpaquePointer?

    init?(handle: RdKafkaHandle, operation: rd_kafka_admin_op_t, timeoutMilliseconds: Int32) {
        guard let queue = rd_kafka_queue_new(handle.pointer) else { return nil }
        self.queue = queue
        options = rd_kafka_AdminOptions_new(handle.pointer, operation)
        if let options {
            _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, nil, 0)
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, nil, 0)
        }
    }

    deinit {
        if let options { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_queue_destroy(queue)
    }
}

/// Owns the librdkafka objects of one admin request (topics to create or delete), destroyed with it.
final class AdminObjects {
    var pointers: [OpaquePointer?] = []
    private let destroy: (OpaquePointer) -> Void

    init(destroy: @escaping (OpaquePointer) -> Void) {
        self.destroy = destroy
    }

    deinit {
        for pointer in pointers { if let pointer { destroy(pointer) } }
    }
}
