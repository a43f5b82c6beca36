"""The RDS API through Debian's aws CLI v2 (/usr/bin/aws) against a real `borealis server`: the engine
catalogue, a cluster created without instances (available, serving nothing), its writer from
create-db-instance, logins through the gateway, a master-password change, a reboot, tags, deletion
in AWS's order, and the AWS errors the CLI shows. Tests run in name order."""
import json
import time
import unittest

import harness

CLUSTER = "apirds"
WRITER = "apirds-writer"
PASSWORD = "first-Passw0rd"
NEW_PASSWORD = "second-Passw0rd"


class RdsApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()
        if not cls.server.api_url:
            cls.server.stop(check_leftovers=False)
            raise unittest.SkipTest("the server serves no API")
        # Clients reach a cluster only as its security groups allow (the gateway enforces ingress): let
        # loopback clients through the default VPC's default group, which a cluster gets when it names none.
        vpc = cls.server.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"][0]["VpcId"]
        group = cls.server.aws("ec2", "describe-security-groups", "--filters", f"Name=vpc-id,Values={vpc}",
                               "Name=group-name,Values=default")["SecurityGroups"][0]["GroupId"]
        cls.server.aws("ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "5432",
                       "--cidr", "127.0.0.0/8")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def aws(self, *args):
        return self.server.aws("rds", *args)

    def error(self, *args):
        return self.server.aws_error("rds", *args)

    def wait_for(self, what, check, timeout=120):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = check()
            if last is True:
                return
            time.sleep(0.3)
        self.fail(f"{what} not reached in {timeout}s (last: {last}):\n" + self.server.server_log()[-4000:])

    def cluster_status(self):
        return self.aws("describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]["Status"]

    def instance_status(self):
        r = self.server.aws_run("rds", "describe-db-instances", "--db-instance-identifier", WRITER)
        if r.returncode != 0:
            return "DBInstanceNotFound" if "DBInstanceNotFound" in r.stderr else r.stderr
        return json.loads(r.stdout)["DBInstances"][0]["DBInstanceStatus"]

    def login(self, password):
        info = self.server.describe(CLUSTER)
        cluster = harness.Cluster(self.server, info)
        return cluster.psql("postgres", password, "SELECT current_user", timeout=15)

    def test_1_engine_catalogue(self):
        versions = self.aws("describe-db-engine-versions", "--engine", "aurora-postgresql")["DBEngineVersions"]
        self.assertEqual(len(versions), 1)
        self.assertTrue(versions[0]["EngineVersion"].startswith("15."), versions[0])
        self.assertEqual(versions[0]["DBParameterGroupFamily"], "aurora-postgresql15")
        options = self.aws("describe-orderable-db-instance-options", "--engine", "aurora-postgresql",
                           "--db-instance-class", "db.r6g.large")["OrderableDBInstanceOptions"]
        self.assertEqual(len(options), 1)
        self.assertIs(options[0]["SupportsKerberosAuthentication"], True)  # Debian's PostgreSQL has GSSAPI
        self.assertIs(options[0]["SupportsIAMDatabaseAuthentication"], True)

    def test_2_cluster_without_instances_is_available(self):
        out = self.aws("create-db-cluster", "--db-cluster-identifier", CLUSTER, "--engine", "aurora-postgresql",
                       "--master-username", "postgres", "--master-user-password", PASSWORD,
                       "--enable-iam-database-authentication")["DBCluster"]
        self.assertEqual(out["DBClusterIdentifier"], CLUSTER)
        self.assertEqual(out["Status"], "creating")
        self.assertTrue(out["DBClusterArn"].endswith(":cluster:" + CLUSTER), out["DBClusterArn"])
        self.assertTrue(out["DbClusterResourceId"].startswith("cluster-"))
        self.assertNotIn(PASSWORD, str(out))
        self.wait_for("cluster available", lambda: self.cluster_status() == "available" or self.cluster_status())
        described = self.aws("describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]
        self.assertEqual(described["DBClusterMembers"], [])
        self.assertIs(described["IAMDatabaseAuthenticationEnabled"], True)
        self.assertEqual(described["Port"], 5432)
        self.assertEqual(described["DBClusterParameterGroup"], "default.aurora-postgresql15")
        # No instance, no endpoint: a login cannot get through yet.
        self.assertNotEqual(self.login(PASSWORD).returncode, 0)

    def test_3_writer_from_create_db_instance(self):
        out = self.aws("create-db-instance", "--db-instance-identifier", WRITER, "--db-cluster-identifier", CLUSTER,
                       "--engine", "aurora-postgresql", "--db-instance-class", "db.r6g.large")["DBInstance"]
        self.assertEqual(out["DBInstanceStatus"], "creating")
        self.assertEqual(out["DBClusterIdentifier"], CLUSTER)
        self.assertIs(out["PubliclyAccessible"], False)
        self.wait_for("instance available", lambda: self.instance_status() == "available" or self.instance_status())
        self.wait_for("login", lambda: self.login(PASSWORD).returncode == 0 or self.login(PASSWORD).stderr)
        cluster = self.aws("describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]
        self.assertEqual(cluster["DBClusterMembers"][0]["DBInstanceIdentifier"], WRITER)
        # The reader endpoint reaches the writer while there are no replicas, as on Aurora, and the
        # endpoint certificate names it: verify-full against it works.
        reader = cluster["ReaderEndpoint"]
        self.assertIn(".cluster-ro-", reader)
        r = harness.Cluster(self.server, self.server.describe(CLUSTER)).psql(
            "postgres", PASSWORD, "SELECT current_user", tls=True, host=reader, timeout=15)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIs(cluster["DBClusterMembers"][0]["IsClusterWriter"], True)
        instance = self.aws("describe-db-instances", "--db-instance-identifier", WRITER)["DBInstances"][0]
        # The instance has its own endpoint name (RDS's <instance>.<suffix>.<region>… shape), which reaches
        # it over verified TLS.
        self.assertTrue(instance["Endpoint"]["Address"].startswith(WRITER + "."), instance["Endpoint"])
        self.assertNotEqual(instance["Endpoint"]["Address"], cluster["Endpoint"])
        r = harness.Cluster(self.server, self.server.describe(CLUSTER)).psql(
            "postgres", PASSWORD, "SELECT current_user", tls=True, host=instance["Endpoint"]["Address"], timeout=15)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(instance["Endpoint"]["Port"], 5432)
        self.assertTrue(instance["DbiResourceId"].startswith("db-"))
        # A reader needs replication, which borealis does not run yet: refused, and says so.
        err = self.error("create-db-instance", "--db-instance-identifier", "apirds-reader", "--db-cluster-identifier",
                         CLUSTER, "--engine", "aurora-postgresql", "--db-instance-class", "db.r6g.large")
        self.assertIn("InvalidDBClusterStateFault", err)
        self.assertIn("not supported", err)

    def test_4_master_password_change(self):
        self.aws("modify-db-cluster", "--db-cluster-identifier", CLUSTER, "--master-user-password", NEW_PASSWORD,
                 "--apply-immediately")
        self.wait_for("new password", lambda: self.login(NEW_PASSWORD).returncode == 0 or "not yet")
        self.assertNotEqual(self.login(PASSWORD).returncode, 0)
        self.assertEqual(self.instance_status(), "available")

    def test_5_reboot_restarts_postgres(self):
        before = self.server.postmaster_pid(WRITER)
        self.assertIsNotNone(before)
        out = self.aws("reboot-db-instance", "--db-instance-identifier", WRITER)["DBInstance"]
        self.assertEqual(out["DBInstanceStatus"], "rebooting")
        self.wait_for("instance available", lambda: self.instance_status() == "available" or self.instance_status())
        self.assertNotEqual(self.server.postmaster_pid(WRITER), before)
        self.wait_for("login", lambda: self.login(NEW_PASSWORD).returncode == 0 or "not yet")

    def test_6_errors_the_cli_shows(self):
        self.assertIn("DBClusterNotFoundFault", self.error("describe-db-clusters", "--db-cluster-identifier", "nope"))
        self.assertIn("DBInstanceNotFound", self.error("describe-db-instances", "--db-instance-identifier", "nope"))
        err = self.error("create-db-cluster", "--db-cluster-identifier", "apirds2", "--engine", "aurora-postgresql",
                         "--master-username", "postgres", "--master-user-password", PASSWORD,
                         "--domain", "d-0123456789", "--domain-iam-role-name", "rds-directoryservice-kerberos-access-role")
        self.assertIn("DomainNotFoundFault", err)
        self.assertNotIn(PASSWORD, err)
        err = self.error("create-db-cluster", "--db-cluster-identifier", "apirds2", "--engine", "aurora-postgresql",
                         "--master-username", "postgres", "--master-user-password", PASSWORD,
                         "--domain-iam-role-name", "rds-directoryservice-kerberos-access-role")
        self.assertIn("InvalidParameterCombination", err)
        err = self.error("create-db-cluster", "--db-cluster-identifier", CLUSTER, "--engine", "aurora-postgresql",
                         "--master-username", "postgres", "--master-user-password", PASSWORD)
        self.assertIn("DBClusterAlreadyExistsFault", err)
        self.assertIn("InvalidDBClusterStateFault",
                      self.error("delete-db-cluster", "--db-cluster-identifier", CLUSTER, "--skip-final-snapshot"))
        self.assertIn("InvalidParameterCombination", self.error("delete-db-cluster", "--db-cluster-identifier", CLUSTER))

    def test_6a_tags_through_the_cli(self):
        arn = self.aws("describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]["DBClusterArn"]
        self.aws("add-tags-to-resource", "--resource-name", arn, "--tags", "Key=team,Value=payments", "Key=env,Value=prod")
        expected = [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "payments"}]
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-name", arn)["TagList"], expected)
        self.assertEqual(self.aws("describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]["TagList"],
                         expected)
        self.aws("remove-tags-from-resource", "--resource-name", arn, "--tag-keys", "team")
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-name", arn)["TagList"], expected[:1])
        instance_arn = self.aws("describe-db-instances", "--db-instance-identifier", WRITER)["DBInstances"][0]["DBInstanceArn"]
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-name", instance_arn)["TagList"], [])
        err = self.error("add-tags-to-resource", "--resource-name", arn, "--tags", "Key=aws:owner,Value=x")
        self.assertIn("InvalidParameterValue", err)
        self.assertIn("aws:", err)
        self.assertIn("DBClusterNotFoundFault", self.error("list-tags-for-resource", "--resource-name", arn + "-nope"))
        # Tags given at creation come back, and go with the group.
        group = self.aws("create-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "apirds-tagged",
                         "--db-parameter-group-family", "aurora-postgresql15", "--description", "tagged",
                         "--tags", "Key=owner,Value=dba team")["DBClusterParameterGroup"]
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-name", group["DBClusterParameterGroupArn"])["TagList"],
                         [{"Key": "owner", "Value": "dba team"}])
        self.aws("delete-db-cluster-parameter-group", "--db-cluster-parameter-group-name", "apirds-tagged")
        self.assertIn("DBParameterGroupNotFound",
                      self.error("list-tags-for-resource", "--resource-name", group["DBClusterParameterGroupArn"]))

    def test_6b_paging_through_the_cli(self):
        names = [f"apirds-page-{i:02d}" for i in range(23)]
        for name in names:
            self.aws("create-db-cluster-parameter-group", "--db-cluster-parameter-group-name", name,
                     "--db-parameter-group-family", "aurora-postgresql15", "--description", "paging")
        # --page-size 20: the CLI asks for MaxRecords=20 and follows the Markers; every group comes back once.
        listed = [g["DBClusterParameterGroupName"] for g in
                  self.aws("describe-db-cluster-parameter-groups", "--page-size", "20")["DBClusterParameterGroups"]]
        self.assertEqual(len(listed), len(set(listed)), listed)
        self.assertTrue(set(names) <= set(listed), listed)
        # --max-items 5 stops early and hands back a token that resumes where it stopped.
        first = self.aws("describe-db-cluster-parameter-groups", "--page-size", "20", "--max-items", "5")
        self.assertEqual(len(first["DBClusterParameterGroups"]), 5)
        rest = self.aws("describe-db-cluster-parameter-groups", "--page-size", "20", "--starting-token", first["NextToken"])
        resumed = [g["DBClusterParameterGroupName"] for g in first["DBClusterParameterGroups"] + rest["DBClusterParameterGroups"]]
        self.assertEqual(resumed, listed)
        for name in names:
            self.aws("delete-db-cluster-parameter-group", "--db-cluster-parameter-group-name", name)

    def test_7_delete_instance_then_cluster(self):
        out = self.aws("delete-db-instance", "--db-instance-identifier", WRITER)["DBInstance"]
        self.assertEqual(out["DBInstanceStatus"], "deleting")
        self.wait_for("instance gone", lambda: self.instance_status() == "DBInstanceNotFound" or self.instance_status())
        self.assertIsNone(self.server.postmaster_pid(WRITER))
        self.assertEqual(self.cluster_status(), "available")
        out = self.aws("delete-db-cluster", "--db-cluster-identifier", CLUSTER, "--skip-final-snapshot")["DBCluster"]
        self.assertEqual(out["Status"], "deleting")

        def gone():
            r = self.server.aws_run("rds", "describe-db-clusters", "--db-cluster-identifier", CLUSTER)
            return r.returncode != 0 and "DBClusterNotFoundFault" in r.stderr or r.stdout
        self.wait_for("cluster gone", gone)


if __name__ == "__main__":
    unittest.main()
