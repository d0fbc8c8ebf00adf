/* The C hop of the one-hop comparison (issue 30): librdkafka consume → produce, as fast as the library
 * goes, with the producer settings Driftless uses. It is `kb_passthrough` from the benchmarks' C baseline
 * (Benchmarks/Sources/CKafkaBaseline), run as a process of its own so it is measured from outside
 * exactly like the Python peer and each Driftless stage.
 *
 * usage: c_hop BOOTSTRAP SOURCE DESTINATION GROUP COUNT */
#include <stdio.h>
#include <stdlib.h>

#include "kafka_baseline.h"

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s BOOTSTRAP SOURCE DESTINATION GROUP COUNT\n", argv[0]);
        return 2;
    }
    long count = strtol(argv[5], NULL, 10);
    kb_result result;
    kb_passthrough(argv[1], argv[2], argv[3], argv[4], count, 600, &result);
    if (result.error) {
        fprintf(stderr, "c_hop: %s\n", result.message);
        return 1;
    }
    return 0;
}
