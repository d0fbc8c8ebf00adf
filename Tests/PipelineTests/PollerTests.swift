import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Pipeline
import Simulators
import Synchronization
import XCTest

/// The marketplace poller against the SP-API-style simulator: NextToken paging, 429 back-off,
/// checkpoint in the ledger, restart without skipping or flooding.
final class PollerTests: XCTestCase {
    func testPagingThrottlingAndRestartFromCheckpoint() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 3)
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-poller")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        let producer = try KafkaProducer(config: broker.config())
        let store = MarketplaceStore(seed: 5)
        let t0 = clock.now
        var ids: [String] = []
        for index in 0..<250 {
            ids.append(await store.createOrder(status: "Unshipped", at: t0.addingTimeInterval(-3600 + Double(index) * 10)))
        }
        // Polled faster than 5 requests/s beyond a burst of 2 → 429s.
        let marketplace = try await MarketplaceSimulator.start(store: store, rate: 5, burst: 2, now: { clock.now })
        let checkpoints = LedgerPollerCheckpointStore(store: ledger)
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL, pageSize: 20)
        configuration.initialBackoffSeconds = 0.02
        configuration.maxBackoffSeconds = 0.5
        func poller(sink: any RecordSink) -> MarketplacePoller {
            MarketplacePoller(
                configuration: configuration, topics: topics, sink: sink, audit: DiscardingAuditSink(),
                checkpoints: checkpoints, now: { clock.now })
        }

        // A first run that crashes on page 3: nothing checkpointed.
        let failing = FailingSink(inner: producer, failAfter: 45)
        do {
            _ = try await poller(sink: failing).pollWindow()
            XCTFail("the failing sink should abort the window")
        } catch {}
        let afterCrash = try await checkpoints.load("amazon")
        XCTAssertNil(afterCrash, "a failed window does not move the checkpoint")

        // Restart: the whole window again, 13 pages of ≤ 20, with throttling honoured.
        let first = try await XCTUnwrapAsync(try await poller(sink: producer).pollWindow())
        XCTAssertEqual(first.records, 250)
        XCTAssertEqual(first.pages, 13)
        XCTAssertGreaterThan(first.throttled, 0, "the quota was exceeded and waited out")
        XCTAssertEqual(first.before, t0.addingTimeInterval(-120), "window ends 2 minutes before now")
        let checkpoint = try await checkpoints.load("amazon")
        XCTAssertEqual(checkpoint, t0.addingTimeInterval(-120))

        // Later: 30 orders ship within the next window, one more ships too recently to be served.
        clock.advance(by: 600)
        for (index, id) in ids.prefix(30).enumerated() {
            try await store.setStatus("Shipped", of: id, at: t0.addingTimeInterval(60 + Double(index)))
        }
        try await store.setStatus("Canceled", of: ids[200], at: t0.addingTimeInterval(540))
        let second = try await XCTUnwrapAsync(try await poller(sink: producer).pollWindow())
        XCTAssertEqual(second.records, 30, "only the changes since the checkpoint (no flood)")
        XCTAssertEqual(second.after, t0.addingTimeInterval(-120))
        clock.advance(by: 300)
        let third = try await XCTUnwrapAsync(try await poller(sink: producer).pollWindow())
        XCTAssertEqual(third.records, 1, "the late change is read once it is 2 minutes old (no skip)")

        // The raw topic holds every order state at least once, keyed and enveloped.
        let raw = try await readAll(broker, topic: topics.ingestRaw, count: 45 + 250 + 31, settle: .seconds(1))
        let eventIDs = raw.compactMap { HeaderMap($0.headers)[EnvelopeHeader.eventID] }
        XCTAssertEqual(Set(eventIDs).count, 250 + 31)
        let shipped = raw.first { HeaderMap($0.headers)[EnvelopeHeader.eventID]?.hasPrefix(ids[0]) == true && $0.offset >= 0
            && (try? AmazonOrder.decode(from: $0.value ?? []))?.orderStatus == "Shipped" }
        let message = try XCTUnwrap(shipped)
        XCTAssertEqual(message.keyString, "amazon:\(ids[0])")
        let envelope = try Envelope(headers: message.headers)
        XCTAssertEqual(envelope.kind, "amazon/order")
        XCTAssertEqual(envelope.sourceTimestamp, t0.addingTimeInterval(60))
        let counts = marketplace.requestCounts
        XCTAssertGreaterThan(counts.throttled, 0)
        await marketplace.stop()
        await producer.close()
        await ledger.close()
    }

    func testMarketplaceRejectsWindowsEndingLessThanTwoMinutesAgo() async throws {
        let marketplace = try await MarketplaceSimulator.start(rate: 100, burst: 10)
        let now = Date()
        let recent = RFC3339.format(now.addingTimeInterval(-30))
        let old = RFC3339.format(now.addingTimeInterval(-3600))
        let rejected = try await get("\(marketplace.server.baseURL)/orders/v0/orders?LastUpdatedAfter=\(old)&LastUpdatedBefore=\(recent)")
        XCTAssertEqual(rejected, 400)
        let accepted = try await get("\(marketplace.server.baseURL)/orders/v0/orders?LastUpdatedAfter=\(old)")
        XCTAssertEqual(accepted, 200)
        await marketplace.stop()
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let date: Mutex<Date>
    init(_ start: Date) { date = Mutex(start) }
    var now: Date { date.withLock { $0 } }
    func advance(by seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A sink that fails every send after the first `failAfter` (a crash in the middle of a window).
final class FailingSink: RecordSink {
    private let inner: any RecordSink
    private let remaining: Mutex<Int>

    init(inner: any RecordSink, failAfter: Int) {
        self.inner = inner
        remaining = Mutex(failAfter)
    }

    struct Failure: Error {}

    private func take() throws {
        try remaining.withLock { value in
            guard value > 0 else { throw Failure() }
            value -= 1
        }
    }

    func send(_ record: ProducerRecord) async throws -> DeliveryReport {
        try take()
        return try await inner.send(record)
    }

    func send(_ records: [ProducerRecord]) async throws -> [DeliveryReport] {
        for _ in records { try take() }
        return try await inner.send(records)
    }
}

func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
