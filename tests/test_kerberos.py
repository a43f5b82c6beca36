"""Kerberos logins end to end (issue 3), with real kinit/kadmin, psql/libpq, psycopg2 and pgjdbc.

NativeGssReference: the clients against PostgreSQL 15's own GSSAPI (tests/native_gss.py, a
tests/kdc.py realm). It proves the clients and the replay check before they judge the gateway, and is
the setup bench/run.sh uses for "native-direct".

KerberosThroughGateway: the seed's flow against borealis: `borealis directory create` → users added
with the real `kadmin -p Admin` → a cluster created with `--domain` → `kerberos-enabled` → the master
user (SCRAM) creates "alice@CORP.EXAMPLE.COM" in rds_ad → kinit alice → psql with gssencmode=require
and =disable; the session's facts via SHOW borealis.auth_method / auth_principal / gss_encrypted.
Then the refusals, each followed by a check that the gateway still serves: no ticket, a ticket for
another endpoint, a principal of another (trusted-by-the-KDC, not by the cluster) realm, a disabled
principal, an expired ticket, a role without rds_ad (SCRAM, so a GSS-only client is asked for a
password), a role in rds_ad and rds_iam, the wrong case without krb_caseins_users (and the same login
after turning it on), a replayed authenticator, and the cluster leaving the domain.

What the client sees for a refusal depends on where Kerberos fails: the policy refusals (realm, case,
rds_ad+rds_iam, no domain) come after a complete GSS handshake and psql prints the server's FATAL;
failures inside GSSAPI (ticket for another host, replay) send MIT's error token first, and libpq
reports that instead of the FATAL that follows (PostgreSQL itself behaves so, see NativeGssReference),
so those FATALs are read with the raw client (tests/clients/gss_replay.py). No ticket and an expired
ticket fail in the client before anything is sent: an acceptor allows a ticket up to the clock skew
(5 minutes) past its end, which this suite does not wait for.

Every Kerberos client runs with its own KRB5_CONFIG and a KRB5CCNAME in this class's temp dir;
passwords go to kinit/kadmin on stdin, never in argv.
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import unittest

import clients
import harness
import kdc
import native_gss
import pgproto

DOMAIN = "corp.example.com"
REALM = "CORP.EXAMPLE.COM"
ADMIN_PASSWORD = "Directory-Admin-Pw-1"
FOREIGN_REALM = "TEST.BOREALIS"  # tests/kdc.py's realm
SESSION_FACTS = ("SELECT current_user, current_setting('borealis.auth_method'), "
                 "current_setting('borealis.auth_principal'), current_setting('borealis.gss_encrypted')")


def password_of(name):
    return f"{name}-Krb-pw-1"


def clean_env(extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "PG"))}
    e.update(extra)
    return e


def run_psql(conninfo, sql, krb_env, timeout=60):
    """psql -w (never prompts): a server that asks for a password makes it fail with 'no password supplied'."""
    return subprocess.run(["psql", "-X", "-w", "-At", "-v", "ON_ERROR_STOP=1", conninfo, "-c", sql],
                          capture_output=True, text=True, env=clean_env(krb_env), timeout=timeout,
                          stdin=subprocess.DEVNULL)


def kinit(krb5_conf, ccache_dir, principal, password, lifetime=None, name=None):
    """kinit into a new file ccache; returns (CompletedProcess, env for clients)."""
    ccache = os.path.join(ccache_dir, "cc-" + (name or principal.replace("/", "_").replace("@", "_")))
    env = {"KRB5_CONFIG": krb5_conf, "KRB5CCNAME": "FILE:" + ccache}
    args = ["kinit"] + (["-l", lifetime] if lifetime else []) + [principal]
    r = subprocess.run(args, input=password + "\n", capture_output=True, text=True, env=clean_env(env), timeout=30)
    return r, env


def raw_gss_attempt(address, port, host, user, krb_env):
    """One raw login with one fresh AP-REQ for postgres@host (gss_replay.py with a single attempt)."""
    r = subprocess.run([clients.PYTHON, os.path.join(clients.HERE, "gss_replay.py"), "--address", address,
                        "--port", str(port), "--host", host, "--user", user, "--times", "1"],
                       capture_output=True, text=True, env=clean_env(krb_env), timeout=60)
    out = clients._last_json(r, "gss_replay.py")
    return out["attempts"][0]


# =====================================================================================================
class NativeGssReference(unittest.TestCase):
    """The Kerberos clients against PostgreSQL's own GSSAPI (pg_hba gss include_realm=1, hostgssenc)."""

    @classmethod
    def setUpClass(cls):
        cls.kdc = kdc.KDC(realm=REALM).start()
        cls.pg = None
        try:
            cls.pg = native_gss.NativeGssPostgres(cls.kdc, host_name="native.corp.example.com").start()
            cls.kdc.add_user("alice", password_of("alice"))
            cls.user = f"alice@{REALM}"
            cls.pg.sql(f'CREATE ROLE "{cls.user}" LOGIN')
            cls.krb_env = cls.kdc.kinit("alice", password_of("alice"))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.pg is not None:
                cls.pg.stop()
        finally:
            cls.kdc.stop()

    FACTS = "SELECT current_user, principal, encrypted FROM pg_stat_gssapi WHERE pid = pg_backend_pid()"

    def test_psql_with_gssencmode_require_and_disable(self):
        for mode, encrypted in (("require", "t"), ("disable", "f")):
            with self.subTest(gssencmode=mode):
                r = run_psql(self.pg.conninfo(self.user, gssencmode=mode), self.FACTS, self.krb_env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.strip(), f"{self.user}|{self.user}|{encrypted}")

    def test_psycopg2(self):
        for mode, encrypted in (("require", "True"), ("disable", "False")):
            with self.subTest(gssencmode=mode):
                out = clients.psycopg2(self.pg.conninfo(self.user, gssencmode=mode), self.krb_env, self.FACTS)
                self.assertTrue(out["ok"], out)
                self.assertEqual(out["rows"], [[self.user, self.user, encrypted]])

    def test_jdbc_with_a_jaas_ticket_cache(self):
        for mode, encrypted in (("require", "true"), ("disable", "false")):
            with self.subTest(gssEncMode=mode):
                out = clients.jdbc(self.pg.host_name, self.pg.address, self.pg.port, self.user, self.krb_env,
                                   gssenc=mode, query="SELECT principal, encrypted FROM pg_stat_gssapi "
                                                      "WHERE pid = pg_backend_pid()")
                self.assertTrue(out["ok"], out)
                self.assertEqual(out["current_user"], self.user)
                self.assertEqual(out["result"], f"{self.user}|{'t' if encrypted == 'true' else 'f'}")
                self.assertEqual(out["gssenc"], encrypted == "true")

    def test_replayed_authenticator_is_refused(self):
        out = clients.replay(self.pg.address, self.pg.port, self.pg.host_name, self.user, self.krb_env)
        first, second = out["attempts"]
        self.assertEqual(first["stage"], "accepted", out)
        self.assertEqual(second["stage"], "refused", out)
        self.assertEqual(second["error"]["S"], "FATAL")
        self.assertIn(f'GSSAPI authentication failed for user "{self.user}"', second["error"]["M"])
        self.assertIn("Request is a replay", self.pg.log())

    def test_no_ticket_fails_in_the_client(self):
        empty = dict(self.krb_env, KRB5CCNAME="FILE:" + os.path.join(self.kdc.dir, "no-such-ccache"))
        r = run_psql(self.pg.conninfo(self.user, gssencmode="disable"), "SELECT 1", empty)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("No Kerberos credentials available", r.stderr)


