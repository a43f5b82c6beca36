"""borealis_guard (src/pgext): the master user (CREATEROLE, in rds_superuser, not a superuser) cannot
reach the postgres OS user (pg_execute_server_program, pg_read/write_server_files, pg_read_all_data)
nor touch borealis's own roles (borealis_*), whatever the statement's spelling; everything a tenant
ordinarily does with roles still works. Runs over the gateway, as a tenant would."""
import os
import unittest

import psycopg2

import harness
import pgproto

INSUFFICIENT_PRIVILEGE = "42501"


class Guard(harness.ClusterTestCase):
    CLUSTER = "guard"

    def setUp(self):
        self.conn = psycopg2.connect(self.cluster.conninfo(self.server.master_user),
                                     password=self.server.master_password)
        self.conn.autocommit = True

    def tearDown(self):
        self.conn.close()

    def value(self, sql, *params):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]

    def assert_refused(self, sql, hint="superuser"):
        with self.conn.cursor() as cur, self.assertRaises(psycopg2.Error, msg=sql) as caught:
            cur.execute(sql)
        self.assertEqual(caught.exception.pgcode, INSUFFICIENT_PRIVILEGE, f"{sql}: {caught.exception}")
        if hint is not None:
            self.assertIn(hint, caught.exception.diag.message_hint or "", sql)
        return caught.exception

    def is_member(self, role, group):
        return self.value("SELECT pg_has_role(%s, %s, 'MEMBER')", role, group)

    def role_exists(self, name):
        return self.value("SELECT count(*) FROM pg_roles WHERE rolname = %s", name) == 1

    # --- the OS user's powers ----------------------------------------------------------------
    def test_server_file_and_program_roles_cannot_be_granted(self):
        master = self.server.master_user
        for sql, role, group in [
            (f"GRANT pg_execute_server_program TO {master}", master, "pg_execute_server_program"),
            (f"GRANT pg_read_server_files TO {master}", master, "pg_read_server_files"),
            (f"GRANT pg_read_server_files TO {master} WITH ADMIN OPTION", master, "pg_read_server_files"),
            ("GRANT pg_write_server_files TO app", "app", "pg_write_server_files"),
            ("GRANT pg_read_all_data TO app", "app", "pg_read_all_data"),
            (f"ALTER GROUP pg_execute_server_program ADD USER {master}", master, "pg_execute_server_program"),
            (f"DO $$BEGIN EXECUTE 'GRANT pg_execute_server_program TO {master}'; END$$", master,
             "pg_execute_server_program"),
        ]:
            with self.subTest(sql=sql):
                self.assert_refused(sql)
                self.assertFalse(self.is_member(role, group), sql)

    def test_create_role_in_a_dangerous_role_is_refused(self):
        for sql in ["CREATE ROLE x IN ROLE pg_execute_server_program",
                    "CREATE ROLE x LOGIN IN GROUP pg_read_server_files",
                    "CREATE USER x IN ROLE app, pg_write_server_files"]:
            with self.subTest(sql=sql):
                self.assert_refused(sql)
                self.assertFalse(self.role_exists("x"))

    def test_copy_to_program_and_role_facts_stay_out_of_reach(self):
        e = self.assert_refused("COPY (SELECT 1) TO PROGRAM 'id'", hint=None)
        self.assertIn("pg_execute_server_program", str(e))
        e = self.assert_refused("SELECT * FROM borealis.role_facts('master')", hint=None)
        self.assertIn("permission denied", str(e))

    # --- borealis's own roles ----------------------------------------------------------------
    def test_borealis_roles_cannot_be_changed(self):
        master = self.server.master_user
        for sql in [
            f"GRANT borealis_gateway TO {master}",
            "GRANT app TO borealis_gateway",
            "REVOKE borealis_gateway FROM app",
            "ALTER GROUP app ADD USER borealis_gateway",
            "CREATE ROLE y ROLE borealis_gateway",
            "ALTER ROLE borealis_gateway NOLOGIN",
            "ALTER ROLE borealis_gateway PASSWORD 'x'",
            "ALTER USER borealis_gateway VALID UNTIL '2001-01-01'",
            "ALTER ROLE borealis_gateway SET statement_timeout = 1",
            "ALTER ROLE borealis_gateway RENAME TO gw",
            "DROP ROLE borealis_gateway",
            "DROP ROLE IF EXISTS app_unknown, borealis_gateway",
            "CREATE ROLE borealis_evil",
            f"ALTER ROLE {master} RENAME TO borealis_x",
            "ALTER ROLE app RENAME TO borealis_x",
        ]:
            with self.subTest(sql=sql):
                self.assert_refused(sql)
        self.assertFalse(self.is_member(master, "borealis_gateway"))
        self.assertFalse(self.is_member("borealis_gateway", "app"))
        for gone in ("y", "gw", "borealis_evil", "borealis_x"):
            self.assertFalse(self.role_exists(gone), gone)
        self.assertTrue(self.role_exists("app"))
        gw = self.value("SELECT row(rolcanlogin, rolvaliduntil IS NULL, rolconfig IS NULL)::text FROM pg_roles "
                        "WHERE rolname = 'borealis_gateway'")
        self.assertEqual(gw, "(t,t,t)")
        # The gateway still reads role facts as borealis_gateway: logins keep working.
        r = self.cluster.psql("app", "app-password-1", "SELECT current_user")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "app"), r.stderr)

    # --- what a tenant ordinarily does ---------------------------------------------------------
    def test_ordinary_role_management_still_works(self):
        with self.conn.cursor() as cur:
            cur.execute("CREATE ROLE app2 LOGIN PASSWORD 'app2-password-1'")
            cur.execute("GRANT rds_ad TO app2")
            cur.execute("GRANT pg_monitor TO app2")
            cur.execute("ALTER ROLE app2 VALID UNTIL '2999-01-01'")
            cur.execute("REVOKE pg_read_server_files FROM app2")  # taking away is always allowed
            cur.execute("CREATE DATABASE guard_db")
        self.assertTrue(self.is_member("app2", "rds_ad"))
        self.assertTrue(self.is_member("app2", "pg_monitor"))
        self.assertEqual(self.value("SELECT count(*) FROM pg_database WHERE datname = 'guard_db'"), 1)
        with self.conn.cursor() as cur:
            cur.execute("DROP DATABASE guard_db")
            cur.execute("DROP ROLE app2")
        self.assertFalse(self.role_exists("app2"))

    def test_guard_is_preloaded(self):
        loaded = self.value("SHOW shared_preload_libraries").strip('"')
        self.assertTrue(os.path.isabs(loaded), loaded)
        self.assertEqual(os.path.basename(loaded), "borealis_guard.so")


    # --- borealis.* session facts (src/pgext/session_facts.c) ---------------------------------
    def test_session_facts_are_set_by_the_gateway_and_read_only(self):
        self.assertEqual(self.value("SHOW borealis.auth_method"), "scram")
        self.assertEqual(self.value("SHOW borealis.auth_principal"), "")
        self.assertEqual(self.value("SHOW borealis.gss_encrypted"), "off")
        for sql in ["SET borealis.auth_method = 'gss'", "SET borealis.auth_principal = 'x@Y'",
                    "RESET borealis.gss_encrypted", "SET borealis.anything_else = 'x'"]:
            with self.subTest(sql=sql), self.conn.cursor() as cur, self.assertRaises(psycopg2.Error):
                cur.execute(sql)
        with self.conn.cursor() as cur, self.assertRaises(psycopg2.Error):
            cur.execute(f"ALTER ROLE {self.server.master_user} SET borealis.auth_principal = 'x@Y'")
        self.assertEqual(self.value("SHOW borealis.auth_method"), "scram")

    def test_clients_cannot_pass_session_facts(self):
        for extra in [{"borealis.auth_principal": "alice@CORP.EXAMPLE.COM"},
                      {"Borealis.Auth_Method": "gss"},
                      {"options": "-c borealis.auth_method=gss"},
                      {"options": "--BOREALIS.gss_encrypted=on"}]:
            with self.subTest(extra=extra):
                c = pgproto.Conn(self.cluster.address, self.cluster.port)
                try:
                    result = pgproto.login(c, self.server.master_user, self.server.master_password, params=extra)
                finally:
                    c.close()
                self.assertIn("error", result)
                self.assertEqual(result["error"]["C"], INSUFFICIENT_PRIVILEGE)
                self.assertIn('parameters under "borealis."', result["error"]["M"])
        # Other dotted settings still pass through to the backend.
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        try:
            result = pgproto.login(c, self.server.master_user, self.server.master_password,
                                   params={"application_name": "facts", "options": "-c statement_timeout=5s"})
            self.assertNotIn("error", result)
            self.assertEqual(pgproto.query(c, "SHOW statement_timeout")["rows"], [["5s"]])
        finally:
            c.close()

if __name__ == "__main__":
    unittest.main()
