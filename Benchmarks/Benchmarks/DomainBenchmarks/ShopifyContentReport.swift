import Benchmark
import BenchmarkSupport
import Foundation
import OrderModel

/// The order content's hot path (issue 30), each fast path against the Foundation path it replaced, on
/// the same bodies in the same run: interleaved rounds on the calling thread (one core), medians over
/// rounds. Decode: `ShopifyOrderContent.decode` (single-pass reader) vs `decodeWithJSONDecoder`.
/// Encode: `ContentJSON.text` (`JSONTextWriter`) vs `JSONEncoder` with sorted keys and unescaped slashes.
/// Header read (translate): `ContentJSON.content` (single-pass reader) vs `contentWithJSONDecoder`.
struct ShopifyContentReport {
    static let rounds = 15
    static let iterationsPerRound = 1_000

    /// One body's figures, in calls per second.
    struct Figures {
        var label: String
        var bytes: Int
        var decodeFast: Double
        var decodeJSONDecoder: Double
        var encodeWriter: Double
        var encodeJSONEncoder: Double
        var headerFast: Double
        var headerJSONDecoder: Double
    }

    var figures: [Figures]

    static var metricNames: [String] {
        DomainPayload.decodeLabels.flatMap { label in
            [
                "content_decode_\(label)_ratio_x100", "content_encode_\(label)_ratio_x100",
                "content_header_\(label)_ratio_x100",
            ]
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// What `ContentJSON.text` did before `ContentJSONWriter`.
    static func jsonEncoderText(_ content: OrderContent) throws -> String {
        String(decoding: try encoder.encode(content), as: UTF8.self)
    }

    static func measure(_ bodies: [(label: String, bytes: [UInt8])]) throws -> ShopifyContentReport {
        var figures: [Figures] = []
        for body in bodies {
            // Sanity: both paths give the same content, both encoders the same text, and it reads back.
            let content = try ShopifyOrderContent.decode(from: body.bytes)
            let limit = PayloadLimits.defaultMaxBytes
            guard try ShopifyOrderContent.decodeWithJSONDecoder(from: body.bytes, maxBytes: limit) == content else {
                throw Mismatch(description: "content fast path and JSONDecoder disagree on \(body.label)")
            }
            guard let text = ContentJSON.text(content), try jsonEncoderText(content) == text,
                ContentJSON.content(text) == content, ContentJSON.contentWithJSONDecoder(text) == content
            else { throw Mismatch(description: "content JSON differs from JSONEncoder's on \(body.label)") }

            var decodeFast: [Double] = []
            var decodeSlow: [Double] = []
            var encodeFast: [Double] = []
            var encodeSlow: [Double] = []
            var headerFast: [Double] = []
            var headerSlow: [Double] = []
            for _ in 0..<rounds {
                decodeFast.append(try rate { blackHole(try ShopifyOrderContent.decode(from: body.bytes)) })
                decodeSlow.append(
                    try rate {
                        blackHole(try ShopifyOrderContent.decodeWithJSONDecoder(from: body.bytes, maxBytes: limit))
                    })
                encodeFast.append(try rate { blackHole(ContentJSON.text(content)) })
                encodeSlow.append(try rate { blackHole(try jsonEncoderText(content)) })
                headerFast.append(try rate { blackHole(ContentJSON.content(text)) })
                headerSlow.append(try rate { blackHole(ContentJSON.contentWithJSONDecoder(text)) })
            }
            figures.append(
                Figures(
                    label: body.label, bytes: body.bytes.count, decodeFast: RoundRate.median(decodeFast),
                    decodeJSONDecoder: RoundRate.median(decodeSlow), encodeWriter: RoundRate.median(encodeFast),
                    encodeJSONEncoder: RoundRate.median(encodeSlow), headerFast: RoundRate.median(headerFast),
                    headerJSONDecoder: RoundRate.median(headerSlow)))
        }
        return ShopifyContentReport(figures: figures)
    }

    private static func rate(_ body: () throws -> Void) throws -> Double {
        try RoundRate.measure(iterations: iterationsPerRound, body)
    }

    var metricValues: [(String, Int)] {
        figures.flatMap { (f: Figures) -> [(String, Int)] in
            let decode: Double = 100 * f.decodeFast / max(f.decodeJSONDecoder, 1)
            let encode: Double = 100 * f.encodeWriter / max(f.encodeJSONEncoder, 1)
            let header: Double = 100 * f.headerFast / max(f.headerJSONDecoder, 1)
            return [
                ("content_decode_\(f.label)_ratio_x100", Int(decode)),
                ("content_encode_\(f.label)_ratio_x100", Int(encode)),
                ("content_header_\(f.label)_ratio_x100", Int(header)),
            ]
        }
    }

    func printSummary() {
        print(
            "Order content, fast paths vs Foundation (µs per body; one core, median of \(Self.rounds) interleaved rounds):"
        )
        for f in figures {
            let label = f.label.padding(toLength: 10, withPad: " ", startingAt: 0)
            print(
                "  " + label
                    + String(
                        format:
                            " %5d B: decode %6.2f vs JSONDecoder %6.2f (%.2fx) | encode %5.2f vs JSONEncoder %6.2f (%.2fx) | header %5.2f vs JSONDecoder %6.2f (%.2fx)",
                        f.bytes, 1e6 / f.decodeFast, 1e6 / f.decodeJSONDecoder,
                        f.decodeFast / max(f.decodeJSONDecoder, 1),
                        1e6 / f.encodeWriter, 1e6 / f.encodeJSONEncoder, f.encodeWriter / max(f.encodeJSONEncoder, 1),
                        1e6 / f.headerFast, 1e6 / f.headerJSONDecoder, f.headerFast / max(f.headerJSONDecoder, 1)))
        }
    }
}
