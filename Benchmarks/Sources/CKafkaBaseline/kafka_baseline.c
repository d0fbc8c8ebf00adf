#include "kafka_baseline.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(kb_result *out, const char *what, const char *detail) {
    out->error = 1;
    snprintf(out->message, sizeof(out->message), "%s: %s", what, detail ? detail : "");
}

/* Counts delivery reports; records the first failure. */
typedef struct {
    long delivered;
    long failed;
    rd_kafka_resp_err_t first_error;
} delivery_state;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    delivery_state *state = (delivery_state *)opaque;
    if (message->err) {
        if (state->failed++ == 0) state->first_error = message->err;
    } else {
        state->delivered++;
    }
}

static int set(rd_kafka_conf_t *conf, const char *name, const char *value, kb_result *out) {
    char errstr[256];
    if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fail(out, name, errstr);
        return -1;
    }
    return 0;
}

static rd_kafka_t *new_producer(const char *bootstrap, delivery_state *state, kb_result *out) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    if (set(conf, "bootstrap.servers", bootstrap, out) || set(conf, "enable.idempotence", "true", out) ||
        set(conf, "partitioner", "murmur2_random", out) || set(conf, "log.connection.close", "false", out)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, state);
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!producer) fail(out, "rd_kafka_new(producer)", errstr);
    return producer;
}

/* Enqueues one record, serving delivery reports while the local queue is full. */
static int produce_one(rd_kafka_t *producer, rd_kafka_topic_t *topic, const void *key, size_t key_len,
                       const void *value, size_t value_len, kb_result *out) {
    for (;;) {
        if (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)value, value_len, key,
                             key_len, NULL) == 0) {
            return 0;
        }
        rd_kafka_resp_err_t err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            fail(out, "rd_kafka_produce", rd_kafka_err2str(err));
            return -1;
        }
        rd_kafka_poll(producer, 10);
    }
}

static int finish_producer(rd_kafka_t *producer, delivery_state *state, long expected, kb_result *out) {
    rd_kafka_flush(producer, 60 * 1000);
    if (state->failed > 0) {
        fail(out, "delivery failed", rd_kafka_err2str(state->first_error));
        return -1;
    }
    if (state->delivered != expected) {
        char detail[64];
        snprintf(detail, sizeof(detail), "%ld of %ld delivered", state->delivered, expected);
        fail(out, "flush timed out", detail);
        return -1;
    }
    return 0;
}

void kb_produce(const char *bootstrap, const char *topic_name, long count, int value_size, kb_result *out) {
    memset(out, 0, sizeof(*out));
    delivery_state state = {0};
    rd_kafka_t *producer = new_producer(bootstrap, &state, out);
    if (!producer) return;
    rd_kafka_topic_t *topic = rd_kafka_topic_new(producer, topic_name, NULL);
    char *value = malloc(value_size > 0 ? (size_t)value_size : 1);
    if (!value) {
        fail(out, "malloc", "out of memory");
        rd_kafka_topic_destroy(topic);
        rd_kafka_destroy(producer);
        return;
    }
    memset(value, 'v', value_size > 0 ? (size_t)value_size : 0);
    char key[32];
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        int key_len = snprintf(key, sizeof(key), "order-%ld", i);
        if (produce_one(producer, topic, key, (size_t)key_len, value, (size_t)value_size, out)) break;
        if ((i & 1023) == 0) rd_kafka_poll(producer, 0);
    }
    if (!out->error && finish_producer(producer, &state, count, out) == 0) {
        out->messages = count;
    }
    out->seconds = now_seconds() - start;
    free(value);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(producer);
}

void kb_passthrough(const char *bootstrap, const char *source, const char *destination, const char *group,
                    long count, int timeout_seconds, kb_result *out) {
    kb_passthrough_fetch_wait(bootstrap, source, destination, group, count, timeout_seconds, NULL, out);
}

void kb_passthrough_fetch_wait(const char *bootstrap, const char *source, const char *destination,
                               const char *group, long count, int timeout_seconds, const char *fetch_wait_ms,
                               kb_result *out) {
    memset(out, 0, sizeof(*out));
    delivery_state state = {0};
    char errstr[256];
    rd_kafka_t *producer = new_producer(bootstrap, &state, out);
    if (!producer) return;
    rd_kafka_topic_t *topic = rd_kafka_topic_new(producer, destination, NULL);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set(conf, "bootstrap.servers", bootstrap, out) || set(conf, "group.id", group, out) ||
        set(conf, "auto.offset.reset", "earliest", out) || set(conf, "session.timeout.ms", "6000", out) ||
        set(conf, "heartbeat.interval.ms", "500", out) ||
        set(conf, "partition.assignment.strategy", "cooperative-sticky", out) ||
        set(conf, "enable.partition.eof", "false", out) || set(conf, "log.connection.close", "false", out) ||
        (fetch_wait_ms && set(conf, "fetch.wait.max.ms", fetch_wait_ms, out))) {
        rd_kafka_conf_destroy(conf);
        rd_kafka_topic_destroy(topic);
        rd_kafka_destroy(producer);
        return;
    }
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!consumer) {
        fail(out, "rd_kafka_new(consumer)", errstr);
        rd_kafka_topic_destroy(topic);
        rd_kafka_destroy(producer);
        return;
    }
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subscription, source, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer, subscription);
    rd_kafka_topic_partition_list_destroy(subscription);
    if (err) fail(out, "subscribe", rd_kafka_err2str(err));

    double deadline = now_seconds() + timeout_seconds;
    double start = 0;
    long consumed = 0;
    while (!out->error && consumed < count) {
        if (now_seconds() > deadline) {
            char detail[64];
            snprintf(detail, sizeof(detail), "%ld of %ld consumed", consumed, count);
            fail(out, "passthrough timed out", detail);
            break;
        }
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
        if (!message) continue;
        if (message->err) {
            /* Transient consumer errors (e.g. during the group join) are retried by librdkafka. */
            rd_kafka_message_destroy(message);
            continue;
        }
        if (consumed == 0) start = now_seconds();
        if (produce_one(producer, topic, message->key, message->key_len, message->payload, message->len, out) == 0) {
            consumed++;
        }
        rd_kafka_message_destroy(message);
        if ((consumed & 1023) == 0) rd_kafka_poll(producer, 0);
    }
    if (!out->error && finish_producer(producer, &state, consumed, out) == 0) {
        out->messages = consumed;
    }
    out->finished = now_seconds();
    out->started = start > 0 ? start : out->finished;
    out->seconds = start > 0 ? out->finished - start : 0;
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(producer);
}
