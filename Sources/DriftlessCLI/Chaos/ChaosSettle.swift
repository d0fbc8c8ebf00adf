import DriftlessOperations
import Foundation
import Kafka
import Ledger
import Pipeline
import Simulators

/// Waits, after the last fault and the last order, until the cluster has settled: every stage group
/// consumed and committed everything (lag 0 on every input topic, retry tiers included), no order held
/// behind a retry and no event parked (the ledger), the poller read the marketplace up to its newest
/// order, and the ERP saw no write for two checks in a row. Errors of the broker or the ledger (both
/// just came back) are waited out.
struct ChaosSettle: Sendable {
    let bootstrap: String
    let topics: PipelineTopics
    let tiers: [String]
    let ledger: any LedgerStore
    let erp: ERPSimulator

    /// nil when settled, else what was still moving when `timeout` ran out.
    func wait(marketplaceUntil: Date?, timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        var previousWrites = -1
        var quiet = 0
        var detail = "starting"
        let admin: KafkaAdmin
        do {
            admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: bootstrap))
        } catch {
            return "no Kafka admin client: \(error)"
        }
        while ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let writes = await erp.store.appliedWrites
            defer { previousWrites = writes }
            guard writes == previousWrites else {
                quiet = 0
                detail = "the ERP is still being written (\(writes) writes)"
                continue
            }
            do {
                if let until = marketplaceUntil {
                    let checkpoint = try await ledger.loadCheckpoint("poller:amazon")
                    guard let checkpoint, checkpoint >= until else {
                        quiet = 0
                        detail = "the poller has not read the marketplace up to \(until)"
                        continue
                    }
                }
                let lag = try await LagReport.collect(admin: admin, topics: topics, retryTiers: tiers)
                let behind = lag.groups.filter { $0.total > 0 }
                guard behind.isEmpty else {
                    quiet = 0
                    detail =
                        "lag "
                        + behind.map { group in
                            let parts = group.partitions.filter { $0.lag > 0 }.map { "[\($0.partition)] \($0.lag)" }
                            return "\(group.group) on \(group.topic): \(group.total) (\(parts.joined(separator: " ")))"
                        }.joined(separator: ", ")
                    continue
                }
                if let parking = ledger as? any ParkingStore {
                    let counts = try await parking.parkingCounts()
                    guard counts.held == 0, counts.parked == 0 else {
                        quiet = 0
                        detail = "\(counts.held) orders held behind a retry, \(counts.parked) events parked"
                        continue
                    }
                }
            } catch {
                quiet = 0
                detail = "broker or ledger not answering: \(error)"
                continue
            }
            quiet += 1
            if quiet >= 3 { return nil }
        }
        return detail
    }
}
