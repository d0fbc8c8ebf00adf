import OrderModel

/// `mapping check --payloads DIR`: the SKUs of recorded order payloads the mapping does not map
/// (orders carrying them would be quarantined with `unmapped-sku`); exit status 1 when there are any.
enum MappingSKUCheck {
    static func check(_ matrix: MappingMatrix, payloads directory: String, onto output: MappingOutput) -> MappingOutput
    {
        var output = output
        let recorded: [PayloadReplay.Payload]
        do {
            recorded = try MappingFiles.payloads(in: directory)
        } catch {
            return MappingOutput(stdout: output.stdout, stderr: error.description, exitCode: 2)
        }
        let report = UnmappedSKUReport(
            mapping: matrix.content, payloads: recorded.map { (name: $0.name, bytes: $0.bytes) })
        output.stdout += "\npayloads: \(report.checked) Shopify orders checked, \(report.unmapped.count) unmapped SKUs"
        if !matrix.content.checksSKUs { output.stdout += " (the mapping has no content.items: SKUs are not checked)" }
        for line in report.lines { output.stdout += "\n  " + line }
        if !report.unmapped.isEmpty { output.exitCode = 1 }
        return output
    }
}
