import Benchmark
import BenchmarkSupport
import Foundation
import OrderModel

/// `ShopifyOrder.decode` (single-pass fast path) vs the `JSONDecoder` path it replaced, on the same
/// bodies in the same run: interleaved rounds on the calling thread (one core), medians over rounds.
struct ShopifyDecodeReport {
    static let rounds = 15
    static let iterationsPerRound = 2_000

    /// One body's figures.
    struct Figures {
        var label: String
        var bytes: Int
        var fast: Double
        var jsonDecoder: Double

        var ratio: Double { fast / max(jsonDecoder, 1) }
    }

    var figures: [Figures]

    static var metricNames: [String] {
        DomainPayload.decodeLabels.flatMap { label in
            [
                "shopify_decode_\(label)_fast_per_s", "shopify_decode_\(label)_jsondecoder_per_s",
                "shopify_decode_\(label)_ratio_x100",
            ]
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// What `ShopifyOrder.decode(from: [UInt8])` did before the fast path: size check, copy to `Data`,
    /// a new `JSONDecoder`, `ShopifyOrder.init(from:)`.
    static func jsonDecoderPath(_ bytes: [UInt8]) throws -> ShopifyOrder {
        guard bytes.count <= PayloadLimits.defaultMaxBytes else {
            throw PayloadError.tooLarge(size: bytes.count, limit: PayloadLimits.defaultMaxBytes)
        }
        return try JSONDecoder().decode(ShopifyOrder.self, from: Data(bytes))
    }

    static func measure(_ bodies: [(label: String, bytes: [UInt8])]) throws -> ShopifyDecodeReport {
        // Sanity: both paths decode, and to the same order.
        for body in bodies {
            let fast = try ShopifyOrder.decode(from: body.bytes)
            guard try jsonDecoderPath(body.bytes) == fast else {
                throw Mismatch(description: "fast path and JSONDecoder disagree on \(body.label)")
            }
        }
        var figures: [Figures] = []
        for body in bodies {
            var fast: [Double] = []
            var slow: [Double] = []
            for _ in 0..<rounds {
                fast.append(try rate { blackHole(try ShopifyOrder.decode(from: body.bytes)) })
                slow.append(try rate { blackHole(try jsonDecoderPath(body.bytes)) })
            }
            figures.append(
                Figures(label: body.label, bytes: body.bytes.count, fast: median(fast), jsonDecoder: median(slow)))
        }
        return ShopifyDecodeReport(figures: figures)
    }

    private static func rate(_ body: () throws -> Void) throws -> Double {
        try RoundRate.measure(iterations: iterationsPerRound, body)
    }

    private static func median(_ values: [Double]) -> Double { RoundRate.median(values) }

    var metricValues: [(String, Int)] {
        figures.flatMap { f in
            [
                ("shopify_decode_\(f.label)_fast_per_s", Int(f.fast)),
                ("shopify_decode_\(f.label)_jsondecoder_per_s", Int(f.jsonDecoder)),
                ("shopify_decode_\(f.label)_ratio_x100", Int(100 * f.ratio)),
            ]
        }
    }

    func printSummary() {
        print(
            "ShopifyOrder.decode fast path vs JSONDecoder path (one core, median of \(Self.rounds) interleaved rounds):"
        )
        for f in figures {
            let label = f.label.padding(toLength: 10, withPad: " ", startingAt: 0)
            print(
                "  " + label
                    + String(
                        format: " %5d bytes: fast %9.0f/s %7.1f MB/s | JSONDecoder %8.0f/s | ratio %.2f×",
                        f.bytes, f.fast, f.fast * Double(f.bytes) / 1e6, f.jsonDecoder, f.ratio))
        }
    }
}
