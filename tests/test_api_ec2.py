"""EC2 networking through `borealis server`'s AWS-compatible API, driven only by Debian's aws CLI v2
(/usr/bin/aws): the default VPC every served region gets at start (kept, not duplicated, across a
restart), security groups with rules by CIDR and by source group as `--protocol/--port/--cidr/
--source-group` send them, VPC peering create/accept/describe/delete, regions and zones, and the
error codes the CLI shows. The handlers' every error path is unit-tested in src/network/.
"""
import unittest

from harness import Server

REGIONS = ["us-east-1", "eu-west-1"]


class Ec2Api(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--regions", ",".join(REGIONS)]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def ec2(self, *args, region=None):
        return self.server.aws("ec2", *args, region=region)

    def ec2_error(self, code, *args, region=None):
        err = self.server.aws_error("ec2", *args, region=region)
        self.assertIn(f"({code})", err)
        return err

    def default_vpc(self, region=None):
        vpcs = self.ec2("describe-vpcs", "--filters", "Name=is-default,Values=true", region=region)["Vpcs"]
        self.assertEqual(len(vpcs), 1, vpcs)
        return vpcs[0]

    def test_1_default_network_in_every_region(self):
        for region in REGIONS:
            vpc = self.default_vpc(region)
            self.assertEqual(vpc["CidrBlock"], "172.31.0.0/16")
            self.assertTrue(vpc["IsDefault"])
            self.assertEqual(vpc["State"], "available")
            subnets = self.ec2("describe-subnets", "--filters", f"Name=vpc-id,Values={vpc['VpcId']}",
                               region=region)["Subnets"]
            self.assertEqual(sorted((s["AvailabilityZone"], s["CidrBlock"], s["DefaultForAz"]) for s in subnets),
                             [(f"{region}a", "172.31.0.0/20", True), (f"{region}b", "172.31.16.0/20", True),
                              (f"{region}c", "172.31.32.0/20", True)])
            groups = self.ec2("describe-security-groups", "--filters", f"Name=vpc-id,Values={vpc['VpcId']}",
                              "Name=group-name,Values=default", region=region)["SecurityGroups"]
            self.assertEqual(len(groups), 1, groups)
            self.assertEqual(groups[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], groups[0]["GroupId"])
            self.assertEqual(groups[0]["IpPermissionsEgress"][0]["IpRanges"], [{"CidrIp": "0.0.0.0/0"}])
        self.assertNotEqual(self.default_vpc("us-east-1")["VpcId"], self.default_vpc("eu-west-1")["VpcId"])
        self.assertEqual([r["RegionName"] for r in self.ec2("describe-regions")["Regions"]], REGIONS)
        zones = self.ec2("describe-availability-zones", region="eu-west-1")["AvailabilityZones"]
        self.assertEqual([z["ZoneName"] for z in zones], ["eu-west-1a", "eu-west-1b", "eu-west-1c"])

    def test_2_security_group_rules(self):
        vpc_id = self.default_vpc()["VpcId"]
        db = self.ec2("create-security-group", "--group-name", "it-db", "--description", "database",
                      "--vpc-id", vpc_id)["GroupId"]
        app = self.ec2("create-security-group", "--group-name", "it-app", "--description", "application")["GroupId"]
        out = self.ec2("authorize-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                       "--cidr", "127.0.0.0/8")
        self.assertTrue(out["Return"])
        self.assertEqual(out["SecurityGroupRules"][0]["CidrIpv4"], "127.0.0.0/8")
        out = self.ec2("authorize-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                       "--source-group", app)
        self.assertEqual(out["SecurityGroupRules"][0]["ReferencedGroupInfo"]["GroupId"], app)
        group = self.ec2("describe-security-groups", "--group-ids", db)["SecurityGroups"][0]
        self.assertEqual(group["VpcId"], vpc_id)
        self.assertEqual(len(group["IpPermissions"]), 1)
        permission = group["IpPermissions"][0]
        self.assertEqual((permission["IpProtocol"], permission["FromPort"], permission["ToPort"]), ("tcp", 5432, 5432))
        self.assertEqual(permission["IpRanges"], [{"CidrIp": "127.0.0.0/8"}])
        self.assertEqual([p["GroupId"] for p in permission["UserIdGroupPairs"]], [app])
        self.ec2_error("InvalidPermission.Duplicate", "authorize-security-group-ingress", "--group-id", db,
                       "--protocol", "tcp", "--port", "5432", "--cidr", "127.0.0.0/8")
        self.ec2_error("InvalidGroup.Duplicate", "create-security-group", "--group-name", "it-db",
                       "--description", "again")
        self.ec2_error("DependencyViolation", "delete-security-group", "--group-id", app)
        self.ec2_error("CannotDelete", "delete-security-group", "--group-name", "default")
        self.ec2("revoke-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                 "--source-group", app)
        self.ec2_error("InvalidPermission.NotFound", "revoke-security-group-ingress", "--group-id", db,
                       "--protocol", "tcp", "--port", "5432", "--source-group", app)
        self.ec2("delete-security-group", "--group-id", app)
        self.ec2_error("InvalidGroup.NotFound", "describe-security-groups", "--group-ids", app)

    def test_3_vpcs_subnets_and_peering(self):
        default_id = self.default_vpc()["VpcId"]
        vpc_id = self.ec2("create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2("create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.1.0/24",
                          "--availability-zone", "us-east-1b")["Subnet"]
        self.assertEqual(subnet["AvailabilityZone"], "us-east-1b")
        self.ec2_error("InvalidVpcRange", "create-vpc", "--cidr-block", "10.0.0.0/8")
        self.ec2_error("InvalidSubnet.Range", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.1.0.0/24")
        self.ec2_error("InvalidSubnet.Conflict", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.0.1.0/25")
        self.ec2_error("DependencyViolation", "delete-vpc", "--vpc-id", vpc_id)
        self.ec2_error("InvalidVpcID.NotFound", "describe-vpcs", "--vpc-ids", "vpc-0123456789abcdef0")

        pcx = self.ec2("create-vpc-peering-connection", "--vpc-id", default_id, "--peer-vpc-id", vpc_id)
        pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        self.assertEqual(pcx["VpcPeeringConnection"]["Status"]["Code"], "pending-acceptance")
        accepted = self.ec2("accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id)
        self.assertEqual(accepted["VpcPeeringConnection"]["Status"]["Code"], "active")
        active = self.ec2("describe-vpc-peering-connections", "--filters", "Name=status-code,Values=active",
                          f"Name=vpc-peering-connection-id,Values={pcx_id}")["VpcPeeringConnections"]
        self.assertEqual(len(active), 1)
        self.assertEqual(active[0]["AccepterVpcInfo"]["CidrBlock"], "10.0.0.0/16")
        self.assertTrue(self.ec2("delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id)["Return"])
        gone = self.ec2("describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx_id)
        self.assertEqual(gone["VpcPeeringConnections"][0]["Status"]["Code"], "deleted")
        self.ec2_error("InvalidVpcPeeringConnectionID.NotFound", "accept-vpc-peering-connection",
                       "--vpc-peering-connection-id", "pcx-0123456789abcdef0")

        self.ec2("delete-subnet", "--subnet-id", subnet["SubnetId"])
        self.ec2("delete-vpc", "--vpc-id", vpc_id)
        self.ec2_error("InvalidVpcID.NotFound", "delete-vpc", "--vpc-id", vpc_id)

    def test_3a_tags(self):
        vpc = self.ec2("create-vpc", "--cidr-block", "10.5.0.0/16", "--tag-specifications",
                       "ResourceType=vpc,Tags=[{Key=Name,Value=app},{Key=team,Value=db}]")["Vpc"]
        self.assertEqual(sorted(t["Key"] for t in vpc["Tags"]), ["Name", "team"])
        found = self.ec2("describe-vpcs", "--filters", "Name=tag:Name,Values=app")["Vpcs"]
        self.assertEqual([v["VpcId"] for v in found], [vpc["VpcId"]])
        default_id = self.default_vpc()["VpcId"]
        self.ec2("create-tags", "--resources", default_id, "--tags", "Key=env,Value=shared")
        tags = self.ec2("describe-tags", "--filters", f"Name=resource-id,Values={default_id}")["Tags"]
        self.assertEqual(tags, [{"Key": "env", "ResourceId": default_id, "ResourceType": "vpc", "Value": "shared"}])
        self.assertEqual(self.ec2("describe-tags", region="eu-west-1")["Tags"], [])
        self.ec2("delete-tags", "--resources", vpc["VpcId"], "--tags", "Key=team")
        self.assertEqual(self.ec2("describe-vpcs", "--vpc-ids", vpc["VpcId"])["Vpcs"][0]["Tags"], [{"Key": "Name", "Value": "app"}])
        err = self.ec2_error("InvalidParameterValue", "create-tags", "--resources", vpc["VpcId"], "--tags", "Key=aws:x,Value=y")
        self.assertIn("aws:", err)
        self.ec2_error("InvalidVpcID.NotFound", "create-tags", "--resources", "vpc-0123456789abcdef0", "--tags", "Key=k,Value=v")
        self.ec2("delete-vpc", "--vpc-id", vpc["VpcId"])
        self.assertEqual(self.ec2("describe-tags", "--filters", f"Name=resource-id,Values={vpc['VpcId']}")["Tags"], [])

    def test_4_restart_keeps_the_network(self):
        before = self.default_vpc()["VpcId"]
        groups_before = self.ec2("describe-security-groups")["SecurityGroups"]
        self.server.restart()
        self.assertEqual(self.default_vpc()["VpcId"], before)
        self.assertEqual(self.default_vpc()["Tags"], [{"Key": "env", "Value": "shared"}])  # test_3a's tag
        self.assertEqual(len(self.ec2("describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]), 1)
        self.assertEqual(self.ec2("describe-security-groups")["SecurityGroups"], groups_before)


if __name__ == "__main__":
    unittest.main()
