import NIOCore

extension ByteBuffer {
    /// Reads a Kafka unsigned varint (LEB128, at most 5 bytes for 32 bits). Returns `nil` on
    /// truncation or when the encoding is longer than 5 bytes; the reader index then is unspecified.
    mutating func readUnsignedVarint() -> UInt32? {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while shift < 35 {
            guard let byte = readInteger(as: UInt8.self) else { return nil }
            if shift == 28, byte & 0xF0 != 0 { return nil }
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    /// Writes `value` as a Kafka unsigned varint.
    @discardableResult
    mutating func writeUnsignedVarint(_ value: UInt32) -> Int {
        var remaining = value
        var written = 0
        while remaining >= 0x80 {
            written += writeInteger(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        written += writeInteger(UInt8(remaining))
        return written
    }
}
