import Kafka

/// The sink of a stage that produces nothing (the dead-letter stage): sending is a no-op.
struct NoRecordSink: RecordSink {
    func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        DeliveryReport(topic: record.topic, partition: record.partition ?? 0, offset: -1)
    }

    func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        records.map { DeliveryReport(topic: $0.topic, partition: $0.partition ?? 0, offset: -1) }
    }
}
