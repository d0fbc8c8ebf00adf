import Crypto
import Foundation
import Kafka
import Ledger
import OrderModel

/// Reads a `<p>.dead-letter` or `<p>.quarantine` record into a ``CaseArrival``. Never fails: a
/// record with missing or damaged headers still becomes a case (stage/reason `unknown`, order key
/// from the record key), so nothing an operator must see is dropped.
enum CaseArrivalReader {
    static func arrival(_ message: KafkaMessage, seenAt: Date = Date()) -> CaseArrival {
        let headers = HeaderMap(message.headers)
        let reason = headers[EnvelopeHeader.reason] ?? "unknown: no \(EnvelopeHeader.reason) header"
        let (code, detail) = split(reason)
        let eventID = headers[EnvelopeHeader.eventID] ?? "\(message.topic)/\(message.partition)/\(message.offset)"
        let orderKey: String
        if let channel = headers[EnvelopeHeader.channel], let order = headers[EnvelopeHeader.orderID], !order.isEmpty {
            orderKey = "\(channel):\(order)"
        } else {
            orderKey = message.keyString ?? eventID
        }
        let provenance = CaseProvenance(
            sourceTopic: message.topic, sourcePartition: message.partition, sourceOffset: message.offset,
            originalTopic: headers[EnvelopeHeader.originalTopic],
            originalPartition: headers[EnvelopeHeader.originalPartition].flatMap { Int32($0) },
            originalOffset: headers[EnvelopeHeader.originalOffset].flatMap { Int64($0) },
            stage: headers[EnvelopeHeader.stage] ?? "unknown", reasonCode: code, reasonDetail: detail,
            attempts: headers[EnvelopeHeader.attempts].flatMap { Int($0) },
            firstFailure: headers[EnvelopeHeader.firstFailure].flatMap { RFC3339.parse($0) },
            httpStatus: headers[EnvelopeHeader.lastStatus].flatMap { Int($0) },
            lastError: headers[EnvelopeHeader.lastError].map { String($0.prefix(200)) },
            effectID: headers[EnvelopeHeader.effectID], tier: headers[EnvelopeHeader.tier])
        let payload = CasePayload(
            key: message.key.map { Data($0) }, value: message.value.map { Data($0) },
            headers: message.headers.map { CaseHeader(key: $0.key, value: $0.value.map { Data($0) }) })
        return CaseArrival(
            orderKey: orderKey, channel: headers[EnvelopeHeader.channel] ?? AuditRecord.channel(ofOrderKey: orderKey),
            eventID: eventID, traceID: headers[EnvelopeHeader.traceID], provenance: provenance, payload: payload,
            reopens: headers[EnvelopeHeader.caseID].flatMap { Int64($0) }, seenAt: seenAt,
            actor: StageName.deadLetter.rawValue, sourceFingerprint: fingerprint(message))
    }

    /// A digest of what makes this record this record, whatever offset it sits at: its timestamp,
    /// key, value and headers (SHA-256, the first 16 bytes in hex). A redelivery has the same one; a
    /// new failure on a reused offset (offsets started again) has another.
    static func fingerprint(_ message: KafkaMessage) -> String {
        var hash = SHA256()
        func add(_ bytes: [UInt8]?) {
            guard let bytes else { return hash.update(data: [0]) }
            var count = UInt64(bytes.count).littleEndian
            hash.update(data: [1])
            withUnsafeBytes(of: &count) { hash.update(bufferPointer: $0) }
            hash.update(data: bytes)
        }
        let milliseconds = message.timestamp.map {
            DurationSeconds.clampedSeconds($0.timeIntervalSince1970 * 1000, to: -1e15...1e15, otherwise: 0)
        }
        add(milliseconds.map { Array(String(Int64($0.rounded())).utf8) })
        add(message.key)
        add(message.value)
        for header in message.headers {
            add(Array(header.key.utf8))
            add(header.value)
        }
        return hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// `"<code>: <detail>"` → (code, detail); a reason without a code is all detail, code `unknown`.
    static func split(_ reason: String) -> (code: String, detail: String) {
        guard let colon = reason.firstIndex(of: ":") else {
            let trimmed = reason.trimmingCharacters(in: .whitespaces)
            let isCode = !trimmed.isEmpty && trimmed.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            return isCode ? (trimmed, "") : ("unknown", reason)
        }
        let code = reason[..<colon].trimmingCharacters(in: .whitespaces)
        let detail = reason[reason.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            return ("unknown", reason)
        }
        return (code, detail)
    }
}
