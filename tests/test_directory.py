"""Directories and domain membership through the real server: `borealis directory create` → Active
(an MIT realm whose krb5kdc/kadmind the server supervises), a user added with the real directory tool
(`kadmin -p Admin`), `kinit` with the `borealis krb5-conf` output, a cluster joined to the domain
(keytab 0600 with postgres/<endpoint host>@REALM), key rotation (two kvnos), leaving the domain
(principal and keytab gone), a killed krb5kdc restarted, refusal to delete a directory in use, and
restart of the server (directory daemons come back). Tests run in name order and share one server.

Passwords reach the tools on stdin only, never argv."""
import json
import os
import random
import re
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

import harness

ADMIN_PASSWORD = "Adm1n!Passw0rd-it"
ALICE_PASSWORD = "Al1ce-Passw0rd!"
DOMAIN = "corp.example.com"
REALM = "CORP.EXAMPLE.COM"


def pids_of(exe_name, data_dir):
    """PIDs of `exe_name` processes (krb5kdc, kadmind) started for this test's data dir: their
    working directory is the realm's dir under the data dir."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() != exe_name:
                    continue
            if os.readlink(f"/proc/{entry}/cwd").startswith(data_dir):
                found.append(int(entry))
        except OSError:
            continue
    return found


class Directory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()
        cls.tmp = tempfile.mkdtemp(prefix="borealis-dir-client-")
        cls.directory_id = None

    @classmethod
    def tearDownClass(cls):
        # The server stops the directory daemons it started; stop() fails if any process survives.
        try:
            cls.server.stop()
        finally:
            subprocess.run(["rm", "-rf", cls.tmp])
        leftovers = pids_of("krb5kdc", cls.server.data_dir) + pids_of("kadmind", cls.server.data_dir)
        if leftovers:
            for pid in leftovers:
                os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"directory daemons survived the server: {leftovers}")

    # --- helpers ---------------------------------------------------------------------------------
    def cli(self, *args, **kw):
        return self.server.cli(*args, **kw)

    def describe_directory(self, directory_id=None):
        out = self.cli("directory", "describe", "--data-dir", self.server.data_dir,
                       "--directory-id", directory_id or self.directory_id).stdout
        return json.loads(out)

    def wait_stage(self, stage, directory_id=None, timeout=60):
        deadline = time.time() + timeout
        d = None
        while time.time() < deadline:
            d = self.describe_directory(directory_id)
            if d["Stage"] == stage:
                return d
            if d["Stage"] == "Failed" and stage != "Failed":
                self.fail(f"directory failed: {d['StageReason']}\n{self.server.server_log()[-3000:]}")
            time.sleep(0.2)
        self.fail(f"directory not {stage} in {timeout}s: {d}\n{self.server.server_log()[-3000:]}")

    def membership(self, cluster_id):
        info = self.server.describe(cluster_id)
        ms = info["DomainMemberships"]
        return ms[0] if ms else None

    def wait_membership(self, cluster_id, status, timeout=60):
        deadline = time.time() + timeout
        m = None
        while time.time() < deadline:
            m = self.membership(cluster_id)
            if (m is None and status is None) or (m is not None and m["Status"] == status):
                return m
            time.sleep(0.2)
        self.fail(f"membership of {cluster_id} not {status} in {timeout}s: {m}\n{self.server.server_log()[-3000:]}")

    def client_env(self, ccache="cc"):
        e = {k: v for k, v in os.environ.items() if not k.startswith("KRB5")}
        e["KRB5_CONFIG"] = os.path.join(self.tmp, "krb5.conf")
        e["KRB5CCNAME"] = "FILE:" + os.path.join(self.tmp, ccache)
        return e

    def tool(self, args, stdin="", ccache="cc"):
        return subprocess.run(args, input=stdin, capture_output=True, text=True, env=self.client_env(ccache),
                              timeout=30)

    def keytab_entries(self, path):
        """{(kvno, principal)} in a keytab, read with klist -k."""
        r = self.tool(["klist", "-k", path])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = set()
        for line in r.stdout.splitlines():
            m = re.match(r"^\s*(\d+)\s+(\S+)\s*$", line)
            if m:
                out.add((int(m.group(1)), m.group(2)))
        return out

    def keytab(self, cluster_id):
        return os.path.join(self.server.data_dir, "gateway", f"{cluster_id}.keytab")

    def getprinc(self, name):
        return self.tool(["kadmin", "-p", "Admin", "-q", f"getprinc {name}"], stdin=ADMIN_PASSWORD + "\n",
                         ccache="cc-kadmin")

    def gateway_config(self):
        with open(os.path.join(self.server.data_dir, "gateway", "config.json")) as f:
            return json.load(f)

    # --- tests -----------------------------------------------------------------------------------
    def test_1_create_directory_becomes_active(self):
        r = self.cli("directory", "create", "--data-dir", self.server.data_dir, "--name", DOMAIN,
                     "--description", "integration test", "--password-stdin", input=ADMIN_PASSWORD + "\n")
        created = json.loads(r.stdout)
        self.assertRegex(created["DirectoryId"], r"^d-[0-9a-f]{10}$")
        self.assertEqual(created["Name"], DOMAIN)
        self.assertEqual(created["Realm"], REALM)
        self.assertEqual(created["ShortName"], "CORP")
        self.assertIn(created["Stage"], ("Requested", "Creating", "Active"))
        type(self).directory_id = created["DirectoryId"]
        d = self.wait_stage("Active")
        address = d["DnsIpAddrs"][0]
        self.assertRegex(address, r"^127\.\d+\.20\.\d+$")
        for port in (d["KdcPort"], d["KadminPort"], d["KpasswdPort"]):
            self.assertGreater(port, 1024)
            socket.create_connection((address, port), timeout=5).close()
        # The password was needed once: it is not kept, nor printed, nor logged.
        self.assertNotIn(ADMIN_PASSWORD, r.stdout + r.stderr + self.server.server_log())
        listed = json.loads(self.cli("directory", "list", "--data-dir", self.server.data_dir).stdout)
        self.assertEqual([x["DirectoryId"] for x in listed["DirectoryDescriptions"]], [self.directory_id])
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.server.data_dir, "borealis.db")).st_mode), 0o600)

    def test_2_admin_adds_user_and_kinit_works(self):
        conf = self.cli("krb5-conf", "--data-dir", self.server.data_dir, self.directory_id).stdout
        for needed in ("rdns = false", "dns_canonicalize_hostname = false", f"{REALM} = {{", "kdc = ",
                       "admin_server = ", "kpasswd_server = "):
            self.assertIn(needed, conf)
        with open(os.path.join(self.tmp, "krb5.conf"), "w") as f:
            f.write(conf)
        r = self.tool(["kadmin", "-p", "Admin", "-q", "addprinc alice"],
                      stdin=f"{ADMIN_PASSWORD}\n{ALICE_PASSWORD}\n{ALICE_PASSWORD}\n", ccache="cc-kadmin")
        self.assertIn(f'Principal "alice@{REALM}" created', r.stdout + r.stderr)
        r = self.tool(["kinit", f"alice@{REALM}"], stdin=ALICE_PASSWORD + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.tool(["klist"])
        self.assertIn(f"krbtgt/{REALM}@{REALM}", r.stdout)
        # Admin may not touch the service principals borealis manages.
        r = self.tool(["kadmin", "-p", "Admin", "-q", "addprinc -randkey postgres/evil.example.com"],
                      stdin=ADMIN_PASSWORD + "\n", ccache="cc-kadmin")
        self.assertNotIn("created", r.stdout)

    def test_2b_users_change_their_password_with_kpasswd(self):
        # A user of its own, so alice's password stays what later tests expect.
        old, new = "Erin-Old-pw-1", "Erin-New-pw-2"
        r = self.tool(["kadmin", "-p", "Admin", "-q", "addprinc erin"], stdin=f"{ADMIN_PASSWORD}\n{old}\n{old}\n",
                      ccache="cc-kadmin")
        self.assertIn(f'Principal "erin@{REALM}" created', r.stdout + r.stderr)
        # kpasswd talks to kadmind's password-change service (the directory's kpasswd port).
        r = self.tool(["kpasswd", f"erin@{REALM}"], stdin=f"{old}\n{new}\n{new}\n", ccache="cc-erin")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Password changed", r.stdout + r.stderr)
        r = self.tool(["kinit", f"erin@{REALM}"], stdin=old + "\n", ccache="cc-erin")
        self.assertNotEqual(r.returncode, 0, "the old password still works")
        r = self.tool(["kinit", f"erin@{REALM}"], stdin=new + "\n", ccache="cc-erin")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_3_cluster_joins_the_domain(self):
        # A domain that does not exist is refused up front.
        r = self.cli("cluster", "create", "--data-dir", self.server.data_dir, "--id", "nodomain",
                     "--master-username", "master", "--master-user-password-stdin", "--domain", "d-0000000000",
                     input="Master-pass-1\n", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not found", r.stderr)

        self.cli("cluster", "create", "--data-dir", self.server.data_dir, "--id", "kdb", "--master-username",
                 self.server.master_user, "--master-user-password-stdin", "--domain", self.directory_id,
                 input=self.server.master_password + "\n")
        cluster = self.server.wait_available("kdb")
        type(self).cluster = cluster
        m = self.wait_membership("kdb", "kerberos-enabled")
        self.assertEqual(m["Domain"], self.directory_id)
        self.assertEqual(m["FQDN"], DOMAIN)
        self.assertIn("IAMRoleName", m)
        self.assertFalse(self.server.describe("kdb")["KrbCaseinsUsers"])

        keytab = self.keytab("kdb")
        st = os.stat(keytab)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        gw_dir = os.stat(os.path.join(self.server.data_dir, "gateway"))
        self.assertEqual(st.st_uid, gw_dir.st_uid)  # the gateway's OS user
        principal = f"postgres/{cluster.host}@{REALM}"
        entries = self.keytab_entries(keytab)
        self.assertEqual({p for _, p in entries}, {principal})
        self.assertEqual(len({k for k, _ in entries}), 1)

        # A user can get a ticket for the endpoint's service principal.
        r = self.tool(["kvno", f"postgres/{cluster.host}"])
        self.assertEqual(r.returncode, 0, r.stderr)

        # The gateway is configured for Kerberos on this endpoint.
        deadline = time.time() + 10
        while time.time() < deadline:
            ep = [e for e in self.gateway_config()["endpoints"] if e["cluster_id"] == "kdb"]
            if ep and ep[0].get("kerberos"):
                break
            time.sleep(0.2)
        krb = ep[0]["kerberos"]
        self.assertEqual(krb["realm"], REALM)
        self.assertEqual(krb["service_principal"], principal)
        self.assertEqual(krb["keytab"], keytab)
        self.assertTrue(krb["replay_cache"].startswith(os.path.join(self.server.data_dir, "gateway", "rcache")))
        rcache_dir = os.stat(os.path.join(self.server.data_dir, "gateway", "rcache"))
        self.assertEqual(stat.S_IMODE(rcache_dir.st_mode), 0o700)
        with open(os.path.join(self.server.data_dir, "gateway", "krb5.conf")) as f:
            gw_conf = f.read()
        self.assertIn("rdns = false", gw_conf)
        self.assertIn("dns_canonicalize_hostname = false", gw_conf)
        self.assertIn(f"{REALM} = {{", gw_conf)
        gw = self.server.gateway_pid()
        with open(f"/proc/{gw}/environ", "rb") as f:
            env = f.read().split(b"\0")
        self.assertIn(b"KRB5_CONFIG=" + os.path.join(self.server.data_dir, "gateway", "krb5.conf").encode(), env)

    def test_3a_password_logins_still_work_on_a_kerberos_endpoint(self):
        for _ in range(3):  # fresh and pooled backends
            r = self.cluster.psql(self.server.master_user, self.server.master_password, "SELECT 1", timeout=15)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "1"), r.stderr)

    def test_4_case_insensitive_users_reach_the_gateway_config(self):
        self.cli("cluster", "modify", "--data-dir", self.server.data_dir, "--id", "kdb", "--krb-caseins-users", "on")
        self.assertTrue(self.server.describe("kdb")["KrbCaseinsUsers"])
        deadline = time.time() + 10
        while time.time() < deadline:
            ep = [e for e in self.gateway_config()["endpoints"] if e["cluster_id"] == "kdb"][0]
            if ep.get("kerberos", {}).get("caseins_users"):
                break
            time.sleep(0.2)
        self.assertTrue(ep["kerberos"]["caseins_users"])

    def test_5_key_rotation_keeps_the_previous_kvno(self):
        principal = f"postgres/{self.cluster.host}@{REALM}"
        before = {k for k, _ in self.keytab_entries(self.keytab("kdb"))}
        self.cli("cluster", "modify", "--data-dir", self.server.data_dir, "--id", "kdb", "--rotate-kerberos-key")
        deadline = time.time() + 30
        after = before
        while time.time() < deadline:
            after = {k for k, p in self.keytab_entries(self.keytab("kdb")) if p == principal}
            if len(after) == 2:
                break
            time.sleep(0.2)
        self.assertEqual(len(after), 2, after)
        self.assertEqual(after, {max(before), max(before) + 1})
        self.assertEqual(self.membership("kdb")["Status"], "kerberos-enabled")
        # The KDC now issues tickets with the new kvno, which the keytab holds.
        r = self.tool(["kvno", f"postgres/{self.cluster.host}"], ccache="cc-rotated")
        # (a fresh ccache has no TGT: get one first)
        if r.returncode != 0:
            self.tool(["kinit", f"alice@{REALM}"], stdin=ALICE_PASSWORD + "\n", ccache="cc-rotated")
            r = self.tool(["kvno", f"postgres/{self.cluster.host}"], ccache="cc-rotated")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"kvno = {max(before) + 1}", r.stdout)

    def test_6_directory_in_use_cannot_be_deleted(self):
        r = self.cli("directory", "delete", "--data-dir", self.server.data_dir, "--directory-id", self.directory_id,
                     check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("kdb", r.stderr)
        self.assertEqual(self.describe_directory()["Stage"], "Active")

    def test_7_killed_kdc_is_restarted(self):
        d = self.describe_directory()
        old = pids_of("krb5kdc", self.server.data_dir)
        self.assertEqual(len(old), 1, old)
        os.kill(old[0], signal.SIGKILL)
        deadline = time.time() + 30
        new = []
        while time.time() < deadline:
            new = [p for p in pids_of("krb5kdc", self.server.data_dir) if p != old[0]]
            if new:
                try:
                    socket.create_connection((d["DnsIpAddrs"][0], d["KdcPort"]), timeout=2).close()
                    break
                except OSError:
                    pass
            time.sleep(0.2)
        self.assertTrue(new, "krb5kdc was not restarted\n" + self.server.server_log()[-3000:])
        r = self.tool(["kinit", f"alice@{REALM}"], stdin=ALICE_PASSWORD + "\n", ccache="cc-after-kill")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_8_leaving_the_domain_removes_principal_and_keytab(self):
        principal = f"postgres/{self.cluster.host}"
        self.assertIn(f"Principal: {principal}@{REALM}", self.getprinc(principal).stdout)
        self.cli("cluster", "modify", "--data-dir", self.server.data_dir, "--id", "kdb", "--domain", "none")
        self.wait_membership("kdb", None)
        self.assertFalse(os.path.exists(self.keytab("kdb")))
        r = self.getprinc(principal)
        self.assertIn("does not exist", r.stdout + r.stderr)
        deadline = time.time() + 10
        while time.time() < deadline:
            ep = [e for e in self.gateway_config()["endpoints"] if e["cluster_id"] == "kdb"][0]
            if not ep.get("kerberos"):
                break
            time.sleep(0.2)
        self.assertFalse(ep.get("kerberos"))
        self.assertEqual(self.cluster.admin_sql("SELECT 1"), "1")

    def test_9_join_waits_for_directory_then_restart_and_delete(self):
        # A second directory: joining while it is not yet Active fails with a reason, then repairs itself.
        r = self.cli("directory", "create", "--data-dir", self.server.data_dir, "--name", "other.example.com",
                     "--password-stdin", input=ADMIN_PASSWORD + "\n")
        other = json.loads(r.stdout)["DirectoryId"]
        self.cli("cluster", "modify", "--data-dir", self.server.data_dir, "--id", "kdb", "--domain", other)
        self.wait_stage("Active", other)
        m = self.wait_membership("kdb", "kerberos-enabled")
        self.assertEqual(m["Domain"], other)
        self.assertEqual({p for _, p in self.keytab_entries(self.keytab("kdb"))},
                         {f"postgres/{self.cluster.host}@OTHER.EXAMPLE.COM"})

        # Restart: the directories' daemons come back with the server.
        leftovers = self.server.restart()
        self.assertEqual(leftovers, [], "processes survived the server stop")
        self.wait_stage("Active", other)
        deadline = time.time() + 30
        while time.time() < deadline and len(pids_of("krb5kdc", self.server.data_dir)) < 2:
            time.sleep(0.2)
        self.assertEqual(len(pids_of("krb5kdc", self.server.data_dir)), 2)
        r = self.tool(["kinit", f"alice@{REALM}"], stdin=ALICE_PASSWORD + "\n", ccache="cc-after-restart")
        self.assertEqual(r.returncode, 0, r.stderr)

        # Deleting the cluster removes its principal; then the directory can go.
        self.cli("cluster", "delete", "--data-dir", self.server.data_dir, "--id", "kdb")
        deadline = time.time() + 60
        while time.time() < deadline:
            ids = [c["DBClusterIdentifier"] for c in
                   json.loads(self.cli("cluster", "list", "--data-dir", self.server.data_dir).stdout)["DBClusters"]]
            if "kdb" not in ids:
                break
            time.sleep(0.2)
        self.assertFalse(os.path.exists(self.keytab("kdb")))
        self.cli("directory", "delete", "--data-dir", self.server.data_dir, "--directory-id", other)
        deadline = time.time() + 30
        while time.time() < deadline:
            r = self.cli("directory", "describe", "--data-dir", self.server.data_dir, "--directory-id", other,
                         check=False)
            if r.returncode != 0:
                break
            time.sleep(0.2)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "directories", other)))
        self.assertEqual(len(pids_of("krb5kdc", self.server.data_dir)), 1)

    def test_9b_directory_that_cannot_start_fails_with_a_reason(self):
        # Occupy the KDC port on the addresses the next directory may get: its krb5kdc cannot bind.
        # Bound without SO_REUSEADDR (so the KDC's bind fails) and not listening (so the readiness
        # probe is not answered by the blocker instead of the KDC).
        network = self.server.extra_args[self.server.extra_args.index("--endpoint-network") + 1]
        blockers = []
        for n in range(2, 6):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((f"{network}.20.{n}", 1088))
            blockers.append(s)
        try:
            r = self.cli("directory", "create", "--data-dir", self.server.data_dir, "--name", "broken.example.com",
                         "--password-stdin", input=ADMIN_PASSWORD + "\n")
            broken = json.loads(r.stdout)["DirectoryId"]
            d = self.wait_stage("Failed", broken, timeout=90)
            self.assertIn("did not start", d["StageReason"])
            self.assertNotIn(ADMIN_PASSWORD, d["StageReason"])
        finally:
            for s in blockers:
                s.close()
        self.cli("directory", "delete", "--data-dir", self.server.data_dir, "--directory-id", broken)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.cli("directory", "describe", "--data-dir", self.server.data_dir, "--directory-id", broken,
                        check=False).returncode != 0:
                break
            time.sleep(0.2)
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "directories", broken)))


class DevQuickstart(unittest.TestCase):
    """`borealis dev` ends with a directory, a user alice, the dev cluster joined to the domain and
    the printed kinit/psql commands, which log alice in with Kerberos (gssencmode=require)."""

    def test_dev_prints_commands_that_log_alice_in(self):
        tmp = tempfile.mkdtemp(prefix="borealis-dev-it-")
        os.chmod(tmp, 0o711)
        data = os.path.join(tmp, "data")
        out_path = os.path.join(tmp, "out.log")
        network = f"127.{random.randint(20, 250)}"
        with open(out_path, "wb") as out:
            proc = subprocess.Popen([harness.BOREALIS_BIN, "dev", "--data-dir", data, "--endpoint-network", network],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.time() + 180
            text = ""
            while time.time() < deadline:
                with open(out_path, errors="replace") as f:
                    text = f.read()
                if "psql" in text and "gssencmode=require" in text:
                    break
                self.assertIsNone(proc.poll(), "borealis dev exited:\n" + text[-3000:])
                time.sleep(0.3)
            kinit = [l.strip() for l in text.splitlines() if " kinit alice@CORP.EXAMPLE.COM < " in l]
            psql = [l.strip() for l in text.splitlines() if "gssencmode=require" in l]
            self.assertTrue(kinit and psql, text[-3000:])
            for secret in ("dev.directory-admin", "dev.alice-password", "dev.pgpass"):
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(data, secret)).st_mode), 0o600)
            with open(os.path.join(data, "dev.alice-password")) as f:
                self.assertNotIn(f.read().strip(), text)
            env = {k: v for k, v in os.environ.items() if not k.startswith("KRB5") and not k.startswith("PG")}
            env["KRB5CCNAME"] = "FILE:" + os.path.join(tmp, "cc")
            r = subprocess.run(["bash", "-c", kinit[0]], capture_output=True, text=True, env=env, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run(["bash", "-c", psql[0] + " -X -At -c 'SELECT current_user'"], capture_output=True,
                               text=True, env=env, timeout=30)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "alice@CORP.EXAMPLE.COM"), r.stderr)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=90)
            finally:
                leftovers = pids_of("krb5kdc", data) + pids_of("kadmind", data) + pids_of("postgres", data)
                for pid in leftovers:
                    os.kill(pid, signal.SIGKILL)
                subprocess.run(["rm", "-rf", tmp])
        self.assertEqual(leftovers, [])


if __name__ == "__main__":
    unittest.main()
