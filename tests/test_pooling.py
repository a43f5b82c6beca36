"""Session pooling is correct: a backend is reused only for the same role, database and startup
parameters; nothing a client did survives into the next client's session (DISCARD ALL); a backend a
client abandoned mid-transaction or mid-COPY is never handed out again; ParameterStatus is replayed
faithfully on a reused backend; and cancel keys reach the right query on reused backends."""
import struct
import threading
import time
import unittest

import psycopg2
import psycopg2.errors
import psycopg2.extensions

import harness
import pgproto

USER, PASSWORD, DB = "pool_a", "pool-password-1", "pooldb"
# A released backend goes back to the pool after its DISCARD ALL completes; give it that long.
RESET_SETTLE_S = 0.4


class Pooling(harness.ClusterTestCase):
    CLUSTER = "pooling"

    @classmethod
    def prepare_cluster(cls):
        cls.cluster.admin_sql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'; CREATE ROLE pool_b NOLOGIN;"
                              f"GRANT pool_b TO {USER}; GRANT {USER} TO {cls.server.master_user}")
        cls.cluster.admin_sql(f"CREATE DATABASE {DB} OWNER {USER}")
        with cls.connect_as("setup", autocommit=True) as conn, conn.cursor() as cur:
            cur.execute("CREATE SEQUENCE leak_seq; CREATE TABLE copy_target (x int)")
        conn.close()

    # --- helpers ---------------------------------------------------------------------------------
    @classmethod
    def connect_as(cls, app, autocommit=True, **extra):
        conn = psycopg2.connect(cls.cluster.conninfo(USER, DB, application_name=app, **extra), password=PASSWORD)
        conn.autocommit = autocommit
        return conn

    @staticmethod
    def one(conn, sql):
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]

    def pid_of_fresh_session(self, app, **extra):
        conn = self.connect_as(app, **extra)
        try:
            return self.one(conn, "SELECT pg_backend_pid()")
        finally:
            conn.close()
            time.sleep(RESET_SETTLE_S)

    def raw_login(self, app):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        r = pgproto.login(c, USER, PASSWORD, DB, {"application_name": app})
        self.assertNotIn("error", r)
        return c, r

    def assert_backend_gone(self, pid):
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.cluster.admin_sql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}") == "0":
                return
            time.sleep(0.2)
        self.fail(f"abandoned backend {pid} is still connected")

    # --- (a) reuse -------------------------------------------------------------------------------
    def test_same_role_database_and_parameters_reuse_the_backend(self):
        first = self.pid_of_fresh_session("reuse")
        second = self.pid_of_fresh_session("reuse")
        third = self.pid_of_fresh_session("reuse")
        self.assertEqual(first, second)
        self.assertEqual(second, third)

    # --- (b) no state leaks ----------------------------------------------------------------------
    def test_session_state_does_not_leak_into_the_next_client(self):
        conn = self.connect_as("leak")
        pid = self.one(conn, "SELECT pg_backend_pid()")
        default_work_mem = self.one(conn, "SHOW work_mem")
        self.assertNotEqual(default_work_mem, "77MB")
        with conn.cursor() as cur:
            cur.execute("SET work_mem = '77MB'")
            cur.execute("SELECT set_config('app.tenant', 'tenant-42', false)")
            cur.execute("CREATE TEMP TABLE leak_tmp (x int)")
            cur.execute("PREPARE leak_stmt AS SELECT 1")
            cur.execute("LISTEN leak_chan")
            cur.execute("SELECT pg_advisory_lock(4242)")
            cur.execute("SELECT nextval('leak_seq')")
            cur.execute("DECLARE leak_cur CURSOR WITH HOLD FOR SELECT 1")
            cur.execute("SET ROLE pool_b")
            cur.execute("SET default_transaction_read_only = on")  # last: it forbids the writes above
            cur.execute("SELECT current_user")
            self.assertEqual(cur.fetchone()[0], "pool_b")
        conn.close()
        time.sleep(RESET_SETTLE_S)

        conn = self.connect_as("leak")
        try:
            self.assertEqual(self.one(conn, "SELECT pg_backend_pid()"), pid, "backend not reused: nothing tested")
            checks = {
                "SHOW work_mem": default_work_mem,
                "SHOW default_transaction_read_only": "off",
                "SELECT coalesce(current_setting('app.tenant', true), '')": "",
                "SELECT current_user": USER,
                "SELECT session_user": USER,
                "SELECT current_setting('application_name')": "leak",
                "SELECT count(*) FROM pg_class WHERE relname = 'leak_tmp'": 0,
                "SELECT count(*) FROM pg_prepared_statements": 0,
                "SELECT count(*) FROM pg_listening_channels()": 0,
                "SELECT count(*) FROM pg_cursors": 0,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()": 0,
            }
            for sql, expected in checks.items():
                with self.subTest(sql):
                    self.assertEqual(self.one(conn, sql), expected)
            with self.assertRaises(psycopg2.errors.ObjectNotInPrerequisiteState):  # currval not yet defined
                self.one(conn, "SELECT currval('leak_seq')")
        finally:
            conn.close()

    # --- (c) abandoned backends are not reused ---------------------------------------------------
    def assert_next_session_is_fresh_and_clean(self, app, old_pid):
        time.sleep(RESET_SETTLE_S)
        conn = self.connect_as(app)
        try:
            self.assertNotEqual(self.one(conn, "SELECT pg_backend_pid()"), old_pid,
                                "a backend abandoned mid-transaction/COPY was handed to the next client")
            # In autocommit each statement is its own transaction; inside a leftover one now() would lag.
            self.assertTrue(self.one(conn, "SELECT now() = statement_timestamp()"))
            self.assertEqual(conn.info.transaction_status, psycopg2.extensions.TRANSACTION_STATUS_IDLE)
            self.assertEqual(self.one(conn, "SELECT count(*) FROM copy_target"), 0)
        finally:
            conn.close()
        self.assert_backend_gone(old_pid)

    def test_client_leaving_inside_a_transaction_with_terminate(self):
        conn = self.connect_as("tx-terminate", autocommit=False)
        pid = self.one(conn, "SELECT pg_backend_pid()")  # opens a transaction
        self.assertEqual(conn.info.transaction_status, psycopg2.extensions.TRANSACTION_STATUS_INTRANS)
        conn.close()  # sends Terminate
        self.assert_next_session_is_fresh_and_clean("tx-terminate", pid)

    def test_client_vanishing_inside_a_transaction(self):
        for sql, status in (("BEGIN; SELECT 1", "T"), ("BEGIN; SELECT 1/0", "E")):
            with self.subTest(sql):
                app = "tx-vanish-" + status
                c, _ = self.raw_login(app)
                pid = int(pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0])
                self.assertEqual(pgproto.query(c, sql)["tx_status"], status)
                c.close()  # no Terminate
                self.assert_next_session_is_fresh_and_clean(app, pid)

    def test_client_vanishing_mid_copy(self):
        c, _ = self.raw_login("copy-vanish")
        pid = int(pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0])
        c.send(pgproto.frame(b"Q", b"COPY copy_target FROM STDIN\0"))
        t, _ = c.read_message()
        self.assertEqual(t, b"G")  # CopyInResponse
        c.send(pgproto.frame(b"d", b"1\n2\n"))
        time.sleep(0.2)
        c.close()
        self.assert_next_session_is_fresh_and_clean("copy-vanish", pid)

    # --- (d) pool keys ---------------------------------------------------------------------------
    def test_different_startup_parameters_get_separate_backends(self):
        a = self.pid_of_fresh_session("keys-a")
        b = self.pid_of_fresh_session("keys-b")
        opt = self.pid_of_fresh_session("keys-a", options="-c search_path=x")
        self.assertEqual(len({a, b, opt}), 3, "different startup parameters shared a backend")
        self.assertEqual(self.pid_of_fresh_session("keys-a"), a)
        self.assertEqual(self.pid_of_fresh_session("keys-b"), b)
        conn = self.connect_as("keys-a", options="-c search_path=x")
        try:
            self.assertEqual(self.one(conn, "SELECT pg_backend_pid()"), opt)
            self.assertEqual(self.one(conn, "SHOW search_path"), "x")  # RESET returns to the startup value
        finally:
            conn.close()

    # --- (e) ParameterStatus on a reused backend -------------------------------------------------
    def test_parameter_status_is_replayed_on_a_reused_backend(self):
        c, first = self.raw_login("params")
        pid = pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0]
        params = first["parameters"]
        for name in ("server_version", "client_encoding", "DateStyle", "TimeZone", "standard_conforming_strings",
                     "is_superuser", "session_authorization", "integer_datetimes", "application_name"):
            self.assertIn(name, params)
        self.assertEqual(params["is_superuser"], "off")
        self.assertEqual(params["session_authorization"], USER)
        self.assertEqual(params["application_name"], "params")
        self.assertIn("backend_key", first)
        # Reported settings the client changes are relayed to it...
        changed = pgproto.query(c, "SET DateStyle = 'German, DMY'; SET TimeZone = 'Asia/Tokyo';"
                                   "SET application_name = 'renamed'; SET IntervalStyle = 'iso_8601'")
        self.assertEqual(changed["parameters"].get("DateStyle"), "German, DMY")
        self.assertEqual(changed["parameters"].get("TimeZone"), "Asia/Tokyo")
        c.send(pgproto.frame(b"X", b""))
        c.close()
        time.sleep(RESET_SETTLE_S)

        # ...and the next client on that backend sees the startup values again, not the changes.
        c, second = self.raw_login("params")
        try:
            self.assertEqual(pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0], pid)
            self.assertEqual(second["parameters"], params)
            self.assertEqual(pgproto.query(c, "SHOW DateStyle")["rows"], [[params["DateStyle"]]])
        finally:
            c.close()
        time.sleep(RESET_SETTLE_S)

        # The same through libpq.
        conn = self.connect_as("params")
        try:
            self.assertEqual(str(self.one(conn, "SELECT pg_backend_pid()")), pid)
            for name in ("server_version", "DateStyle", "TimeZone", "is_superuser", "session_authorization",
                         "standard_conforming_strings"):
                self.assertEqual(conn.get_parameter_status(name), params[name], name)
        finally:
            conn.close()

    # --- (f) cancel on reused backends -----------------------------------------------------------
    def test_cancel_on_a_reused_backend_cancels_the_right_query(self):
        first = [self.connect_as("cancel"), self.connect_as("cancel")]
        pids = {self.one(c, "SELECT pg_backend_pid()") for c in first}
        for c in first:
            c.close()
        time.sleep(RESET_SETTLE_S)
        victim, bystander = self.connect_as("cancel"), self.connect_as("cancel")
        try:
            self.assertEqual({self.one(victim, "SELECT pg_backend_pid()"), self.one(bystander, "SELECT pg_backend_pid()")},
                             pids, "backends not reused: nothing tested")
            results = {}

            def run(name, conn, sql):
                start = time.time()
                try:
                    self.one(conn, sql)
                    results[name] = ("ok", time.time() - start)
                except psycopg2.Error as e:
                    results[name] = (e.pgcode, time.time() - start)

            threads = [threading.Thread(target=run, args=("victim", victim, "SELECT pg_sleep(20)")),
                       threading.Thread(target=run, args=("bystander", bystander, "SELECT pg_sleep(2)"))]
            for t in threads:
                t.start()
            time.sleep(0.7)
            victim.cancel()
            for t in threads:
                t.join(30)
            self.assertEqual(results["victim"][0], "57014")  # query_canceled
            self.assertLess(results["victim"][1], 5)
            self.assertEqual(results["bystander"][0], "ok")
            self.assertGreaterEqual(results["bystander"][1], 1.9)
            self.assertEqual(self.one(victim, "SELECT 1"), 1)
        finally:
            victim.close()
            bystander.close()

    def test_a_previous_clients_cancel_key_does_not_cancel_the_next_client(self):
        c, first = self.raw_login("stale-key")
        old_pid, old_secret = first["backend_key"]
        pid = pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0]
        c.send(pgproto.frame(b"X", b""))
        c.close()
        time.sleep(RESET_SETTLE_S)
        conn = self.connect_as("stale-key")
        try:
            self.assertEqual(str(self.one(conn, "SELECT pg_backend_pid()")), pid, "backend not reused: nothing tested")
            results = {}

            def run():
                start = time.time()
                try:
                    self.one(conn, "SELECT pg_sleep(2)")
                    results["outcome"] = "ok"
                except psycopg2.Error as e:
                    results["outcome"] = e.pgcode
                results["elapsed"] = time.time() - start

            t = threading.Thread(target=run)
            t.start()
            time.sleep(0.5)
            stale = pgproto.Conn(self.cluster.address, self.cluster.port)
            stale.send(struct.pack("!iiii", 16, 80877102, old_pid, old_secret))
            stale.read_until_closed()
            stale.close()
            t.join(30)
            self.assertEqual(results["outcome"], "ok", "a stale cancel key cancelled another client's query")
            self.assertGreaterEqual(results["elapsed"], 1.9)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
