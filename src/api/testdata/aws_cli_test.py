#!/usr/bin/python3
"""The real /usr/bin/aws (Debian's awscli) against the Router behind the real HTTP server
(cli_test_server.cc, fake handlers that echo their input). Checks what the CLI prints for outputs
and errors of each protocol: query (rds, iam, sts), ec2 and json (ds), and the auth failures.
usage: aws_cli_test.py CLI_TEST_SERVER
Skips (exit 0 with a note) when /usr/bin/aws is absent. Needs no network: loopback only.
"""
import json
import os
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
    home = tempfile.mkdtemp(prefix="borealis-aws-cli-")
    failures = []

    def aws(args, key="AKIDROOTEXAMPLE000001", secret="rootsecret"):
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret,
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.path.join(home, "config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"), "AWS_MAX_ATTEMPTS": "1",
               "AWS_PAGER": ""}
        p = subprocess.run([AWS, "--endpoint-url", "http://127.0.0.1:%d" % port, "--output", "json"] + args,
                           env=env, capture_output=True, text=True, timeout=60)
        out = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def check(name, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + name)
        if not cond:
            failures.append(name + ": " + str(detail)[:600])

    try:
        rc, out, err = aws(["sts", "get-caller-identity"])
        check("sts get-caller-identity", rc == 0 and out == {"UserId": "123456789012", "Account": "123456789012",
                                                              "Arn": "arn:aws:iam::123456789012:root"}, (rc, out, err))
        rc, out, err = aws(["rds", "create-db-cluster", "--db-cluster-identifier", "c1", "--engine", "aurora-postgresql",
                            "--port", "6543", "--vpc-security-group-ids", "sg-1", "sg-2",
                            "--enable-iam-database-authentication", "--master-username", "postgres",
                            "--master-user-password", "Secret-Password-1"])
        c = (out or {}).get("DBCluster", {})
        check("rds create-db-cluster", rc == 0 and c.get("DBClusterIdentifier") == "c1" and c.get("Port") == 6543 and
              c.get("IAMDatabaseAuthenticationEnabled") is True and
              [g["VpcSecurityGroupId"] for g in c.get("VpcSecurityGroups", [])] == ["sg-1", "sg-2"] and
              c.get("ClusterCreateTime", "").startswith("2026-11-28T17:30:00"), (rc, out, err))
        rc, out, err = aws(["rds", "describe-db-clusters", "--db-cluster-identifier", "missing"])
        check("rds error DBClusterNotFoundFault", rc != 0 and "(DBClusterNotFoundFault)" in err and
              "DBCluster missing not found." in err, err)
        rc, out, err = aws(["rds", "delete-db-cluster", "--db-cluster-identifier", "c1", "--skip-final-snapshot"],
                           key="AKIDUSEREXAMPLE000001", secret="usersecret")
        check("rds AccessDenied for a user", rc != 0 and "(AccessDenied)" in err and
              "arn:aws:iam::123456789012:user/carol is not authorized to perform: rds:DeleteDBCluster" in err, err)
        rc, out, err = aws(["iam", "get-user", "--user-name", "nobody"])
        check("iam NoSuchEntity", rc != 0 and "(NoSuchEntity)" in err, err)
        rc, out, err = aws(["iam", "delete-user", "--user-name", "nobody"])
        check("iam operation without output", rc == 0, (rc, err))
        rc, out, err = aws(["ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", "--tag-specifications",
                            "ResourceType=vpc,Tags=[{Key=Name,Value=a&b<c>}]"])
        v = (out or {}).get("Vpc", {})
        check("ec2 create-vpc", rc == 0 and v.get("CidrBlock") == "10.1.0.0/16" and v.get("IsDefault") is False and
              v.get("Tags") == [{"Key": "Name", "Value": "a&b<c>"}], (rc, out, err))
        rc, out, err = aws(["ec2", "authorize-security-group-ingress", "--group-id", "sg-1", "--protocol", "tcp",
                            "--port", "5432", "--cidr", "10.0.0.0/8"])
        check("ec2 authorize-security-group-ingress", rc == 0 and (out or {}).get("Return") is True, (rc, out, err))
        rc, out, err = aws(["ec2", "delete-vpc", "--vpc-id", "vpc-1"])
        check("ec2 operation without output", rc == 0, (rc, err))
        rc, out, err = aws(["ds", "create-microsoft-ad", "--name", "corp.example.com", "--password", "Sup3r-Secret!",
                            "--vpc-settings", "VpcId=vpc-1,SubnetIds=subnet-1,subnet-2", "--edition", "Standard"])
        check("ds create-microsoft-ad", rc == 0 and (out or {}).get("DirectoryId") == "d-16234567890", (rc, out, err))
        rc, out, err = aws(["ds", "describe-directories", "--directory-ids", "d-1234567890"])
        d = ((out or {}).get("DirectoryDescriptions") or [{}])[0]
        check("ds describe-directories", rc == 0 and d.get("Stage") == "Active" and
              d.get("LaunchTime", "").startswith("2026-11-28T17:30:00"), (rc, out, err))
        rc, out, err = aws(["sts", "get-caller-identity"], key="AKIDNOBODYEXAMPLE0001")
        check("unknown key InvalidClientTokenId", rc != 0 and "(InvalidClientTokenId)" in err, err)
        rc, out, err = aws(["sts", "get-caller-identity"], secret="wrongsecret")
        check("bad secret SignatureDoesNotMatch", rc != 0 and "(SignatureDoesNotMatch)" in err and
              "wrongsecret" not in err, err)
        rc, out, err = aws(["ds", "describe-directories"], secret="wrongsecret")
        check("ds bad secret InvalidSignatureException", rc != 0 and "(InvalidSignatureException)" in err, err)
        rc, out, err = aws(["rds", "describe-db-clusters", "--region", "eu-north-1"])
        check("region not served", rc != 0 and "eu-north-1" in err, err)
        rc, out, err = aws(["rds", "describe-db-instances"])
        check("operation not served InvalidAction", rc != 0 and "(InvalidAction)" in err, err)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    for f in failures:
        print("FAIL", f)
    print(len(failures), "failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
