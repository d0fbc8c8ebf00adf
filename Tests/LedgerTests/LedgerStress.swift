import Foundation
import Ledger
import Logging

/// A bounded write load used by the two-process tests (test support, not shipped): opens
/// the ledger (running migrations, so two processes race on them), writes `count` audit records
/// through an ``AuditWriter`` and raises one shared order state's version `count` times with the
/// only-if-newer guard.
enum LedgerStress {
    /// The order key prefix of records written for `tag`.
    static func orderPrefix(tag: String) -> String { "stress:\(tag)-" }
    /// The order whose state all stress writers share.
    static let sharedOrderKey = "stress:shared"

    /// Runs the load; returns the number of audit records written.
    @discardableResult
    static func write(url: String, count: Int, tag: String, batchSize: Int = 100, logger: Logger) async throws -> Int {
        guard count >= 0, count <= 1_000_000 else {
            throw LedgerError.invalidArgument("--count must be in 0...1000000")
        }
        let store = try await Ledger.open(url: url, logger: logger)
        let writer = AuditWriter(
            store: store, configuration: AuditWriterConfiguration(capacity: batchSize * 4, batchSize: batchSize),
            logger: logger)
        do {
            for index in 0..<count {
                try await writer.record(
                    AuditRecord(
                        hop: .received, orderKey: orderPrefix(tag: tag) + String(index % 50), channel: "stress",
                        eventID: "\(tag)-\(index)", stage: "stress", replica: tag))
                if index % 10 == 0 {
                    let state = OrderStateRecord(
                        orderKey: sharedOrderKey, system: "erp", state: "s\(index)", version: Int64(index),
                        lastEventID: "\(tag)-\(index)")
                    try await store.saveStates([state], onlyIfNewer: true)
                }
            }
            if count > 0 {
                let final = OrderStateRecord(
                    orderKey: sharedOrderKey, system: "erp", state: "final", version: Int64(count),
                    lastEventID: "\(tag)-final")
                try await store.saveStates([final], onlyIfNewer: true)
            }
            try await writer.flush()
        } catch {
            await writer.shutdown(timeout: .seconds(1))
            await store.close()
            throw error
        }
        let lost = await writer.shutdown()
        await store.close()
        return count - lost
    }
}
