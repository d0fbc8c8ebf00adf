#!/usr/bin/env python3
"""Deploy/ must not drift from the code. Run by Deploy/check.

  drift.py --binary PATH          every check below
  drift.py --dashboard-only       the Grafana dashboard is valid JSON with the panels the runbook names
  drift.py --write-prometheusrule regenerate kubernetes/base/prometheusrule.yaml from monitoring/rules

Checks (each failure is printed with where the name was used):
- commands and flags: every `driftless …` in the manifests (container args of the driftless image), the compose
  file (commands), the Containerfile (CMD) and the runbooks (Deploy/README.md code) names an existing verb, and
  each `--flag` is in that verb's `--help`;
- configuration keys: every key of Deploy's configuration files (Kubernetes, compose) is decoded by the code
  (the `*ConfigFile` structs in Sources/Pipeline, walked by type) and documented (Deploy/driftless.yaml,
  README.md or docs/ARCHITECTURE.md); every DRIFTLESS_* variable is read somewhere in Sources/;
- metrics: every driftless_* name in the alert rules, the dashboard and the runbook is exported: seen in a
  scrape of /metrics after `driftless demo --orders 20 --keep`, or listed both in docs/ARCHITECTURE.md's metric
  table and in the code's MetricCatalog (names only some runs produce, e.g. alert deliveries).
"""
import argparse
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "Deploy"
failures: list[str] = []


def fail(message):
    failures.append(message)


