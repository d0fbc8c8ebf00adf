import XCTest

@testable import Kafka

/// `KafkaMessage` equality and hashing cover its visible fields only: a message the consumer
/// delivered equals the same record built by hand, whatever the consumer's bookkeeping says.
final class KafkaMessageEqualityTests: XCTestCase {
    func testEqualityIgnoresTheConsumersBookkeeping() {
        let built = KafkaMessage(
            topic: "t", partition: 2, offset: 7, key: Array("k".utf8), value: Array("v".utf8),
            headers: [KafkaHeader(key: "h", value: Array("1".utf8))], timestamp: Date(timeIntervalSince1970: 5))
        var delivered = built
        delivered.assignmentEpoch = 3
        delivered.rewindGeneration = 2
        XCTAssertEqual(delivered, built)
        XCTAssertEqual(Set([delivered, built]).count, 1)
        var other = built
        other.offset = 8
        XCTAssertNotEqual(other, built)
        other = built
        other.headers = []
        XCTAssertNotEqual(other, built)
    }
}
