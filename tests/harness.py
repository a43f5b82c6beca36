"""Integration-test harness: runs a real `borealis server` on a temporary data dir and talks to it
with real clients (psql, pgbench, libpq, raw sockets). Every process it starts is stopped by PID in
stop(), and stop() checks that nothing started under the data dir survives.

Environment (set by ctest): BOREALIS_BIN (the borealis binary), PGCLIENT_BIN (tests/pgclient).
"""
import json
import random
import re
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import logs

BOREALIS_BIN = os.environ.get("BOREALIS_BIN", os.path.join(os.path.dirname(__file__), "..", "build", "src", "cli", "borealis"))
PGCLIENT_BIN = os.environ.get("PGCLIENT_BIN", os.path.join(os.path.dirname(__file__), "..", "build", "tests", "pgclient"))


class Cluster:
    def __init__(self, server, info):
        self.server = server
        self.info = info
        self.id = info["DBClusterIdentifier"]
        self.host = info["Endpoint"]
        self.address = info["EndpointAddress"]
        self.port = info["Port"]
        self.ca_file = info["CAFile"]

    def conninfo(self, user, dbname="postgres", tls=False, **extra):
        """libpq conninfo for this cluster's endpoint. tls=True means sslmode=verify-full."""
        parts = {
            "host": self.host,
            "hostaddr": self.address,
            "port": str(self.port),
            "user": user,
            "dbname": dbname,
            "connect_timeout": "10",
        }
        if tls:
            parts.update(sslmode="verify-full", sslrootcert=self.ca_file)
        else:
            parts.update(sslmode="disable")
        parts.update({k: str(v) for k, v in extra.items()})
        return " ".join(f"{k}='{v}'" for k, v in parts.items())

    def psql(self, user, password, sql, dbname="postgres", tls=False, env=None, timeout=60, **extra):
        """Runs psql -c SQL; returns CompletedProcess (text). Uses PGPASSWORD, never argv, for the password."""
        e = dict(os.environ)
        e.pop("PGPASSFILE", None)
        if password is not None:
            e["PGPASSWORD"] = password
        else:
            e.pop("PGPASSWORD", None)
        if env:
            e.update(env)
        args = ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-At", self.conninfo(user, dbname, tls, **extra), "-c", sql]
        return subprocess.run(args, capture_output=True, text=True, env=e, timeout=timeout)

    def admin_sql(self, sql):
        """Runs SQL as the master user (over the gateway)."""
        r = self.psql(self.server.master_user, self.server.master_password, sql)
        if r.returncode != 0:
            raise AssertionError(f"master SQL failed: {sql!r}: {r.stderr}")
        return r.stdout.strip()


