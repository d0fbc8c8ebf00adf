import NIOCore

/// Kafka frames built byte by byte for the proxy tests (big-endian, as on the wire).
enum KafkaFrames {
    static func int16(_ value: Int16) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    static func int32(_ value: Int32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// Prefixes `body` with its 4-byte length.
    static func frame(_ body: [UInt8]) -> [UInt8] {
        int32(Int32(body.count)) + body
    }

    /// An ApiVersions request as librdkafka 2.0.2 sends it: header v2 (client id, tags) for v3+,
    /// header v1 for older versions.
    static func apiVersionsRequest(version: Int16, correlationID: Int32) -> [UInt8] {
        var body = int16(18) + int16(version) + int32(correlationID)
        body += int16(7) + Array("rdkafka".utf8)
        if version >= 3 {
            body += [0x00]  // header tagged fields
            body += [0x08] + Array("librdkafka".utf8).prefix(7)  // compact string, 7 bytes
            body += [0x06] + Array("2.0.2".utf8)  // compact string, 5 bytes
            body += [0x00]  // body tagged fields
        }
        return frame(body)
    }

    /// Any other request (api key/version chosen by the caller) with an opaque payload.
    static func otherRequest(apiKey: Int16, version: Int16, correlationID: Int32, payload: [UInt8]) -> [UInt8] {
        frame(int16(apiKey) + int16(version) + int32(correlationID) + int16(-1) + payload)
    }

    /// A response with an opaque payload.
    static func response(correlationID: Int32, payload: [UInt8]) -> [UInt8] {
        frame(int32(correlationID) + payload)
    }

    /// The api-key entries used in the ApiVersions responses below: (key, min, max).
    static let apiKeys: [(Int16, Int16, Int16)] = [(0, 0, 9), (1, 0, 12), (3, 0, 12), (18, 0, 4)]

    /// An ApiVersions v3 response shaped like Tansu's: a per-entry empty tag section and four
    /// top-level tagged fields (SupportedFeatures = [], FinalizedFeaturesEpoch = -1,
    /// FinalizedFeatures = [], ZkMigrationReady = false).
    static func tansuApiVersionsV3Response(correlationID: Int32) -> [UInt8] {
        var body = int32(correlationID) + int16(0)
        body += [UInt8(apiKeys.count + 1)]
        for (key, min, max) in apiKeys {
            body += int16(key) + int16(min) + int16(max) + [0x00]
        }
        body += int32(0)  // throttle time
        body += [0x04]  // four tagged fields
        body += [0x00, 0x01, 0x01]  // tag 0, size 1: SupportedFeatures, empty compact array
        body += [0x01, 0x08] + [UInt8](repeating: 0xFF, count: 8)  // tag 1, size 8: epoch -1
        body += [0x02, 0x01, 0x01]  // tag 2, size 1: FinalizedFeatures, empty compact array
        body += [0x03, 0x01, 0x00]  // tag 3, size 1: ZkMigrationReady = false
        return frame(body)
    }

    /// The same response as the proxy must deliver it: no tagged fields anywhere, written out
    /// literally (not with the code under test).
    static func expectedRewrittenV3Response(correlationID: Int32) -> [UInt8] {
        let body: [UInt8] =
            int32(correlationID) + [
                0x00, 0x00,  // error code
                0x05,  // 4 entries
                0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00,  // Produce 0...9, no tags
                0x00, 0x01, 0x00, 0x00, 0x00, 0x0C, 0x00,  // Fetch 0...12
                0x00, 0x03, 0x00, 0x00, 0x00, 0x0C, 0x00,  // Metadata 0...12
                0x00, 0x12, 0x00, 0x00, 0x00, 0x04, 0x00,  // ApiVersions 0...4
                0x00, 0x00, 0x00, 0x00,  // throttle time
                0x00,  // no tagged fields
            ]
        return frame(body)
    }

    /// An ApiVersions v0–v2 response (non-flexible: int32 array length, no tags).
    static func apiVersionsV2Response(correlationID: Int32) -> [UInt8] {
        var body = int32(correlationID) + int16(0) + int32(Int32(apiKeys.count))
        for (key, min, max) in apiKeys {
            body += int16(key) + int16(min) + int16(max)
        }
        body += int32(0)
        return frame(body)
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }
}
