#!/usr/bin/python3
"""The real /usr/bin/aws (Debian's awscli) against the real EC2 handlers behind the real Router and
HTTP server (ec2_cli_test_server.cc): the default network, security groups and rules as the CLI's
--protocol/--port/--cidr/--source-group send them, peerings, regions and zones, and the error codes
the CLI shows.
usage: ec2_aws_cli_test.py EC2_CLI_TEST_SERVER
Skips (exit 0 with a note) when /usr/bin/aws is absent. Loopback only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

AWS = "/usr/bin/aws"


def main():
    if not os.path.exists(AWS):
        print("SKIP: /usr/bin/aws not installed")
        return 0
    server = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    home = tempfile.mkdtemp(prefix="borealis-ec2-cli-")
    failures = []

    def aws(*args, region="us-east-1"):
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "AWS_ACCESS_KEY_ID": "AKIDROOTEXAMPLE000001",
               "AWS_SECRET_ACCESS_KEY": "rootsecret", "AWS_DEFAULT_REGION": region,
               "AWS_CONFIG_FILE": os.path.join(home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"), "AWS_MAX_ATTEMPTS": "1",
               "AWS_PAGER": ""}
        p = subprocess.run([AWS, "--endpoint-url", "http://127.0.0.1:%d" % port, "--output", "json", "ec2"] + list(args),
                           env=env, capture_output=True, text=True, timeout=60)
        out = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else {}
        return p.returncode, out, p.stderr

    def check(name, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + name)
        if not cond:
            failures.append(name + ": " + str(detail)[:800])

    def fails_with(name, code, *args, region="us-east-1"):
        rc, out, err = aws(*args, region=region)
        check(name, rc != 0 and "(%s)" % code in err, (rc, out, err))

    try:
        rc, out, err = aws("describe-vpcs")
        vpcs = out.get("Vpcs", [])
        check("describe-vpcs shows the default VPC", rc == 0 and len(vpcs) == 1 and
              vpcs[0]["CidrBlock"] == "172.31.0.0/16" and vpcs[0]["IsDefault"] is True and
              vpcs[0]["State"] == "available" and vpcs[0]["OwnerId"] == "123456789012" and
              vpcs[0]["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"] == "associated", (rc, out, err))
        default_vpc = vpcs[0]["VpcId"] if vpcs else ""
        rc, out, err = aws("describe-vpcs", "--filters", "Name=isDefault,Values=true")
        check("describe-vpcs --filters isDefault", rc == 0 and [v["VpcId"] for v in out["Vpcs"]] == [default_vpc], err)

        rc, out, err = aws("describe-subnets", "--filters", "Name=vpc-id,Values=" + default_vpc,
                           "Name=default-for-az,Values=true")
        subnets = sorted((s["AvailabilityZone"], s["CidrBlock"]) for s in out.get("Subnets", []))
        check("describe-subnets shows the default subnets", rc == 0 and subnets == [
            ("us-east-1a", "172.31.0.0/20"), ("us-east-1b", "172.31.16.0/20"), ("us-east-1c", "172.31.32.0/20")],
            (rc, out, err))

        rc, out, err = aws("create-security-group", "--group-name", "db", "--description", "database")
        db = out.get("GroupId", "")
        check("create-security-group", rc == 0 and db.startswith("sg-"), (rc, out, err))
        rc, out, err = aws("create-security-group", "--group-name", "app", "--description", "application",
                           "--vpc-id", default_vpc)
        app = out.get("GroupId", "")
        check("create-security-group --vpc-id", rc == 0 and app.startswith("sg-"), (rc, out, err))

        rc, out, err = aws("authorize-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                           "--cidr", "127.0.0.0/8")
        rules = out.get("SecurityGroupRules", [])
        check("authorize ingress --cidr", rc == 0 and out.get("Return") is True and len(rules) == 1 and
              rules[0]["CidrIpv4"] == "127.0.0.0/8" and rules[0]["FromPort"] == 5432 and
              rules[0]["IsEgress"] is False and rules[0]["SecurityGroupRuleId"].startswith("sgr-"), (rc, out, err))
        rc, out, err = aws("authorize-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                           "--source-group", app)
        rules = out.get("SecurityGroupRules", [])
        check("authorize ingress --source-group", rc == 0 and len(rules) == 1 and
              rules[0]["ReferencedGroupInfo"]["GroupId"] == app, (rc, out, err))
        fails_with("duplicate rule: InvalidPermission.Duplicate", "InvalidPermission.Duplicate",
                   "authorize-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                   "--cidr", "127.0.0.0/8")
        rc, out, err = aws("authorize-security-group-ingress", "--group-id", db, "--ip-permissions",
                           "IpProtocol=tcp,FromPort=6000,ToPort=6010,IpRanges=[{CidrIp=10.0.0.0/8,Description=lan}]")
        check("authorize ingress --ip-permissions", rc == 0 and out.get("Return") is True, (rc, out, err))

        rc, out, err = aws("describe-security-groups", "--group-ids", db)
        group = (out.get("SecurityGroups") or [{}])[0]
        perms = group.get("IpPermissions", [])
        check("describe-security-groups shows the rules", rc == 0 and group.get("GroupName") == "db" and
              group.get("VpcId") == default_vpc and len(perms) == 2 and perms[0]["IpProtocol"] == "tcp" and
              perms[0]["FromPort"] == 5432 and perms[0]["ToPort"] == 5432 and
              perms[0]["IpRanges"] == [{"CidrIp": "127.0.0.0/8"}] and
              perms[0]["UserIdGroupPairs"] == [{"GroupId": app, "UserId": "123456789012"}] and
              perms[1]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "lan"}] and
              group["IpPermissionsEgress"][0]["IpProtocol"] == "-1" and
              group["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}], (rc, out, err))
        rc, out, err = aws("describe-security-groups", "--filters", "Name=group-name,Values=default")
        check("describe-security-groups --filters group-name",
              rc == 0 and [g["VpcId"] for g in out["SecurityGroups"]] == [default_vpc], (rc, out, err))

        rc, out, err = aws("revoke-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                           "--cidr", "127.0.0.0/8")
        check("revoke ingress", rc == 0 and out.get("Return") is True, (rc, out, err))
        fails_with("revoke again: InvalidPermission.NotFound", "InvalidPermission.NotFound",
                   "revoke-security-group-ingress", "--group-id", db, "--protocol", "tcp", "--port", "5432",
                   "--cidr", "127.0.0.0/8")
        fails_with("delete a referenced group: DependencyViolation", "DependencyViolation",
                   "delete-security-group", "--group-id", app)
        fails_with("delete the default group: CannotDelete", "CannotDelete", "delete-security-group",
                   "--group-name", "default")
        fails_with("duplicate group: InvalidGroup.Duplicate", "InvalidGroup.Duplicate", "create-security-group",
                   "--group-name", "db", "--description", "again")
        fails_with("unknown group: InvalidGroup.NotFound", "InvalidGroup.NotFound", "describe-security-groups",
                   "--group-ids", "sg-0123456789abcdef0")

        rc, out, err = aws("create-vpc", "--cidr-block", "10.0.0.0/16")
        vpc = out.get("Vpc", {}).get("VpcId", "")
        check("create-vpc", rc == 0 and vpc.startswith("vpc-") and out["Vpc"]["IsDefault"] is False, (rc, out, err))
        rc, out, err = aws("create-subnet", "--vpc-id", vpc, "--cidr-block", "10.0.1.0/24", "--availability-zone",
                           "us-east-1b")
        subnet = out.get("Subnet", {})
        check("create-subnet", rc == 0 and subnet.get("AvailabilityZone") == "us-east-1b" and
              subnet.get("AvailableIpAddressCount") == 251 and subnet.get("DefaultForAz") is False, (rc, out, err))
        fails_with("create-vpc /8: InvalidVpcRange", "InvalidVpcRange", "create-vpc", "--cidr-block", "10.0.0.0/8")
        fails_with("subnet outside: InvalidSubnet.Range", "InvalidSubnet.Range", "create-subnet", "--vpc-id", vpc,
                   "--cidr-block", "10.1.0.0/24")
        fails_with("overlapping subnet: InvalidSubnet.Conflict", "InvalidSubnet.Conflict", "create-subnet", "--vpc-id",
                   vpc, "--cidr-block", "10.0.1.0/25")
        fails_with("delete-vpc with a subnet: DependencyViolation", "DependencyViolation", "delete-vpc", "--vpc-id", vpc)
        fails_with("unknown VPC: InvalidVpcID.NotFound", "InvalidVpcID.NotFound", "describe-vpcs", "--vpc-ids",
                   "vpc-0123456789abcdef0")
        fails_with("unknown subnet: InvalidSubnetID.NotFound", "InvalidSubnetID.NotFound", "delete-subnet",
                   "--subnet-id", "subnet-0123456789abcdef0")
        fails_with("bad CIDR: InvalidParameterValue", "InvalidParameterValue", "create-vpc", "--cidr-block", "10.0.0.1/16")
        fails_with("--dry-run: DryRunOperation", "DryRunOperation", "create-vpc", "--cidr-block", "10.5.0.0/16",
                   "--dry-run")

        rc, out, err = aws("create-vpc-peering-connection", "--vpc-id", default_vpc, "--peer-vpc-id", vpc)
        pcx = out.get("VpcPeeringConnection", {})
        pcx_id = pcx.get("VpcPeeringConnectionId", "")
        check("create-vpc-peering-connection", rc == 0 and pcx_id.startswith("pcx-") and
              pcx["Status"]["Code"] == "pending-acceptance" and pcx["RequesterVpcInfo"]["VpcId"] == default_vpc and
              pcx["AccepterVpcInfo"]["CidrBlock"] == "10.0.0.0/16" and "ExpirationTime" in pcx, (rc, out, err))
        rc, out, err = aws("accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id)
        check("accept-vpc-peering-connection", rc == 0 and
              out["VpcPeeringConnection"]["Status"] == {"Code": "active", "Message": "Active"}, (rc, out, err))
        rc, out, err = aws("describe-vpc-peering-connections", "--filters", "Name=status-code,Values=active")
        check("describe-vpc-peering-connections --filters status-code", rc == 0 and
              [p["VpcPeeringConnectionId"] for p in out["VpcPeeringConnections"]] == [pcx_id], (rc, out, err))
        fails_with("accept again: InvalidStateTransition", "InvalidStateTransition", "accept-vpc-peering-connection",
                   "--vpc-peering-connection-id", pcx_id)
        rc, out, err = aws("delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id)
        check("delete-vpc-peering-connection", rc == 0 and out.get("Return") is True, (rc, out, err))
        rc, out, err = aws("describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx_id)
        check("a deleted peering is shown as deleted",
              rc == 0 and out["VpcPeeringConnections"][0]["Status"]["Code"] == "deleted", (rc, out, err))
        fails_with("unknown peering: InvalidVpcPeeringConnectionID.NotFound", "InvalidVpcPeeringConnectionID.NotFound",
                   "accept-vpc-peering-connection", "--vpc-peering-connection-id", "pcx-0123456789abcdef0")

        rc, out, err = aws("describe-regions")
        check("describe-regions", rc == 0 and [r["RegionName"] for r in out["Regions"]] == ["us-east-1", "eu-west-1"],
              (rc, out, err))
        rc, out, err = aws("describe-availability-zones", region="eu-west-1")
        check("describe-availability-zones", rc == 0 and
              [(z["ZoneName"], z["ZoneId"], z["State"]) for z in out["AvailabilityZones"]] ==
              [("eu-west-1a", "euw1-az1", "available"), ("eu-west-1b", "euw1-az2", "available"),
               ("eu-west-1c", "euw1-az3", "available")], (rc, out, err))
        rc, out, err = aws("describe-vpcs", region="eu-west-1")
        check("regions are separate", rc == 0 and len(out["Vpcs"]) == 1 and out["Vpcs"][0]["VpcId"] != default_vpc,
              (rc, out, err))
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)
    if failures:
        print("\n".join(failures))
        return 1
    print("all %s" % "ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
