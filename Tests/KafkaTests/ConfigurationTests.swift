import DriftlessTesting
import Kafka
import XCTest

final class ConfigurationTests: XCTestCase {
    func testUnknownPropertyIsNamedInTheError() {
        XCTAssertThrowsError(
            try KafkaProducer(config: KafkaConfig(bootstrapServers: "127.0.0.1:9", ["no.such.property": "1"]))
        ) { error in
            guard case let KafkaError.configuration(property, message) = error else {
                return XCTFail("expected a configuration error, got \(error)")
            }
            XCTAssertEqual(property, "no.such.property")
            XCTAssertFalse(message.isEmpty)
            XCTAssertTrue("\(error)".contains("no.such.property"))
        }
        XCTAssertThrowsError(
            try KafkaConsumer(
                config: KafkaConfig(bootstrapServers: "127.0.0.1:9", ["session.timeout.ms": "soon"]), groupID: "g",
                topics: ["t"])
        ) { error in
            XCTAssertEqual(
                (error as? KafkaError).flatMap {
                    if case let .configuration(property, _) = $0 { property } else { nil }
                }, "session.timeout.ms")
        }
        XCTAssertThrowsError(try KafkaAdmin(config: KafkaConfig(["acks": "banana"]))) { error in
            XCTAssertEqual(
                (error as? KafkaError).flatMap {
                    if case let .configuration(property, _) = $0 { property } else { nil }
                }, "acks")
        }
    }

    func testSecurityPropertiesPassThrough() throws {
        // SASL/TLS settings are plain librdkafka properties; valid ones are accepted as-is.
        let config = KafkaConfig(
            bootstrapServers: "127.0.0.1:9",
            [
                "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "PLAIN",
                "sasl.username": "user", "sasl.password": "secret",
            ])
        XCTAssertNoThrow(try KafkaAdmin(config: config))
    }

    /// The metadata request and the send end with a timeout error naming what timed out (returning
    /// at all is the bound: nothing listens on port 1).
    func testUnreachableBrokerFailsClearlyWithATimeout() async throws {
        let unreachable = KafkaConfig(bootstrapServers: "127.0.0.1:1")
        let admin = try KafkaAdmin(config: unreachable, timeout: .seconds(2))
        do {
            _ = try await admin.listTopics()
            XCTFail("metadata from an unreachable broker")
        } catch let error as KafkaError {
            guard case let .timedOut(operation, message) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(operation, "metadata request")
            XCTAssertTrue(message.contains("127.0.0.1:1"), message)
        }

        let producer = try KafkaProducer(
            config: unreachable.merging(["message.timeout.ms": "1500"]), logger: KafkaTestSupport.logger)
        do {
            _ = try await producer.send(ProducerRecord(topic: "nowhere", key: "k", value: "v"))
            XCTFail("delivered to an unreachable broker")
        } catch let error as KafkaError {
            guard case let .delivery(topic, _, message) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(topic, "nowhere")
            XCTAssertTrue(message.lowercased().contains("timed out"), message)
        }
        await producer.close(timeout: .seconds(1))
    }

    func testConsumerOnUnreachableBrokerKeepsStreamOpenAndClosesInBoundedTime() async throws {
        let consumer = try KafkaConsumer(
            config: KafkaConfig(bootstrapServers: "127.0.0.1:1"), groupID: "g", topics: ["t"],
            logger: KafkaTestSupport.logger)
        let received = try await withDeadline(.seconds(2)) { () -> Int in
            var count = 0
            for await batch in consumer.messages { count += batch.count }
            return count
        }
        XCTAssertNil(received, "the stream neither ended nor delivered: errors are reported, not thrown")
        XCTAssertGreaterThan(consumer.statistics.errors, 0, "connection errors were reported")
        let closed = try await withDeadline(.seconds(10)) {
            await consumer.close()
            return true
        }
        XCTAssertEqual(closed, true, "close finished in bounded time")
    }

    func testProducerAfterCloseRejectsSends() async throws {
        let broker = try TestBroker.mock()
        let producer = try KafkaProducer(config: broker.config(), logger: KafkaTestSupport.logger)
        await producer.close()
        do {
            _ = try await producer.send(ProducerRecord(topic: "t", key: nil, value: "v"))
            XCTFail("send after close")
        } catch let error as KafkaError {
            XCTAssertEqual(error, .closed)
        }
    }
}
