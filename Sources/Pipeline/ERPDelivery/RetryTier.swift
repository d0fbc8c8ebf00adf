/// One delayed retry tier: topic `<p>.retry.<name>`, records due `delay` after they failed (or at
/// the answer's `Retry-After`, capped by `delay`).
public struct RetryTier: Sendable, Hashable, CustomStringConvertible {
    /// The topic suffix, e.g. `10s`, `1m`, `1h`.
    public let name: String
    public let delay: Duration

    /// Reads a tier from its name: a whole number followed by `ms`, `s`, `m` or `h` (`10s`, `1m`).
    /// Nil for anything else, a zero delay, or more than a week.
    public init?(_ name: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        guard
            let (suffix, scale) = units.first(where: { unit in
                name.hasSuffix(unit.0) && Int64(name.dropLast(unit.0.count)) != nil
            }), let count = Int64(name.dropLast(suffix.count)), count > 0, count <= 7 * 24 * 3_600_000 / scale
        else { return nil }
        self.name = name
        delay = .milliseconds(count * scale)
    }

    public var description: String { name }

    /// The default ladder: 10 s, 1 min, 10 min, 1 h.
    public static let defaults: [RetryTier] = ["10s", "1m", "10m", "1h"].compactMap(RetryTier.init)
}
