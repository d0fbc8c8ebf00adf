#!/usr/bin/env python3
"""Validates rendered Kustomize output: built-in objects with kubernetes-validate (strict), custom resources
against the vendored CRD schemas (Deploy/crds, strict), and the Driftless-specific invariants:
the PrometheusRule is Deploy/monitoring/rules/driftless.yaml; each KEDA ScaledObject scales the Deployment of its
stage on that stage's consumer group (`<prefix>.<stage>`) and input topics, with maxReplicaCount at or below the
partition count of the overlay's configuration.

usage: validate_k8s.py KUBERNETES_VERSION RENDERED.yaml...
"""
import json
import pathlib
import sys

import jsonschema
import kubernetes_validate
import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
CRDS = {}
for path in (DEPLOY / "crds").glob("*.json"):
    schema = json.loads(path.read_text())
    gvk = schema["x-kubernetes-group-version-kind"]
    CRDS[(f"{gvk['group']}/{gvk['version']}", gvk["kind"])] = schema

# Parameters of KEDA's Kafka scaler (keda.sh/docs/2.20/scalers/apache-kafka); `<name>FromEnv` reads the
# target container's environment.
KAFKA_SCALER = {
    "bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold", "offsetResetPolicy",
    "allowIdleConsumers", "scaleToZeroOnInvalidOffset", "excludePersistentLag", "limitToPartitionsWithLag",
    "ensureEvenDistributionOfPartitions", "partitionLimitation", "version", "sasl", "tls", "unsafeSsl",
}


# Each stage's input topics (docs/ARCHITECTURE.md, "Topics"; LagReport.stageGroups).
def stage_topics(prefix, tiers):
    return {
        "validate": [f"{prefix}.ingest.raw"],
        "translate": [f"{prefix}.validated"],
        "dispatch": [f"{prefix}.canonical"],
        "retry": [f"{prefix}.retry.{tier}" for tier in tiers],
        "dead-letter": [f"{prefix}.dead-letter", f"{prefix}.quarantine"],
    }


def main():
    version = sys.argv[1]
    failures = []
    rules = yaml.safe_load((DEPLOY / "monitoring/rules/driftless.yaml").read_text())
    for rendered in sys.argv[2:]:
        docs = [d for d in yaml.safe_load_all(pathlib.Path(rendered).read_text()) if d]
        name = pathlib.Path(rendered).name
        config = None
        for doc in docs:
            if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].startswith("driftless-config"):
                config = yaml.safe_load(doc["data"]["driftless.yaml"])
        if config is None:
            failures.append(f"{name}: no driftless-config ConfigMap with driftless.yaml")
            continue
        kafka = config.get("kafka", {})
        prefix = kafka.get("topicPrefix", "driftless")
        partitions = int(kafka.get("partitions", 6))
        tiers = config.get("dispatch", {}).get("retryTiers", ["10s", "1m", "10m", "1h"])
        topics = stage_topics(prefix, tiers)
        deployments = {d["metadata"]["name"] for d in docs if d["kind"] == "Deployment"}
        for doc in docs:
            where = f"{name}: {doc['kind']}/{doc['metadata']['name']}"
            key = (doc["apiVersion"], doc["kind"])
            if key in CRDS:
                errors = sorted(jsonschema.Draft202012Validator(CRDS[key]).iter_errors(doc), key=str)
                failures += [f"{where}: {'.'.join(map(str, e.path))}: {e.message}" for e in errors]
            else:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.ValidationError as error:
                    path = ".".join(str(p) for p in error.path)
                    failures.append(f"{where}: {path}: {error.message}")
                except kubernetes_validate.SchemaNotFoundError:
                    failures.append(f"{where}: no schema for {doc['apiVersion']} {doc['kind']} (vendor its CRD in Deploy/crds)")
            if doc["kind"] == "PrometheusRule" and doc["spec"] != rules:
                failures.append(f"{where}: differs from Deploy/monitoring/rules/driftless.yaml "
                                "(regenerate: Deploy/check --write-prometheusrule)")
            if doc["kind"] == "ScaledObject":
                spec = doc["spec"]
                target = spec["scaleTargetRef"]["name"]
                stage = target.removeprefix("driftless-")
                if target not in deployments or stage not in topics:
                    failures.append(f"{where}: scales {target}, not a consuming stage's Deployment")
                    continue
                if spec.get("maxReplicaCount", 100) > partitions:
                    failures.append(f"{where}: maxReplicaCount {spec.get('maxReplicaCount')} > {partitions} partitions")
                seen = []
                for trigger in spec["triggers"]:
                    meta = trigger["metadata"]
                    if trigger["type"] != "kafka":
                        continue
                    unknown = {k for k in meta if k.removesuffix("FromEnv") not in KAFKA_SCALER}
                    if unknown:
                        failures.append(f"{where}: not Kafka scaler parameters: {sorted(unknown)}")
                    if not str(meta.get("lagThreshold", "")).isdigit():
                        failures.append(f"{where}: lagThreshold must be a whole number, is {meta.get('lagThreshold')!r}")
                    if meta.get("consumerGroup") != f"{prefix}.{stage}":
                        failures.append(f"{where}: consumerGroup {meta.get('consumerGroup')} is not {prefix}.{stage}")
                    seen.append(meta.get("topic"))
                if sorted(seen) != sorted(topics[stage]):
                    failures.append(f"{where}: Kafka triggers on {sorted(seen)}, the stage reads {sorted(topics[stage])}")
        print(f"validate_k8s: {name}: {len(docs)} objects checked")
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
