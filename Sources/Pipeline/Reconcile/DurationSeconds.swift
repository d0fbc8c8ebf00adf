/// Seconds of a `Duration` as a `Double`.
enum DurationSeconds {
    static func of(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
