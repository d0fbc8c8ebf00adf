import BenchmarkSupport
import Foundation
import OrderModel

/// Interleaved rounds of the candidate and the baselines on the calling thread (one core), so that
/// load from other processes hits all of them alike; rates are medians over rounds. Done for both
/// Shopify fixtures: ~7 KB (fulfilled + refunded, pretty-printed) and ~5 KB (paid + partial, compact).
struct DomainRatioReport {
    static let rounds = 15
    static let iterationsPerRound = 2_000

    /// One payload's figures.
    struct Figures {
        var label: String
        var bytes: Int
        var translate: Double
        var serialization: Double
        var decoderFloor: Double

        var mbPerSecond: Double { translate * Double(bytes) / 1e6 }
        var ratioVsSerialization: Double { translate / max(serialization, 1) }
        var ratioVsFloor: Double { translate / max(decoderFloor, 1) }
    }

    var large: Figures
    var small: Figures

    static let metricNames = ["7kb", "5kb"].flatMap { size in
        [
            "shopify_\(size)_translate_events_per_s", "shopify_\(size)_translate_mb_per_s",
            "shopify_\(size)_baseline_jsonserialization_events_per_s",
            "shopify_\(size)_baseline_jsondecoder_id_only_events_per_s",
            "shopify_\(size)_ratio_vs_jsonserialization_x100", "shopify_\(size)_ratio_vs_jsondecoder_id_only_x100",
        ]
    }

    private struct IDOnly: Decodable { var id: Int64 }

    static func measure(_ payload: DomainPayload) throws -> DomainRatioReport {
        // Sanity: the candidates really translate (not an error path).
        _ = try payload.translateShopify()
        _ = try payload.translateShopifySmall()
        let large = try figures("7kb", payload.shopify.count, payload.data) { _ = try payload.translateShopify() }
        let small = try figures("5kb", payload.shopifySmall.count, payload.dataSmall) {
            _ = try payload.translateShopifySmall()
        }
        return DomainRatioReport(large: large, small: small)
    }

    private static func figures(_ label: String, _ bytes: Int, _ data: Data, _ candidate: () throws -> Void) throws
        -> Figures
    {
        var translate: [Double] = []
        var serialization: [Double] = []
        var floor: [Double] = []
        let decoder = JSONDecoder()
        for _ in 0..<rounds {
            translate.append(try rate(candidate))
            serialization.append(try rate { _ = try JSONSerialization.jsonObject(with: data) })
            floor.append(try rate { _ = try decoder.decode(IDOnly.self, from: data) })
        }
        return Figures(
            label: label, bytes: bytes, translate: median(translate), serialization: median(serialization),
            decoderFloor: median(floor))
    }

    private static func rate(_ body: () throws -> Void) throws -> Double {
        try RoundRate.measure(iterations: iterationsPerRound, body)
    }

    private static func median(_ values: [Double]) -> Double { RoundRate.median(values) }

    var metricValues: [(String, Int)] {
        var out: [(String, Int)] = []
        for f in [large, small] {
            let prefix = "shopify_\(f.label)_"
            out.append((prefix + "translate_events_per_s", Int(f.translate)))
            out.append((prefix + "translate_mb_per_s", Int(f.mbPerSecond)))
            out.append((prefix + "baseline_jsonserialization_events_per_s", Int(f.serialization)))
            out.append((prefix + "baseline_jsondecoder_id_only_events_per_s", Int(f.decoderFloor)))
            out.append((prefix + "ratio_vs_jsonserialization_x100", Int(100 * f.ratioVsSerialization)))
            out.append((prefix + "ratio_vs_jsondecoder_id_only_x100", Int(100 * f.ratioVsFloor)))
        }
        return out
    }

    func printSummary() {
        print("Domain decode + translate (one core, median of \(Self.rounds) interleaved rounds):")
        for f in [large, small] {
            print(
                String(
                    format: """
                          %d-byte Shopify order: %8.0f events/s %6.1f MB/s | JSONSerialization %8.0f/s (ratio %.2f×) \
                        | JSONDecoder id-only %8.0f/s (ratio %.2f×)
                        """, f.bytes, f.translate, f.mbPerSecond, f.serialization, f.ratioVsSerialization,
                    f.decoderFloor,
                    f.ratioVsFloor))
        }
    }
}
