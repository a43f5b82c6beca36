"""Kerberos clients other than psql, run as separate processes (MIT krb5 and Java read their Kerberos
configuration per process), each returning a dict parsed from the one JSON line the client prints:

- jdbc(...)      tests/clients/KerberosLogin.java: pgjdbc + JAAS ticket cache + gsslib=gssapi
- psycopg2(...)  tests/clients/psycopg2_login.py: Debian's python3-psycopg2 (libpq)
- replay(...)    tests/clients/gss_replay.py: one AP-REQ sent on two raw connections

`krb_env` is what a client needs to find its Kerberos files: {"KRB5_CONFIG": …, "KRB5CCNAME": "FILE:…"}
(tests/kdc.py's kinit() returns exactly that).
"""
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
JAVA = "java"
JDBC_JAR = "/usr/share/java/postgresql.jar"


def _env(krb_env):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "PG"))}
    e.update(krb_env or {})
    return e


def _last_json(r, what):
    lines = [l for l in r.stdout.strip().splitlines() if l.startswith("{")]
    if not lines:
        raise AssertionError(f"{what} printed no result (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    out = json.loads(lines[-1])
    out["exit_code"] = r.returncode
    out["stderr"] = r.stderr[-4000:]
    return out


def jdbc(host, address, port, user, krb_env, gssenc="disable", query="SELECT 1", dbname="postgres",
         service="postgres", timeout=120):
    """Logs in with pgjdbc. JDBC dials the host name itself (no hostaddr), so `host` is mapped to
    `address` in a hosts-format file given to Java as -Djdk.net.hosts.file."""
    ccache = krb_env.get("KRB5CCNAME", "")
    ccache = ccache[5:] if ccache.startswith("FILE:") else ccache
    with tempfile.TemporaryDirectory(prefix="borealis-jdbc-") as d:
        hosts = os.path.join(d, "hosts")
        with open(hosts, "w") as f:
            f.write(f"{address} {host}\n")
        args = [JAVA, "-cp", JDBC_JAR, f"-Djava.security.krb5.conf={krb_env['KRB5_CONFIG']}",
                f"-Djdk.net.hosts.file={hosts}", f"-Djava.io.tmpdir={d}",
                os.path.join(HERE, "KerberosLogin.java"), "--host", host, "--port", str(port), "--user", user,
                "--dbname", dbname, "--gssenc", gssenc, "--query", query, "--service", service]
        if ccache:
            args += ["--ccache", ccache]
        r = subprocess.run(args, capture_output=True, text=True, env=_env(krb_env), timeout=timeout,
                           stdin=subprocess.DEVNULL)
    return _last_json(r, "KerberosLogin.java")


def psycopg2(conninfo, krb_env, query="SELECT current_user", timeout=60):
    r = subprocess.run([PYTHON, os.path.join(HERE, "psycopg2_login.py"), conninfo, query], capture_output=True,
                       text=True, env=_env(krb_env), timeout=timeout, stdin=subprocess.DEVNULL)
    return _last_json(r, "psycopg2_login.py")


def replay(address, port, host, user, krb_env, dbname="postgres", service="postgres", timeout=60):
    r = subprocess.run([PYTHON, os.path.join(HERE, "gss_replay.py"), "--address", address, "--port", str(port),
                        "--host", host, "--user", user, "--dbname", dbname, "--service", service],
                       capture_output=True, text=True, env=_env(krb_env), timeout=timeout, stdin=subprocess.DEVNULL)
    return _last_json(r, "gss_replay.py")
