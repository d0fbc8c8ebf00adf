import Foundation
import Ledger

extension Setting {
    /// A writable, sendable key path into the configuration.
    typealias Path<Value> = any WritableKeyPath<PipelineConfiguration, Value> & Sendable

    /// Free text.
    static func text(_ key: String, env: String? = nil, _ doc: String, _ path: Path<String>) -> Setting {
        Setting(
            key: key, environment: env, kind: .text, doc: doc, show: { $0[keyPath: path] },
            assign: {
                configuration, value, invalid in
                configuration[keyPath: path] = try scalar(value, invalid, expected: "text")
            })
    }

    /// Free text that may be unset (nil).
    static func optionalText(_ key: String, env: String? = nil, _ doc: String, _ path: Path<String?>) -> Setting {
        Setting(
            key: key, environment: env, kind: .text, doc: doc, show: { $0[keyPath: path] ?? "" },
            assign: {
                configuration, value, invalid in
                configuration[keyPath: path] = try scalar(value, invalid, expected: "text")
            })
    }

    /// A whole number, at least `minimum`.
    static func integer(
        _ key: String, env: String? = nil, _ doc: String, _ path: Path<Int>, minimum: Int = .min
    ) -> Setting {
        Setting(
            key: key, environment: env, kind: .integer, doc: doc, show: { String($0[keyPath: path]) },
            assign: {
                configuration, value, invalid in
                configuration[keyPath: path] = try whole(value, invalid, minimum: minimum)
            })
    }

    /// A whole number kept as `Int32` (Kafka's partition and replica counts).
    static func int32(_ key: String, env: String? = nil, _ doc: String, _ path: Path<Int32>) -> Setting {
        Setting(
            key: key, environment: env, kind: .integer, doc: doc, show: { String($0[keyPath: path]) },
            assign: {
                configuration, value, invalid in
                configuration[keyPath: path] = Int32(clamping: try whole(value, invalid, minimum: .min))
            })
    }

    /// A decimal number.
    static func number(_ key: String, env: String? = nil, _ doc: String, _ path: Path<Double>) -> Setting {
        Setting(
            key: key, environment: env, kind: .number, doc: doc, show: { String($0[keyPath: path]) },
            assign: {
                configuration, value, invalid in
                let text = try scalar(value, invalid, expected: "a number")
                guard let number = Double(text), number.isFinite else { throw invalid(text, expected: "a number") }
                configuration[keyPath: path] = number
            })
    }

    /// A duration written as whole milliseconds, at least `minimum`.
    static func milliseconds(
        _ key: String, env: String? = nil, _ doc: String, _ path: Path<Duration>, minimum: Int = .min
    ) -> Setting {
        Setting(
            key: key, environment: env, kind: .milliseconds, doc: doc,
            show: { String(Int64((DurationSeconds.of($0[keyPath: path]) * 1000).rounded())) },
            assign: { configuration, value, invalid in
                configuration[keyPath: path] = .milliseconds(try whole(value, invalid, minimum: minimum))
            })
    }

    /// A duration written as whole seconds.
    static func seconds(_ key: String, env: String? = nil, _ doc: String, _ path: Path<Duration>) -> Setting {
        Setting(
            key: key, environment: env, kind: .seconds, doc: doc,
            show: { String(Int64(DurationSeconds.of($0[keyPath: path]).rounded())) },
            assign: { configuration, value, invalid in
                configuration[keyPath: path] = .seconds(try whole(value, invalid, minimum: .min))
            })
    }

    /// A duration written as text (`30d`, `12w`, `1h30m`), at least `minimum` seconds.
    static func duration(
        _ key: String, env: String? = nil, _ doc: String, _ path: Path<TimeInterval>, minimum: TimeInterval
    ) -> Setting {
        Setting(
            key: key, environment: env, kind: .duration, doc: doc, show: { spanText($0[keyPath: path]) },
            assign: {
                configuration, value, invalid in
                let text = try scalar(value, invalid, expected: "a duration")
                let minimumText = spanText(minimum)
                guard let seconds = try? LedgerTimeSpec.duration(text, maximum: LedgerTimeSpec.maximumSeconds) else {
                    throw invalid(text, expected: "a duration such as 30d, 12w or 1h30m")
                }
                guard seconds >= minimum else { throw invalid(text, expected: "a duration of at least \(minimumText)") }
                configuration[keyPath: path] = seconds
            })
    }

    /// Seconds as the largest whole unit: `30d`, `2h`, `90s`.
    static func spanText(_ seconds: TimeInterval) -> String {
        for (unit, size) in [("w", 604_800.0), ("d", 86_400.0), ("h", 3_600.0), ("m", 60.0)]
        where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size))\(unit)"
        }
        return "\(Int(seconds))s"
    }

    /// A map of texts merged over what is there (the file's entries, then the environment's
    /// `<prefix>NAME_WITH_UNDERSCORES` variables as `name.with.underscores`).
    static func map(
        _ key: String, environmentPrefix: String? = nil, _ doc: String, _ path: Path<[String: String]>
    ) -> Setting {
        Setting(
            key: key, environment: environmentPrefix, kind: .map, doc: doc,
            show: { configuration in
                configuration[keyPath: path].sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ", ")
            },
            assign: { configuration, value, invalid in
                guard case .map(let entries) = value else { throw invalid("\(value)", expected: "a map of texts") }
                configuration[keyPath: path].merge(entries) { _, new in new }
            })
    }

    /// The text of a scalar value.
    static func scalar(_ value: SettingValue, _ invalid: SettingInvalid, expected: String) throws -> String {
        guard let text = value.text else { throw invalid("\(value)", expected: expected) }
        return text
    }

    /// A whole number of a scalar value, at least `minimum`.
    static func whole(_ value: SettingValue, _ invalid: SettingInvalid, minimum: Int) throws -> Int {
        let text = try scalar(value, invalid, expected: "a whole number")
        guard let number = Int(text) else { throw invalid(text, expected: "a whole number") }
        guard number >= minimum else { throw invalid(text, expected: "a whole number of at least \(minimum)") }
        return number
    }
}
