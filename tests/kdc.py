"""A throwaway MIT Kerberos KDC for integration tests: realm TEST.BOREALIS on 127.0.0.1 with a free
port, every file (krb5.conf, kdc.conf, database, stash, credential caches, log) inside one temp dir,
krb5kdc running in the foreground as our child and stopped by PID. Nothing outside the temp dir is
read or written: the system /etc/krb5.conf and default ccache are never used.

    kdc = KDC().start()
    kdc.add_principal("alice", "pw")
    env = kdc.kinit("alice", "pw")     # KRB5_CONFIG + KRB5CCNAME for a client process
    kdc.stop()
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import logs

REALM = "TEST.BOREALIS"


def free_port():
    """A port free on 127.0.0.1 for both TCP and UDP right now (the KDC binds both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port for the KDC")


class KDC:
    def __init__(self, realm=REALM):
        self.realm = realm
        self.dir = tempfile.mkdtemp(prefix="borealis-kdc-")
        self.port = None
        self.proc = None
        self.krb5_conf = os.path.join(self.dir, "krb5.conf")
        self.kdc_conf = os.path.join(self.dir, "kdc.conf")
        self.log_path = os.path.join(self.dir, "kdc.log")

    # --- lifecycle -------------------------------------------------------------------------
    def start(self):
        try:
            self.port = free_port()
            self._write_config()
            self._run(["kdb5_util", "-r", self.realm, "create", "-s", "-P", secrets.token_urlsafe(24)])
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(["krb5kdc", "-n", "-r", self.realm], env=self.env(),
                                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self._wait_listening()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- principals and tickets ------------------------------------------------------------
    def add_principal(self, name, password):
        self._run(["kadmin.local", "-r", self.realm, "-q", f"addprinc -pw {password} {name}"])

    def add_user(self, name, password):
        """A principal with a password given to kadmin.local on stdin (never in argv)."""
        r = subprocess.run(["kadmin.local", "-r", self.realm, "-q", f"addprinc {name}"], input=f"{password}\n{password}\n",
                           capture_output=True, text=True, env=self.env(), timeout=60)
        if r.returncode != 0 or " while " in r.stderr:
            raise AssertionError(f"kadmin.local addprinc {name} failed: {r.stderr}")

    def add_service_principal(self, name):
        """A principal with a random key (for a service such as postgres/host)."""
        self._run(["kadmin.local", "-r", self.realm, "-q", f"addprinc -randkey {name}"])

    def export_keytab(self, name, path):
        self._run(["kadmin.local", "-r", self.realm, "-q", f"ktadd -k {path} {name}"])
        return path

    def kinit(self, name, password, ccache=None):
        """Gets a TGT for `name` into a file ccache in the temp dir; returns the env a client needs."""
        ccache = ccache or os.path.join(self.dir, f"ccache-{name.replace('/', '_')}")
        env = dict(self.env(), KRB5CCNAME="FILE:" + ccache)
        r = subprocess.run(["kinit", f"{name}@{self.realm}"], input=password + "\n", capture_output=True,
                           text=True, env=env, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"kinit {name} failed: {r.stderr}\n{self.log()}")
        return {"KRB5_CONFIG": self.krb5_conf, "KRB5CCNAME": "FILE:" + ccache}

    def env(self):
        """os.environ pointed at this KDC's files only."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("KRB5")}
        e.update(KRB5_CONFIG=self.krb5_conf, KRB5_KDC_PROFILE=self.kdc_conf,
                 KRB5CCNAME="FILE:" + os.path.join(self.dir, "ccache-default"),
                 KRB5_KTNAME="FILE:" + os.path.join(self.dir, "default.keytab"))
        return e

    def log(self):
        return logs.tail(self.log_path, 5000)

    # --- internals -------------------------------------------------------------------------
    def _write_config(self):
        d = self.dir
        with open(self.krb5_conf, "w") as f:
            f.write(f"""[libdefaults]
    default_realm = {self.realm}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    default_ccache_name = FILE:{d}/ccache-default
    default_keytab_name = FILE:{d}/default.keytab
    default_client_keytab_name = FILE:{d}/client.keytab
    udp_preference_limit = 1

[realms]
    {self.realm} = {{
        kdc = 127.0.0.1:{self.port}
        admin_server = 127.0.0.1:{self.port + 1}
    }}
""")
        with open(self.kdc_conf, "w") as f:
            f.write(f"""[kdcdefaults]
    kdc_ports = {self.port}
    kdc_tcp_ports = {self.port}

[realms]
    {self.realm} = {{
        database_name = {d}/principal
        key_stash_file = {d}/stash
        acl_file = {d}/kadm5.acl
        admin_keytab = FILE:{d}/kadm5.keytab
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
        max_life = 1h
        max_renewable_life = 1d
    }}

[logging]
    kdc = FILE:{self.log_path}
    default = FILE:{self.log_path}
""")
        with open(os.path.join(d, "kadm5.acl"), "w") as f:
            f.write("")

    def _run(self, args):
        r = subprocess.run(args, capture_output=True, text=True, env=self.env(), timeout=60, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise AssertionError(f"{args[0]} failed ({r.returncode}): {r.stderr}")
        return r

    def _wait_listening(self):
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("krb5kdc exited at start:\n" + self.log())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("krb5kdc did not listen within 15s:\n" + self.log())