# =====================================================================================================
class KerberosThroughGateway(harness.ClusterTestCase):
    CLUSTER = "kerb"
    OTHER_CLUSTER = "kerb-other"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="borealis-kerberos-")
        cls.foreign = None
        cls.server = harness.Server().start()
        try:
            cls._set_up()
        except BaseException:
            cls._tear_down(check_leftovers=False)
            raise

    @classmethod
    def tearDownClass(cls):
        cls._tear_down(check_leftovers=True)

    @classmethod
    def _tear_down(cls, check_leftovers):
        try:
            cls.server.stop(check_leftovers=check_leftovers)
        finally:
            if cls.foreign is not None:
                cls.foreign.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _set_up(cls):
        s = cls.server
        # The directory and its users, created with the real kadmin as Admin.
        cls.directory = s.create_directory(DOMAIN, ADMIN_PASSWORD)
        cls.directory_id = cls.directory["DirectoryId"]
        assert cls.directory["Realm"] == REALM, cls.directory
        cls.krb5_conf = os.path.join(cls.tmp, "krb5.conf")
        with open(cls.krb5_conf, "w") as f:
            f.write(s.krb5_conf(cls.directory_id))
        for name in ("alice", "bob", "carol", "dave"):
            cls.kadmin(f"addprinc {name}", password_of(name) + "\n" + password_of(name) + "\n")

        # Two clusters in the domain: the second one's endpoint is "another host" for the first.
        for cid in (cls.CLUSTER, cls.OTHER_CLUSTER):
            s.cli("cluster", "create", "--data-dir", s.data_dir, "--id", cid, "--master-username", s.master_user,
                  "--master-user-password-stdin", "--domain", cls.directory_id, input=s.master_password + "\n")
        cls.cluster = s.wait_available(cls.CLUSTER)
        cls.other = s.wait_available(cls.OTHER_CLUSTER)
        for cid in (cls.CLUSTER, cls.OTHER_CLUSTER):
            memberships = s.wait_domain_status(cid, "kerberos-enabled")
            assert memberships[0]["Domain"] == cls.directory_id, memberships

        # Roles, as the master user over SCRAM (the seed's statements).
        cls.alice = f"alice@{REALM}"
        cls.cluster.admin_sql(
            f'CREATE USER "{cls.alice}" WITH LOGIN; GRANT rds_ad TO "{cls.alice}";'
            f'CREATE USER "bob@{REALM}" WITH LOGIN;'  # no rds_ad: a SCRAM role without a password
            f'CREATE USER "carol@{REALM}" WITH LOGIN; GRANT rds_ad TO "carol@{REALM}"; GRANT rds_iam TO "carol@{REALM}";'
            f'CREATE USER "dave@{REALM}" WITH LOGIN; GRANT rds_ad TO "dave@{REALM}";'
            f'CREATE USER "Alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "Alice@{REALM}";'
            f'CREATE USER "alice@{FOREIGN_REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{FOREIGN_REALM}";')
        cls.other.admin_sql(f'CREATE USER "{cls.alice}" WITH LOGIN; GRANT rds_ad TO "{cls.alice}"')

        r, cls.alice_env = kinit(cls.krb5_conf, cls.tmp, cls.alice, password_of("alice"))
        assert r.returncode == 0, r.stderr
        cls._set_up_foreign_realm()
        # The gateway picks up the membership within a second or so; wait for the first GSS login,
        # but leave a failure to the tests (each says what it expected).
        deadline = time.time() + 20
        while time.time() < deadline:
            if run_psql(cls.cluster.conninfo(cls.alice, gssencmode="disable"), "SELECT 1", cls.alice_env,
                        timeout=15).returncode == 0:
                break
            time.sleep(0.3)

    @classmethod
    def _set_up_foreign_realm(cls):
        """A second realm (tests/kdc.py) that the directory's KDC trusts one way (its users get tickets
        for CORP services: krbtgt/CORP.EXAMPLE.COM@TEST.BOREALIS in both KDCs, created by Admin on the
        directory side) — but the cluster trusts only its directory's realm."""
        cls.foreign = kdc.KDC(realm=FOREIGN_REALM).start()
        trust = f"krbtgt/{REALM}@{FOREIGN_REALM}"
        trust_pw = "Cross-Realm-Trust-Pw-1"
        cls.kadmin(f"addprinc -e aes256-cts-hmac-sha1-96:normal {trust}", f"{trust_pw}\n{trust_pw}\n")
        r = subprocess.run(["kadmin.local", "-r", FOREIGN_REALM, "-q", f"addprinc -e aes256-cts-hmac-sha1-96:normal {trust}"],
                           input=f"{trust_pw}\n{trust_pw}\n", capture_output=True, text=True, env=cls.foreign.env(),
                           timeout=30)
        assert r.returncode == 0, r.stderr
        cls.foreign.add_user("alice", password_of("foreign-alice"))
        # The directory's KDC gives principals it creates +requires_preauth by default (the cross-realm
        # krbtgt Admin adds here too), and a KDC issues tickets for such a principal only on a TGT that
        # carries the pre-authenticated flag: alice of the foreign realm pre-authenticates, as the
        # directory's own users do (tests/kdc.py does not require it by default).
        r = subprocess.run(["kadmin.local", "-r", FOREIGN_REALM, "-q", "modprinc +requires_preauth alice"],
                           capture_output=True, text=True, env=cls.foreign.env(), timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 0 and " while " not in r.stderr, r.stderr
        with open(cls.krb5_conf) as f:
            kdc_line = re.search(r"^\s*kdc\s*=\s*(\S+)", f.read(), re.M).group(1)
        with open(cls.foreign.krb5_conf) as f:
            text = f.read()
        text = text.replace("[realms]\n", f"[realms]\n    {REALM} = {{\n        kdc = {kdc_line}\n    }}\n", 1)
        text += (f"\n[domain_realm]\n    {cls.cluster.host} = {REALM}\n"
                 f"\n[capaths]\n    {FOREIGN_REALM} = {{\n        {REALM} = .\n    }}\n")
        cls.foreign_krb5_conf = os.path.join(cls.tmp, "krb5-foreign.conf")
        with open(cls.foreign_krb5_conf, "w") as f:
            f.write(text)
        r, cls.foreign_env = kinit(cls.foreign_krb5_conf, cls.tmp, f"alice@{FOREIGN_REALM}",
                                   password_of("foreign-alice"), name="foreign-alice")
        assert r.returncode == 0, r.stderr

    @classmethod
    def kadmin(cls, query, more_stdin=""):
        """`kadmin -p Admin -q QUERY` against the directory's kadmind: the admin password and whatever
        the query prompts for go on stdin."""
        env = {"KRB5_CONFIG": cls.krb5_conf, "KRB5CCNAME": "FILE:" + os.path.join(cls.tmp, "cc-kadmin")}
        r = subprocess.run(["kadmin", "-p", "Admin", "-q", query], input=ADMIN_PASSWORD + "\n" + more_stdin,
                           capture_output=True, text=True, env=clean_env(env), timeout=60)
        if r.returncode != 0 or re.search(r"\bwhile\b", r.stderr):  # kadmin -q exits 0 when the query fails
            raise AssertionError(f"kadmin -q {query!r} failed: {r.stderr}")
        return r

    # --- helpers -------------------------------------------------------------------------------
    def psql(self, user, sql, krb_env, cluster=None, **extra):
        return run_psql((cluster or self.cluster).conninfo(user, **extra), sql, krb_env)

    def new_ticket(self, name, principal=None, lifetime=None):
        r, env = kinit(self.krb5_conf, self.tmp, principal or f"{name}@{REALM}", password_of(name), lifetime,
                       name=f"{name}-{self.id().rsplit('.', 1)[-1]}-{time.monotonic_ns()}")
        self.assertEqual(r.returncode, 0, r.stderr)
        return env

    def assert_fatal(self, r, *texts):
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("FATAL", r.stderr)
        for t in texts:
            self.assertIn(t, r.stderr)

    def assert_gateway_serves(self):
        """After a refusal: the master (SCRAM) and alice (Kerberos) still log in."""
        self.assertEqual(self.cluster.admin_sql("SELECT 1"), "1")
        r = self.psql(self.alice, "SELECT current_user", self.alice_env, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr + self.server.gateway_log()[-3000:])
        self.assertEqual(r.stdout.strip(), self.alice)

    def raw(self, user, krb_env, host=None, cluster=None):
        c = cluster or self.cluster
        return raw_gss_attempt(c.address, c.port, host or c.host, user, krb_env)

    # --- the seed's flow ------------------------------------------------------------------------
    def test_directory_and_membership_are_described(self):
        self.assertEqual(self.directory["Stage"], "Active")
        self.assertEqual(self.directory["Realm"], REALM)
        self.assertEqual(self.server.domain_status(self.CLUSTER), (self.directory_id, "kerberos-enabled"))
        with open(self.krb5_conf) as f:
            conf = f.read()
        self.assertIn("rdns = false", conf)
        self.assertIn("dns_canonicalize_hostname = false", conf)

    def test_psql_logs_in_with_gssencmode_require_and_disable(self):
        for mode, encrypted in (("require", "on"), ("disable", "off")):
            with self.subTest(gssencmode=mode):
                r = self.psql(self.alice, SESSION_FACTS, self.alice_env, gssencmode=mode)
                self.assertEqual(r.returncode, 0, r.stderr + self.server.gateway_log()[-3000:])
                self.assertEqual(r.stdout.strip(), f"{self.alice}|gss|{self.alice}|{encrypted}")
                r = self.psql(self.alice, "SHOW borealis.auth_principal", self.alice_env, gssencmode=mode)
                self.assertEqual(r.stdout.strip(), self.alice, r.stderr)

    def test_master_user_session_facts_say_scram(self):
        self.assertEqual(self.cluster.admin_sql(SESSION_FACTS), f"{self.server.master_user}|scram||off")

    def test_scram_user_holding_a_ticket_gets_gssenc_with_prefer(self):
        # libpq's default gssencmode=prefer encrypts with GSSAPI whenever the user holds a ticket; a
        # password role then runs SCRAM inside the encryption (PostgreSQL does the same).
        env = dict(self.alice_env, PGPASSWORD=self.server.master_password)
        r = run_psql(self.cluster.conninfo(self.server.master_user, gssencmode="prefer"), SESSION_FACTS, env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), f"{self.server.master_user}|scram|{self.alice}|on")

    def test_an_rds_ad_role_is_only_offered_gssapi(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        try:
            c.send(pgproto.startup_packet({"user": self.alice, "database": "postgres"}))
            t, body = pgproto.expect(c)
            self.assertEqual((t, pgproto.parse_auth(body)[0]), (b"R", 7))  # AuthenticationGSS, no password
        finally:
            c.close()

    def test_psycopg2_logs_in(self):
        for mode, encrypted in (("require", "on"), ("disable", "off")):
            with self.subTest(gssencmode=mode):
                out = clients.psycopg2(self.cluster.conninfo(self.alice, gssencmode=mode), self.alice_env,
                                       SESSION_FACTS)
                self.assertTrue(out["ok"], out)
                self.assertEqual(out["rows"], [[self.alice, "gss", self.alice, encrypted]])

    def test_jdbc_logs_in_with_a_jaas_ticket_cache(self):
        for mode, encrypted in (("require", "on"), ("disable", "off")):
            with self.subTest(gssEncMode=mode):
                out = clients.jdbc(self.cluster.host, self.cluster.address, self.cluster.port, self.alice,
                                   self.alice_env, gssenc=mode,
                                   query="SELECT current_setting('borealis.auth_principal'), "
                                         "current_setting('borealis.gss_encrypted')")
                self.assertTrue(out["ok"], out)
                self.assertEqual(out["current_user"], self.alice)
                self.assertEqual(out["result"], f"{self.alice}|{encrypted}")
                self.assertEqual(out["gssenc"], mode == "require")

    # --- refusals --------------------------------------------------------------------------------
    def test_refused_without_a_ticket(self):
        empty = {"KRB5_CONFIG": self.krb5_conf, "KRB5CCNAME": "FILE:" + os.path.join(self.tmp, "no-such-ccache")}
        r = self.psql(self.alice, "SELECT 1", empty, gssencmode="disable")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("No Kerberos credentials available", r.stderr)
        r = self.psql(self.alice, "SELECT 1", empty, gssencmode="require")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("GSSAPI encryption required but was impossible", r.stderr)
        # What the gateway sees from such a client: a GSSResponse that is no Kerberos token.
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        try:
            c.send(pgproto.startup_packet({"user": self.alice, "database": "postgres"}))
            self.assertEqual(pgproto.parse_auth(pgproto.expect(c)[1])[0], 7)
            c.send(pgproto.frame(b"p", b"\x60\x03not-a-ticket"))
            with self.assertRaises(pgproto.ServerError) as e:
                while True:
                    pgproto.expect(c)
            self.assertEqual(e.exception.fields["S"], "FATAL")
            self.assertIn(f'GSSAPI authentication failed for user "{self.alice}"', e.exception.fields["M"])
        finally:
            c.close()
        self.assert_gateway_serves()

    def test_refused_ticket_for_another_host(self):
        # Control: alice's ticket for the other endpoint is good there.
        r = self.psql(self.alice, "SELECT current_user", self.alice_env, cluster=self.other, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The same service ticket (postgres/<other host>) presented to this cluster's endpoint.
        r = self.psql(self.alice, "SELECT 1", self.alice_env, host=self.other.host, gssencmode="disable")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        attempt = self.raw(self.alice, self.alice_env, host=self.other.host)
        self.assertEqual(attempt["stage"], "refused", attempt)
        self.assertEqual(attempt["error"]["S"], "FATAL")
        self.assertIn(f'GSSAPI authentication failed for user "{self.alice}"', attempt["error"]["M"])
        self.assert_gateway_serves()

    def test_gssenc_require_with_a_ticket_for_another_host_says_why(self):
        # The gssenc negotiation has no ErrorResponse; the gateway answers with the 'E' text form
        # libpq prints, so the user sees more than "server closed the connection".
        r = self.psql(self.alice, "SELECT 1", self.alice_env, host=self.other.host, gssencmode="require")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("GSSAPI authentication failed", r.stderr)
        log = self.server.gateway_log()
        self.assertIn("encrypted=true outcome=refused", log)
        self.assertIn(f"Cannot decrypt ticket for postgres/{self.other.host}@{REALM}", log)  # GSS minor status
        self.assert_gateway_serves()

    def gssenc_raw(self, payload, then_leave=False):
        """GSSENCRequest, then `payload` as the first handshake bytes (and, with then_leave, the end of
        the client's stream). Returns the one-byte answer and whatever the gateway sent before it
        closed the connection."""
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        try:
            c.send(struct.pack("!ii", 8, 80877104))
            answer = c.recv_exact(1)
            c.send(payload)
            if then_leave:
                c.sock.shutdown(socket.SHUT_WR)
            rest, closed = c.read_until_closed()
            self.assertTrue(closed, "the gateway kept the connection open")
            return answer, rest
        finally:
            c.close()

    def test_gssenc_handshake_garbage_is_refused_and_the_gateway_serves_on(self):
        answer, rest = self.gssenc_raw(struct.pack("!i", 12) + b"not-a-ticket")
        self.assertEqual(answer, b"G")
        self.assertTrue(rest.startswith(b"E"), rest)
        self.assertIn(b"GSSAPI authentication failed", rest)
        # Lengths the codec refuses before any GSS call: zero, above the 64 KiB handshake cap, "negative".
        for length in (0, 64 * 1024 + 1, 0x7fffffff, -1):
            with self.subTest(length=length):
                answer, rest = self.gssenc_raw(struct.pack("!i", length) + b"x" * 16)
                self.assertEqual(answer, b"G")
                self.assertEqual(rest, b"")
        # A token cut short by the client leaving: nothing to answer, nothing left open.
        answer, rest = self.gssenc_raw(struct.pack("!i", 4096) + b"partial", then_leave=True)
        self.assertEqual((answer, rest), (b"G", b""))
        self.assert_gateway_serves()

    def test_native_direct_is_postgresql_own_gssapi_beside_the_gateway(self):
        s = self.server
        info = s.describe(self.OTHER_CLUSTER)["NativeDirect"]
        self.assertEqual(info, {"Enabled": False})
        s.modify_cluster(self.OTHER_CLUSTER, "--native-direct", "on")
        info = s.describe(self.OTHER_CLUSTER)["NativeDirect"]
        self.assertTrue(info["Enabled"])
        self.assertEqual(info["Address"], self.other.address)
        direct = (f"host={self.other.host} hostaddr={self.other.address} port={info['Port']} dbname=postgres "
                  f"sslmode=disable")
        gssapi = ("SELECT gss_authenticated, principal, encrypted FROM pg_stat_gssapi "
                  "WHERE pid = pg_backend_pid()")
        deadline = time.time() + 60  # the instance restarts with a TCP listener
        while True:
            r = run_psql(f"{direct} user={self.alice} gssencmode=require", gssapi, self.alice_env)
            if r.returncode == 0 or time.time() > deadline:
                break
            time.sleep(0.5)
        # PostgreSQL itself authenticated alice: its own pg_stat_gssapi says so.
        self.assertEqual(r.returncode, 0, r.stderr + s.server_log()[-2000:])
        self.assertEqual(r.stdout.strip(), f"t|{self.alice}|t")
        r = run_psql(f"{direct} user={self.alice} gssencmode=disable", gssapi, self.alice_env)
        self.assertEqual(r.stdout.strip(), f"t|{self.alice}|f", r.stderr)
        # Only Kerberos for rds_ad roles there: the master's password is rejected by pg_hba.conf.
        r = run_psql(f"{direct} user={s.master_user} gssencmode=disable",  "SELECT 1",
                     {"PGPASSWORD": s.master_password})
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("pg_hba.conf rejects connection", r.stderr)
        # The gateway's endpoint serves on, and turning the mode off closes the TCP port again.
        r = self.psql(self.alice, "SELECT current_user", self.alice_env, cluster=self.other, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr)
        s.modify_cluster(self.OTHER_CLUSTER, "--native-direct", "off")
        deadline = time.time() + 60
        while time.time() < deadline:
            r = run_psql(f"{direct} user={self.alice} gssencmode=disable", "SELECT 1", self.alice_env)
            if "Connection refused" in r.stderr:
                break
            time.sleep(0.5)
        self.assertIn("Connection refused", r.stderr)
        s.wait_for_login(self.other, time.time() + 60)

    def test_refused_principal_of_another_realm(self):
        user = f"alice@{FOREIGN_REALM}"
        r = self.psql(user, "SELECT 1", self.foreign_env, gssencmode="disable")
        self.assert_fatal(r, f'GSSAPI authentication failed for user "{user}"', FOREIGN_REALM,
                          "is not from a realm this cluster trusts")
        # The KDCs did issue the cross-realm service ticket: the refusal is the gateway's.
        klist = subprocess.run(["klist"], capture_output=True, text=True, env=clean_env(self.foreign_env))
        self.assertIn(f"postgres/{self.cluster.host}@{REALM}", klist.stdout)
        self.assert_gateway_serves()

    def test_refused_disabled_principal_after_its_ticket_expires(self):
        env = self.new_ticket("dave", lifetime="6s")
        issued = time.time()
        r = self.psql(f"dave@{REALM}", "SELECT current_user", env, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr)  # control: dave logs in while enabled
        self.kadmin(f"modprinc -allow_tix dave@{REALM}")
        try:
            r, _ = kinit(self.krb5_conf, self.tmp, f"dave@{REALM}", password_of("dave"), name="dave-disabled")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("credentials have been revoked", r.stderr)
            time.sleep(max(0.0, issued + 8 - time.time()))
            r = self.psql(f"dave@{REALM}", "SELECT 1", env, gssencmode="disable")
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("Ticket expired", r.stderr)
        finally:
            self.kadmin(f"modprinc +allow_tix dave@{REALM}")
        self.assert_gateway_serves()

    def test_refused_expired_ticket(self):
        env = self.new_ticket("alice", lifetime="6s")
        issued = time.time()
        r = self.psql(self.alice, "SELECT 1", env, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr)  # control
        time.sleep(max(0.0, issued + 8 - time.time()))
        for mode in ("disable", "require"):
            with self.subTest(gssencmode=mode):
                r = self.psql(self.alice, "SELECT 1", env, gssencmode=mode)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn("Ticket expired", r.stderr)
        self.assert_gateway_serves()

    def test_role_without_rds_ad_is_asked_for_a_password(self):
        bob = f"bob@{REALM}"
        env = self.new_ticket("bob")
        for mode in ("disable", "require"):
            with self.subTest(gssencmode=mode):
                r = self.psql(bob, "SELECT 1", env, gssencmode=mode)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                self.assertIn("no password supplied", r.stderr)
        attempt = self.raw(bob, env)
        self.assertEqual(attempt["stage"], "not-gss", attempt)
        self.assertEqual(attempt.get("auth_code"), 10)  # AuthenticationSASL: SCRAM, not GSSAPI
        self.assert_gateway_serves()

    def test_role_in_rds_ad_and_rds_iam_is_refused(self):
        carol = f"carol@{REALM}"
        env = self.new_ticket("carol")
        for mode in ("disable", "require"):
            with self.subTest(gssencmode=mode):
                r = self.psql(carol, "SELECT 1", env, gssencmode=mode)
                self.assert_fatal(r, f'"{carol}"', "rds_ad", "rds_iam")
        self.assert_gateway_serves()

    def test_wrong_case_refused_until_krb_caseins_users_is_on(self):
        role = f"Alice@{REALM}"
        r = self.psql(role, "SELECT 1", self.alice_env, gssencmode="disable")
        self.assert_fatal(r, f'GSSAPI authentication failed for user "{role}"', "does not match the role name")
        self.server.modify_cluster(self.CLUSTER, "--krb-caseins-users", "on")
        try:
            deadline, r = time.time() + 60, None
            while time.time() < deadline:
                r = self.psql(role, SESSION_FACTS, self.alice_env, gssencmode="disable")
                if r.returncode == 0:
                    break
                time.sleep(0.5)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), f"{role}|gss|{self.alice}|off")
            # The exact-case role is still alice's own.
            r = self.psql(self.alice, "SELECT current_user", self.alice_env, gssencmode="require")
            self.assertEqual(r.stdout.strip(), self.alice, r.stderr)
        finally:
            self.server.modify_cluster(self.CLUSTER, "--krb-caseins-users", "off")
        deadline = time.time() + 60
        while time.time() < deadline:
            r = self.psql(role, "SELECT 1", self.alice_env, gssencmode="disable")
            if r.returncode != 0:
                break
            time.sleep(0.5)
        self.assert_fatal(r, "does not match the role name")
        self.assert_gateway_serves()

    def test_replayed_authenticator_is_refused(self):
        out = clients.replay(self.cluster.address, self.cluster.port, self.cluster.host, self.alice, self.alice_env)
        first, second = out["attempts"]
        self.assertEqual(first["stage"], "accepted", out)
        self.assertEqual(second["stage"], "refused", out)
        self.assertEqual(second["error"]["S"], "FATAL")
        self.assertIn(f'GSSAPI authentication failed for user "{self.alice}"', second["error"]["M"])
        # Refused for the right reason: the gateway logs GSSAPI's minor status.
        deadline = time.time() + 5
        while "Request is a replay" not in self.server.gateway_log() and time.time() < deadline:
            time.sleep(0.1)
        self.assertIn("Request is a replay", self.server.gateway_log())
        self.assert_gateway_serves()

    # Runs late (unittest orders by name): tickets of the class ccache carry the old kvno afterwards.
    def test_y_key_rotation_keeps_tickets_already_issued(self):
        spn = f"postgres/{self.cluster.host}@{REALM}"
        old = self.new_ticket("alice")
        self.assertEqual(self.psql(self.alice, "SELECT 1", old, gssencmode="disable").returncode, 0)
        kvno = lambda: max(int(v) for v in re.findall(r"vno (\d+)", self.kadmin(f"getprinc {spn}").stdout))
        before = kvno()
        self.server.modify_cluster(self.CLUSTER, "--rotate-kerberos-key")
        deadline = time.time() + 60
        while time.time() < deadline and kvno() == before:
            time.sleep(0.3)
        self.assertGreater(kvno(), before)
        new = self.new_ticket("alice")
        deadline = time.time() + 30
        while time.time() < deadline:  # until the gateway has the re-exported keytab
            r = self.psql(self.alice, "SELECT 1", new, gssencmode="disable")
            if r.returncode == 0:
                break
            time.sleep(0.5)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run(["kvno", spn], capture_output=True, text=True, env=clean_env(new))
        self.assertIn(f"kvno = {kvno()}", r.stdout)
        # The ticket issued under the previous key still opens a session.
        r = self.psql(self.alice, "SELECT current_user", old, gssencmode="require")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), self.alice)

    # Runs last (unittest orders by name): it takes the cluster out of the domain.
    def test_zz_leaving_the_domain_stops_kerberos_logins(self):
        self.assertEqual(self.psql(self.alice, "SELECT 1", self.alice_env, gssencmode="disable").returncode, 0)
        self.server.modify_cluster(self.CLUSTER, "--domain", "none")
        self.server.wait_domain_status(self.CLUSTER, None)
        deadline = time.time() + 30
        while time.time() < deadline:
            r = self.psql(self.alice, "SELECT 1", self.alice_env, gssencmode="disable")
            if r.returncode != 0:
                break
            time.sleep(0.5)
        self.assert_fatal(r, "Kerberos authentication is not enabled for this cluster")
        attempt = self.raw(self.alice, self.alice_env)
        self.assertNotEqual(attempt["stage"], "accepted", attempt)
        self.assertEqual(attempt.get("error", {}).get("S"), "FATAL", attempt)
        r = self.psql(self.alice, "SELECT 1", self.alice_env, gssencmode="require")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        # SCRAM logins are untouched, and the other cluster is still in the domain.
        self.assertEqual(self.cluster.admin_sql("SELECT 1"), "1")
        r = self.psql(self.alice, "SELECT current_user", self.alice_env, cluster=self.other, gssencmode="disable")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
