#!/usr/bin/env python3
"""The operations console in a real headless browser (Chromium through Selenium).

Starts `driftless run` (embedded mock cluster, a SQLite ledger in a temp dir, the console behind a
token) against an ERP simulator that answers 503 to everything, sends two orders' webhooks with
the storefront simulator, then as an operator: signs in with the token, sees the dead-letter group
the failing ERP made, discards a quarantined record's case with a reason (and sees the `discarded`
audit row on the order's timeline), restarts the ERP healthy, dry-runs then bulk-replays the group,
sees its cases resolved, the order's sales order in the ERP and every effect the order needs existing
there, finds the order by its Shopify name, its tracking number, its sales order's NetSuite internal id
and document number (tranId; `driftless trace` too), and reads each stage's processes (partitions,
state, a stale one), throughput and sync rate on the Health view. A screenshot of each view goes to
docs/console/ (or $CONSOLE_SCREENSHOTS).

Usage: Tests/Browser/console_scenario.py [path/to/driftless]   (exit 0: passed)
"""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "console-scenario-token"
ERP_TOKEN = "console-scenario-erp"
SHOP_SECRET = "console-scenario-shop"
DEADLINE = 90  # seconds any one wait may take


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=DEADLINE, every=0.5):
    """Polls `check` until it returns something truthy; fails naming `what` after `timeout`."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = check()
        except Exception as error:  # a page mid-load: try again
            last = error
            if isinstance(error, Failure):
                raise
        else:
            if last:
                return last
        time.sleep(every)
    raise Failure(f"timed out waiting for {what} (last: {last!r})")


class Scenario:
    def __init__(self, binary):
        self.binary = binary
        self.temp = tempfile.mkdtemp(prefix="driftless-console-")
        self.shots = os.environ.get("CONSOLE_SCREENSHOTS", os.path.join(ROOT, "docs", "console"))
        os.makedirs(self.shots, exist_ok=True)
        self.processes = []
        self.erp = None
        self.browser = None
        self.erp_port = free_port()
        self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"

    # -- processes
    def start(self, args, env, log):
        out = open(os.path.join(self.temp, log), "w")
        process = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def stop(self, process):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self, name):
        with open(os.path.join(self.temp, name)) as f:
            return f.read()

    def start_erp(self, faults, log):
        args = [self.binary, "simulate", "erp", "--port", str(self.erp_port)]
        if faults:
            args += ["--unavailable", "1.0"]
        self.erp = self.start(args, {"DRIFTLESS_ERP_TOKEN": ERP_TOKEN}, log)
        wait_for("the ERP simulator", lambda: "listening" in self.log(log))

    def start_driftless(self):
        config = os.path.join(self.temp, "driftless.yaml")
        with open(config, "w") as f:
            f.write(
                "dispatch:\n  maxAttempts: 1\n  retryTiers: [\"1s\"]\n"
                "  breakerConsecutiveFailures: 100000\n  breakerWindow: 1000\n  breakerFailureRatio: 1.0\n"
                f"ledger:\n  url: sqlite://{self.temp}/ledger.db\n"
                "metrics:\n  sampleIntervalMs: 1000\n")
        env = {
            "DRIFTLESS_OPS_TOKEN": TOKEN, "DRIFTLESS_SHOPIFY_SECRET": SHOP_SECRET,
            "DRIFTLESS_ERP_URL": f"http://127.0.0.1:{self.erp_port}", "DRIFTLESS_ERP_TOKEN": ERP_TOKEN,
        }
        self.start([self.binary, "run", "--embedded", "--config", config, "--port", str(self.http_port)], env, "run.log")
        wait_for("driftless run to start", lambda: "/ops" in self.log("run.log") and "running;" in self.log("run.log"))

    def send_orders(self):
        done = subprocess.run(
            [self.binary, "simulate", "storefront", "--orders", "2", "--seed", "3",
             "--target", f"{self.base}/webhooks/shopify"],
            env={**os.environ, "DRIFTLESS_SHOPIFY_SECRET": SHOP_SECRET}, capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or "22 acknowledged" not in done.stdout:
            raise Failure(f"storefront simulator: {done.stdout} {done.stderr}")

    def send_bad_order(self):
        """A correctly signed webhook whose order validate refuses (a financial status Shopify does not
        have): quarantined, so a case the operator can discard. Returns its order key."""
        order_id = 5600000000999
        body = json.dumps({
            "id": order_id, "name": "#9999", "financial_status": "on_hold", "fulfillment_status": None,
            "updated_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z",
        }).encode()
        signature = base64.b64encode(hmac.new(SHOP_SECRET.encode(), body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(f"{self.base}/webhooks/shopify", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": signature,
            "X-Shopify-Webhook-Id": "console-bad-order-1", "X-Shopify-Topic": "orders/updated",
            "X-Shopify-Shop-Domain": "console-scenario.myshopify.com",
        })
        with urllib.request.urlopen(request, timeout=10) as answer:
            if answer.status != 200:
                raise Failure(f"the bad order's webhook answered {answer.status}")
        return f"shopify:{order_id}"

    def add_stale_process(self):
        """A translate process on another host that stopped beating ten minutes ago, as a replica that
        died would leave it in the shared ledger."""
        now_us = int(time.time() * 1_000_000)
        with sqlite3.connect(os.path.join(self.temp, "ledger.db"), timeout=30) as db:
            db.execute(
                "INSERT OR REPLACE INTO stage_processes (process_id, stage, replica, host, pid, partitions, state,"
                " started_us, heartbeat_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ("replica-b@old-host:4711:1", "translate", "replica-b", "old-host", 4711, "driftless.validated[0]",
                 "running", now_us - 3_600_000_000, now_us - 600_000_000))

    def trace(self, identifier):
        done = subprocess.run(
            [self.binary, "trace", identifier, "--ledger", f"sqlite://{self.temp}/ledger.db"],
            env={**os.environ, "DRIFTLESS_ERP_URL": f"http://127.0.0.1:{self.erp_port}",
                 "DRIFTLESS_ERP_TOKEN": ERP_TOKEN},
            capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise Failure(f"driftless trace {identifier}: {done.stdout} {done.stderr}")
        return done.stdout

    # -- browser
    def open_browser(self):
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
            options.add_argument(argument)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        # Chromium's profile and its singleton directory (org.chromium.Chromium.*, made in TMPDIR and
        # left behind when the browser is stopped) go under the run's temporary directory, removed at close.
        browser_tmp = os.path.join(self.temp, "chromium-tmp")
        os.makedirs(browser_tmp, exist_ok=True)
        options.add_argument(f"--user-data-dir={os.path.join(self.temp, 'chromium-profile')}")
        service = webdriver.ChromeService(
            executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
            env=dict(os.environ, TMPDIR=browser_tmp))
        self.browser = webdriver.Chrome(options=options, service=service)

    def shot(self, name):
        self.browser.save_screenshot(os.path.join(self.shots, f"{name}.png"))

    def find(self, selector):
        return self.browser.find_element(By.CSS_SELECTOR, selector)

    def text(self, selector):
        return self.find(selector).text

    def get(self, path):
        self.browser.get(self.base + path)

    def fetch(self, path):
        import urllib.request
        with urllib.request.urlopen(self.base + path, timeout=10) as answer:
            return answer.read().decode()

    def group_row(self, reason="erp-unavailable", stage=None):
        """The cells of the group with `reason` (or any group of `stage`), reloading the Cases view; or None."""
        self.get("/ops/cases")
        for row in self.browser.find_elements(By.CSS_SELECTOR, "#case-groups tbody tr"):
            cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            if cells and (cells[1] == stage if stage else cells[0] == reason):
                return cells
        return None

    def rows(self, table):
        """The cell texts of `table`'s body rows."""
        return [[c.text for c in row.find_elements(By.TAG_NAME, "td")]
                for row in self.browser.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")]

    # -- the scenario
    def run(self):
        self.start_erp(faults=True, log="erp-failing.log")
        self.start_driftless()
        self.open_browser()

        self.get("/ops/cases")
        if "Sign in" not in self.browser.title:
            raise Failure(f"expected the sign-in page, got {self.browser.title}")
        self.shot("login")
        self.find("#login-who").send_keys("alice")
        self.find("#login-token").send_keys(TOKEN)
        self.find("#login-submit").click()
        wait_for("the Cases view", lambda: "signed in as alice" in self.text("header"))

        self.send_orders()
        bad_order = self.send_bad_order()
        cells = wait_for("a dead-letter group from the failing ERP", lambda: (r := self.group_row()) and int(r[2]) > 0 and r)
        # Every event of the two orders ends dead-lettered while the ERP fails (later events wait behind
        # the failed one): the group is complete once its count holds for three reads in a row.
        counts = []

        def settled():
            row = self.group_row()
            counts.append(int(row[2]) if row else 0)
            return len(counts) >= 3 and counts[-1] == counts[-2] == counts[-3] and counts[-1]

        opened = wait_for("the dead-letter group to stop growing", settled, every=1.0)
        print(f"console: group erp-unavailable/{cells[1]} with {opened} open cases")
        self.shot("cases")

        # The quarantined order's case: discarded with a reason, which its order's trail then shows.
        quarantined = wait_for("the quarantined order's case", lambda: (r := self.group_row(stage="validate")) and r)
        self.find(f"a.group[href*='stage=validate']").click()
        wait_for("the quarantine group", lambda: self.text("#group-open") == quarantined[2])
        self.find("#discard-note").send_keys("not a real order: test data")
        self.find("#discard").click()
        wait_for("the confirmation", lambda: self.browser.switch_to.alert).accept()
        summary = wait_for("the discard", lambda: self.text("#discard-summary"))
        if summary != f"discarded {quarantined[2]}, refused 0":
            raise Failure(f"discard: {summary}")
        self.find(f"#discarded-orders a").click()
        trail = wait_for("the discarded order's timeline", lambda: self.rows("order-timeline"))
        if self.text("#order-key") != bad_order:
            raise Failure(f"the discard page links {self.text('#order-key')}, not {bad_order}")
        discarded = [row for row in trail if row[1] == "discarded"]
        if not discarded or "by ops:alice: not a real order: test data" not in discarded[0][7]:
            raise Failure(f"no discarded audit row naming who and why: {trail}")
        self.shot("discard")
        print(f"console: discarded {quarantined[0]} ({summary}); audit: {discarded[0][7]}")
        self.get("/ops/cases")

        # The ERP comes back (a fresh simulator on the same port: it never stored anything).
        self.stop(self.erp)
        self.start_erp(faults=False, log="erp-healthy.log")

        self.find("a.group").click()
        wait_for("the group's cases", lambda: self.text("#group-open") == str(opened))
        order_link = self.find("#group-cases tbody tr td:nth-child(3) a")
        order_key = order_link.text
        self.shot("case-group")
        self.find("#group-cases tbody tr td:first-child a").click()
        wait_for("a case", lambda: "erp-unavailable" in self.text("#case-facts"))
        self.shot("case")
        self.browser.back()

        self.get(f"/ops/orders?id={order_key}")
        before = wait_for("the order's ERP side", lambda: self.text("#erp-state"))
        if "no sales order" not in before:
            raise Failure(f"the ERP should not know the order before the replay: {before}")
        needed = self.text("#effects-summary")
        if not re.fullmatch(r"(\d+) needed, 0 exist, \1 missing", needed) or "read from the ERP" not in self.text(
                "#effects-source"):
            raise Failure(f"before the replay every needed effect is missing in the ERP: {needed}")
        print(f"console: before the replay: {needed}")

        self.browser.back()
        wait_for("the group page", lambda: self.find("#dry-run"))
        self.find("#dry-run").click()
        summary = wait_for("the dry run", lambda: self.text("#dry-run-summary"))
        if f"would replay {opened}" not in summary:
            raise Failure(f"dry run: {summary}")
        self.shot("dry-run")
        self.find("#replay-note").send_keys("ERP back after the outage")
        rate = self.find("#replay-rate")
        rate.clear()
        rate.send_keys("20/s")
        self.find("#replay").click()
        status = wait_for("the replay job", lambda: (t := self.text("#job-status")).startswith("done") and t)
        if f"replayed {opened}, failed 0" not in status:
            raise Failure(f"replay: {status}")
        self.shot("replay-job")

        resolved = wait_for(
            "the group's cases resolved",
            lambda: (r := self.group_row()) and r[2] == "0" and r[4] == str(opened) and r)
        print(f"console: after the replay {resolved[4]} resolved, {resolved[2]} open")
        self.shot("cases-resolved")

        self.get(f"/ops/orders?id={order_key}")
        status = wait_for("the order's sales order in the ERP", lambda: self.text("#erp-status"))
        print(f"console: {order_key} in the ERP: status {status}")
        timeline = self.text("#order-timeline")
        name = re.search(r"#\d+", timeline)
        trackings = [e.text for e in self.browser.find_elements(By.CSS_SELECTOR, "#order-states .tracking")]
        if not name or not trackings:
            raise Failure("the order page shows no Shopify name or tracking number")
        effects = self.text("#effects-summary")
        rows = self.rows("order-effects")
        if not re.fullmatch(r"(\d+) needed, \1 exist, 0 missing", effects) or not all(r[4] == "exists" for r in rows):
            raise Failure(f"after the replay every needed effect should exist in the ERP: {effects} {rows}")
        kinds = sorted({r[0] for r in rows})
        print(f"console: {order_key} effects: {effects} ({', '.join(kinds)})")
        tranid = self.text("#erp-tranid")
        if not tranid.startswith("SO-"):
            raise Failure(f"no NetSuite document number on the order page: {tranid}")
        self.shot("order")

        for identifier, shot in [(name.group(0), "order-by-name"), (trackings[0], "order-by-tracking")]:
            self.get("/ops/orders")
            self.find("#order-id").send_keys(identifier)
            self.find("#order-find").click()
            found = wait_for(f"the order found by {identifier}", lambda: self.text("#order-key"))
            if found != order_key:
                raise Failure(f"{identifier} found {found}, not {order_key}")
            print(f"console: {identifier} → {found}")
            self.shot(shot)

        # The NetSuite internal id of its sales order finds it too (with any order whose number it also is).
        self.get(f"/ops/orders?id={order_key}")
        sales_order = wait_for("the sales order id", lambda: self.text("#erp-view tbody tr td:nth-child(2)"))
        self.get("/ops/orders")
        self.find("#order-id").send_keys(sales_order)
        self.find("#order-find").click()
        found = wait_for(
            f"the order found by sales order {sales_order}",
            lambda: self.browser.find_elements(By.CSS_SELECTOR, "#order-key, #order-choices")[0].text)
        if order_key not in found:
            raise Failure(f"sales order {sales_order} found {found}, not {order_key}")
        print(f"console: NetSuite sales order {sales_order} → {found.strip()}")
        self.shot("order-by-erp-id")

        # Its document number (tranId, e.g. SO-4401) finds it in the console and in `driftless trace`.
        self.get("/ops/orders")
        self.find("#order-id").send_keys(tranid)
        self.find("#order-find").click()
        found = wait_for(f"the order found by {tranid}", lambda: self.text("#order-key"))
        if found != order_key:
            raise Failure(f"{tranid} found {found}, not {order_key}")
        self.shot("order-by-tranid")
        traced = self.trace(tranid)
        if not traced.startswith(f"Order {order_key}:"):
            raise Failure(f"driftless trace {tranid}: {traced[:200]}")
        print(f"console: NetSuite document number {tranid} → {found}; driftless trace: {traced.splitlines()[0]}")

        self.add_stale_process()
        self.get("/ops/health")
        wait_for("the Health view", lambda: self.text("#readiness"))
        rate = self.text("#sync-rate")
        if "%" not in rate:
            raise Failure(f"no sync success rate on the Health view: {rate}")
        if not self.browser.find_elements(By.CSS_SELECTOR, "#sync svg.spark rect"):
            raise Failure("no sync chart on the Health view")
        print(f"console: sync success rate over the last hour {rate}")
        processes = self.rows("processes")
        own = {row[0]: row for row in processes if row[2] != "old-host"}
        for stage in ["ingest", "validate", "translate", "dispatch", "retry", "dead-letter"]:
            row = own.get(stage)
            if not row or row[5] != "running":
                raise Failure(f"stage {stage} has no running process on the Health view: {processes}")
            if stage != "ingest" and not re.search(r"\[0[,\]]", row[4]):
                raise Failure(f"stage {stage}'s process owns no partition: {row}")
        stale = [row for row in processes if row[2] == "old-host"]
        if not stale or stale[0][5] != "stale":
            raise Failure(f"the process that stopped beating is not shown stale: {processes}")
        throughput = {row[0]: row for row in self.rows("throughput")}
        for stage in ["validate", "translate", "dispatch"]:
            if stage not in throughput or int(throughput[stage][1]) <= 0:
                raise Failure(f"no throughput for {stage}: {throughput}")
        print("console: processes " + "; ".join(f"{r[0]} {r[1]} {r[4]} {r[5]}" for r in processes))
        print("console: records settled in the last hour " + ", ".join(f"{k} {v[1]}" for k, v in throughput.items()))
        self.shot("health")

        def verdicts():
            self.get("/ops/lag")
            rows = self.browser.find_elements(By.CSS_SELECTOR, "#lag-verdicts tbody tr")
            cells = [[c.text for c in row.find_elements(By.TAG_NAME, "td")] for row in rows]
            return [c for c in cells if c and c[0].endswith(".dispatch") and int(c[4]) >= 2]
        dispatch = wait_for("the dispatch group's lag verdict over two samples", verdicts)[0]
        if dispatch[1] != "OK":
            raise Failure(f"an idle dispatch group should be OK: {dispatch}")
        print(f"console: lag verdict {dispatch[0]} {dispatch[1]} ({dispatch[3]})")
        self.shot("lag")

        self.get("/ops/drift")
        wait_for("the Drift view", lambda: self.text("#next-run"))
        self.shot("drift")

        status = self.fetch("/status")
        for part in ["broker", "ledger", "erp"]:
            if f'"{part}"' not in status:
                raise Failure(f"/status has no {part}: {status}")
        metrics = self.fetch("/metrics")
        if "driftless_build_info{" not in metrics or "driftless_consumer_group_verdict{" not in metrics:
            raise Failure("/metrics lacks driftless_build_info or driftless_consumer_group_verdict")
        print(f"console: /status {status.strip()}")

    def close(self):
        if self.browser:
            self.browser.quit()
        for process in reversed(self.processes):
            self.stop(process)
        shutil.rmtree(self.temp, ignore_errors=True)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "driftless")
    scenario = Scenario(binary)
    try:
        scenario.run()
    except Exception as error:
        print(f"console scenario FAILED: {error}", file=sys.stderr)
        for log in ["run.log", "erp-failing.log", "erp-healthy.log"]:
            path = os.path.join(scenario.temp, log)
            if os.path.exists(path):
                with open(path) as f:
                    print(f"--- {log} (last lines)\n" + "".join(f.readlines()[-20:]), file=sys.stderr)
        scenario.close()
        return 1
    scenario.close()
    print("console scenario passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
