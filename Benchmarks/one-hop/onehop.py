#!/usr/bin/python3
"""One-hop comparison helpers (issue 30): load realistic Shopify orders onto a topic, the Python peer a
user would write for the same hop, and a watcher that times any program's hop from outside.

Every program is measured the same way, by `watch`: from the moment its first output record is visible on
the broker to the moment the last one is, with the process's CPU time (utime + stime from /proc) over the
same window. Nothing here is a test; figures are compared as ratios within one run.

Needs Debian's python3-confluent-kafka (librdkafka 2.0.2, the same library Driftless links).
"""
import argparse
import copy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "Tests", "OrderModelTests", "Fixtures", "shopify-order-paid-partial.json")

# The statuses a realistic stream of orders/updated webhooks carries (financial, fulfillment, cancelled).
LIFECYCLE = [
    ("pending", None, False), ("authorized", None, False), ("paid", None, False), ("paid", "partial", False),
    ("paid", "fulfilled", False), ("partially_refunded", "fulfilled", False), ("refunded", None, True),
    ("voided", None, True),
]


def rfc3339(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def orders(count, seed_id=5600000000000):
    """`count` distinct Shopify order bodies built on the realistic fixture (~4.8 KB each)."""
    with open(FIXTURE, "rb") as handle:
        template = json.load(handle)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(count):
        order = copy.deepcopy(template)
        order_id = seed_id + n
        financial, fulfillment, cancelled = LIFECYCLE[n % len(LIFECYCLE)]
        updated = start + timedelta(seconds=n)
        order["id"] = order_id
        order["admin_graphql_api_id"] = f"gid://shopify/Order/{order_id}"
        order["name"] = f"#{1000 + n}"
        order["order_number"] = 1000 + n
        order["number"] = n
        order["financial_status"] = financial
        order["fulfillment_status"] = fulfillment
        order["cancelled_at"] = rfc3339(updated) if cancelled else None
        order["cancel_reason"] = "customer" if cancelled else None
        order["updated_at"] = rfc3339(updated)
        order["email"] = order["contact_email"] = f"buyer{n}@example.com"
        for fulfilment in order.get("fulfillments", []):
            fulfilment["order_id"] = order_id
        yield order_id, rfc3339(updated), json.dumps(order, separators=(",", ":")).encode()


def producer(bootstrap):
    # The settings Driftless's producer uses: idempotence (acks=all, ordered retries), murmur2_random.
    return Producer({
        "bootstrap.servers": bootstrap, "enable.idempotence": True, "partitioner": "murmur2_random",
        "log.connection.close": False,
    })


def load(args):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    for topic in args.create:
        for name, future in admin.create_topics([NewTopic(topic, args.partitions, 1)]).items():
            try:
                future.result(30)
            except Exception as error:  # an existing topic is fine
                if "TOPIC_ALREADY_EXISTS" not in str(error):
                    raise
    out = producer(args.bootstrap)
    received = rfc3339(datetime.now(timezone.utc))
    sent = 0
    total_bytes = 0
    for order_id, updated, body in orders(args.count):
        headers = [
            ("dl-event-id", f"bench-{order_id}"), ("dl-channel", "shopify"), ("dl-order-id", str(order_id)),
            ("dl-kind", "orders/updated"), ("dl-received-at", received), ("dl-source-ts", updated),
            ("dl-trace-id", str(uuid.uuid4())),
        ]
        while True:
            try:
                out.produce(args.topic, key=f"shopify:{order_id}", value=body, headers=headers)
                break
            except BufferError:
                out.poll(0.05)
        sent += 1
        total_bytes += len(body)
        out.poll(0)
    left = out.flush(120)
    if left:
        sys.exit(f"load: {left} records not delivered")
    print(json.dumps({"records": sent, "average_bytes": total_bytes // max(1, sent)}))


# The mapping matrix a user's script would hold: (financial, fulfillment, cancelled) → canonical state.
MATRIX = {
    ("pending", None): "awaitingPayment", ("authorized", None): "awaitingPayment", ("paid", None): "paid",
    ("paid", "partial"): "partiallyShipped", ("paid", "fulfilled"): "shipped",
    ("partially_refunded", "fulfilled"): "partiallyRefunded", ("refunded", None): "refunded",
    ("voided", None): "cancelled",
}


def peer(args):
    """The hop as a user would write it in Python: consume, parse, map the status, produce."""
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": args.group, "auto.offset.reset": "earliest",
        "enable.auto.commit": True, "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
        "partition.assignment.strategy": "cooperative-sticky", "log.connection.close": False,
    })
    out = producer(args.bootstrap)
    consumer.subscribe([args.source])
    handled = 0
    while handled < args.count:
        batch = consumer.consume(500, 1.0)
        for message in batch:
            if message.error():
                continue
            order = json.loads(message.value())
            state = "cancelled" if order.get("cancelled_at") else MATRIX.get(
                (order.get("financial_status"), order.get("fulfillment_status")), "unmapped")
            event = {
                "order": f"shopify:{order['id']}", "state": state, "updated_at": order.get("updated_at"),
                "name": order.get("name"), "total": order.get("total_price"), "currency": order.get("currency"),
            }
            while True:
                try:
                    out.produce(args.destination, key=message.key(), value=json.dumps(event).encode(),
                                headers=message.headers())
                    break
                except BufferError:
                    out.poll(0.05)
            handled += 1
        out.poll(0)
    out.flush(60)
    consumer.close()


def watch(args):
    """Runs a program and times its hop from outside: first to last output record visible on the broker,
    and the program's CPU time (utime + stime) over the same window. The program is this process's child,
    so its figures stay readable after it exits (a zombie keeps them until it is waited for)."""
    ticks = os.sysconf("SC_CLK_TCK")
    program = subprocess.Popen(args.command, stdout=subprocess.DEVNULL,
                               stderr=open(args.log, "wb") if args.log else subprocess.DEVNULL)

    # Records are counted by reading them: this Tansu build answers ListOffsets(latest) with stale high
    # watermarks (kafka-here.md), so a consumer's own count is the only exact one. The reading costs
    # the same for every program measured.
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": f"watch-{uuid.uuid4()}", "enable.auto.commit": False,
        "fetch.wait.max.ms": 20, "log.connection.close": False,
    })
    assigned = set()
    seen = 0

    def count():
        nonlocal seen
        missing = [topic for topic in args.topics if topic not in assigned]
        for topic in missing:
            metadata = consumer.list_topics(topic, timeout=5).topics.get(topic)
            if metadata is None or metadata.error is not None or not metadata.partitions:
                continue  # the program has not created its output topic yet
            assigned.add(topic)
            consumer.incremental_assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in metadata.partitions])
        if assigned:
            seen += sum(1 for message in consumer.consume(10000, 0.02) if not message.error())
        else:
            time.sleep(0.02)
        return seen

    def cpu():
        with open(f"/proc/{program.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    deadline = time.monotonic() + args.timeout
    first = None
    while time.monotonic() < deadline:
        seen = count()
        now = time.monotonic()
        if first is None and seen > 0:
            first = (now, seen, cpu())
        if seen >= args.count:
            break
    end = (time.monotonic(), seen, cpu())
    consumer.close()
    if args.stop:
        program.send_signal(signal.SIGTERM)
    try:
        status = program.wait(60)
    except subprocess.TimeoutExpired:
        program.kill()
        status = program.wait()
    result = {"records": seen, "complete": seen >= args.count, "exit": status}
    if first:
        records = end[1] - first[1]
        seconds = end[0] - first[0]
        result.update({
            "seconds": round(seconds, 3),
            "records_per_second": round(records / seconds) if seconds > 0 else None,
            "cpu_us_per_record": round((end[2] - first[2]) * 1e6 / records, 1) if records > 0 else None,
        })
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="verb", required=True)
    p = sub.add_parser("load")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--create", nargs="*", default=[])
    p.add_argument("--partitions", type=int, default=6)
    p.add_argument("--count", type=int, required=True)
    p = sub.add_parser("peer")
    for name in ("--bootstrap", "--source", "--destination", "--group"):
        p.add_argument(name, required=True)
    p.add_argument("--count", type=int, required=True)
    p = sub.add_parser("watch")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topics", nargs="+", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--stop", action="store_true", help="SIGTERM the program once its output is complete")
    p.add_argument("--log", help="the program's standard error goes here")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- the program and its arguments")
    args = parser.parse_args()
    if getattr(args, "command", None) and args.command[:1] == ["--"]:
        args.command = args.command[1:]
    {"load": load, "peer": peer, "watch": watch}[args.verb](args)


if __name__ == "__main__":
    main()
