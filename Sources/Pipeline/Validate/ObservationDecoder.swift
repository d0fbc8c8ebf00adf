import Kafka
import OrderModel

/// Decodes a pipeline record (envelope headers + channel payload) into a `ChannelObservation` through
/// the mapping matrix. Shared by validate (to check) and translate (to apply).
public struct ObservationDecoder: Sendable {
    private let translator: ChannelTranslator
    private let maxBytes: Int

    public init(matrix: MappingMatrix, maxBytes: Int = PayloadLimits.defaultMaxBytes) {
        translator = ChannelTranslator(matrix: matrix)
        self.maxBytes = maxBytes
    }

    /// The matrix in use.
    public var matrix: MappingMatrix { translator.matrix }

    /// The envelope and the observation of a record on `<p>.validated`: the observation validate
    /// forwarded in `dl-observation` when present and consistent with the envelope, else (records
    /// from before the header existed, or an unreadable header) the payload decoded again.
    public func decodeValidated(_ message: KafkaMessage) throws(StageRejection) -> (Envelope, ChannelObservation) {
        guard let observation = ObservationHeader.observation(in: message.headers) else { return try decode(message) }
        guard let value = message.value, !value.isEmpty else { throw .emptyPayload }
        let envelope: Envelope
        do {
            envelope = try Envelope(headers: message.headers)
        } catch {
            throw .badEnvelope(error.description)
        }
        guard observation.key.channel == envelope.channel, observation.key.orderID == envelope.orderID,
            observation.eventID == envelope.eventID
        else { return try decode(message) }
        return (envelope, observation)
    }

    /// The envelope and the observation of `message`.
    public func decode(_ message: KafkaMessage) throws(StageRejection) -> (Envelope, ChannelObservation) {
        let headers = HeaderMap(message.headers)
        guard let channelText = headers[EnvelopeHeader.channel] else {
            throw .badEnvelope("missing header \(EnvelopeHeader.channel)")
        }
        guard let channel = Channel(rawValue: channelText) else {
            throw .badEnvelope("invalid header \(EnvelopeHeader.channel)=\(channelText.prefix(64))")
        }
        guard let value = message.value, !value.isEmpty else { throw .emptyPayload }
        // The payload first: a body that is not an order is the more useful reason (ingest leaves
        // dl-order-id out when it cannot find the order id).
        let eventID = headers[EnvelopeHeader.eventID] ?? ""
        let kind = headers[EnvelopeHeader.kind] ?? ""
        if channel == .erp {
            throw .unsupportedChannel("erp payloads enter through dispatch, not ingest")
        }
        // Shopify names the body by its topic: only `orders/*` bodies are orders. Anything else
        // (`refunds/create`, `fulfillments/create`, …) would otherwise read as a malformed order.
        if channel == .shopify, !kind.isEmpty, !kind.hasPrefix("orders/") {
            throw .unsupportedTopic(
                "\(kind.prefix(64)): only orders/* webhooks carry an order; subscribe the app to orders/* topics")
        }
        let observation: ChannelObservation
        do {
            observation = try translator.translate(
                channel: channel, payload: value, eventID: eventID, kind: kind, maxBytes: maxBytes)
        } catch {
            switch error {
            case .payload(let payloadError): throw .malformedPayload(payloadError.description)
            case .mapping(let mappingError): throw .unmappedStatus(mappingError.description)
            }
        }
        let envelope: Envelope
        do {
            envelope = try Envelope(headers: message.headers)
        } catch {
            throw .badEnvelope(error.description)
        }
        guard observation.key.orderID == envelope.orderID else {
            throw .keyMismatch("envelope order \(envelope.orderID), payload order \(observation.key.orderID)")
        }
        // With the ERP lookup on, a SKU missing from the table may be an ERP item: dispatch decides.
        if let content = observation.facts.content, !translator.matrix.content.looksUpItems {
            let unmapped = translator.matrix.content.unmappedSKUs(in: content)
            if !unmapped.isEmpty {
                throw .unmappedSKU(
                    "sku=\(unmapped.joined(separator: ",").prefix(200)) (map it under content.items, then replay)")
            }
        }
        guard observation.hasPlausibleTimes else {
            throw .implausibleTimestamp("source \(observation.sourceTimestamp.timeIntervalSince1970) s since 1970")
        }
        guard !observation.key.orderID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .malformedPayload("order id contains control characters")
        }
        return (envelope, observation)
    }
}
