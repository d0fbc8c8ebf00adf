import CRdKafka

/// Calls `body` with the bytes' address and length (nil/0 for a nil array).
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

/// Owns an `rd_kafka_headers_t` until a successful produce hands it to librdkafka.
final class RdHeaders {
    private(set) var pointer: OpaquePointer?

    init(_ headers: [KafkaHeader]) {
        pointer = Self.makeList(headers)
    }

    /// A new `rd_kafka_headers_t` holding `headers` (nil when empty); the caller owns it until a
    /// successful produce. Names are passed with their length: a Swift string passed as a C string
    /// is copied into a temporary allocation when it is stored inline (names of up to 15 bytes).
    static func makeList(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            var name = header.key
            name.withUTF8 { name in
                withOptionalBytes(header.value) { value, length in
                    name.withMemoryRebound(to: CChar.self) { name in
                        if let base = name.baseAddress {
                            _ = rd_kafka_header_add(list, base, name.count, value, length)
                        } else {
                            _ = rd_kafka_header_add(list, "", 0, value, length)
                        }
                    }
                }
            }
        }
        return list
    }

    /// librdkafka now owns the headers.
    func consume() { pointer = nil }

    /// Frees a list `makeList` returned that librdkafka did not take.
    static func destroy(_ list: OpaquePointer) {
        rd_kafka_headers_destroy(list)
    }

    deinit {
        if let pointer { rd_kafka_headers_destroy(pointer) }
    }
}
