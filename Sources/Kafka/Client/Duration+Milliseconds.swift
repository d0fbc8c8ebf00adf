extension Duration {
    /// Whole milliseconds as librdkafka's `int` timeouts take them: clamped to `0...Int32.max`.
    var librdkafkaMilliseconds: Int32 {
        let milliseconds = components.seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return components.seconds < 0 ? 0 : .max }
        return Int32(clamping: max(0, milliseconds.partialValue + components.attoseconds / 1_000_000_000_000_000))
    }
}
