"""Process lifecycle under the server's supervision: the gateway killed with SIGKILL or stopped with
SIGTERM (graceful: open sessions finish, then it exits and is restarted), the postmaster killed with
SIGKILL, the whole server restarted on its data dir, and a cluster deleted. Tests run in name order
and each leaves a working cluster behind."""
import json
import os
import signal
import socket
import time
import unittest

import psycopg2

import harness

CLUSTER = "lifecycle"


def alive(pid):
    """True while `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Lifecycle(harness.ClusterTestCase):
    CLUSTER = CLUSTER

    def login_works(self):
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", timeout=15)
        return r.returncode == 0, r.stderr

    def wait_for_login(self, timeout):
        """Seconds until a login worked; fails the test after `timeout`."""
        start = time.time()
        last = ""
        while time.time() - start < timeout:
            ok, last = self.login_works()
            if ok:
                return time.time() - start
            time.sleep(0.2)
        self.fail(f"no login within {timeout}s: {last}\n{self.server.server_log()[-3000:]}")

    def cluster_ids(self):
        out = self.server.cli("cluster", "list", "--data-dir", self.server.data_dir).stdout
        return [c["DBClusterIdentifier"] for c in json.loads(out)["DBClusters"]]

    def endpoint_refuses(self, address, port):
        try:
            socket.create_connection((address, port), timeout=2).close()
            return False
        except (ConnectionRefusedError, socket.timeout):
            return True

    # --- gateway --------------------------------------------------------------------------------
    def test_1_gateway_killed_is_restarted(self):
        old = self.server.gateway_pid()
        self.assertIsNotNone(old)
        os.kill(old, signal.SIGKILL)
        new = self.server.wait_for_gateway(not_pid=old, timeout=5)
        self.assertIsNotNone(new, "the supervisor did not restart the gateway within 5s:\n" + self.server.server_log())
        self.wait_for_login(10)
        self.assertIn(CLUSTER, self.cluster_ids())
        self.assertEqual(self.server.gateway_pid(), new)

    def test_2_gateway_sigterm_is_graceful(self):
        old = self.server.gateway_pid()
        conn = psycopg2.connect(self.cluster.conninfo("app"), password="app-password-1")
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
        os.kill(old, signal.SIGTERM)
        time.sleep(0.5)
        # The open session goes on working...
        for i in range(5):
            cur.execute("SELECT %s::int + 1, pg_backend_pid()", (i,))
            self.assertEqual(cur.fetchone(), (i + 1, backend))
            time.sleep(0.1)
        cur.execute("BEGIN; CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1); COMMIT")
        # ...new clients do not get in...
        self.assertTrue(self.endpoint_refuses(self.cluster.address, self.cluster.port), "gateway still accepting")
        ok, _ = self.login_works()
        self.assertFalse(ok)
        # ...and the draining gateway neither exits nor gets replaced while the session is open.
        self.assertTrue(alive(old))
        self.assertEqual(self.server.gateway_pid(), old)
        conn.close()
        deadline = time.time() + 5
        while alive(old) and time.time() < deadline:
            time.sleep(0.05)
        self.assertFalse(alive(old), "the gateway did not exit after its last client left")
        new = self.server.wait_for_gateway(not_pid=old, timeout=10)
        self.assertIsNotNone(new, "the supervisor did not restart the gateway:\n" + self.server.server_log())
        self.wait_for_login(10)
        self.assertIn("SIGTERM: graceful shutdown", self.server.gateway_log())

    # --- postgres -------------------------------------------------------------------------------
    def test_3_postmaster_killed_is_restarted(self):
        gateway = self.server.gateway_pid()
        old = self.server.postmaster_pid(CLUSTER + "-1")
        self.assertIsNotNone(old)
        self.assertTrue(alive(old))
        os.kill(old, signal.SIGKILL)
        took = self.wait_for_login(15)
        new = self.server.postmaster_pid(CLUSTER + "-1")
        self.assertNotEqual(new, old)
        self.assertTrue(alive(new))
        self.assertEqual(self.server.gateway_pid(), gateway, "the gateway crashed when its instance died")
        self.assertLess(took, 15)
        # Pooled backends and the catalog connection to the dead instance are replaced, not reused.
        for _ in range(3):
            ok, err = self.login_works()
            self.assertTrue(ok, err)

    # --- server ---------------------------------------------------------------------------------
    def test_4_server_restart_keeps_clusters(self):
        old_gateway = self.server.gateway_pid()
        leftovers = self.server.restart()
        self.assertEqual(leftovers, [], "processes outlived the server's SIGTERM")
        self.assertFalse(alive(old_gateway))
        cluster = self.server.wait_available(CLUSTER, timeout=60)
        self.assertEqual((cluster.address, cluster.port), (self.cluster.address, self.cluster.port))
        self.assertEqual(self.server.describe(CLUSTER)["Status"], "available")
        self.assertIn(CLUSTER, self.cluster_ids())
        ok, err = self.login_works()
        self.assertTrue(ok, err)
        self.assertEqual(self.cluster.admin_sql("SELECT count(*) FROM pg_roles WHERE rolname = 'app'"), "1")
        self.assertNotEqual(self.server.gateway_pid(), old_gateway)

    def test_5_cluster_delete_removes_everything(self):
        doomed = self.server.create_cluster("doomed")
        instance = "doomed-1"
        postmaster = self.server.postmaster_pid(instance)
        self.assertTrue(alive(postmaster))
        paths = [os.path.join(self.server.data_dir, "instances", instance),
                 os.path.join(self.server.data_dir, "run", "pg-" + instance),
                 os.path.join(self.server.data_dir, "gateway", "doomed.crt"),
                 os.path.join(self.server.data_dir, "gateway", "doomed.key")]
        for p in paths:
            self.assertTrue(os.path.exists(p), p)
        self.assertEqual(doomed.admin_sql("SELECT 1"), "1")

        self.server.cli("cluster", "delete", "--data-dir", self.server.data_dir, "--id", "doomed")
        deadline = time.time() + 60
        while time.time() < deadline and ("doomed" in self.cluster_ids() or alive(postmaster)
                                          or not self.endpoint_refuses(doomed.address, doomed.port)):
            time.sleep(0.2)
        self.assertNotIn("doomed", self.cluster_ids())
        self.assertFalse(alive(postmaster), "the deleted cluster's postgres is still running")
        self.assertTrue(self.endpoint_refuses(doomed.address, doomed.port), "the deleted endpoint still accepts")
        for p in paths:
            self.assertFalse(os.path.exists(p), p)
        r = self.server.cli("cluster", "describe", "--data-dir", self.server.data_dir, "--id", "doomed", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("doomed", [d for d in os.listdir(self.server.data_dir)])
        # The other cluster is untouched.
        ok, err = self.login_works()
        self.assertTrue(ok, err)


if __name__ == "__main__":
    unittest.main()
