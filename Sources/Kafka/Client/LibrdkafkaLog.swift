import CRdKafka
import Logging

/// Where librdkafka's own log lines go (instead of stderr): this logger, with the client name
/// and facility as metadata. librdkafka calls it from its internal threads; `Logger` is thread-safe.
/// Filtering is librdkafka's: its `log_level` property (default 6, info) and `debug` contexts decide
/// what reaches the callback, so this logger passes everything on.
let librdkafkaLogger: Logger = {
    var logger = Logger(label: "driftless.librdkafka")
    logger.logLevel = .trace
    return logger
}()

/// librdkafka's log callback (syslog levels 0–7 mapped to swift-log levels).
let librdkafkaLogCallback:
    @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        let swiftLevel: Logger.Level =
            switch level {
            case ...2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            default: .debug
            }
        let client = rk.flatMap { rd_kafka_name($0) }.map { String(cString: $0) } ?? "-"
        let text = message.map { String(cString: $0) } ?? ""
        librdkafkaLogger.log(
            level: swiftLevel, "\(text)",
            metadata: [
                "client": "\(client)", "facility": "\(facility.map { String(cString: $0) } ?? "-")",
            ])
    }
