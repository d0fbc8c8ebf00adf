#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A non-blocking pipe the consumer's poll thread sleeps on.
///
/// librdkafka writes a byte to it when one of the consumer's queues (the consumer queue with
/// rebalance and error events, and each assigned partition's own fetch queue) gets an element
/// while empty (`rd_kafka_queue_io_event_enable`); the application side writes one when it queues a
/// command or drains buffered messages of a held-back partition. One descriptor for all of them
/// lets the thread wait for "anything to do" without forwarding the partition queues into one
/// queue (which would force back-pressure through `rd_kafka_pause_partitions`, and that discards
/// everything librdkafka had prefetched).
///
/// The descriptors stay open as long as this object lives; the poll thread disables every queue's
/// IO event before it finishes, so librdkafka never writes to a closed (or reused) descriptor.
final class WakePipe: Sendable {
    let readDescriptor: Int32
    let writeDescriptor: Int32

    /// `nil` when the process has no descriptors left.
    init?() {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Wakes the waiting thread (or makes its next wait return at once).
    func wake() {
        var byte: UInt8 = 1
        // EAGAIN (pipe full) means a wake-up is pending anyway.
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Blocks until a wake-up arrives or `timeoutMilliseconds` passed, then clears pending wake-ups.
    func wait(timeoutMilliseconds: Int32) {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, max(0, timeoutMilliseconds))
        drain()
    }

    /// Reads away every pending wake-up byte.
    func drain() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            while read(readDescriptor, buffer.baseAddress, buffer.count) > 0 {}
        }
    }
}
