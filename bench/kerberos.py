#!/usr/bin/python3
"""Kerberos logins per second and connect latency: the borealis gateway vs PostgreSQL's own GSSAPI
("native-direct"), same machine, same run. Called by bench/run.sh (which owns the borealis server and
its `bench` cluster); runs alone with --native-only.

Targets, each with gssencmode=disable and gssencmode=require:
  native-direct  a PostgreSQL 15 on 127.0.0.1 with pg_hba `gss include_realm=1` (+ hostgssenc) and a
                 keytab for postgres/native.corp.example.com from a throwaway MIT KDC
                 (tests/native_gss.py + tests/kdc.py): every login forks a backend and runs the
                 GSSAPI acceptor in it.
  gateway        the borealis cluster joined to a borealis directory (`borealis directory create`,
                 `cluster modify --domain`); the gateway accepts the ticket and reuses pooled backends.

Workloads, for a role "benchk@CORP.EXAMPLE.COM" with a ticket in a file ccache (the service ticket is
cached after the first login, so the KDC is not on the measured path):
  - pgbench -n -S -C -c CLIENTS -j 2 -T SECONDS (TPS = Kerberos logins per second), median of runs;
    pgbench's own "average connection time" is kept too;
  - connect latency: one client opening LATENCY_CONNECTS sequential connections with psycopg2 (libpq),
    time from connect() to the session being ready; p50/p90/p99 over all runs.

Prints a table; --tsv FILE also writes every measurement.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import kdc as kdc_fixture  # noqa: E402
import native_gss  # noqa: E402

REALM = "CORP.EXAMPLE.COM"
DOMAIN = "corp.example.com"
USER_NAME = "benchk"
USER = f"{USER_NAME}@{REALM}"
MODES = ("disable", "require")

LATENCY_PROBE = r"""
import json, sys, time, psycopg2
conninfo, n = sys.argv[1], int(sys.argv[2])
out = []
for _ in range(n):
    t = time.perf_counter()
    c = psycopg2.connect(conninfo)
    out.append((time.perf_counter() - t) * 1000.0)
    c.close()
print(json.dumps(out))
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def clean_env(extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "PG"))}
    e.update(extra)
    return e


def secret():
    return "Bk-" + os.urandom(12).hex()


def kinit(krb5_conf, ccache, principal, password):
    env = {"KRB5_CONFIG": krb5_conf, "KRB5CCNAME": "FILE:" + ccache}
    r = subprocess.run(["kinit", principal], input=password + "\n", capture_output=True, text=True,
                       env=clean_env(env), timeout=30)
    if r.returncode != 0:
        raise SystemExit(f"kinit {principal} failed: {r.stderr}")
    return env


def conninfo(host, address, port, mode):
    return (f"host={host} hostaddr={address} port={port} user={USER} dbname=postgres sslmode=disable "
            f"gssencmode={mode} connect_timeout=10")


def psql_ok(conn, env, sql="SELECT 1"):
    return subprocess.run(["psql", "-X", "-w", "-At", conn, "-c", sql], capture_output=True, text=True,
                          env=clean_env(env), timeout=30)


def pgbench(conn, env, clients, seconds):
    r = subprocess.run(["pgbench", "-n", "-S", "-C", "-c", str(clients), "-j", "2", "-T", str(seconds), conn],
                       capture_output=True, text=True, env=clean_env(env), timeout=seconds + 120)
    tps = re.search(r"^tps = ([0-9.]+)", r.stdout, re.M)
    conn_ms = re.search(r"^average connection time = ([0-9.]+) ms", r.stdout, re.M)
    failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
    if r.returncode != 0 or tps is None:
        log(f"pgbench failed ({r.returncode}): {r.stderr[-800:]}")
        return float("nan"), float("nan")
    if failed and int(failed.group(1)):
        log(f"pgbench: {failed.group(1)} failed transactions")
    return float(tps.group(1)), float(conn_ms.group(1)) if conn_ms else float("nan")


def latencies(conn, env, n):
    r = subprocess.run(["/usr/bin/python3", "-c", LATENCY_PROBE, conn, str(n)], capture_output=True, text=True,
                       env=clean_env(env), timeout=600)
    if r.returncode != 0:
        log(f"latency probe failed: {r.stderr[-800:]}")
        return []
    return json.loads(r.stdout)


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Target:
    def __init__(self, name, host, address, port, env):
        self.name, self.host, self.address, self.port, self.env = name, host, address, port, env

    def conn(self, mode):
        return conninfo(self.host, self.address, self.port, mode)


