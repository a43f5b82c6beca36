"""The seed's workflow (docs/walkthrough.md), driven only by Debian's aws CLI v2 (/usr/bin/aws) against
borealis's AWS-compatible API, then the real directory tools (kadmin -p Admin), the master user's
psql, and a Kerberos login with kinit + psql:

  ds create-microsoft-ad → describe-directories until Active → iam create-role + attach-role-policy
  → ec2 security groups → rds create-db-cluster --domain --domain-iam-role-name → create-db-instance
  → describe-db-instances shows kerberos-enabled → CREATE USER "alice@REALM"; GRANT rds_ad → kinit + psql

and the preconditions broken on purpose (test_2…): each gives AWS's outcome with a reason a person can
act on, and re-issuing the same modify call after fixing the cause repairs it.
"""
import json
import os
import subprocess
import tempfile
import time
import unittest

from harness import Cluster, Server

DOMAIN = "corp.example.com"
REALM = DOMAIN.upper()
ADMIN_PASSWORD = "Admin-Passw0rd!"
ALICE_PASSWORD = "Al1ce-Passw0rd!"
MASTER_PASSWORD = "Master-pass-1"
ROLE = "rds-directoryservice-kerberos-access-role"
MANAGED_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": ["directoryservice.rds.amazonaws.com", "rds.amazonaws.com"]},
                   "Action": "sts:AssumeRole"}],
}


