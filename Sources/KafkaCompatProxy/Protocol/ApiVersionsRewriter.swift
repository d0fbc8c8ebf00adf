import NIOCore

/// Rewrites ApiVersions (api key 18) responses of version 3 and above so that they carry no tagged
/// fields, which librdkafka before 2.2 cannot skip correctly.
///
/// The v3+ response body is: error code (int16), a compact array of (api key, min version,
/// max version, tagged fields), throttle time (int32), tagged fields. Its header is v0
/// (correlation id only, never tagged fields). The rewrite keeps every field's value and replaces
/// each tagged-field section, per entry and at the end, by an empty one.
public enum ApiVersionsRewriter {
    /// What ``rewrite(frame:)`` did.
    public enum Outcome: Equatable, Sendable {
        /// The new frame (length prefix included) and how many tagged fields were dropped.
        case rewritten(ByteBuffer, droppedTaggedFields: Int)
        /// A well-formed response without tagged fields: forward it as it is.
        case alreadyCompatible
        /// The frame must be forwarded as it is; `reason` says why (error code, malformed).
        case unchanged(reason: String)
    }

    /// One entry of the api-key array.
    struct ApiKeyRange {
        var apiKey: Int16
        var minVersion: Int16
        var maxVersion: Int16
    }

    /// Rewrites a whole response frame (4-byte length prefix first) if it is a well-formed,
    /// successful ApiVersions v3+ response with tagged fields; otherwise says why not.
    public static func rewrite(frame: ByteBuffer) -> Outcome {
        var reader = frame
        guard let length = reader.readInteger(as: Int32.self), Int(length) == reader.readableBytes else {
            return .unchanged(reason: "length prefix does not match the frame")
        }
        guard let correlationID = reader.readInteger(as: Int32.self),
            let errorCode = reader.readInteger(as: Int16.self)
        else { return .unchanged(reason: "truncated header") }
        // Brokers answer an unsupported version with a v0-shaped body and an error code: leave it.
        guard errorCode == 0 else { return .unchanged(reason: "error code \(errorCode)") }
        guard let countPlusOne = reader.readUnsignedVarint(), countPlusOne > 0 else {
            return .unchanged(reason: "null or unreadable api-key array")
        }
        let count = Int(countPlusOne - 1)
        // Each entry takes at least 7 bytes: refuse counts the frame cannot hold before allocating.
        guard count * 7 <= reader.readableBytes else { return .unchanged(reason: "api-key count \(count) too large") }
        var entries: [ApiKeyRange] = []
        entries.reserveCapacity(count)
        var dropped = 0
        for _ in 0..<count {
            guard let key = reader.readInteger(as: Int16.self),
                let minVersion = reader.readInteger(as: Int16.self),
                let maxVersion = reader.readInteger(as: Int16.self),
                let tags = skipTaggedFields(&reader)
            else { return .unchanged(reason: "truncated api-key entry") }
            dropped += tags
            entries.append(ApiKeyRange(apiKey: key, minVersion: minVersion, maxVersion: maxVersion))
        }
        guard let throttleTime = reader.readInteger(as: Int32.self),
            let topLevelTags = skipTaggedFields(&reader)
        else { return .unchanged(reason: "truncated throttle time or tagged fields") }
        guard reader.readableBytes == 0 else {
            return .unchanged(reason: "\(reader.readableBytes) trailing bytes")
        }
        dropped += topLevelTags
        guard dropped > 0 else { return .alreadyCompatible }

        var out = ByteBufferAllocator().buffer(capacity: frame.readableBytes)
        out.writeInteger(Int32(0))  // length, patched below
        out.writeInteger(correlationID)
        out.writeInteger(errorCode)
        out.writeUnsignedVarint(countPlusOne)
        for entry in entries {
            out.writeInteger(entry.apiKey)
            out.writeInteger(entry.minVersion)
            out.writeInteger(entry.maxVersion)
            out.writeUnsignedVarint(0)
        }
        out.writeInteger(throttleTime)
        out.writeUnsignedVarint(0)
        out.setInteger(Int32(out.readableBytes - 4), at: out.readerIndex)
        return .rewritten(out, droppedTaggedFields: dropped)
    }

    /// Skips a tagged-field section; returns how many fields it held, or `nil` if truncated.
    private static func skipTaggedFields(_ reader: inout ByteBuffer) -> Int? {
        guard let count = reader.readUnsignedVarint() else { return nil }
        // Each field takes at least 2 bytes (tag, size).
        guard Int(count) * 2 <= reader.readableBytes else { return nil }
        for _ in 0..<count {
            guard reader.readUnsignedVarint() != nil,
                let size = reader.readUnsignedVarint(),
                Int(size) <= reader.readableBytes
            else { return nil }
            reader.moveReaderIndex(forwardBy: Int(size))
        }
        return Int(count)
    }
}
