import CRdKafka

/// The version string of the librdkafka the process is linked against.
public var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }
