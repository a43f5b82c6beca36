"""PostgreSQL's own GSSAPI, as a reference: a throwaway PostgreSQL 15 on 127.0.0.1 (free port) whose
pg_hba takes Kerberos logins (`gss include_realm=1`, plain and inside `hostgssenc`) with a keytab for
`postgres/<host name>@REALM` from a tests/kdc.py KDC. The Kerberos clients in tests/clients/ are
checked against it (they must work against real PostgreSQL before they can judge the gateway), and
bench/run.sh uses the same setup as its "native-direct" target.

    k = kdc.KDC().start()
    pg = NativeGssPostgres(k, host_name="native.borealis.test").start()
    pg.sql('CREATE ROLE "alice@TEST.BOREALIS" LOGIN')
    env = k.kinit("alice", "pw")
    psql "host=native.borealis.test hostaddr=127.0.0.1 port={pg.port} user=alice@TEST.BOREALIS ..."
    pg.stop(); k.stop()

PostgreSQL refuses to run as root: when we are root, initdb and postgres run as the unprivileged
system user `borealis` (the one bench/run.sh and the server use; created if missing). Both are our
direct children (subprocess user=/group=), stopped by PID. Everything lives in one temp dir, removed
by stop(): PGDATA, the socket dir, the keytab, the server's krb5.conf and its replay cache.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import logs

PGBIN = "/usr/lib/postgresql/15/bin"
SERVICE_USER = "borealis"

DEFAULT_HBA = """\
local all all trust
hostgssenc all all 127.0.0.1/32 gss include_realm=1
hostnogssenc all all 127.0.0.1/32 gss include_realm=1
"""


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_account():
    """(uid, gid) that PostgreSQL runs as: ourselves, or `borealis` when we are root."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    try:
        pw = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
                        "/usr/sbin/nologin", "--user-group", SERVICE_USER], check=True, capture_output=True)
        pw = pwd.getpwnam(SERVICE_USER)
    return pw.pw_uid, pw.pw_gid


class NativeGssPostgres:
    def __init__(self, kdc, host_name="native.borealis.test", superuser="postgres", hba=DEFAULT_HBA,
                 extra_conf=""):
        self.kdc = kdc
        self.host_name = host_name
        self.address = "127.0.0.1"
        self.superuser = superuser
        self.hba = hba
        self.extra_conf = extra_conf
        self.service_principal = f"postgres/{host_name}"
        self.dir = tempfile.mkdtemp(prefix="borealis-native-gss-")
        os.chmod(self.dir, 0o711)
        self.pgdata = os.path.join(self.dir, "pgdata")
        self.sock_dir = os.path.join(self.dir, "sock")
        self.keytab = os.path.join(self.dir, "postgres.keytab")
        self.log_path = os.path.join(self.dir, "postgres.log")
        self.port = None
        self.proc = None
        self.uid, self.gid = service_account()

    # --- lifecycle -------------------------------------------------------------------------
    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        self.port = free_tcp_port()
        for d in (self.pgdata, self.sock_dir, os.path.join(self.dir, "rcache")):
            os.mkdir(d, 0o700)
            os.chown(d, self.uid, self.gid)
        # The service principal's key, readable by the server's OS user only.
        self.kdc.add_service_principal(self.service_principal)
        self.kdc.export_keytab(self.service_principal, self.keytab)
        os.chown(self.keytab, self.uid, self.gid)
        os.chmod(self.keytab, 0o600)
        # The server's own krb5.conf (the KDC's dir is 0700 and root's): the acceptor needs no KDC,
        # but must not read /etc/krb5.conf or canonicalize names.
        server_krb5 = os.path.join(self.dir, "krb5.conf")
        shutil.copyfile(self.kdc.krb5_conf, server_krb5)
        os.chmod(server_krb5, 0o644)
        self._run([f"{PGBIN}/initdb", "-D", self.pgdata, "-U", self.superuser, "--auth-local=trust",
                   "--auth-host=reject", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
        with open(os.path.join(self.pgdata, "postgresql.conf"), "a") as f:
            f.write(f"""
listen_addresses = '127.0.0.1'
port = {self.port}
unix_socket_directories = '{self.sock_dir}'
max_connections = 200
shared_buffers = 64MB
krb_server_keyfile = 'FILE:{self.keytab}'
krb_caseins_users = off
{self.extra_conf}
""")
        with open(os.path.join(self.pgdata, "pg_hba.conf"), "w") as f:
            f.write(self.hba)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([f"{PGBIN}/postgres", "-D", self.pgdata], env=self._env(), user=self.uid,
                                         group=self.gid, extra_groups=[], stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.dir)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("postgres exited at start:\n" + self.log())
            r = subprocess.run([f"{PGBIN}/pg_isready", "-q", "-h", self.sock_dir, "-p", str(self.port)])
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("postgres not ready within 30s:\n" + self.log())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- use -------------------------------------------------------------------------------
    def sql(self, sql, dbname="postgres"):
        """SQL as the superuser over the unix socket (trust); returns stdout, raises on failure."""
        r = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.sock_dir, "-p", str(self.port),
                            "-U", self.superuser, "-d", dbname, "-c", sql], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"native SQL failed: {sql!r}: {r.stderr}")
        return r.stdout.strip()

    def conninfo(self, user, dbname="postgres", **extra):
        """libpq conninfo over TCP: host names the server for Kerberos, hostaddr is what we dial."""
        parts = {"host": self.host_name, "hostaddr": self.address, "port": str(self.port), "user": user,
                 "dbname": dbname, "sslmode": "disable", "connect_timeout": "10"}
        parts.update({k: str(v) for k, v in extra.items()})
        return " ".join(f"{k}='{v}'" for k, v in parts.items())

    def log(self):
        return logs.tail(self.log_path, 5000)

    # --- internals -------------------------------------------------------------------------
    def _env(self):
        e = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "PG"))}
        e.update(KRB5_CONFIG=os.path.join(self.dir, "krb5.conf"), KRB5RCACHEDIR=os.path.join(self.dir, "rcache"),
                 KRB5CCNAME="FILE:/nonexistent/ccache")
        return e

    def _run(self, args):
        r = subprocess.run(args, capture_output=True, text=True, env=self._env(), user=self.uid, group=self.gid,
                           extra_groups=[], cwd=self.dir, timeout=120, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise AssertionError(f"{args[0]} failed ({r.returncode}): {r.stderr}")
        return r
