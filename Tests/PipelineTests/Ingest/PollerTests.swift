import DriftlessTesting
import Foundation
import Kafka
import Ledger
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// The marketplace poller against the SP-API-style simulator: NextToken paging, 429 back-off,
/// checkpoint in the ledger, restart without skipping or flooding.
final class PollerTests: XCTestCase {
    func testPagingThrottlingAndRestartFromCheckpoint() async throws {
        let rig = try await PollerRig.start(seed: 5)
        defer { rig.removeDirectory() }
        let (clock, broker, topics, ledger, producer, store, t0, ids) =
            (rig.clock, rig.broker, rig.topics, rig.ledger, rig.producer, rig.store, rig.t0, rig.ids)
        // Polled faster than 5 requests/s beyond a burst of 2 → 429s.
        let marketplace = try await MarketplaceSimulator.start(
            store: store, rate: 5, burst: 2, lwa: TestLWA.credentials, now: { clock.now })
        let tokens = TestLWA.provider(marketplace, now: { clock.now })
        let checkpoints = LedgerPollerCheckpointStore(store: ledger)
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL, pageSize: 20)
        configuration.initialBackoffSeconds = 0.02
        configuration.maxBackoffSeconds = 0.5
        configuration.rateLimitPerSecond = 1000  // the simulator's 429s are what this test exercises
        configuration.rateLimitBurst = 1000
        configuration.initialLookbackSeconds = 2 * 3600
        func poller(sink: any RecordSink) -> MarketplacePoller {
            MarketplacePoller(
                configuration: configuration, topics: topics, sink: sink, audit: DiscardingAuditSink(),
                checkpoints: checkpoints, now: { clock.now }, tokens: tokens)
        }

        // A first run that crashes on page 3: the checkpoint is just below page 2's last order.
        let failing = FailingSink(inner: producer, failAfter: 45)
        do {
            _ = try await poller(sink: failing).pollWindow()
            XCTFail("the failing sink should abort the window")
        } catch {}
        let afterCrash = try await checkpoints.load("amazon")
        XCTAssertEqual(afterCrash, t0.addingTimeInterval(-3600 + 39 * 10 - 1), "pages 1 and 2 are done")

        // Restart from there: order 39 again (the boundary) and the 210 after it, 11 pages of ≤ 20,
        // with throttling honoured.
        let first = try await XCTUnwrapAsync(try await poller(sink: producer).pollWindow())
        XCTAssertEqual(first.records, 211)
        XCTAssertEqual(first.pages, 11)
        XCTAssertEqual(first.pageCheckpoints, 10)
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
        let raw = try await readAll(broker, topic: topics.ingestRaw, count: 45 + 211 + 31, settle: .seconds(1))
        let eventIDs = raw.compactMap { HeaderMap($0.headers)[EnvelopeHeader.eventID] }
        XCTAssertEqual(Set(eventIDs).count, 250 + 31)
        let shipped = raw.first {
            HeaderMap($0.headers)[EnvelopeHeader.eventID]?.hasPrefix(ids[0]) == true && $0.offset >= 0
                && (try? AmazonOrder.decode(from: $0.value ?? []))?.orderStatus == "Shipped"
        }
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

