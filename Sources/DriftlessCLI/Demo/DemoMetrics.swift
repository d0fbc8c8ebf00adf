import DriftlessOperations
import Foundation

/// The samples of a Prometheus text exposition (what `GET /metrics` serves), read back for the live
/// view and the report. Samples of several expositions add up (`merging`): the demo restarts its
/// stages once, and the numbers span both runs.
struct DemoMetrics: Sendable {
    struct Sample: Sendable, Hashable {
        var name: String
        var labels: [String: String]
    }

    private(set) var values: [Sample: Double] = [:]

    init() {}

    /// Reads the text format 0.0.4 (`name{label="value",…} number`); comments are skipped.
    init(exposition bytes: [UInt8]) {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.last == "}" {
                name = String(series[..<open])
                for pair in series[series.index(after: open)..<series.index(before: series.endIndex)]
                    .split(separator: ",")
                {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            values[Sample(name: name, labels: labels), default: 0] += value
        }
    }

    /// Counters and histograms of both add up; gauges (`gauges`) are taken from `other`.
    func merging(_ other: DemoMetrics, gauges: Set<String> = DemoMetrics.gauges) -> DemoMetrics {
        var merged = self
        for (sample, value) in other.values {
            if gauges.contains(sample.name) {
                merged.values[sample] = value
            } else {
                merged.values[sample, default: 0] += value
            }
        }
        for sample in values.keys where gauges.contains(sample.name) && other.values[sample] == nil {
            merged.values[sample] = nil
        }
        return merged
    }

    static let gauges: Set<String> = [
        "driftless_breaker_state", "driftless_consumer_group_lag_messages", "driftless_dead_letter_open_cases",
        "driftless_consumer_lag_messages",
    ]

    /// The sum of `name` over the samples whose labels include `match`.
    func sum(_ name: String, _ match: [String: String] = [:]) -> Double {
        values.reduce(0) { total, entry in
            guard entry.key.name == name, match.allSatisfy({ entry.key.labels[$0.key] == $0.value }) else {
                return total
            }
            return total + entry.value
        }
    }

    /// The distinct values of `label` among the samples of `name`.
    func labelValues(_ name: String, _ label: String) -> [String] {
        Set(values.keys.filter { $0.name == name }.compactMap { $0.labels[label] }).sorted()
    }

    /// The `q` quantile of histogram `name` (labels `match`), interpolated within its bucket as
    /// Prometheus' `histogram_quantile` does; nil without observations.
    func quantile(_ q: Double, of name: String, _ match: [String: String] = [:]) -> Double? {
        var buckets: [(bound: Double, count: Double)] = []
        for (sample, value) in values where sample.name == name + "_bucket" {
            guard match.allSatisfy({ sample.labels[$0.key] == $0.value }), let le = sample.labels["le"] else {
                continue
            }
            buckets.append((le == "+Inf" ? .infinity : Double(le) ?? .infinity, value))
        }
        buckets.sort { $0.bound < $1.bound }
        guard let total = buckets.last?.count, total > 0 else { return nil }
        let rank = q * total
        var lower = 0.0
        var below = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                guard bucket.bound.isFinite else { return lower }
                let inBucket = bucket.count - below
                return inBucket > 0 ? lower + (bucket.bound - lower) * (rank - below) / inBucket : bucket.bound
            }
            lower = bucket.bound
            below = bucket.count
        }
        return lower
    }
}