# --- native-direct ------------------------------------------------------------------------------
def start_native(work):
    k = kdc_fixture.KDC(realm=REALM).start()
    pg = None
    try:
        pg = native_gss.NativeGssPostgres(k, host_name="native.corp.example.com").start()
        password = secret()
        k.add_user(USER_NAME, password)
        log("== native-direct: pgbench -i -s 10 on the reference PostgreSQL (unix socket, superuser)")
        r = subprocess.run(["pgbench", "-q", "-i", "-s", "10", "-h", pg.sock_dir, "-p", str(pg.port), "-U",
                            pg.superuser, "postgres"], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise SystemExit("pgbench -i (native) failed: " + r.stderr)
        pg.sql(f'CREATE ROLE "{USER}" LOGIN; GRANT SELECT ON pgbench_accounts, pgbench_branches TO "{USER}"')
        env = kinit(k.krb5_conf, os.path.join(work, "cc-native"), USER, password)
        return k, pg, Target("native-direct", pg.host_name, pg.address, pg.port, env)
    except BaseException:
        if pg is not None:
            pg.stop()
        k.stop()
        raise


# --- gateway ------------------------------------------------------------------------------------
def borealis(args, bin_, data_dir, stdin=None):
    r = subprocess.run([bin_, *args[:2], "--data-dir", data_dir, *args[2:]], capture_output=True, text=True,
                       input=stdin, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"borealis {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def has_directory_command(bin_):
    # `borealis X --help` exits 0 even for an unknown X; the top-level help lists the subcommands.
    r = subprocess.run([bin_, "--help"], capture_output=True, text=True, timeout=30)
    return re.search(r"^\s+directory\b", r.stdout, re.M) is not None


def start_gateway(work, bin_, data_dir, cluster, master_user, master_password):
    """Joins the bench cluster to a new directory and makes a GSS role; returns a Target, or None."""
    if not has_directory_command(bin_):
        log("== gateway: this borealis has no `directory` command yet; Kerberos through the gateway skipped")
        return None
    admin_pw = secret()
    log("== gateway: borealis directory create corp.example.com")
    created = json.loads(borealis(["directory", "create", "--name", DOMAIN, "--password-stdin"], bin_, data_dir,
                                  admin_pw + "\n"))
    did = created["DirectoryId"]
    deadline = time.time() + 180
    while True:
        d = json.loads(borealis(["directory", "describe", "--directory-id", did], bin_, data_dir))
        if d.get("Stage") == "Active":
            break
        if d.get("Stage") == "Failed" or time.time() > deadline:
            raise RuntimeError(f"directory not Active: {d}")
        time.sleep(0.3)
    krb5_conf = os.path.join(work, "krb5-borealis.conf")
    with open(krb5_conf, "w") as f:
        f.write(subprocess.run([bin_, "krb5-conf", "--data-dir", data_dir, did], capture_output=True, text=True,
                               check=True, timeout=60).stdout)
    user_pw = secret()
    r = subprocess.run(["kadmin", "-p", "Admin", "-q", f"addprinc {USER_NAME}"],
                       input=f"{admin_pw}\n{user_pw}\n{user_pw}\n", capture_output=True, text=True,
                       env=clean_env({"KRB5_CONFIG": krb5_conf, "KRB5CCNAME": "FILE:" + os.path.join(work, "cc-kadmin")}),
                       timeout=60)
    if r.returncode != 0 or re.search(r"\bwhile\b", r.stderr):
        raise RuntimeError("kadmin addprinc failed: " + r.stderr)
    borealis(["cluster", "modify", "--id", cluster, "--domain", did], bin_, data_dir)
    deadline = time.time() + 180
    while True:
        info = json.loads(borealis(["cluster", "describe", "--id", cluster], bin_, data_dir))
        ms = info.get("DomainMemberships") or []
        if ms and ms[0].get("Status") == "kerberos-enabled":
            break
        if time.time() > deadline:
            raise RuntimeError(f"cluster not kerberos-enabled: {ms}")
        time.sleep(0.3)
    scram = clean_env({"PGPASSWORD": master_password})
    master = (f"host={info['EndpointAddress']} port={info['Port']} user={master_user} dbname=postgres "
              "sslmode=disable gssencmode=disable")
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", master, "-c",
                        f'CREATE USER "{USER}" WITH LOGIN; GRANT rds_ad TO "{USER}"; '
                        f'GRANT SELECT ON pgbench_accounts, pgbench_branches TO "{USER}"'],
                       capture_output=True, text=True, env=scram, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("role setup failed: " + r.stderr)
    env = kinit(krb5_conf, os.path.join(work, "cc-gateway"), USER, user_pw)
    t = Target("gateway", info["Endpoint"], info["EndpointAddress"], info["Port"], env)
    deadline = time.time() + 30
    while time.time() < deadline:
        r = psql_ok(t.conn("disable"), env)
        if r.returncode == 0:
            return t
        time.sleep(0.5)
    raise RuntimeError("Kerberos login through the gateway does not work: " + r.stderr.strip())


# --- main ---------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--latency-connects", type=int, default=200, help="sequential connects per target, mode and run")
    ap.add_argument("--native-only", action="store_true")
    ap.add_argument("--borealis")
    ap.add_argument("--data-dir")
    ap.add_argument("--cluster", default="bench")
    ap.add_argument("--master-user", default="bench")
    ap.add_argument("--tsv")
    a = ap.parse_args()
    master_password = os.environ.get("BENCH_MASTER_PASSWORD", "")

    work = tempfile.mkdtemp(prefix="borealis-bench-krb-")
    k = pg = None
    try:
        k, pg, native = start_native(work)
        targets = [native]
        gateway_note = "not measured (--native-only)"
        if not a.native_only:
            try:
                gw = start_gateway(work, a.borealis, a.data_dir, a.cluster, a.master_user, master_password)
                if gw is not None:
                    targets.append(gw)
                    gateway_note = None
                else:
                    gateway_note = "n/a: borealis has no `directory` command yet"
            except RuntimeError as e:
                gateway_note = "n/a: " + str(e).strip().splitlines()[0]
                log(f"== gateway: {e}")
        for t in targets:  # every target/mode must log in before it is measured
            for mode in MODES:
                r = psql_ok(t.conn(mode), t.env, "SELECT current_user")
                if r.returncode != 0:
                    raise SystemExit(f"{t.name} gssencmode={mode}: login failed: {r.stderr}")

        rows = []  # (target, mode, run, tps, avg_conn_ms)
        lat = {}   # (target, mode) -> [ms]
        for run in range(1, a.runs + 1):
            for t in targets:
                for mode in MODES:
                    log(f"kerberos run {run}/{a.runs}: {t.name} gssencmode={mode}")
                    tps, conn_ms = pgbench(t.conn(mode), t.env, a.clients, a.seconds)
                    rows.append((t.name, mode, run, tps, conn_ms))
                    lat.setdefault((t.name, mode), []).extend(latencies(t.conn(mode), t.env, a.latency_connects))
        if a.tsv:
            with open(a.tsv, "w") as f:
                for r in rows:
                    f.write("\t".join(str(x) for x in r) + "\n")
        report(rows, lat, targets, a, gateway_note)
    finally:
        if pg is not None:
            pg.stop()
        if k is not None:
            k.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(rows, lat, targets, a, gateway_note):
    med = {}
    for name, mode, _, tps, conn_ms in rows:
        med.setdefault((name, mode), ([], []))
        med[(name, mode)][0].append(tps)
        med[(name, mode)][1].append(conn_ms)
    m = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in med.items()}
    print(f"\nKerberos logins: pgbench -C -S, {a.clients} clients, {a.seconds}s per run, median of {a.runs} runs; "
          f"connect latency: 1 client, {a.latency_connects} sequential psycopg2 connects per run")
    print(f"{'target':<16}{'gssencmode':<12}{'logins/s':>10}{'pgbench conn ms':>17}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    for t in targets:
        for mode in MODES:
            tps, conn_ms = m[(t.name, mode)]
            l = lat.get((t.name, mode), [])
            print(f"{t.name:<16}{mode:<12}{tps:>10.0f}{conn_ms:>17.2f}{percentile(l, 50):>9.2f}"
                  f"{percentile(l, 90):>9.2f}{percentile(l, 99):>9.2f}")
    if gateway_note:
        print(f"{'gateway':<16}{'':<12}{gateway_note}")
    else:
        for mode in MODES:
            g, n = m[("gateway", mode)][0], m[("native-direct", mode)][0]
            gl, nl = lat[("gateway", mode)], lat[("native-direct", mode)]
            print(f"gateway/native-direct, gssencmode={mode}: logins/s x{g / n:.2f}; "
                  f"gateway p99 {percentile(gl, 99):.2f} ms vs native p50 {percentile(nl, 50):.2f} ms")
    print("all runs (logins/s):", {f"{t}/{mode}": [round(r[3]) if r[3] == r[3] else None for r in rows
                                                  if r[0] == t and r[1] == mode]
                                  for t, mode in sorted({(r[0], r[1]) for r in rows})})


if __name__ == "__main__":
    main()
