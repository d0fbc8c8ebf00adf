/// Why a stage refused a record; becomes `dl-reason` on the quarantine topic and the audit reason.
public enum StageRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The envelope headers are missing or invalid.
    case badEnvelope(String)
    /// The record has no value.
    case emptyPayload
    /// The payload does not decode as the channel's order.
    case malformedPayload(String)
    /// A status value the mapping matrix does not map.
    case unmappedStatus(String)
    /// An order line whose SKU the mapping's `content.items` does not map (issue 24).
    case unmappedSKU(String)
    /// The channel edited an order's lines after the ERP fulfilled part of it (issue 24): the ERP
    /// cannot un-ship, a person reviews it (the canonical event is quarantined as a case; the other
    /// effects of the event were applied).
    case editAfterFulfilment(String)
    /// The channel has no decoder in this stage.
    case unsupportedChannel(String)
    /// A webhook topic whose body is not an order (e.g. Shopify `refunds/create`).
    case unsupportedTopic(String)
    /// The order state machine refuses the transition.
    case illegalTransition(String)
    /// The payload is about another order than the envelope says.
    case keyMismatch(String)
    /// The broker will never accept the stage's output record (e.g. `MSG_SIZE_TOO_LARGE`).
    case undeliverable(String)
    /// A timestamp that is not finite or outside 1970…9999 (``PlausibleTime``).
    case implausibleTimestamp(String)
    /// The ERP refuses a write as it is (400/422, unresolved conflicts): a dead letter.
    case erpRefused(String)
    /// The ERP kept failing transiently beyond the in-place attempts.
    case erpUnavailable(String)

    /// Short machine-friendly code.
    public var code: String {
        switch self {
        case .badEnvelope: "bad-envelope"
        case .emptyPayload: "empty-payload"
        case .malformedPayload: "malformed-payload"
        case .unmappedStatus: "unmapped-status"
        case .unmappedSKU: "unmapped-sku"
        case .editAfterFulfilment: "edit-after-fulfilment"
        case .unsupportedChannel: "unsupported-channel"
        case .unsupportedTopic: "unsupported-topic"
        case .illegalTransition: "illegal-transition"
        case .keyMismatch: "key-mismatch"
        case .undeliverable: "undeliverable"
        case .implausibleTimestamp: "implausible-timestamp"
        case .erpRefused: "erp-refused"
        case .erpUnavailable: "erp-unavailable"
        }
    }

    /// `"<code>: <detail>"`.
    public var description: String {
        switch self {
        case .badEnvelope(let detail), .malformedPayload(let detail), .unmappedStatus(let detail),
            .unmappedSKU(let detail), .editAfterFulfilment(let detail),
            .unsupportedChannel(let detail), .unsupportedTopic(let detail), .illegalTransition(let detail),
            .keyMismatch(let detail),
            .undeliverable(let detail), .implausibleTimestamp(let detail), .erpRefused(let detail),
            .erpUnavailable(let detail):
            "\(code): \(detail)"
        case .emptyPayload: "\(code): record has no value"
        }
    }
}
