import AsyncHTTPClient
import DriftlessTesting
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import Simulators
import Synchronization
import XCTest

@testable import Pipeline

/// A dispatch stage's surroundings: a ``StageRig`` (broker, topics, ledger), the ERP simulator
/// insisting on `auth` (OAuth 2.0 unless a test is about another mode, see ``TestERPAuth``), and a
/// producer that writes canonical records as translate does.
struct DispatchRig {
    let rig: StageRig
    let testERP: TestERP
    let producer: KafkaProducer
    var erp: ERPSimulator { testERP.simulator }

    static func start(
        name: String, partitions: Int32 = 6, backend: StageRig.Backend = .sqlite, broker: TestBroker? = nil,
        seed: UInt64 = 11, auth: TestERPAuth? = nil, tokenLifetime: TimeInterval = 3600
    ) async throws -> DispatchRig {
        let rig = try await StageRig.start(partitions: partitions, name: name, backend: backend, broker: broker)
        for tier in fastPolicy.retryTiers {
            try await rig.broker.createTopic(named: rig.topics.retry(tier: tier.name), partitions: partitions)
        }
        let erp = try await TestERP.start(auth: auth, faults: ERPFaults(seed: seed), tokenLifetime: tokenLifetime)
        return DispatchRig(rig: rig, testERP: erp, producer: try KafkaProducer(config: rig.broker.config()))
    }

    var topics: PipelineTopics { rig.topics }

    /// The dispatch client's configuration: credentials the ERP accepts unless `authentication` says otherwise.
    func erpConfiguration(
        maxConcurrentRequests: Int = 8, timeout: Duration = .seconds(2), authentication: ERPAuthentication? = nil
    ) -> ERPConfiguration {
        testERP.configuration(
            maxConcurrentRequests: maxConcurrentRequests, requestTimeout: timeout, authentication: authentication)
    }

    /// A dispatch replica on the rig.
    func stage(
        replica: String = "dispatch-a", policy: DispatchPolicy = DispatchRig.fastPolicy,
        timeout: Duration = .seconds(2),
        options: KafkaConsumerOptions = .init(bufferCapacity: 2_000, maxBatchSize: 500),
        health: HealthState? = nil, logLevel: Logger.Level = .warning, logs: CapturedLogs? = nil,
        authentication: ERPAuthentication? = nil, writeMode: ERPWriteMode = .async
    ) throws -> DispatchStage {
        var logger = logs?.logger() ?? Logger(label: "dispatch-test")
        logger.logLevel = logLevel
        var erp = erpConfiguration(timeout: timeout, authentication: authentication)
        erp.writeMode = writeMode
        return try DispatchStage(
            kafka: rig.broker.consumerConfig(), topics: topics, erp: erp,
            policy: policy, sink: producer, audit: LedgerAuditSink(writer: rig.writer), parking: parking(),
            health: health, replica: replica, options: options, logger: logger)
    }

    /// A retry replica on the rig (all tiers of `policy`).
    func retryStage(
        replica: String = "retry-a", policy: DispatchPolicy = DispatchRig.fastPolicy, timeout: Duration = .seconds(2),
        options: KafkaConsumerOptions = .init(bufferCapacity: 2_000, maxBatchSize: 500),
        logLevel: Logger.Level = .warning
    ) throws -> RetryStage {
        var logger = Logger(label: "retry-test")
        logger.logLevel = logLevel
        return try RetryStage(
            kafka: rig.broker.consumerConfig(), topics: topics, erp: erpConfiguration(timeout: timeout),
            policy: policy, sink: producer, audit: LedgerAuditSink(writer: rig.writer), parking: parking(),
            replica: replica, options: options, logger: logger)
    }

    /// The rig's ledger as the parking store.
    func parking() throws -> any ParkingStore {
        guard let parking = rig.ledger as? any ParkingStore else {
            throw LedgerError.invalidArgument("the rig's ledger cannot park events")
        }
        return parking
    }

    /// Short back-off and open times, so tests see several breaker cycles in seconds.
    static var fastPolicy: DispatchPolicy {
        var policy = DispatchPolicy()
        policy.initialBackoff = .milliseconds(10)
        policy.maxBackoff = .milliseconds(500)
        policy.breakerOpen = .milliseconds(500)
        policy.breakerMaxOpen = .seconds(2)
        policy.pauseProbeInterval = .milliseconds(500)
        policy.retryTiers = ["200ms", "500ms", "1s", "2s", "4s"].compactMap(RetryTier.init)
        // Tests of dispatch alone (no retry stage running) retry in place; retry tests lower this.
        policy.maxAttempts = 12
        return policy
    }

