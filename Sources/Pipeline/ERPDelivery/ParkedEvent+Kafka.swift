import Foundation
import Kafka
import Ledger

extension ParkedEvent {
    /// `message` (a canonical record of `orderKey`) as a parked event.
    init(_ message: KafkaMessage, orderKey: String, eventID: String) {
        self.init(
            orderKey: orderKey, eventID: eventID, value: message.value ?? [],
            headers: message.headers.compactMap { header in
                header.stringValue.map { ParkedHeader(name: header.key, value: $0) }
            }, sourceTopic: message.topic, sourcePartition: message.partition, sourceOffset: message.offset)
    }

    /// The parked record as the message it was read as (key = the order key).
    var message: KafkaMessage {
        KafkaMessage(
            topic: sourceTopic, partition: sourcePartition, offset: sourceOffset, key: Array(orderKey.utf8),
            value: value, headers: headers.map { KafkaHeader(key: $0.name, string: $0.value) }, timestamp: parkedAt)
    }
}
