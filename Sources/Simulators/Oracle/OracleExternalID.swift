/// The sales order external id the integration upserts by, as docs/ARCHITECTURE.md describes it
/// ("ERP client": `so-<channel>-<order id>`; every byte other than an ASCII letter or digit written
/// `_` + two lowercase hex digits). Written again here so the oracle shares no code with the product.
public enum OracleExternalID {
    /// `so-shopify-5600000000000`, `so-amazon-113_2d1234567_2d1234567`.
    public static func salesOrder(channel: String, orderID: String) -> String {
        ["so", channel, orderID].map(encode).joined(separator: "-")
    }

    static func encode(_ part: String) -> String {
        var out = ""
        for byte in part.utf8 {
            let isLetterOrDigit =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isLetterOrDigit {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: false)
                out += "_" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
