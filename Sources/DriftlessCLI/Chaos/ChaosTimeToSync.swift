import DriftlessOperations
import Foundation
import Simulators

/// Time to sync from the simulators' own records: for each storefront order, from the last moment one
/// of its webhooks was first acknowledged to the ERP's last write of anything of its sales order
/// (0 when the ERP already held everything). Split by whether that acknowledgement fell inside a fault
/// window. (Marketplace orders are left out: the poller reads two minutes behind by design.)
enum ChaosTimeToSync {
    static func measure(
        records: [ERPRecord], log: [ERPWriteLogEntry], acknowledgements: [Int64: Date], windows: [ChaosNemesis.Window],
        trafficStart: Date
    ) -> (during: ChaosReport.Quantiles, outside: ChaosReport.Quantiles) {
        var salesOrderByExternalID: [String: String] = [:]
        for record in records where record.type == .salesOrder {
            if let external = record.externalId { salesOrderByExternalID[external] = record.id }
        }
        var lastWrite: [String: Date] = [:]
        for entry in log { lastWrite[entry.salesOrder] = max(lastWrite[entry.salesOrder] ?? .distantPast, entry.time) }
        var during: [Double] = []
        var outside: [Double] = []
        for (order, acknowledged) in acknowledgements {
            let external = OracleExternalID.salesOrder(channel: "shopify", orderID: String(order))
            guard let id = salesOrderByExternalID[external], let written = lastWrite[id] else { continue }
            let seconds = max(0, written.timeIntervalSince(acknowledged))
            let offset = acknowledged.timeIntervalSince(trafficStart)
            if windows.contains(where: { offset >= $0.start && offset <= $0.end }) {
                during.append(seconds)
            } else {
                outside.append(seconds)
            }
        }
        return (ChaosReport.Quantiles(during), ChaosReport.Quantiles(outside))
    }
}