# ---------------------------------------------------------------- commands and flags
def invocations():
    """(where, [tokens after `driftless`]) for every use of the binary in Deploy/."""
    found = []
    for path in sorted((DEPLOY / "kubernetes").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            for container in containers(doc):
                if str(container.get("image", "")).split("/")[-1].split(":")[0] == "driftless":
                    found.append((f"{rel(path)} ({container['name']})", [str(a) for a in container.get("args", [])]))
    compose = yaml.safe_load((DEPLOY / "compose/compose.yaml").read_text())
    for name, service in compose["services"].items():
        if "driftless" in str(service.get("image", "")) and "command" in service:
            found.append((f"Deploy/compose/compose.yaml ({name})", [str(a) for a in service["command"]]))
    for line in (DEPLOY / "image/Containerfile").read_text().splitlines():
        if line.startswith("CMD "):
            found.append(("Deploy/image/Containerfile CMD", json.loads(line[4:])))
    for path in [p for p in [DEPLOY / "README.md"] if p.exists()]:
        for number, code in markdown_code(path.read_text()):
            # `driftless` where a command starts: line start, after `-- ` (kubectl exec), `$(`, `(`, `|`, `&&`, `;`.
            for segment in re.findall(r"(?:^|-- |\$\(|\(|\| |&& |; )driftless((?: [^`|;&#)]*)?)", code.strip()):
                try:
                    tokens = shlex.split(segment)
                except ValueError:
                    tokens = segment.split()
                if tokens:
                    found.append((f"{rel(path)}:{number}", tokens))
    return found


def markdown_code(text):
    """(line number, code) for every line of a fenced block and every inline code span (spans may wrap)."""
    fenced, paragraph, first = False, [], 0
    out = []

    def flush():
        joined = " ".join(paragraph)
        out.extend((first, span) for span in re.findall(r"`([^`]+)`", joined))

    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            flush()
            paragraph, fenced = [], not fenced
            continue
        if fenced:
            out.append((number, line))
        elif line.strip():
            if not paragraph:
                first = number
            paragraph.append(line.strip())
        else:
            flush()
            paragraph = []
    flush()
    return out


def containers(doc):
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield from value
            else:
                yield from containers(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from containers(item)


HELP = {}


def help_text(binary, path):
    key = tuple(path)
    if key not in HELP:
        result = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, timeout=60)
        HELP[key] = result.stdout + result.stderr if result.returncode == 0 else None
    return HELP[key]


def subcommands(text):
    names, inside = set(), False
    for line in text.splitlines():
        if line.startswith("SUBCOMMANDS:"):
            inside = True
        elif inside and line and not line.startswith(" "):
            inside = False
        elif inside and line.strip():
            names.add(line.split()[0])
    return names


def check_commands(binary):
    count = 0
    for where, tokens in invocations():
        path = []
        text = help_text(binary, path)
        rest = list(tokens)
        while rest and not rest[0].startswith("-") and text and rest[0] in subcommands(text):
            path.append(rest.pop(0))
            text = help_text(binary, path)
        if not path and rest and not rest[0].startswith("-"):
            fail(f"{where}: `driftless {rest[0]}` is not a verb")
            continue
        if text is None:
            fail(f"{where}: `driftless {' '.join(path)} --help` fails")
            continue
        for token in rest:
            if token.startswith("--"):
                flag = token.split("=")[0]
                if flag not in ("--help",) and not re.search(rf"(^|[\s,]){re.escape(flag)}([\s,<=]|$)", text, re.M):
                    fail(f"{where}: `driftless {' '.join(path)}` has no flag {flag}")
        count += 1
    print(f"drift: {count} driftless invocations checked against --help ({len(HELP)} help texts)")


# ---------------------------------------------------------------- configuration keys
def swift_structs():
    """{struct path: {yaml key: field type}} of the `*ConfigFile` structs (nested names as A.B)."""
    structs = {}
    roots = []
    for path in sorted((ROOT / "Sources/Pipeline").rglob("*ConfigFile*.swift")):
        stack = []  # (name or None, depth at which it opened)
        depth = 0
        text = path.read_text()
        for line in text.splitlines():
            code = line.split("//")[0]
            opened = re.match(r"\s*(?:public |private |fileprivate )?(struct|extension|enum)\s+(\w+)", code)
            if opened and "{" in code:
                kind, name = opened.groups()
                outer = ".".join(n for n, _, k in stack if k != "enum")
                full = name if kind == "extension" or not outer else f"{outer}.{name}"
                stack.append((full if kind != "extension" else name, depth, kind))
                if kind == "struct":
                    structs.setdefault(full, {"fields": {}, "codingKeys": None})
                    if not outer:
                        roots.append(full)
            elif stack:
                current, _, kind = stack[-1]
                field = re.match(r"\s*(?:public |private )?var (\w+): ([^={]+)", code)
                if field and kind == "struct" and depth == stack[-1][1] + 1:
                    structs[current]["fields"][field.group(1)] = field.group(2).strip()
                if kind == "enum" and current == "CodingKeys" and len(stack) >= 2:
                    owner = stack[-2][0]
                    for case in re.findall(r"case ([^\n{}]+)", code):
                        for item in case.split(","):
                            item = item.strip()
                            if not item:
                                continue
                            name, _, raw = item.partition("=")
                            structs[owner]["codingKeys"] = structs[owner]["codingKeys"] or {}
                            structs[owner]["codingKeys"][name.strip()] = raw.strip().strip('"') or name.strip()
            depth += code.count("{") - code.count("}")
            while stack and depth <= stack[-1][1]:
                stack.pop()
    return structs, [r for r in roots if r.endswith("ConfigFile")]


def resolve(structs, scope, type_name):
    base = re.sub(r"[?\[\]!]", "", type_name).strip()
    if ":" in base:
        return "map"
    parts = scope.split(".")
    for cut in range(len(parts), -1, -1):
        candidate = ".".join(parts[:cut] + [base]) if cut else base
        if candidate in structs:
            return candidate
    for name in structs:
        if name.endswith("." + base) and name.split(".")[0] == parts[0]:
            return name
    return None


def table_keys():
    """The keys of the settings table's rows (`Sources/Pipeline/Runtime/Config/Settings/SettingsTable*.swift`):
    the first string literal of each row, e.g. `.integer("ingest.port", …)` or `Setting(key: "kafka.…", …)`."""
    keys = set()
    for path in sorted((ROOT / "Sources/Pipeline/Runtime/Config/Settings").glob("SettingsTable*.swift")):
        keys.update(re.findall(r'(?:\.\w+\(\s*|key: )"([a-z]+(?:\.[A-Za-z]+)+)"', path.read_text()))
    return keys


TABLE = table_keys()


def yaml_keys(structs, scope, fields, value, path, where, used):
    if not isinstance(value, dict):
        return
    for key, child in value.items():
        dotted = f"{path}.{key}" if path else str(key)
        if dotted in TABLE:  # a row of the settings table (a map row takes any key below it)
            used.append((dotted, where))
            continue
        if key not in fields and any(k.startswith(dotted + ".") for k in TABLE):
            yaml_keys(structs, scope, {}, child, dotted, where, used)  # a section only the table reads
            continue
        if key not in fields:
            fail(f"{where}: configuration key {dotted} is not decoded by the code")
            continue
        used.append((dotted, where))
        kind = fields[key][1]
        target = resolve(structs, fields[key][0], kind)
        if target == "map" or target is None:
            continue
        items = child if isinstance(child, list) else [child]
        for item in items:
            yaml_keys(structs, target, keyed(structs, target), item, dotted, where, used)


def keyed(structs, name):
    struct = structs[name]
    fields = {}
    for field, kind in struct["fields"].items():
        yaml_name = (struct["codingKeys"] or {}).get(field, field)
        fields[yaml_name] = (name, kind)
    return fields


def check_configuration():
    structs, roots = swift_structs()
    top = {}
    for root in roots:
        top.update(keyed(structs, root))
    documented = (DEPLOY / "driftless.yaml").read_text() + (ROOT / "README.md").read_text() + (
        ROOT / "docs/ARCHITECTURE.md").read_text()
    files = [DEPLOY / "kubernetes/base/config/driftless.yaml", DEPLOY / "kubernetes/overlays/dev/driftless.yaml",
             DEPLOY / "compose/driftless.yaml"]
    used = []
    for path in files:
        yaml_keys(structs, "", top, yaml.safe_load(path.read_text()), "", rel(path), used)
    for dotted, where in used:
        leaf = dotted.split(".")[-1]
        if not (re.search(rf"(^|\s|#\s*){re.escape(leaf)}:", documented, re.M) or dotted in documented):
            fail(f"{where}: configuration key {dotted} is documented nowhere (Deploy/driftless.yaml, README.md, ARCHITECTURE.md)")
    print(f"drift: {len(used)} configuration keys in {len(files)} files decoded and documented "
          f"({len(structs)} config structs and {len(TABLE)} settings-table rows read from Sources/Pipeline)")
    sources = "\n".join(p.read_text() for p in (ROOT / "Sources").rglob("*.swift"))
    variables = set()
    for path in list((DEPLOY / "kubernetes").rglob("*.yaml")) + [DEPLOY / "compose/compose.yaml", DEPLOY / "README.md",
                                                                   DEPLOY / "image/Containerfile"]:
        if not path.exists():
            continue
        for name in set(re.findall(r"\bDRIFTLESS_[A-Z0-9_]+", path.read_text())):
            variables.add(name)
            prefixed = any(name.startswith(p) for p in ("DRIFTLESS_KAFKA_PROPERTY_", "DRIFTLESS_CONSUMER_PROPERTY_"))
            if name.startswith("DRIFTLESS_TEST_") or name in ("DRIFTLESS_IMAGE", "DRIFTLESS_POSTGRES_PASSWORD",
                                                               "DRIFTLESS_DEPLOY_VENV"):
                continue  # the tests' own, or compose's interpolation variables (documented in compose.yaml)
            if not prefixed and f'"{name}' not in sources:
                fail(f"{rel(path)}: {name} is read nowhere in Sources/")
    print(f"drift: {len(variables)} DRIFTLESS_* variables checked against Sources/")


# ---------------------------------------------------------------- metrics
METRIC = re.compile(r"\bdriftless_[a-z0-9_]+[a-z0-9]\b")


def used_metrics():
    used = {}
    for path in sorted((DEPLOY / "monitoring/rules").glob("*.yaml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                for name in METRIC.findall(str(rule["expr"])):
                    used.setdefault(name, f"{rel(path)} ({rule.get('alert') or rule.get('record')})")
    dashboard = json.loads((DEPLOY / "monitoring/grafana/driftless.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            for name in METRIC.findall(target["expr"]):
                used.setdefault(name, f"dashboard panel {panel['title']!r}")
    runbook = DEPLOY / "README.md"
    for number, line in enumerate(runbook.read_text().splitlines() if runbook.exists() else [], 1):
        for name in METRIC.findall(line):
            used.setdefault(name, f"Deploy/README.md:{number}")
    return used


def scrape(binary):
    """Names in /metrics after a short demo (it keeps serving with --keep until SIGINT)."""
    # --keep keeps the demo's ledger directory: it goes under a temporary directory of its own, removed below.
    scratch = tempfile.mkdtemp(prefix="driftless-drift-")
    process = subprocess.Popen([binary, "demo", "--orders", "20", "--seed", "3", "--keep"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env={**os.environ, "TMPDIR": scratch})
    url, lines, started = None, [], time.monotonic()
    try:
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"curl (http://127\.0\.0\.1:\d+/metrics)", line)
            if match:
                url = match.group(1)
                break
            if time.monotonic() - started > 600:
                break
        if url is None:
            fail("metrics: the demo never printed its /metrics URL:\n" + "".join(lines[-20:]))
            return set()
        text = urllib.request.urlopen(url, timeout=30).read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            names.add(name)
            if kind == "histogram":
                names.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    print(f"drift: scraped {len(names)} metric names from {url} after `driftless demo --orders 20` "
          f"({time.monotonic() - started:.0f} s)")
    return names


def documented_metrics():
    text = (ROOT / "docs/ARCHITECTURE.md").read_text()
    table = set()
    for line in text.splitlines():
        if line.startswith("| `driftless_"):
            cells = line.split("|")
            histogram = "histogram" in cells[2]
            names = re.findall(r"`(driftless_[a-z0-9_]+)`", cells[1])
            # `driftless_consumer_buffer_messages`, `…_capacity_messages`: the shorthand replaces the last word.
            if names:
                names += [names[0].rsplit("_", 1)[0] + "_" + rest for rest in re.findall(r"`…_([a-z0-9_]+)`", cells[1])]
            for name in names:
                table.add(name)
                if histogram:
                    table.update({f"{name}_bucket", f"{name}_sum", f"{name}_count"})
    catalog_text = (ROOT / "Sources/Pipeline/Runtime/Metrics/MetricCatalog.swift").read_text()
    catalog = set(re.findall(r'"(driftless_[a-z0-9_]+)":', catalog_text))
    both = {n for n in table if re.sub(r"_(bucket|sum|count)$", "", n) in catalog or n in catalog}
    return both


def check_metrics(binary):
    used = used_metrics()
    scraped = scrape(binary)
    documented = documented_metrics()
    only_documented, missing = [], 0
    for name, where in sorted(used.items()):
        if name in scraped:
            continue
        if name in documented:
            only_documented.append(name)
            continue
        missing += 1
        fail(f"{where}: metric {name} is not exported (not in a /metrics scrape, not in ARCHITECTURE.md's table "
             "and MetricCatalog)")
    print(f"drift: {len(used)} metric names used in rules, dashboard and runbook; "
          f"{len(used) - len(only_documented) - missing} seen in the scrape, "
          f"{len(only_documented)} only in the metric table + catalog: {', '.join(only_documented) or '-'}")


# ---------------------------------------------------------------- dashboard, PrometheusRule
def check_dashboard():
    dashboard = json.loads((DEPLOY / "monitoring/grafana/driftless.json").read_text())
    titles = [panel["title"] for panel in dashboard["panels"]]
    ids = [panel["id"] for panel in dashboard["panels"]]
    if len(set(ids)) != len(ids):
        fail("dashboard: panel ids repeat")
    for panel in dashboard["panels"]:
        if not panel.get("targets") or not all(t.get("expr") for t in panel["targets"]):
            fail(f"dashboard: panel {panel['title']!r} has no query")
    wanted = ["Throughput per stage", "Time to sync", "Sync success rate", "lag per group", "lag per partition",
              "Retries per tier", "Dead letters", "cases", "Mismatches per pattern", "breaker state"]
    for word in wanted:
        if not any(word.lower() in title.lower() for title in titles):
            fail(f"dashboard: no panel for {word!r}")
    print(f"drift: dashboard has {len(titles)} panels")


def prometheusrule_text():
    rules = yaml.safe_load((DEPLOY / "monitoring/rules/driftless.yaml").read_text())
    document = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                "metadata": {"name": "driftless", "labels": {"release": "prometheus"}}, "spec": rules}
    return ("---\n# Generated from Deploy/monitoring/rules/driftless.yaml (the rules promtool tests); Deploy/check "
            "fails\n# when the two differ. Regenerate: Deploy/check --write-prometheusrule\n"
            + yaml.safe_dump(document, sort_keys=False, width=120, allow_unicode=True))


def rel(path):
    return str(pathlib.Path(path).resolve().relative_to(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary")
    parser.add_argument("--dashboard-only", action="store_true")
    parser.add_argument("--write-prometheusrule", action="store_true")
    arguments = parser.parse_args()
    if arguments.write_prometheusrule:
        (DEPLOY / "kubernetes/base/prometheusrule.yaml").write_text(prometheusrule_text())
        return 0
    check_dashboard()
    if not arguments.dashboard_only:
        if not arguments.binary:
            parser.error("--binary is required")
        check_commands(arguments.binary)
        check_configuration()
        check_metrics(arguments.binary)
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
