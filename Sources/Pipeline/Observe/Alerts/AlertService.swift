import AsyncHTTPClient
import CoreMetrics
import Foundation
import Ledger
import Logging
import ServiceLifecycle

/// Delivers what the ``AlertEngine`` decides: every fired or resolved notice goes to each
/// destination (in order per destination; one receiver's `Retry-After` never delays another),
/// is logged (never with a URL) and recorded in the ledger as an `alerted` audit row per
/// destination. Evaluates the rules every `evaluationInterval` so windows roll without signals.
public final class AlertService: Service, Sendable {
    /// The rules this service delivers for; feed it signals.
    public let engine: AlertEngine
    private let configuration: AlertConfiguration
    private let sender: AlertSender
    private let audit: (any AuditSink)?
    private let factory: (any MetricsFactory)?
    private let replica: String
    private let logger: Logger

    /// `audit`: where `alerted` rows go (nil: not recorded). `factory`: where
    /// `driftless_alerts_total` goes.
    public init(
        configuration: AlertConfiguration, engine: AlertEngine, audit: (any AuditSink)?, replica: String = "alerts",
        httpClient: HTTPClient = .shared, metricsFactory factory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "driftless.alerts")
    ) {
        self.configuration = configuration
        self.engine = engine
        self.audit = audit
        self.factory = factory
        self.replica = replica
        self.logger = logger
        sender = AlertSender(
            client: httpClient, maxAttempts: configuration.maxAttempts, maxRetryAfter: configuration.maxRetryAfter,
            logger: logger)
    }

    /// Runs until graceful shutdown or cancellation. On graceful shutdown the notices already
    /// decided are still delivered (each delivery is bounded by `maxAttempts`; the service group's
    /// shutdown deadline cancels what is left); on cancellation they are given up.
    public func run() async {
        let destinations = configuration.destinations
        let ticker = Task {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.configuration.evaluationInterval)
                } catch { break }
                self.engine.tick()
            }
        }
        defer { ticker.cancel() }
        var queues: [AsyncStream<AlertNotice>.Continuation] = []
        await withTaskGroup(of: Void.self) { group in
            for destination in destinations {
                let (stream, continuation) = AsyncStream<AlertNotice>.makeStream()
                queues.append(continuation)
                group.addTask {
                    for await notice in stream { await self.deliver(notice, to: destination) }
                }
            }
            let queuesNow = queues
            await cancelWhenGracefulShutdown {
                for await action in self.engine.actions {
                    switch action {
                    case .log(let line):
                        self.logger.info("\(line)")
                    case .deliver(let notice):
                        self.logger.log(
                            level: notice.transition == .fired && notice.severity == .high ? .error : .warning,
                            "ALERT \(notice.text)",
                            metadata: ["rule": "\(notice.rule.rawValue)", "incident": "\(notice.incident)"])
                        for queue in queuesNow { queue.yield(notice) }
                    }
                }
            }
            // Let each destination finish what it holds.
            for queue in queuesNow { queue.finish() }
        }
    }

    private func deliver(_ notice: AlertNotice, to destination: AlertDestination) async {
        let outcome = await sender.send(notice, to: destination)
        let status: Int?
        let result: String
        let detail: String
        switch outcome {
        case .delivered(let code, let attempts):
            (status, result, detail) = (code, "delivered", "delivered after \(attempts) attempt(s)")
        case .failed(let code, let attempts, let why):
            (status, result, detail) = (code, "failed", "not delivered after \(attempts) attempt(s): \(why)")
            logger.error(
                "alert not delivered",
                metadata: [
                    "destination": "\(destination.kind.rawValue)", "rule": "\(notice.rule.rawValue)", "why": "\(why)",
                ])
        case .cancelled:
            (status, result, detail) = (nil, "cancelled", "stopped before delivery")
        }
        if let factory {
            Counter(
                label: "driftless_alerts_total",
                dimensions: [
                    ("rule", notice.rule.rawValue), ("transition", notice.transition.rawValue),
                    ("destination", destination.kind.rawValue), ("result", result),
                ], factory: factory
            ).increment()
        }
        await audit?.record(
            AuditRecord(
                time: notice.at, hop: .alerted, orderKey: "alerts:\(notice.rule.rawValue)", channel: "alerts",
                eventID:
                    "\(notice.rule.rawValue)#\(notice.incident)#\(notice.transition.rawValue)#\(destination.kind.rawValue)",
                stage: "alerts", replica: replica, httpStatus: status, reason: notice.transition.rawValue,
                detail: "\(destination.kind.rawValue) \(detail): \(notice.text)"))
    }
}
