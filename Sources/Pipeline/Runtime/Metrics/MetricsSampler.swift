import Foundation
import Kafka
import Ledger
import Logging
import ServiceLifecycle

/// Samples what is not reported as it happens: every `interval` the stage consumers' buffers and
/// back-pressure, and (when `admin` is given) the lag of this process's stage groups through the
/// Kafka admin's committed-offset and watermark queries. A failed lag query is logged and retried
/// at the next interval.
public final class MetricsSampler: Service, Sendable {
    /// A stage consumer to sample.
    public struct Consumer: Sendable {
        public var stage: StageName
        public var statistics: @Sendable () -> KafkaConsumerStatistics

        public init(stage: StageName, statistics: @escaping @Sendable () -> KafkaConsumerStatistics) {
            self.stage = stage
            self.statistics = statistics
        }
    }

    private let metrics: PipelineMetrics
    private let interval: Duration
    private let consumers: [Consumer]
    private let admin: KafkaAdmin?
    private let topics: PipelineTopics
    private let retryTiers: [String]
    private let cases: (any CaseStore)?
    private let parking: (any ParkingStore)?
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        metrics: PipelineMetrics, interval: Duration, consumers: [Consumer], admin: KafkaAdmin?,
        topics: PipelineTopics, retryTiers: [String] = [], cases: (any CaseStore)? = nil,
        parking: (any ParkingStore)? = nil, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.parking = parking
        self.now = now
        self.metrics = metrics
        self.interval = interval
        self.consumers = consumers
        self.admin = admin
        self.topics = topics
        self.retryTiers = retryTiers
        self.cases = cases
        self.logger = logger
    }

    /// Samples every `interval` until graceful shutdown or cancellation.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sample()
                do {
                    try await Task.sleep(for: self.interval)
                } catch { return }
            }
        }
    }

    /// One sample of every consumer, the open dead-letter cases, the oldest hold and the lag.
    public func sample() async {
        for consumer in consumers { metrics.consumer(stage: consumer.stage, statistics: consumer.statistics()) }
        if let cases {
            do {
                metrics.deadLetterOpenCases(try await cases.openCaseCount())
            } catch {
                logger.warning("open dead-letter cases not counted", metadata: ["error": "\(error)"])
            }
        }
        if let parking {
            do {
                let now = self.now()
                let since = try await parking.oldestHoldSince()
                metrics.oldestHold(age: since.map { now.timeIntervalSince($0) }, at: now)
            } catch {
                logger.warning("oldest hold not sampled", metadata: ["error": "\(error)"])
            }
        }
        guard let admin, !consumers.isEmpty else { return }
        do {
            let report = try await LagReport.collect(
                admin: admin, topics: topics, stages: consumers.map(\.stage), retryTiers: retryTiers)
            var members: [String: Int] = [:]
            for group in Set(report.groups.map(\.group)) {
                // Unknown (not STOP) when the brokers do not say.
                members[group] = (try? await admin.memberCount(group: group)) ?? nil
            }
            metrics.lag(report, members: members)
        } catch {
            logger.warning("consumer lag not sampled", metadata: ["error": "\(error)"])
        }
    }
}
