import OrderModel
import Pipeline

/// `mapping check --payloads DIR`: every SKU of the recorded order payloads — Shopify order bodies,
/// Amazon `getOrders` order objects carrying the `OrderItems` the poller attaches, raw
/// `getOrderItems` answers, read with the pipeline's content readers (``PayloadSKUReport``) — with
/// the orders it was seen in and whether `content.items` maps it; payloads that are no such order
/// are listed as unreadable with the reason. Exit status 1 when a SKU is unmapped (orders carrying
/// it would be quarantined with `unmapped-sku`).
///
/// With `content.item_lookup: suiteql` and an ERP (`--config`), the SKUs missing from `content.items`
/// are looked up in the ERP as dispatch does (one SuiteQL query per 200 SKUs, by `itemid` or
/// `externalid`): those it has are reported as found there (dispatch writes them by internal id),
/// only those found nowhere count as unmapped.
enum MappingSKUCheck {
    static func check(_ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput) -> MappingOutput
    {
        switch report(matrix, payloads: directory, onto: output) {
        case .failure(let failed): return failed
        case .success(let report): return render(report, onto: output)
        }
    }

    /// ``check(_:payloads:onto:)`` asking `erp` about the SKUs missing from `content.items` (when
    /// the mapping looks SKUs up in the ERP).
    static func check(
        _ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput, erp: ERPViewReader
    ) async -> MappingOutput {
        let report: PayloadSKUReport
        switch Self.report(matrix, payloads: directory, onto: output) {
        case .failure(let failed): return failed
        case .success(let read): report = read
        }
        guard matrix.content.looksUpItems, !report.missingFromItems.isEmpty else {
            return render(report, onto: output)
        }
        do {
            let answer = try await erp.items(for: Set(report.missingFromItems))
            return render(report, onto: output, inERP: answer.found)
        } catch {
            return render(
                report, onto: output,
                note: "the ERP could not be asked (\(error)): SKUs missing from content.items are reported unmapped")
        }
    }

    private static func report(
        _ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput
    ) -> Result<PayloadSKUReport, MappingOutput> {
        let recorded: [PayloadReplay.Payload]
        do {
            recorded = try MappingFiles.payloads(in: directory)
        } catch {
            return .failure(MappingOutput(stdout: output.stdout, stderr: error.description, exitCode: 2))
        }
        return .success(
            PayloadSKUReport(mapping: matrix.content, payloads: recorded.map { (name: $0.name, bytes: $0.bytes) }))
    }

    /// The report's lines; SKUs of `inERP` (SKU → ERP internal id) are listed as found there.
    private static func render(
        _ report: PayloadSKUReport, onto output: MappingOutput, inERP: [String: String] = [:], note: String? = nil
    ) -> MappingOutput {
        var output = output
        var lines = report.lines(inERP: inERP)  // the summary first, then indented lines
        if let note { lines.insert(note, at: min(1, lines.count)) }
        output.stdout += "\n" + (lines.first ?? "")
        for line in lines.dropFirst() { output.stdout += "\n  " + line }
        if !report.unmapped(inERP: inERP).isEmpty { output.exitCode = 1 }
        return output
    }
}
