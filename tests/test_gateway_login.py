"""Logins through the gateway with real clients: psql, pgbench and a libpq program, over plain TCP
and TLS (verify-full), SCRAM and SCRAM-PLUS; COPY; cancel; and the failures PostgreSQL users expect
(wrong password, unknown user, NOLOGIN, expired password, superuser), with wrong password and unknown
user indistinguishable on the wire."""
import json
import os
import signal
import struct
import subprocess
import time
import unittest

import harness
import pgproto


class GatewayLogin(harness.ClusterTestCase):
    CLUSTER = "logins"

    @classmethod
    def prepare_cluster(cls):
        cls.cluster.admin_sql(
            "CREATE ROLE app LOGIN PASSWORD 'app-password-1';"
            "CREATE ROLE nologin_role NOLOGIN PASSWORD 'nologin-pw-1';"
            "CREATE ROLE expired_role LOGIN PASSWORD 'expired-pw-1' VALID UNTIL '2001-01-01';")
        cls.cluster.admin_sql(f"GRANT app TO {cls.server.master_user}")
        cls.cluster.admin_sql("CREATE DATABASE appdb OWNER app")

    def pgclient(self, conninfo, *args, password="app-password-1"):
        env = dict(os.environ, PGPASSWORD=password)
        r = subprocess.run([harness.PGCLIENT_BIN, conninfo, *args], capture_output=True, text=True, env=env, timeout=60)
        return json.loads(r.stdout.strip().splitlines()[-1])

    # --- successful logins -------------------------------------------------------------------
    def test_psql_plain_tcp(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT current_user, current_database()", dbname="appdb")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "app|appdb")

    def test_psql_tls_verify_full(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", tls=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_tls_rejects_a_name_the_certificate_does_not_carry(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", tls=True, host="wrong.example.com")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("does not match host name", r.stderr)

    def test_scram_plus_channel_binding_over_tls(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", tls=True, channel_binding="require")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Without TLS there is nothing to bind to, and libpq must refuse rather than downgrade.
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", tls=False, channel_binding="require")
        self.assertNotEqual(r.returncode, 0)

    def test_libpq_program_plain_and_tls(self):
        plain = self.pgclient(self.cluster.conninfo("app"), "query", "SELECT current_user")
        self.assertTrue(plain["ok"], plain)
        self.assertFalse(plain["ssl"])
        self.assertEqual(plain["rows"], [["app"]])
        tls = self.pgclient(self.cluster.conninfo("app", tls=True), "query", "SELECT 2")
        self.assertTrue(tls["ok"], tls)
        self.assertTrue(tls["ssl"])

    def test_copy_in_and_out(self):
        for tls in (False, True):
            r = self.pgclient(self.cluster.conninfo("app", tls=tls), "copy")
            self.assertTrue(r["ok"], r)
            self.assertEqual(r["copied_in"], "1000")
            self.assertEqual(r["rows_out"], 1000)

    def test_psql_copy_from_stdin(self):
        env = dict(os.environ, PGPASSWORD="app-password-1")
        data = "".join(f"{i}\trow {i}\n" for i in range(5000))
        script = "CREATE TEMP TABLE t (id int, v text);\n\\copy t FROM STDIN\n" + data + "\\.\nSELECT count(*), sum(id) FROM t;\n"
        r = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", self.cluster.conninfo("app", tls=True)],
                           input=script, capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip().splitlines()[-1], f"5000|{sum(range(5000))}")

    def test_cancel_with_libpq(self):
        for tls in (False, True):
            r = self.pgclient(self.cluster.conninfo("app", tls=tls), "cancel")
            self.assertTrue(r["ok"], r)
            self.assertEqual(r["sqlstate"], "57014")  # query_canceled
            self.assertLess(r["elapsed"], 10)
            self.assertTrue(r["usable_after"])

    def test_ctrl_c_in_psql_cancels_the_query(self):
        env = dict(os.environ, PGPASSWORD="app-password-1")
        p = subprocess.Popen(["psql", "-X", self.cluster.conninfo("app"), "-c", "SELECT pg_sleep(30)"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(1.5)
        start = time.time()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertLess(time.time() - start, 10)
        self.assertIn("canceling statement due to user request", err)

    def test_cancel_with_a_wrong_key_does_nothing(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        c.send(struct.pack("!iiii", 16, 80877102, 1, 2))  # CancelRequest for a pid/key nobody has
        data, closed = c.read_until_closed()
        c.close()
        self.assertEqual(data, b"")  # PostgreSQL answers nothing to a cancel request
        self.assertTrue(closed)

    def test_pgbench_through_the_gateway(self):
        env = dict(os.environ, PGPASSWORD="app-password-1")
        conn = self.cluster.conninfo("app", dbname="appdb")
        r = subprocess.run(["pgbench", "-q", "-i", "-s", "1", conn], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        for extra in ([], ["-C"]):
            r = subprocess.run(["pgbench", "-n", "-S", "-c", "4", "-j", "2", "-t", "200", *extra, conn],
                               capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
            self.assertIn("number of transactions actually processed: 800/800", r.stdout)

    def test_password_change_applies_to_the_next_login(self):
        self.cluster.admin_sql("CREATE ROLE rotating LOGIN PASSWORD 'first-pw-1'")
        self.assertEqual(self.cluster.psql("rotating", "first-pw-1", "SELECT 1").returncode, 0)
        self.cluster.admin_sql("ALTER ROLE rotating PASSWORD 'second-pw-2'")
        self.assertNotEqual(self.cluster.psql("rotating", "first-pw-1", "SELECT 1").returncode, 0)
        self.assertEqual(self.cluster.psql("rotating", "second-pw-2", "SELECT 1").returncode, 0)

    def test_gssencmode_prefer_without_kerberos_still_logs_in(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", tls=True, gssencmode="prefer")
        self.assertEqual(r.returncode, 0, r.stderr)

    # --- refusals -----------------------------------------------------------------------------
    def assert_fatal(self, r, text):
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("FATAL", r.stderr)
        self.assertIn(text, r.stderr)

    def test_wrong_password_unknown_user_nologin_expired(self):
        self.assert_fatal(self.cluster.psql("app", "wrong-password", "SELECT 1"),
                          'password authentication failed for user "app"')
        self.assert_fatal(self.cluster.psql("ghost", "wrong-password", "SELECT 1"),
                          'password authentication failed for user "ghost"')
        self.assert_fatal(self.cluster.psql("nologin_role", "nologin-pw-1", "SELECT 1"),
                          'role "nologin_role" is not permitted to log in')
        self.assert_fatal(self.cluster.psql("expired_role", "expired-pw-1", "SELECT 1"),
                          'password authentication failed for user "expired_role"')

    def test_wrong_password_and_unknown_user_look_the_same_on_the_wire(self):
        real = pgproto.scram_login(self.cluster.address, self.cluster.port, "app", "wrong-password")
        ghost = pgproto.scram_login(self.cluster.address, self.cluster.port, "ghost", "wrong-password")
        self.assertEqual(real["mechanisms"], ghost["mechanisms"])
        for key in ("code", "salt_len", "iterations", "nonce_len", "keys"):
            self.assertEqual(real["server_first"][key], ghost["server_first"][key], key)
        self.assertEqual(real["error"]["C"], "28P01")
        self.assertEqual(ghost["error"]["C"], "28P01")
        self.assertEqual(real["error"]["M"].replace('"app"', '"X"'), ghost["error"]["M"].replace('"ghost"', '"X"'))
        self.assertEqual(set(real["error"]), set(ghost["error"]))
        # An unknown user gets the same salt every time, as a real user does.
        again = pgproto.scram_login(self.cluster.address, self.cluster.port, "ghost", "other")
        self.assertEqual(ghost["server_first"]["salt"], again["server_first"]["salt"])

    def test_no_superuser_through_the_gateway(self):
        # borealis_admin is the instance's superuser; the gateway never lets it (or any superuser) in.
        trace = pgproto.scram_login(self.cluster.address, self.cluster.port, "borealis_admin", "anything")
        self.assertEqual(trace["error"]["C"], "28P01")
        self.assertEqual(self.cluster.admin_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"), "f")

    def test_master_user_is_rds_superuser_not_superuser(self):
        out = self.cluster.admin_sql(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, pg_has_role(current_user, 'rds_superuser', 'MEMBER') "
            "FROM pg_roles WHERE rolname = current_user")
        self.assertEqual(out, "f|t|t|t")
        roles = self.cluster.admin_sql(
            "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('rds_ad','rds_iam','rds_superuser')")
        self.assertEqual(roles, "rds_ad,rds_iam,rds_superuser")
        r = self.cluster.psql(self.server.master_user, self.server.master_password, "SELECT pg_read_file('PG_VERSION')")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("permission denied", r.stderr)

    def test_replication_connections_are_refused(self):
        r = self.cluster.psql("app", "app-password-1", "IDENTIFY_SYSTEM", replication="database")
        self.assert_fatal(r, "replication connections are not supported")

    def test_unsupported_protocol_version(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        c.send(pgproto.startup_packet({"user": "app"}, protocol=2 << 16))
        t, body = c.read_message()
        c.close()
        self.assertEqual(t, b"E")
        self.assertEqual(pgproto.error_fields(body)["C"], "0A000")

    def test_no_backend_listens_on_tcp(self):
        pid = self.server.postmaster_pid("logins-1")
        self.assertIsNotNone(pid)
        out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True).stdout
        self.assertNotIn(f"pid={pid},", out)
        sock_dir = os.path.join(self.server.data_dir, "run", "pg-logins-1")
        self.assertEqual(os.stat(sock_dir).st_mode & 0o777, 0o700)


if __name__ == "__main__":
    unittest.main()
