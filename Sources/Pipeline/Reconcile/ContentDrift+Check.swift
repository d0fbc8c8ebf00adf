import Foundation
import OrderModel

extension ContentDrift {
    /// What comparing one order's content with its sales order found.
    struct Finding: Sendable, Equatable {
        /// The differences, channel first (``differences(channel:erp:mapping:)``).
        var differences: [String]
        /// The ERP shows a fulfilment: it cannot un-ship, a person corrects the lines.
        var fulfilled: Bool
        var salesOrderID: String
    }

    /// Compares the channel's `content` with the sales order of `view` (issue 24): when the content is
    /// complete, has lines and names other lines than the sales order was written with (its lines
    /// digest), the sales order is read (one GET) and its lines and amounts compared. Nil when there is
    /// nothing to compare (no content, no sales order, a sales order written without lines — left to
    /// dispatch —, equal digests) or the lines agree; lines the answer did not carry are reported by
    /// their digests. Shared by reconciliation's runs and the re-check of a replayed case.
    static func check(_ content: OrderContent?, view: ERPView?, erp: ERPViewReader) async throws -> Finding? {
        guard let view, let written = view.linesDigest, let content, content.isComplete,
            !content.effectiveLines.isEmpty, content.linesDigest != written
        else { return nil }
        guard let lines = try await salesOrderLines(view.salesOrderID, erp: erp) else { return nil }
        let differences =
            lines.sublistRead
            ? differences(channel: content, erp: lines, mapping: erp.sync.client.contentMapping)
            : ["lines digest: channel \(content.linesDigest), ERP \(written) (the sales order's lines were not read)"]
        guard !differences.isEmpty else { return nil }
        return Finding(
            differences: differences,
            fulfilled: view.records.contains(.itemFulfillment) || !view.trackingNumbers.isEmpty,
            salesOrderID: view.salesOrderID)
    }

    /// The sales order `id`'s lines (a GET of the record, retried as the view's reads are); nil when
    /// the ERP no longer has it or its body does not read.
    private static func salesOrderLines(_ id: String, erp: ERPViewReader) async throws -> ERPSalesOrderLines? {
        let (outcome, body) = await erp.send(.record(type: ERPRecordType.salesOrder.rawValue, id: id))
        switch outcome {
        case .done: return body.flatMap(ERPSalesOrderLines.read)
        case .permanent(404, _, _): return nil
        default: throw ERPViewReader.error(outcome)
        }
    }
}
