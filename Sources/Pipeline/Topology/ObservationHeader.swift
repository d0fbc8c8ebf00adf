import Foundation
import Kafka
import OrderModel

/// The `dl-observation` header: the `ChannelObservation` validate decoded, in the compact binary
/// form of `ObservationCodec` (earlier records carry compact JSON, still read), so that translate
/// applies it without parsing the channel payload a second time.
enum ObservationHeader {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        // Seconds since 1970 as a double: round-trips exactly, unlike milliseconds.
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// The header carrying `observation`; nil if it cannot be encoded (translate then decodes the payload).
    static func header(_ observation: ChannelObservation) -> KafkaHeader? {
        KafkaHeader(key: EnvelopeHeader.observation, value: ObservationCodec.encode(observation))
    }

    /// The header in the earlier compact-JSON form (the type's `Codable` form, dates as seconds
    /// since 1970); still accepted by ``observation(in:)``.
    static func jsonHeader(_ observation: ChannelObservation) -> KafkaHeader? {
        guard let data = try? encoder.encode(observation) else { return nil }
        return KafkaHeader(key: EnvelopeHeader.observation, value: Array(data))
    }

    /// The observation in `headers` (the last `dl-observation`), or nil when absent, unreadable or
    /// implausible (a timestamp that is NaN, infinite or out of range: forged, since validate never
    /// writes one) — translate then decodes the payload, which decides.
    static func observation(in headers: [KafkaHeader]) -> ChannelObservation? {
        guard let header = headers.last(where: { $0.key == EnvelopeHeader.observation }),
            let bytes = header.value, let first = bytes.first
        else { return nil }
        let observation =
            first == ObservationCodec.formatV1
            ? ObservationCodec.decode(bytes) : try? decoder.decode(ChannelObservation.self, from: Data(bytes))
        guard let observation, observation.hasPlausibleTimes else { return nil }
        return observation
    }

    /// `headers` without any `dl-observation` header, then `extra` (validate's new one) when given;
    /// one allocation sized for both.
    static func removing(from headers: [KafkaHeader], thenAppending extra: KafkaHeader? = nil) -> [KafkaHeader] {
        var result: [KafkaHeader] = []
        result.reserveCapacity(headers.count + 1)
        for header in headers where header.key != EnvelopeHeader.observation { result.append(header) }
        if let extra { result.append(extra) }
        return result
    }
}