class Server:
    master_user = "master"
    master_password = "Master-pass-1"

    def __init__(self, log_level="info", extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="borealis-it-")
        os.chmod(self.dir, 0o711)
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "server.log")
        self.log_level = log_level
        self.extra_args = list(extra_args)  # more `borealis server` options, e.g. --gateway-auth-timeout
        if "--endpoint-network" not in self.extra_args:
            # Each test server gets its own 127.N.x.y endpoints, so runs on one host never collide.
            self.extra_args += ["--endpoint-network", f"127.{random.randint(20, 250)}"]
        if "--api-port" not in self.extra_args and "--no-api" not in self.extra_args:
            self.extra_args += ["--api-port", "0"]  # a free port; start() reads it from the log
        self.proc = None
        self.api_url = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self):
        offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [BOREALIS_BIN, "server", "--data-dir", self.data_dir, "--log-level", self.log_level, *self.extra_args],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # Ready once it says so: by then its settings (endpoint network) are in the store, so a
        # resource created right away gets addresses in this server's own 127.A network.
        deadline = time.time() + 30
        while "borealis server running" not in self._log_since(offset):
            if self.proc.poll() is not None:
                raise AssertionError("server exited at start:\n" + self.server_log())
            if time.time() > deadline:
                raise AssertionError("server did not start:\n" + self.server_log())
            time.sleep(0.05)
        found = re.search(r"borealis API listening on (http://[0-9.:]+)", self._log_since(offset))
        self.api_url = found.group(1) if found else None
        return self

    # --- the AWS-compatible API, through Debian's aws CLI v2 --------------------------------
    def aws_env(self, credentials=None):
        """Environment for /usr/bin/aws: the root credentials borealis wrote at first start, or
        `credentials` = (access key id, secret[, session token]) of an IAM user or STS session."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["AWS_CONFIG_FILE"] = os.path.join(self.data_dir, "aws", "config")
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self.data_dir, "aws", "credentials")
        env["AWS_DEFAULT_REGION"] = "us-east-1"
        env["AWS_PAGER"] = ""
        if credentials:
            env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
            env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = credentials[0], credentials[1]
            if len(credentials) > 2:
                env["AWS_SESSION_TOKEN"] = credentials[2]
        return env

    def aws_run(self, *args, credentials=None, region=None):
        """Runs `/usr/bin/aws --endpoint-url <api> --output json ARGS`; returns the CompletedProcess."""
        assert self.api_url, "the server serves no API"
        cmd = ["/usr/bin/aws", "--endpoint-url", self.api_url, "--output", "json"]
        if region:
            cmd += ["--region", region]
        return subprocess.run(cmd + list(args), env=self.aws_env(credentials), capture_output=True, text=True, timeout=120)

    def aws(self, *args, credentials=None, region=None):
        """Like aws_run, but the call must succeed; returns the parsed JSON output ({} when empty)."""
        r = self.aws_run(*args, credentials=credentials, region=region)
        if r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
        return json.loads(r.stdout) if r.stdout.strip() else {}

    def aws_error(self, *args, credentials=None, region=None):
        """The call must fail; returns the CLI's stderr (which names the AWS error code)."""
        r = self.aws_run(*args, credentials=credentials, region=region)
        if r.returncode == 0:
            raise AssertionError(f"aws {' '.join(args)} succeeded but should have failed:\n{r.stdout}")
        return r.stderr

    def stop_process(self):
        """SIGTERMs the server and waits for it; the data dir stays (see restart())."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("server did not stop within 90s on SIGTERM")

    def restart(self):
        """Stops the server and starts it again on the same data dir. Returns the PIDs that were
        still running under the data dir in between (a clean stop leaves none)."""
        self.stop_process()
        leftovers = self.processes_under_data_dir()
        self.start()
        return leftovers

    def stop(self, check_leftovers=True):
        self.stop_process()
        sanitizer = self.sanitizer_reports()
        leftovers = self.processes_under_data_dir()
        for pid in leftovers:  # only processes that belong to this test's data dir
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        if check_leftovers and leftovers:
            raise AssertionError(f"processes survived the server: {leftovers}")
        if sanitizer:
            raise AssertionError("sanitizer reports in borealis logs:\n" + "\n".join(sanitizer))

    def sanitizer_reports(self):
        """Lines in which AddressSanitizer/UndefinedBehaviorSanitizer (CI builds with both) reported a
        bug in the server or the gateway; their logs are the processes' stderr."""
        markers = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
        found = []
        for text in (self.server_log(), self.gateway_log()):
            found += [line for line in text.splitlines() if any(m in line for m in markers)]
        return found[:20]

    def processes_under_data_dir(self):
        """PIDs whose command line mentions this test's data dir (postgres -D, borealis gateway --config)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if self.data_dir in cmd and int(entry) != os.getpid():
                found.append(int(entry))
        return found

    # --- control --------------------------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        r = subprocess.run([BOREALIS_BIN, *args], capture_output=True, text=True, input=input, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"borealis {' '.join(args)} failed: {r.stderr}")
        return r

    def create_cluster(self, cluster_id, iam=False, timeout=120, extra_args=()):
        args = ["cluster", "create", "--data-dir", self.data_dir, "--id", cluster_id, "--master-username",
                self.master_user, "--master-user-password-stdin", *extra_args]
        if iam:
            args.append("--enable-iam-database-authentication")
        self.cli(*args, input=self.master_password + "\n")
        return self.wait_available(cluster_id, timeout)

    def describe(self, cluster_id):
        return json.loads(self.cli("cluster", "describe", "--data-dir", self.data_dir, "--id", cluster_id).stdout)

    def wait_available(self, cluster_id, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            info = self.describe(cluster_id)
            if info["Status"] == "available":
                cluster = Cluster(self, info)
                self.wait_for_login(cluster, deadline)
                return cluster
            time.sleep(0.2)
        raise AssertionError(f"cluster {cluster_id} not available in {timeout}s:\n" + self.server_log())

    def wait_for_login(self, cluster, deadline):
        """The gateway picks its config up within a second; wait until a login works."""
        last = None
        while time.time() < deadline:
            last = cluster.psql(self.master_user, self.master_password, "SELECT 1", timeout=15)
            if last.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError("master user cannot log in: " + (last.stderr if last else "") + self.gateway_log())

    def modify_cluster(self, cluster_id, *args):
        """`borealis cluster modify --id ID ARGS…` (e.g. "--domain", "none")."""
        return self.cli("cluster", "modify", "--data-dir", self.data_dir, "--id", cluster_id, *args)

    # --- directories and domain membership ----------------------------------------------------
    def create_directory(self, name, admin_password, timeout=120):
        """`borealis directory create` (admin password on stdin); waits until its Stage is Active and
        returns the last `directory describe` (DirectoryId, Realm, Stage, …)."""
        created = json.loads(self.cli("directory", "create", "--data-dir", self.data_dir, "--name", name,
                                      "--password-stdin", input=admin_password + "\n").stdout)
        return self.wait_directory_active(created["DirectoryId"], timeout)

    def describe_directory(self, directory_id):
        return json.loads(self.cli("directory", "describe", "--data-dir", self.data_dir, "--directory-id",
                                   directory_id).stdout)

    def wait_directory_active(self, directory_id, timeout=120):
        deadline = time.time() + timeout
        info = None
        while time.time() < deadline:
            info = self.describe_directory(directory_id)
            if info.get("Stage") == "Active":
                return info
            if info.get("Stage") == "Failed":
                raise AssertionError(f"directory {directory_id} failed: {info}\n" + self.server_log())
            time.sleep(0.2)
        raise AssertionError(f"directory {directory_id} not Active in {timeout}s: {info}\n" + self.server_log())

    def krb5_conf(self, directory_id):
        """The client krb5.conf text `borealis krb5-conf` prints for a directory."""
        return self.cli("krb5-conf", "--data-dir", self.data_dir, directory_id).stdout

    def domain_status(self, cluster_id):
        """(Domain, Status) of the cluster's first domain membership, or (None, None) without one."""
        memberships = self.describe(cluster_id).get("DomainMemberships") or []
        if not memberships:
            return None, None
        return memberships[0].get("Domain"), memberships[0].get("Status")

    def wait_domain_status(self, cluster_id, status, timeout=120):
        """Waits until the cluster's membership has `status` (None: no membership at all)."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.describe(cluster_id).get("DomainMemberships") or []
            current = last[0].get("Status") if last else None
            if current == status:
                return last
            if current == "enable-kerberos-failed" and status != current:
                raise AssertionError(f"cluster {cluster_id}: {last}\n" + self.server_log())
            time.sleep(0.2)
        raise AssertionError(f"cluster {cluster_id} membership not {status} in {timeout}s: {last}\n" + self.server_log())

    # --- introspection ----------------------------------------------------------------------
    def _log_since(self, offset):
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")

    def server_log(self):
        return logs.tail(self.log_path, 20000)

    def gateway_log(self):
        return logs.tail(os.path.join(self.data_dir, "logs", "gateway.log"), 20000)

    def gateway_pid(self):
        for pid in self.processes_under_data_dir():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if len(argv) > 1 and argv[1] == b"gateway":
                return pid
        return None

    def wait_for_gateway(self, not_pid=None, timeout=10):
        """The running gateway's PID once there is one (other than `not_pid`), or None at the deadline."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid = self.gateway_pid()
            if pid is not None and pid != not_pid:
                return pid
            time.sleep(0.05)
        return None

    def postmaster_pid(self, instance_id):
        path = os.path.join(self.data_dir, "instances", instance_id, "pgdata", "postmaster.pid")
        try:
            with open(path) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class ClusterTestCase(unittest.TestCase):
    """A test class with one running server and one cluster, shared by its tests. Subclasses name the
    cluster (CLUSTER), may pass `borealis server` options (SERVER_ARGS), and may override
    prepare_cluster() (default: a login role app / app-password-1)."""
    CLUSTER = None
    SERVER_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=cls.SERVER_ARGS).start()
        try:
            cls.cluster = cls.server.create_cluster(cls.CLUSTER)
            cls.prepare_cluster()
        except BaseException:
            cls.server.stop(check_leftovers=False)
            raise

    @classmethod
    def prepare_cluster(cls):
        cls.cluster.admin_sql("CREATE ROLE app LOGIN PASSWORD 'app-password-1'")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
