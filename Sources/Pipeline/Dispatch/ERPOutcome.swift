import Foundation

/// How one ERP request ended, in the terms dispatch acts on (the retry stage routes these).
public enum ERPOutcome: Sendable, Equatable {
    /// 2xx: the effect is in the ERP. `location` is the record's path when the ERP gave one.
    case done(status: Int, location: String?)
    /// 409, or a create refused because the external id exists (`DUP_RCRD`): re-read the ERP and decide.
    case conflict(status: Int, code: String?, detail: String)
    /// 400/404/422 (and other 4xx): this request will never succeed as it is (dead letter).
    case permanent(status: Int, code: String?, detail: String)
    /// 401/403: a configuration problem — pause the destination and raise an alarm, do not burn messages.
    case unauthorized(status: Int, detail: String)
    /// 429, 503, other 5xx, timeouts, connection errors: try again, not before `retryAfter` when given.
    case transient(status: Int?, retryAfter: Duration?, detail: String)

    /// Sorts an answer: `status`, its `Retry-After` header and the NetSuite error code and detail of its body.
    static func classify(
        status: Int, location: String? = nil, retryAfter: String? = nil, code: String? = nil, detail: String = "",
        now: Date = Date()
    ) -> ERPOutcome {
        switch status {
        case 200..<300:
            return .done(status: status, location: location)
        case 409:
            return .conflict(status: status, code: code, detail: detail)
        case 400 where code == "DUP_RCRD":
            return .conflict(status: status, code: code, detail: detail)
        case 401, 403:
            return .unauthorized(status: status, detail: detail)
        case 429, 408, 500...599:
            let wait = retryAfter.flatMap { RetryAfter.seconds($0, now: now) }.map {
                DurationSeconds.clamped($0, to: .zero...(.seconds(3600)), otherwise: .seconds(3600))
            }
            return .transient(status: status, retryAfter: wait, detail: detail)
        default:
            return .permanent(status: status, code: code, detail: detail)
        }
    }
}

/// NetSuite's error body: `type`, `title`, `status`, `o:errorDetails[]` (`detail`, `o:errorCode`).
struct ERPErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var detail: String?
        var code: String?

        enum CodingKeys: String, CodingKey {
            case detail
            case code = "o:errorCode"
        }
    }
    var status: Int?
    var details: [Detail]

    enum CodingKeys: String, CodingKey {
        case status
        case details = "o:errorDetails"
    }
}
