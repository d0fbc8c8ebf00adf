import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), standing in for
/// `promtool check metrics`: every line is a `# HELP`/`# TYPE` comment or a sample; names and
/// label names follow the Prometheus grammar, label values are quoted with `\\`, `\"`, `\n`
/// escapes, values are floats; a family's `# TYPE` comes once and before its samples; histogram
/// buckets carry `le`, are cumulative and end with `+Inf` equal to `_count`.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Invalid: Error, CustomStringConvertible {
        var line: Int
        var why: String
        var description: String { "line \(line): \(why)" }
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        var seenSamples: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count >= 3, parts[1] == "TYPE" || parts[1] == "HELP" else { continue }
                guard Self.isName(parts[2]) else { throw Invalid(line: number, why: "bad metric name \(parts[2])") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw Invalid(line: number, why: "bad TYPE line") }
                    guard types[parts[2]] == nil, !seenSamples.contains(parts[2]) else {
                        throw Invalid(line: number, why: "TYPE of \(parts[2]) repeated or after its samples")
                    }
                    types[parts[2]] = parts[3]
                }
                continue
            }
            let sample = try Self.sample(String(line), number)
            seenSamples.insert(family(of: sample.name))
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The family a sample belongs to (`x_bucket` → `x` when `x` is a histogram).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }

    /// The value of the sample named `name` whose labels include `labels`, summed over the rest.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    private func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            let buckets = samples.filter { $0.name == name + "_bucket" }
            let series = Dictionary(grouping: buckets) { $0.labels.filter { $0.key != "le" } }
            for (labels, group) in series {
                let sorted = try group.map { sample -> (Double, Double) in
                    guard let le = sample.labels["le"], let bound = Double(le == "+Inf" ? "inf" : le) else {
                        throw Invalid(line: 0, why: "\(name) bucket without a valid le")
                    }
                    return (bound, sample.value)
                }.sorted { $0.0 < $1.0 }
                for (a, b) in zip(sorted, sorted.dropFirst()) where b.1 < a.1 {
                    throw Invalid(line: 0, why: "\(name) buckets not cumulative")
                }
                guard let last = sorted.last, last.0 == .infinity else {
                    throw Invalid(line: 0, why: "\(name) has no +Inf bucket")
                }
                let count = samples.first { $0.name == name + "_count" && $0.labels == labels }
                guard count?.value == last.1 else { throw Invalid(line: 0, why: "\(name)_count ≠ +Inf bucket") }
            }
        }
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
            CharacterSet.letters.contains(first) || first == "_" || first == ":"
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == ":")
        }
    }

    private static func sample(_ line: String, _ number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isName(name) else { throw Invalid(line: number, why: "bad sample name in \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0 != "=" })
                guard isName(label), !label.hasPrefix("__") else {
                    throw Invalid(line: number, why: "bad label \(label)")
                }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { throw Invalid(line: number, why: "label \(label) not quoted") }
                rest = rest.dropFirst(2)
                var value = ""
                while let c = rest.first, c != "\"" {
                    rest = rest.dropFirst()
                    if c == "\\" {
                        guard let escaped = rest.first, ["\\", "\"", "n"].contains(escaped) else {
                            throw Invalid(line: number, why: "bad escape")
                        }
                        value.append(escaped == "n" ? "\n" : escaped)
                        rest = rest.dropFirst()
                    } else {
                        value.append(c)
                    }
                }
                guard rest.first == "\"" else { throw Invalid(line: number, why: "unterminated label value") }
                rest = rest.dropFirst()
                guard labels.updateValue(value, forKey: label) == nil else {
                    throw Invalid(line: number, why: "label \(label) repeated")
                }
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    throw Invalid(line: number, why: "expected , or }")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw Invalid(line: number, why: "no value in \(line)") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count) else { throw Invalid(line: number, why: "bad value in \(line)") }
        let text = String(fields[0])
        let value: Double? =
            switch text {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            case "NaN": .nan
            default: Double(text)
            }
        guard let value else { throw Invalid(line: number, why: "value \(text) is not a float") }
        return Sample(name: name, labels: labels, value: value)
    }
}