    func publish(_ events: [CanonicalEvent]) async throws {
        _ = try await producer.send(events.map { CanonicalLifecycles.record($0, topics: topics) })
    }

    /// The ERP matches the reference (see ``ERPSimulator/assertMatches(_:file:line:)``).
    func assertERPMatches(
        _ expected: [OrderKey: CanonicalLifecycles.ExpectedOrder], file: StaticString = #filePath, line: UInt = #line
    ) async {
        await erp.assertMatches(expected, file: file, line: line)
    }

    /// The `dispatched` audit rows that record landed writes, by effect id.
    func appliedEffectRows() async throws -> [String: Int] {
        try await rig.writer.flush()
        let rows = try await rig.ledger.search(AuditQuery(stage: "dispatch", limit: 1_000_000))
        var counts: [String: Int] = [:]
        for row in rows where row.hop == .dispatched {
            guard let detail = row.detail, detail.hasPrefix("effect ") else { continue }
            let id = detail.dropFirst("effect ".count).split(separator: " ").first.map(String.init) ?? ""
            counts[id, default: 0] += 1
        }
        return counts
    }

    func finish() async {
        await producer.close()
        await erp.stop()
        await rig.finish()
    }
}

/// Log messages at or above a level, kept for assertions.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    func append(_ level: Logger.Level, _ message: String) { lines.withLock { $0.append((level, message)) } }

    func messages(atLeast level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.0 >= level }.map(\.1) }
    }

    /// A logger that records here (and prints nothing).
    func logger(_ label: String = "captured") -> Logger {
        Logger(label: label) { _ in CapturingHandler(logs: self) }
    }

    private struct CapturingHandler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.append(event.level, event.message.description)
        }
    }
}

extension ERPSimulator {
    /// The ERP matches the reference: per order the sales order's final status, every related
    /// record once and created in effect order, and sales order writes never moving back a version.
    func assertMatches(
        _ expected: [OrderKey: CanonicalLifecycles.ExpectedOrder], file: StaticString = #filePath, line: UInt = #line
    ) async {
        let records = await store.allRecords()
        let log = await store.writeLog
        var salesOrders: [String: ERPRecord] = [:]
        for record in records where record.type == .salesOrder {
            if let eid = record.externalId { salesOrders[eid] = record }
        }
        // Deposits hang off their order by `salesOrder`, transforms by `createdFrom`, credit memos
        // off the return authorization they were transformed from.
        let authorizations = Dictionary(
            records.filter { $0.type == .returnAuthorization }.map { ($0.id, $0.createdFrom ?? "") },
            uniquingKeysWith: { first, _ in first })
        var related: [String: [ERPRecord]] = [:]
        for record in records where record.type != .salesOrder {
            let parent = record.parent ?? ""
            related[record.type == .creditMemo ? authorizations[parent] ?? "" : parent, default: []].append(record)
        }
        XCTAssertEqual(salesOrders.count, expected.count, "one sales order per order", file: file, line: line)
        var mismatches: [String] = []
        for (key, order) in expected {
            let eid = ERPEffect.externalID("so", key.channel.rawValue, key.orderID)
            guard let salesOrder = salesOrders[eid] else {
                mismatches.append("\(key): no sales order")
                continue
            }
            if salesOrder.status?.id != order.netSuiteStatus {
                mismatches.append("\(key): status \(salesOrder.status?.id ?? "-") ≠ \(order.netSuiteStatus ?? "-")")
            }
            let created = log.filter { $0.salesOrder == salesOrder.id && $0.type != .salesOrder }
            let firstCreations = created.reduce(into: [String]()) { ids, entry in
                if let eid = entry.externalId, !ids.contains(eid) { ids.append(eid) }
            }
            if firstCreations != order.relatedExternalIDs {
                mismatches.append("\(key): related records \(firstCreations) ≠ \(order.relatedExternalIDs)")
            }
            let relatedCount = related[salesOrder.id]?.count ?? 0
            if relatedCount != order.relatedExternalIDs.count {
                mismatches.append("\(key): \(relatedCount) related records, expected \(order.relatedExternalIDs.count)")
            }
            let versions = log.filter { $0.salesOrder == salesOrder.id && $0.type == .salesOrder }.compactMap(\.version)
            if versions != versions.sorted() { mismatches.append("\(key): status versions out of order \(versions)") }
        }
        XCTAssertEqual(mismatches.count, 0, "\(mismatches.prefix(10))", file: file, line: line)
        let duplicates = await store.duplicateEffects
        let regressions = await store.versionRegressions
        XCTAssertEqual(duplicates, 0, "duplicate effects", file: file, line: line)
        XCTAssertEqual(regressions, 0, "status writes that moved a version back", file: file, line: line)
    }

}
