import DriftlessOperations
import Foundation
import Kafka
import Ledger
import Pipeline
import Simulators

/// Waits until the pipeline has settled: every stage group has consumed and committed everything
/// (lag 0 on every input topic, retry tiers included), no order is parked behind a retry, the poller
/// has read up to `marketplaceUntil`, and neither the stages nor the ERP changed anything for a second.
struct DemoSettle: Sendable {
    let admin: KafkaAdmin
    let topics: PipelineTopics
    let tiers: [String]
    let erp: ERPSimulator
    let console: DemoConsole

    /// What was still moving when the wait gave up.
    struct Unsettled: Error, CustomStringConvertible {
        var detail: String
        var description: String { "the pipeline did not settle: \(detail)" }
    }

    func wait(
        runtime: PipelineRuntime, marketplaceUntil: Date?, timeout: Duration
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var previous: (writes: Int, consumed: Double)?
        var quiet = 0
        var detail = "starting"
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            let writes = await erp.store.appliedWrites
            let consumed = console.metrics.sum("driftless_stage_records_total", ["outcome": "consumed"])
            let moving = previous.map { $0.writes != writes || $0.consumed != consumed } ?? true
            previous = (writes, consumed)
            if moving {
                quiet = 0
                detail = "records still flowing (\(Int(consumed)) consumed, \(writes) ERP writes)"
                continue
            }
            if let until = marketplaceUntil {
                let checkpoint = try await runtime.ledger.loadCheckpoint("poller:amazon")
                guard let checkpoint, checkpoint >= until.addingTimeInterval(-1) else {
                    detail = "the poller has not read the marketplace up to \(until)"
                    continue
                }
            }
            let lag = try await LagReport.collect(admin: admin, topics: topics, retryTiers: tiers)
            let behind = lag.groups.filter { $0.total > 0 }
            guard behind.isEmpty else {
                quiet = 0
                detail = "lag " + behind.map { "\($0.group) on \($0.topic): \($0.total)" }.joined(separator: ", ")
                continue
            }
            if let parking = runtime.ledger as? any ParkingStore {
                let counts = try await parking.parkingCounts()
                guard counts.held == 0, counts.parked == 0 else {
                    quiet = 0
                    detail = "\(counts.held) orders held behind a retry, \(counts.parked) events parked"
                    continue
                }
            }
            quiet += 1
            if quiet >= 2 { return }
        }
        throw Unsettled(detail: detail)
    }
}
