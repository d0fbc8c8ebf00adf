import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body (what a browser's form posts), read with a size bound.
struct OpsForm: Sendable {
    /// Field values by name (the last one wins).
    var fields: [String: String]

    /// The largest form body read.
    static let maxBytes = 64 * 1024

    subscript(_ name: String) -> String? { fields[name] }

    /// The trimmed, non-empty value of `name`.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Reads `request`'s body as a form.
    static func read(_ request: Request) async throws -> OpsForm {
        let buffer = try await request.body.collect(upTo: maxBytes)
        return OpsForm(parsing: String(buffer: buffer))
    }

    /// Parses `a=1&b=x+y` (`+` is a space, then percent-decoding).
    init(parsing text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }
}
