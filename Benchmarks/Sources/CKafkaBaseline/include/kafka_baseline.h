#ifndef DRIFTLESS_KAFKA_BASELINE_H
#define DRIFTLESS_KAFKA_BASELINE_H
/* The C baseline of Driftless's Kafka benchmarks: the same work as the Swift Kafka layer does,
 * written directly against librdkafka, so both can be timed in one process and one run. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What one phase did. `seconds` runs from the first message handled to the last delivery
 * report (so consumer-group joins do not count). `error` is 0 on success. */
typedef struct {
    long messages;
    double seconds;
    /* CLOCK_MONOTONIC seconds of the first message handled and of the end (passthrough only), so
     * phases that run at the same time can be timed together. */
    double started;
    double finished;
    int error;
    char message[512];
} kb_result;

/* Produces `count` records to `topic`: key "order-N", value `value_size` bytes, with the
 * producer properties the Swift layer uses (idempotence, murmur2_random). Waits for every
 * delivery report. */
void kb_produce(const char *bootstrap, const char *topic, long count, int value_size, kb_result *out);

/* Joins group `group`, consumes `count` records from `source` (from the beginning) and produces
 * each one (same key and value) to `destination`; returns after every delivery report or after
 * `timeout_seconds`. Consumer offsets are committed automatically. */
void kb_passthrough(const char *bootstrap, const char *source, const char *destination,
                    const char *group, long count, int timeout_seconds, kb_result *out);

/* `kb_passthrough` with the consumer's `fetch.wait.max.ms` set (NULL: librdkafka's default). */
void kb_passthrough_fetch_wait(const char *bootstrap, const char *source, const char *destination,
                               const char *group, long count, int timeout_seconds, const char *fetch_wait_ms,
                               kb_result *out);

#ifdef __cplusplus
}
#endif
#endif
