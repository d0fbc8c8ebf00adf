#ifndef DRIFTLESS_CRDKAFKA_SHIM_H
#define DRIFTLESS_CRDKAFKA_SHIM_H
/* Thin shim over the system librdkafka (Debian librdkafka-dev 2.0.2).
 * Only the two public headers; C helpers are added here only where Swift cannot express a call. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Enqueues one message with rd_kafka_produceva on a topic handle (rd_kafka_topic_new): Swift cannot call
 * the variadic rd_kafka_producev, and building the rd_kafka_vu_t union array is clearer in C. A handle
 * (not a topic name) avoids a per-record topic lookup, and its metadata was requested when it was made —
 * by name, the first records waited ~1 s for librdkafka's periodic topic scan.
 * Key and value are copied (RD_KAFKA_MSG_F_COPY). has_key/has_value distinguish a null key/value
 * (tombstone) from an empty one. On success librdkafka takes ownership of `headers` (may be NULL);
 * on failure the caller still owns them. The rd_kafka_error_t is always destroyed here and only its
 * code is returned, so it can never leak. */
static inline rd_kafka_resp_err_t driftless_produce_rkt(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                                       int has_key, const void *key, size_t key_len,
                                                       int has_value, const void *value, size_t value_len,
                                                       rd_kafka_headers_t *headers, void *opaque) {
        static const char empty[1] = {0};
        rd_kafka_vu_t vus[7];
        size_t n = 0;
        vus[n].vtype = RD_KAFKA_VTYPE_RKT;
        vus[n].u.rkt = rkt;
        n++;
        vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
        vus[n].u.i32 = partition;
        n++;
        vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[n].u.i = RD_KAFKA_MSG_F_COPY;
        n++;
        if (has_key) {
                vus[n].vtype = RD_KAFKA_VTYPE_KEY;
                vus[n].u.mem.ptr = (void *)(key ? key : empty);
                vus[n].u.mem.size = key_len;
                n++;
        }
        if (has_value) {
                vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
                vus[n].u.mem.ptr = (void *)(value ? value : empty);
                vus[n].u.mem.size = value_len;
                n++;
        }
        if (headers) {
                vus[n].vtype = RD_KAFKA_VTYPE_HEADERS;
                vus[n].u.headers = headers;
                n++;
        }
        vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vus[n].u.ptr = opaque;
        n++;
        rd_kafka_error_t *error = rd_kafka_produceva(rk, vus, n);
        if (!error)
                return RD_KAFKA_RESP_ERR_NO_ERROR;
        rd_kafka_resp_err_t code = rd_kafka_error_code(error);
        rd_kafka_error_destroy(error);
        return code;
}

/* Destroys an rd_kafka_error_t (may be NULL) and returns its code; for calls such as
 * rd_kafka_incremental_assign that return an error object. */
static inline rd_kafka_resp_err_t driftless_error_take_code(rd_kafka_error_t *error, char *buf, size_t size) {
        if (!error)
                return RD_KAFKA_RESP_ERR_NO_ERROR;
        rd_kafka_resp_err_t code = rd_kafka_error_code(error);
        if (buf && size > 0) {
                const char *s = rd_kafka_error_string(error);
                snprintf(buf, size, "%s", s ? s : "");
        }
        rd_kafka_error_destroy(error);
        return code;
}
#endif
