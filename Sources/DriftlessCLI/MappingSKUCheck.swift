import OrderModel
import Pipeline

/// `mapping check --payloads DIR`: the SKUs of recorded order payloads the mapping does not map
/// (orders carrying them would be quarantined with `unmapped-sku`); exit status 1 when there are any.
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
        case .success(let report): return render(report, matrix: matrix, onto: output)
        }
    }

    /// ``check(_:payloads:onto:)`` asking `erp` about the SKUs missing from `content.items` (when
    /// the mapping looks SKUs up in the ERP).
    static func check(
        _ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput, erp: ERPViewReader
    ) async -> MappingOutput {
        let report: UnmappedSKUReport
        switch Self.report(matrix, payloads: directory, onto: output) {
        case .failure(let failed): return failed
        case .success(let read): report = read
        }
        guard matrix.content.looksUpItems, !report.unmapped.isEmpty else {
            return render(report, matrix: matrix, onto: output)
        }
        do {
            let answer = try await erp.items(for: Set(report.unmapped.keys))
            return render(report, matrix: matrix, onto: output, inERP: answer.found)
        } catch {
            return render(
                report, matrix: matrix, onto: output,
                note: "the ERP could not be asked (\(error)): SKUs missing from content.items are reported unmapped")
        }
    }

    private static func report(
        _ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput
    ) -> Result<UnmappedSKUReport, MappingOutput> {
        let recorded: [PayloadReplay.Payload]
        do {
            recorded = try MappingFiles.payloads(in: directory)
        } catch {
            return .failure(MappingOutput(stdout: output.stdout, stderr: error.description, exitCode: 2))
        }
        return .success(
            UnmappedSKUReport(mapping: matrix.content, payloads: recorded.map { (name: $0.name, bytes: $0.bytes) }))
    }

    /// The report's lines; SKUs of `inERP` (SKU → ERP internal id) are listed as found there.
    private static func render(
        _ report: UnmappedSKUReport, matrix: MappingMatrix, onto output: MappingOutput,
        inERP: [String: String] = [:], note: String? = nil
    ) -> MappingOutput {
        var output = output
        var unmapped = report
        unmapped.unmapped = report.unmapped.filter { inERP[$0.key] == nil }
        output.stdout +=
            "\npayloads: \(report.checked) Shopify orders checked, \(unmapped.unmapped.count) unmapped SKUs"
        if !inERP.isEmpty { output.stdout += " (\(inERP.count) more found in the ERP)" }
        if !matrix.content.checksSKUs { output.stdout += " (the mapping has no content.items: SKUs are not checked)" }
        if let note { output.stdout += "\n  " + note }
        for line in unmapped.lines { output.stdout += "\n  " + line }
        for (sku, id) in inERP.sorted(by: { $0.key < $1.key }) {
            let names = report.unmapped[sku] ?? []
            output.stdout +=
                "\n  SKU \(sku) not in content.items, found in the ERP (item \(id)) — in \(names.count) payload(s): "
                + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
        }
        if !unmapped.unmapped.isEmpty { output.exitCode = 1 }
        return output
    }
}
