/// A loopback TCP proxy that makes librdkafka < 2.2 able to talk to brokers whose ApiVersions v3
/// responses carry tagged fields (see `shared/reference/kafka-here.md`).
public enum KafkaCompatProxyInfo {}
