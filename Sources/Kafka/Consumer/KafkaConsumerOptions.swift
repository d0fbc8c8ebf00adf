/// Tuning of a ``KafkaConsumer`` beyond librdkafka properties.
public struct KafkaConsumerOptions: Sendable, Hashable {
    /// Most messages held between the poll thread and the application. Each assigned partition
    /// may fill its share (capacity / assigned partitions); then the poll thread stops reading it
    /// until it is down to half its share. Its next messages wait in librdkafka's own queue for the
    /// partition (which stops fetching at `queued.min.messages` / `queued.max.messages.kbytes`),
    /// so nothing prefetched is thrown away. Polling goes on meanwhile, so group membership stays alive.
    public var bufferCapacity: Int
    /// Most messages read from librdkafka in one go / handed out in one batch.
    public var maxBatchSize: Int
    /// Longest blocking wait of one poll (the thread wakes at once when a message arrives or a
    /// command is queued; this only bounds how often timers are checked).
    public var pollTimeout: Duration

    /// Creates options.
    public init(bufferCapacity: Int = 10_000, maxBatchSize: Int = 1_000, pollTimeout: Duration = .milliseconds(100)) {
        self.bufferCapacity = max(1, bufferCapacity)
        self.maxBatchSize = max(1, maxBatchSize)
        self.pollTimeout = pollTimeout
    }
}