class Walkthrough(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        cls.tmp = tempfile.mkdtemp(prefix="borealis-walkthrough-")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # --- helpers ------------------------------------------------------------------------------
    def aws(self, *args, **kw):
        return self.server.aws(*args, **kw)

    def default_vpc(self):
        vpcs = self.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]
        self.assertEqual(len(vpcs), 1, vpcs)
        return vpcs[0]

    def subnets(self, vpc_id):
        subnets = self.aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpc_id}")["Subnets"]
        return sorted(subnets, key=lambda s: s["AvailabilityZone"])

    def wait_directory(self, directory_id, stage="Active", timeout=120):
        deadline = time.time() + timeout
        d = None
        while time.time() < deadline:
            d = self.aws("ds", "describe-directories", "--directory-ids", directory_id)["DirectoryDescriptions"][0]
            if d["Stage"] == stage:
                return d
            self.assertNotEqual(d["Stage"], "Failed", d)
            time.sleep(0.3)
        self.fail(f"directory {directory_id} not {stage}: {d}\n{self.server.server_log()[-3000:]}")

    def wait_instance(self, instance_id, membership_status, timeout=180):
        deadline = time.time() + timeout
        i = None
        while time.time() < deadline:
            i = self.aws("rds", "describe-db-instances", "--db-instance-identifier", instance_id)["DBInstances"][0]
            ms = i.get("DomainMemberships") or []
            if i["DBInstanceStatus"] == "available" and ms and ms[0]["Status"] == membership_status:
                return i
            time.sleep(0.5)
        self.fail(f"instance {instance_id} not available+{membership_status}: {i}\n{self.server.server_log()[-3000:]}")

    def cluster_membership(self, cluster_id):
        c = self.aws("rds", "describe-db-clusters", "--db-cluster-identifier", cluster_id)["DBClusters"][0]
        ms = c.get("DomainMemberships") or []
        return c, (ms[0] if ms else None)

    def wait_cluster_membership(self, cluster_id, status, timeout=120):
        deadline = time.time() + timeout
        m = None
        while time.time() < deadline:
            _, m = self.cluster_membership(cluster_id)
            if m and m["Status"] == status:
                return m
            time.sleep(0.5)
        self.fail(f"cluster {cluster_id} membership not {status}: {m}\n{self.server.server_log()[-3000:]}")

    def client_env(self, ccache):
        e = {k: v for k, v in os.environ.items() if not k.startswith("KRB5") and not k.startswith("PG")}
        e["KRB5_CONFIG"] = os.path.join(self.tmp, "krb5.conf")
        e["KRB5CCNAME"] = "FILE:" + os.path.join(self.tmp, ccache)
        return e

    def tool(self, args, stdin="", ccache="cc"):
        return subprocess.run(args, input=stdin, capture_output=True, text=True, env=self.client_env(ccache), timeout=60)

    # --- the walkthrough ------------------------------------------------------------------------
    def test_1_seed_workflow_with_the_aws_cli(self):
        s = self.server
        # Step 1: the directory, in the default VPC's first two subnets.
        vpc = self.default_vpc()
        subnets = self.subnets(vpc["VpcId"])
        self.assertGreaterEqual(len(subnets), 2)
        created = self.aws("ds", "create-microsoft-ad", "--name", DOMAIN, "--short-name", "CORP",
                           "--password", ADMIN_PASSWORD, "--edition", "Standard", "--vpc-settings",
                           f"VpcId={vpc['VpcId']},SubnetIds={subnets[0]['SubnetId']},{subnets[1]['SubnetId']}")
        directory_id = created["DirectoryId"]
        self.assertRegex(directory_id, r"^d-[0-9a-f]{10}$")
        d = self.wait_directory(directory_id)
        self.assertEqual(d["Name"], DOMAIN)
        self.assertEqual(d["Type"], "MicrosoftAD")
        self.assertEqual(d["VpcSettings"]["VpcId"], vpc["VpcId"])
        directory_sg = d["VpcSettings"]["SecurityGroupId"]
        self.assertTrue(directory_sg.startswith("sg-"))
        self.assertTrue(d["DnsIpAddrs"])

        # Step 2: the IAM role with the AWS-managed policy.
        role = self.aws("iam", "create-role", "--role-name", ROLE, "--assume-role-policy-document", json.dumps(TRUST))["Role"]
        self.assertEqual(role["RoleName"], ROLE)
        self.aws("iam", "attach-role-policy", "--role-name", ROLE, "--policy-arn", MANAGED_POLICY)
        attached = self.aws("iam", "list-attached-role-policies", "--role-name", ROLE)["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached], [MANAGED_POLICY])

        # Step 3: users in the directory, with its own tools.
        with open(os.path.join(self.tmp, "krb5.conf"), "w") as f:
            f.write(s.krb5_conf(directory_id))
        r = self.tool(["kadmin", "-p", "Admin", "-q", "addprinc alice"],
                      stdin=f"{ADMIN_PASSWORD}\n{ALICE_PASSWORD}\n{ALICE_PASSWORD}\n", ccache="cc-kadmin")
        self.assertIn("created", r.stdout + r.stderr)

        # Step 4: network. The DB's security group admits the directory's group and the clients.
        sg = self.aws("ec2", "create-security-group", "--group-name", "kerberos-db", "--description", "db",
                      "--vpc-id", vpc["VpcId"])["GroupId"]
        self.aws("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "all",
                 "--source-group", directory_sg)
        self.aws("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "5432",
                 "--cidr", "127.0.0.0/8")

        # Step 5: the cluster joined to the domain, and its writer.
        c = self.aws("rds", "create-db-cluster", "--db-cluster-identifier", "kerb-cluster", "--engine", "aurora-postgresql",
                     "--master-username", "master", "--master-user-password", MASTER_PASSWORD,
                     "--vpc-security-group-ids", sg, "--domain", directory_id, "--domain-iam-role-name", ROLE)["DBCluster"]
        self.assertEqual(c["DBClusterIdentifier"], "kerb-cluster")
        self.assertRegex(c["DbClusterResourceId"], r"^cluster-[A-Z0-9]{26}$")
        self.aws("rds", "create-db-instance", "--db-instance-identifier", "kerb-instance-1", "--db-cluster-identifier",
                 "kerb-cluster", "--engine", "aurora-postgresql", "--db-instance-class", "db.r6g.large")
        instance = self.wait_instance("kerb-instance-1", "kerberos-enabled")
        m = instance["DomainMemberships"][0]
        self.assertEqual(m["Domain"], directory_id)
        self.assertEqual(m["FQDN"], DOMAIN)
        self.assertEqual(m["IAMRoleName"], ROLE)
        c, cm = self.cluster_membership("kerb-cluster")
        self.assertEqual(cm["Status"], "kerberos-enabled")
        self.assertEqual([g["VpcSecurityGroupId"] for g in c["VpcSecurityGroups"]], [sg])

        # Step 6: the master user creates alice@REALM with rds_ad (SCRAM over verified TLS).
        cluster = Cluster(s, s.describe("kerb-cluster"))
        self.assertEqual(cluster.host, c["Endpoint"])
        deadline = time.time() + 60
        while True:
            r = cluster.psql("master", MASTER_PASSWORD,
                             f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";', tls=True)
            if r.returncode == 0 or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(r.returncode, 0, r.stderr + s.gateway_log()[-2000:])

        # Connecting: kinit alice, then psql with Kerberos (encrypted with GSSAPI).
        r = self.tool(["kinit", f"alice@{REALM}"], stdin=ALICE_PASSWORD + "\n", ccache="cc-alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        env = self.client_env("cc-alice")
        r = subprocess.run(["psql", "-X", "-At", cluster.conninfo(f"alice@{REALM}", gssencmode="require", sslmode="disable"),
                            "-c", "SHOW borealis.auth_method; SHOW borealis.auth_principal; SHOW borealis.gss_encrypted"],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + s.gateway_log()[-2000:])
        self.assertEqual(r.stdout.split(), ["gss", f"alice@{REALM}", "on"])
        type(self).state = {"directory_id": directory_id, "directory_sg": directory_sg, "sg": sg, "vpc": vpc["VpcId"],
                            "cluster": cluster}

    def test_2_security_group_ingress_is_enforced_by_the_gateway(self):
        st = self.state
        # Replace the client rule with one that does not admit loopback clients.
        self.aws("ec2", "revoke-security-group-ingress", "--group-id", st["sg"], "--protocol", "tcp", "--port", "5432",
                 "--cidr", "127.0.0.0/8")
        self.aws("ec2", "authorize-security-group-ingress", "--group-id", st["sg"], "--protocol", "tcp", "--port", "5432",
                 "--cidr", "10.0.0.0/8")
        cluster = st["cluster"]
        deadline = time.time() + 20
        while True:
            r = cluster.psql("master", MASTER_PASSWORD, "SELECT 1", tls=True)
            if r.returncode != 0 or time.time() > deadline:
                break
            time.sleep(0.3)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no inbound rule of the security groups", r.stderr)
        self.assertIn(st["sg"], r.stderr)
        self.assertIn("outcome=refused", self.server.gateway_log())
        # The cluster holds its group: EC2 refuses to delete it and names the holder.
        err = self.server.aws_error("ec2", "delete-security-group", "--group-id", st["sg"])
        self.assertIn("DependencyViolation", err)
        self.assertIn("kerb-cluster", err)
        # Fixing the rule lets clients in again.
        self.aws("ec2", "authorize-security-group-ingress", "--group-id", st["sg"], "--protocol", "tcp", "--port", "5432",
                 "--cidr", "127.0.0.1/32")
        deadline = time.time() + 20
        while True:
            r = cluster.psql("master", MASTER_PASSWORD, "SELECT 1", tls=True)
            if r.returncode == 0 or time.time() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_3_unknown_directory_is_domain_not_found(self):
        err = self.server.aws_error("rds", "create-db-cluster", "--db-cluster-identifier", "nodomain", "--engine",
                                    "aurora-postgresql", "--master-username", "master", "--master-user-password",
                                    MASTER_PASSWORD, "--domain", "d-0000000000", "--domain-iam-role-name", ROLE)
        self.assertIn("DomainNotFoundFault", err)

    def test_4_broken_role_fails_the_join_with_a_reason_and_a_retry_repairs_it(self):
        st = self.state
        broken = "broken-kerberos-role"
        wrong_trust = {"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        self.aws("iam", "create-role", "--role-name", broken, "--assume-role-policy-document", json.dumps(wrong_trust))
        self.aws("rds", "create-db-cluster", "--db-cluster-identifier", "role-cluster", "--engine", "aurora-postgresql",
                 "--master-username", "master", "--master-user-password", MASTER_PASSWORD,
                 "--vpc-security-group-ids", st["sg"])
        self.aws("rds", "create-db-instance", "--db-instance-identifier", "role-instance-1", "--db-cluster-identifier",
                 "role-cluster", "--engine", "aurora-postgresql", "--db-instance-class", "db.r6g.large")
        modify = ("rds", "modify-db-cluster", "--db-cluster-identifier", "role-cluster", "--domain", st["directory_id"],
                  "--domain-iam-role-name", broken, "--apply-immediately")

        # A role that does not exist.
        missing = ("rds", "modify-db-cluster", "--db-cluster-identifier", "role-cluster", "--domain", st["directory_id"],
                   "--domain-iam-role-name", "no-such-role", "--apply-immediately")
        self.aws(*missing)
        self.wait_cluster_membership("role-cluster", "enable-kerberos-failed")
        self.assertIn("no-such-role", self.server.describe("role-cluster")["DomainMemberships"][0]["StatusReason"])
        # A role that does not trust RDS.
        self.aws(*modify)
        self.wait_cluster_membership("role-cluster", "enable-kerberos-failed")
        self.assertIn("trust", self.server.describe("role-cluster")["DomainMemberships"][0]["StatusReason"])
        # Trust fixed, but no permissions.
        self.aws("iam", "update-assume-role-policy", "--role-name", broken, "--policy-document", json.dumps(TRUST))
        self.aws(*modify)
        self.wait_cluster_membership("role-cluster", "enable-kerberos-failed")
        reason = self.server.describe("role-cluster")["DomainMemberships"][0]["StatusReason"]
        self.assertIn("ds:", reason)
        # Permissions attached: the same modify call repairs it.
        self.aws("iam", "attach-role-policy", "--role-name", broken, "--policy-arn", MANAGED_POLICY)
        self.aws(*modify)
        self.wait_cluster_membership("role-cluster", "kerberos-enabled")

    def test_5_a_directory_in_another_vpc_needs_a_peering(self):
        st = self.state
        other = self.aws("ec2", "create-vpc", "--cidr-block", "10.20.0.0/16")["Vpc"]["VpcId"]
        a = self.aws("ec2", "create-subnet", "--vpc-id", other, "--cidr-block", "10.20.1.0/24",
                     "--availability-zone", "us-east-1a")["Subnet"]["SubnetId"]
        b = self.aws("ec2", "create-subnet", "--vpc-id", other, "--cidr-block", "10.20.2.0/24",
                     "--availability-zone", "us-east-1b")["Subnet"]["SubnetId"]
        d2 = self.aws("ds", "create-microsoft-ad", "--name", "other.example.com", "--password", ADMIN_PASSWORD,
                      "--vpc-settings", f"VpcId={other},SubnetIds={a},{b}")["DirectoryId"]
        d2_sg = self.wait_directory(d2)["VpcSettings"]["SecurityGroupId"]
        modify = ("rds", "modify-db-cluster", "--db-cluster-identifier", "role-cluster", "--domain", d2,
                  "--domain-iam-role-name", ROLE, "--apply-immediately")
        self.aws(*modify)
        self.wait_cluster_membership("role-cluster", "enable-kerberos-failed")
        reason = self.server.describe("role-cluster")["DomainMemberships"][0]["StatusReason"]
        self.assertIn("peering", reason)
        pcx = self.aws("ec2", "create-vpc-peering-connection", "--vpc-id", st["vpc"], "--peer-vpc-id",
                       other)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        self.aws("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
        status = self.aws("ec2", "describe-vpc-peering-connections", "--vpc-peering-connection-ids",
                          pcx)["VpcPeeringConnections"][0]["Status"]["Code"]
        self.assertEqual(status, "active")
        # With the VPCs peered, the DB's group can name the directory's group (AWS allows a reference
        # across an active peering only).
        self.aws("ec2", "authorize-security-group-ingress", "--group-id", st["sg"], "--protocol", "all",
                 "--source-group", d2_sg)
        self.aws(*modify)
        self.wait_cluster_membership("role-cluster", "kerberos-enabled")


class StsInactive(unittest.TestCase):
    """STS deactivated in the cluster's region: the join fails with that reason; once STS is active
    again (here: the server restarted without --sts-inactive-regions), the same modify call repairs it."""

    def test_join_needs_sts_in_the_region(self):
        server = Server(extra_args=["--sts-inactive-regions", "us-east-1"]).start()
        try:
            aws = server.aws
            vpc = aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"][0]["VpcId"]
            subnets = aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpc}")["Subnets"]
            ids = sorted(subnets, key=lambda s: s["AvailabilityZone"])
            directory_id = aws("ds", "create-microsoft-ad", "--name", DOMAIN, "--password", ADMIN_PASSWORD, "--vpc-settings",
                               f"VpcId={vpc},SubnetIds={ids[0]['SubnetId']},{ids[1]['SubnetId']}")["DirectoryId"]
            aws("iam", "create-role", "--role-name", ROLE, "--assume-role-policy-document", json.dumps(TRUST))
            aws("iam", "attach-role-policy", "--role-name", ROLE, "--policy-arn", MANAGED_POLICY)
            directory_sg = aws("ds", "describe-directories", "--directory-ids",
                               directory_id)["DirectoryDescriptions"][0]["VpcSettings"]["SecurityGroupId"]
            sg = aws("ec2", "create-security-group", "--group-name", "db", "--description", "db", "--vpc-id", vpc)["GroupId"]
            aws("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "all", "--source-group", directory_sg)
            # AssumeRole itself says why.
            err = server.aws_error("sts", "assume-role", "--role-arn",
                                   aws("iam", "get-role", "--role-name", ROLE)["Role"]["Arn"], "--role-session-name", "walkthrough")
            self.assertIn("RegionDisabledException", err)
            aws("rds", "create-db-cluster", "--db-cluster-identifier", "sts-cluster", "--engine", "aurora-postgresql",
                "--master-username", "master", "--master-user-password", MASTER_PASSWORD, "--domain", directory_id,
                "--domain-iam-role-name", ROLE, "--vpc-security-group-ids", sg)
            deadline = time.time() + 120
            m = None
            while time.time() < deadline:
                ms = server.describe("sts-cluster").get("DomainMemberships") or []
                m = ms[0] if ms else None
                if m and m["Status"] == "enable-kerberos-failed":
                    break
                time.sleep(0.5)
            self.assertEqual(m and m["Status"], "enable-kerberos-failed", m)
            self.assertIn("STS", m["StatusReason"])
            # STS active again: re-issuing the same modify call joins.
            server.extra_args = [a for a in server.extra_args if a not in ("--sts-inactive-regions", "us-east-1")]
            server.restart()
            aws("rds", "modify-db-cluster", "--db-cluster-identifier", "sts-cluster", "--domain", directory_id,
                "--domain-iam-role-name", ROLE, "--apply-immediately")
            server.wait_domain_status("sts-cluster", "kerberos-enabled")
        finally:
            server.stop()


class CrashRecovery(unittest.TestCase):
    """kill -9 of the server right after the API accepted a cluster and its writer (the reconciler is
    mid-way): after a restart both end available, once each, and nothing of the killed server is left."""

    def test_kill_9_mid_create_then_restart(self):
        server = Server().start()
        try:
            vpc = server.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"][0]["VpcId"]
            group = server.aws("ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={vpc}",
                               "Name=group-name,Values=default")["SecurityGroups"][0]["GroupId"]
            server.aws("ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port",
                       "5432", "--cidr", "127.0.0.0/8")
            server.aws("rds", "create-db-cluster", "--db-cluster-identifier", "crash", "--engine", "aurora-postgresql",
                       "--master-username", "master", "--master-user-password", MASTER_PASSWORD)
            server.aws("rds", "create-db-instance", "--db-instance-identifier", "crash-1", "--db-cluster-identifier",
                       "crash", "--engine", "aurora-postgresql", "--db-instance-class", "db.r6g.large")
            time.sleep(0.5)  # initdb is under way
            server.proc.kill()
            server.proc.wait()
            deadline = time.time() + 20  # children follow their parent (parent-death signal)
            while server.processes_under_data_dir() and time.time() < deadline:
                time.sleep(0.2)
            self.assertEqual(server.processes_under_data_dir(), [])
            server.start()
            deadline = time.time() + 180
            inst = None
            while time.time() < deadline:
                inst = server.aws("rds", "describe-db-instances", "--db-instance-identifier", "crash-1")["DBInstances"][0]
                if inst["DBInstanceStatus"] == "available":
                    break
                time.sleep(0.5)
            self.assertEqual(inst["DBInstanceStatus"], "available", server.server_log()[-3000:])
            clusters = server.aws("rds", "describe-db-clusters")["DBClusters"]
            self.assertEqual([c["DBClusterIdentifier"] for c in clusters], ["crash"])
            self.assertEqual([m["DBInstanceIdentifier"] for m in clusters[0]["DBClusterMembers"]], ["crash-1"])
            server.wait_for_login(Cluster(server, server.describe("crash")), time.time() + 60)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
