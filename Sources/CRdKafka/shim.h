#ifndef DRIFTLESS_CRDKAFKA_SHIM_H
#define DRIFTLESS_CRDKAFKA_SHIM_H
/* Thin shim over the system librdkafka (Debian librdkafka-dev 2.0.2).
 * Only the two public headers; C helpers are added here only where Swift cannot express a call. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
