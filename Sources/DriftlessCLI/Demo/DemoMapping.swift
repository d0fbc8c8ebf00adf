import DriftlessOperations
import Foundation
import OrderModel

/// The mapping fix of the demo: the bundled matrix plus the status a payments app started sending,
/// written to a file the restarted stages load (as an operator would deploy it).
enum DemoMapping {
    /// The Shopify `financial_status` the default mapping does not know.
    static let unknownStatus = "under_review"

    /// Writes the extended matrix to `directory/mapping.yaml` and returns its path.
    static func writeFixed(in directory: URL) throws -> String {
        guard var text = MappingMatrix.defaultYAML else { throw DemoError.mappingResource }
        let anchor = "    voided:             { payment: voided, canonical: PAYMENT_VOIDED }\n"
        guard let range = text.range(of: anchor) else { throw DemoError.mappingResource }
        text.insert(
            contentsOf: "    \(unknownStatus):       { payment: authorized, canonical: PAYMENT_AUTHORIZED }\n",
            at: range.upperBound)
        text = text.replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: 2\n")
        let path = directory.appendingPathComponent("mapping.yaml").path
        _ = try MappingMatrix.load(yaml: text, fileName: path)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