    /// Issue 9, item 10: page 5 of every window always fails. Each attempt still moves the
    /// checkpoint past the four pages it read, so the poller gets through instead of restarting
    /// from page 1 with an ever bigger window; no order is skipped.
    func testAWindowFailingOnPageKResumesAfterTheLastCompletedPage() async throws {
        let rig = try await PollerRig.start(seed: 9)
        defer { rig.removeDirectory() }
        let (clock, broker, topics, ledger, producer, store, t0, ids) =
            (rig.clock, rig.broker, rig.topics, rig.ledger, rig.producer, rig.store, rig.t0, rig.ids)
        let marketplace = try await MarketplaceSimulator.start(
            store: store, rate: 1000, burst: 1000, lwa: TestLWA.credentials, now: { clock.now })
        let tokens = TestLWA.provider(marketplace, now: { clock.now })
        marketplace.failPage(5)
        let checkpoints = LedgerPollerCheckpointStore(store: ledger)
        var configuration = PollerConfiguration(baseURL: marketplace.server.baseURL, pageSize: 20)
        configuration.initialLookbackSeconds = 2 * 3600
        configuration.rateLimitPerSecond = 1000
        configuration.rateLimitBurst = 1000
        let poller = MarketplacePoller(
            configuration: configuration, topics: topics, sink: producer, audit: DiscardingAuditSink(),
            checkpoints: checkpoints, now: { clock.now }, tokens: tokens)

        var marks: [Date] = []
        var finished: MarketplacePoller.WindowResult?
        for _ in 0..<6 where finished == nil {
            do {
                finished = try await poller.pollWindow()
            } catch let error as PollerError {
                guard case .http(let status, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(status, 500)
                marks.append(try await XCTUnwrapAsync(try await checkpoints.load("amazon")))
            }
        }
        // Attempt 1 reads orders 0…79, attempt 2 79…158, attempt 3 158…237 (page 5 fails each
        // time), attempt 4 the last 13 in one page.
        XCTAssertEqual(marks, [79, 158, 237].map { t0.addingTimeInterval(-3600 + Double($0) * 10 - 1) })
        let result = try XCTUnwrap(finished, "the poller got through the failing page")
        XCTAssertEqual(result.records, 13)
        let end = try await checkpoints.load("amazon")
        XCTAssertEqual(end, t0.addingTimeInterval(-120))
        let raw = try await readAll(broker, topic: topics.ingestRaw, count: 80 * 3 + 13, settle: .seconds(1))
        let eventIDs = Set(raw.compactMap { HeaderMap($0.headers)[EnvelopeHeader.eventID] })
        XCTAssertEqual(Set(eventIDs.map { String($0.prefix { $0 != "@" }) }), Set(ids), "no order skipped")

        // A long gap is read in bounded windows: 48 hours of look-back, 6 hours at a time.
        let fresh = MarketplacePoller(
            configuration: {
                var c = configuration
                c.name = "fresh"
                c.initialLookbackSeconds = 48 * 3600
                return c
            }(),
            topics: topics, sink: producer, audit: DiscardingAuditSink(), checkpoints: checkpoints, now: { clock.now },
            tokens: tokens)
        let window = try await XCTUnwrapAsync(try await fresh.pollWindow())
        XCTAssertEqual(window.before.timeIntervalSince(window.after), 6 * 3600)
        XCTAssertTrue(window.truncated)
        await marketplace.stop()
        await producer.close()
        await ledger.close()
    }

    /// Issue 9, item 7: no header value traps or parks the poller past `maxBackoffSeconds` — the
    /// SP-API call policy (``SPAPICall``) deciding the wait after one 429 with those headers.
    func testThrottleDelayClampsHostileHeaders() {
        func wait(
            retryAfter: String?, rateLimit: String?, fallback: Double, maximum: Double, now: Date = Date()
        ) -> Double {
            var state = OutboundCallState(
                policy: SPAPICall.policy(initialBackoff: fallback, maxBackoff: maximum), started: .now)
            var random = SystemRandomNumberGenerator()
            let failure = OutboundCallState.Failure(
                throttled: true, retryAfter: retryAfter.flatMap { RetryAfter.seconds($0, now: now) },
                minimumInterval: SPAPICall.interval(rateLimit: rateLimit))
            guard case .retry(let wait, true) = state.next(after: .failed(failure), now: .now, random: &random) else {
                XCTFail("a 429 is waited out, never given up")
                return .nan
            }
            return DurationSeconds.of(wait)
        }
        let hostile = [
            "inf", "-inf", "nan", "1e300", "-1e300", "-5", "0", "abc", "", " 12 ", "9999999999999999999999",
            "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
        ]
        for retryAfter in hostile + [nil] {
            for rate in hostile + ["1e-300", "0.0000001", "5", nil] {
                let wait = wait(retryAfter: retryAfter, rateLimit: rate, fallback: 2, maximum: 120)
                XCTAssertTrue(
                    wait.isFinite && wait >= DurationSeconds.of(SPAPICall.minimumWait) && wait <= 120,
                    "Retry-After \(retryAfter ?? "-"), rate \(rate ?? "-") → \(wait)")
            }
        }
        XCTAssertEqual(wait(retryAfter: "1e300", rateLimit: nil, fallback: 1, maximum: 120), 120)
        XCTAssertEqual(wait(retryAfter: "inf", rateLimit: nil, fallback: 1, maximum: 120), 1, "unusable: the back-off")
        XCTAssertEqual(wait(retryAfter: "3", rateLimit: "0.5", fallback: 1, maximum: 120), 3)
        XCTAssertEqual(wait(retryAfter: nil, rateLimit: "0.5", fallback: 1, maximum: 120), 2)
        XCTAssertEqual(wait(retryAfter: nil, rateLimit: "1e-300", fallback: 1, maximum: 120), 120)
        XCTAssertEqual(wait(retryAfter: nil, rateLimit: "inf", fallback: 1, maximum: 120), 1)
        XCTAssertEqual(
            wait(retryAfter: nil, rateLimit: nil, fallback: 1e300, maximum: 1e300),
            DurationSeconds.of(SPAPICall.ceiling))
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        XCTAssertEqual(
            wait(retryAfter: "Wed, 18 Nov 2026 11:06:50 GMT", rateLimit: nil, fallback: 1, maximum: 120, now: now), 10,
            accuracy: 0.001)
        XCTAssertEqual(wait(retryAfter: nil, rateLimit: nil, fallback: .infinity, maximum: .nan), 3600)
    }

    func testMarketplaceRejectsWindowsEndingLessThanTwoMinutesAgo() async throws {
        let marketplace = try await MarketplaceSimulator.start(rate: 100, burst: 10)
        let now = Date()
        let recent = RFC3339.format(now.addingTimeInterval(-30))
        let old = RFC3339.format(now.addingTimeInterval(-3600))
        let rejected = try await get(
            "\(marketplace.server.baseURL)/orders/v0/orders?LastUpdatedAfter=\(old)&LastUpdatedBefore=\(recent)")
        XCTAssertEqual(rejected, 400)
        let accepted = try await get("\(marketplace.server.baseURL)/orders/v0/orders?LastUpdatedAfter=\(old)")
        XCTAssertEqual(accepted, 200)
        await marketplace.stop()
    }
}

/// What the poller tests share: a hand-moved clock, a mock broker with the raw topic, a SQLite
/// ledger in a temporary directory, a producer, and a marketplace store holding 250 orders last
/// updated ten seconds apart over the hour before `t0`.
struct PollerRig {
    let clock: TestClock
    let broker: TestBroker
    let topics: PipelineTopics
    let directory: URL
    let ledger: any LedgerStore
    let producer: KafkaProducer
    let store: MarketplaceStore
    let t0: Date
    let ids: [String]

    static func start(seed: UInt64) async throws -> PollerRig {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let broker = try TestBroker.mock()
        let topics = PipelineTopics(prefix: broker.uniqueName("dl"))
        try await broker.createTopic(named: topics.ingestRaw, partitions: 3)
        let directory = try LedgerTestServices.makeTemporaryDirectory(prefix: "driftless-poller")
        let ledger = try await Ledger.open(url: "sqlite://" + directory.appendingPathComponent("ledger.db").path)
        let producer = try KafkaProducer(config: broker.config())
        let store = MarketplaceStore(seed: seed)
        let t0 = clock.now
        var ids: [String] = []
        for index in 0..<250 {
            ids.append(
                await store.createOrder(status: "Unshipped", at: t0.addingTimeInterval(-3600 + Double(index) * 10)))
        }
        return PollerRig(
            clock: clock, broker: broker, topics: topics, directory: directory, ledger: ledger,
            producer: producer, store: store, t0: t0, ids: ids)
    }

    func removeDirectory() {
        try? FileManager.default.removeItem(at: directory)
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
