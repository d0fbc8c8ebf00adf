import Foundation
import OrderModel

/// Interleaved rounds of the candidate and the baselines on the calling thread (one core), so that
/// load from other processes hits all of them alike; rates are medians over rounds.
struct DomainRatioReport {
    static let rounds = 15
    static let iterationsPerRound = 2_000

    var payloadBytes: Int
    var translatePerSecond: Double
    var serializationPerSecond: Double
    var decoderFloorPerSecond: Double

    static let metricNames = [
        "shopify_translate_events_per_s", "shopify_translate_mb_per_s", "baseline_jsonserialization_events_per_s",
        "baseline_jsondecoder_id_only_events_per_s", "ratio_vs_jsonserialization_x100", "ratio_vs_jsondecoder_id_only_x100",
    ]

    private struct IDOnly: Decodable { var id: Int64 }

    static func measure(_ payload: DomainPayload) throws -> DomainRatioReport {
        // Sanity: the candidate really translates (not an error path).
        _ = try payload.translateShopify()
        var translate: [Double] = [], serialization: [Double] = [], floor: [Double] = []
        let decoder = JSONDecoder()
        for _ in 0..<rounds {
            translate.append(try rate { _ = try payload.translateShopify() })
            serialization.append(try rate { _ = try JSONSerialization.jsonObject(with: payload.data) })
            floor.append(try rate { _ = try decoder.decode(IDOnly.self, from: payload.data) })
        }
        return DomainRatioReport(
            payloadBytes: payload.shopify.count, translatePerSecond: median(translate),
            serializationPerSecond: median(serialization), decoderFloorPerSecond: median(floor))
    }

    private static func rate(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterationsPerRound { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(iterationsPerRound) / max(elapsed, 1e-9)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    var metricValues: [(String, Int)] {
        [
            ("shopify_translate_events_per_s", Int(translatePerSecond)),
            ("shopify_translate_mb_per_s", Int(translatePerSecond * Double(payloadBytes) / 1e6)),
            ("baseline_jsonserialization_events_per_s", Int(serializationPerSecond)),
            ("baseline_jsondecoder_id_only_events_per_s", Int(decoderFloorPerSecond)),
            ("ratio_vs_jsonserialization_x100", Int(100 * translatePerSecond / max(serializationPerSecond, 1))),
            ("ratio_vs_jsondecoder_id_only_x100", Int(100 * translatePerSecond / max(decoderFloorPerSecond, 1))),
        ]
    }

    func printSummary() {
        let mb = translatePerSecond * Double(payloadBytes) / 1e6
        print(String(format: """
            Domain (one core, %d-byte Shopify order, median of %d interleaved rounds):
              decode + translate:            %8.0f events/s  %6.1f MB/s
              JSONSerialization (baseline):  %8.0f events/s  → ratio %.2f×
              JSONDecoder id only (floor):   %8.0f events/s  → ratio %.2f×
            """, payloadBytes, Self.rounds, translatePerSecond, mb, serializationPerSecond,
            translatePerSecond / max(serializationPerSecond, 1), decoderFloorPerSecond,
            translatePerSecond / max(decoderFloorPerSecond, 1)))
    }
}
