"""IAM and STS through the real aws CLI (/usr/bin/aws, Debian's 2.9) against a running borealis server:
users, access keys and inline policies decide what a user may do (rds:Describe* only: describe works,
create is AccessDenied; an explicit Deny wins); IAM's error codes; sts get-caller-identity; assume-role
and the temporary credentials (AWS_SESSION_TOKEN) it returns, refused without their token."""
import json
import re
import unittest

from harness import Server


def policy(effect, action, resource="*"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


def error_code(stderr):
    m = re.search(r"An error occurred \((\w+)\)", stderr)
    return m.group(1) if m else stderr


class ApiIamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        try:
            cls.account = cls.server.aws("sts", "get-caller-identity")["Account"]
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def aws(self, *args, **kw):
        return self.server.aws(*args, **kw)

    def aws_error(self, *args, **kw):
        return self.server.aws_error(*args, **kw)

    def new_user(self, name):
        user = self.aws("iam", "create-user", "--user-name", name)["User"]
        self.assertEqual(user["UserName"], name)
        self.assertEqual(user["Arn"], f"arn:aws:iam::{self.account}:user/{name}")
        self.assertTrue(user["UserId"].startswith("AIDA"))
        key = self.aws("iam", "create-access-key", "--user-name", name)["AccessKey"]
        self.assertTrue(key["AccessKeyId"].startswith("AKIA"))
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")
        return (key["AccessKeyId"], key["SecretAccessKey"])

    def put_user_policy(self, user, name, effect, action):
        self.aws("iam", "put-user-policy", "--user-name", user, "--policy-name", name,
                 "--policy-document", policy(effect, action))

    # --- tests ---------------------------------------------------------------------------------
    def test_root_identity(self):
        who = self.aws("sts", "get-caller-identity")
        self.assertEqual(who["Arn"], f"arn:aws:iam::{self.account}:root")
        self.assertEqual(who["UserId"], self.account)
        self.assertRegex(who["Account"], r"^\d{12}$")

    def test_describe_only_user_and_deny_wins(self):
        reader = self.new_user("reader")
        who = self.aws("sts", "get-caller-identity", credentials=reader)
        self.assertEqual(who["Arn"], f"arn:aws:iam::{self.account}:user/reader")
        # Nothing attached yet: refused.
        self.assertEqual(error_code(self.aws_error("rds", "describe-db-clusters", credentials=reader)), "AccessDenied")
        self.put_user_policy("reader", "describe", "Allow", "rds:Describe*")
        clusters = self.aws("rds", "describe-db-clusters", credentials=reader)
        self.assertIsInstance(clusters["DBClusters"], list)
        stderr = self.aws_error("rds", "create-db-cluster", "--db-cluster-identifier", "nope",
                                "--engine", "aurora-postgresql", "--master-username", "master",
                                "--master-user-password", "Secret-pass-1", credentials=reader)
        self.assertEqual(error_code(stderr), "AccessDenied")
        self.assertIn("rds:CreateDBCluster", stderr)
        self.assertNotIn("Secret-pass-1", stderr)
        # The document reads back as JSON (the CLI decodes IAM's URL-encoding).
        got = self.aws("iam", "get-user-policy", "--user-name", "reader", "--policy-name", "describe")
        self.assertEqual(got["PolicyDocument"]["Statement"][0]["Action"], "rds:Describe*")
        # An explicit Deny beats the Allow.
        self.put_user_policy("reader", "deny", "Deny", "rds:DescribeDBClusters")
        self.assertEqual(error_code(self.aws_error("rds", "describe-db-clusters", credentials=reader)), "AccessDenied")
        names = self.aws("iam", "list-user-policies", "--user-name", "reader")["PolicyNames"]
        self.assertEqual(sorted(names), ["deny", "describe"])

    def test_managed_policies(self):
        arn = self.aws("iam", "create-policy", "--policy-name", "describe-all",
                       "--policy-document", policy("Allow", "rds:Describe*"))["Policy"]["Arn"]
        self.assertEqual(arn, f"arn:aws:iam::{self.account}:policy/describe-all")
        user = self.new_user("managed")
        self.aws("iam", "attach-user-policy", "--user-name", "managed", "--policy-arn", arn)
        self.aws("rds", "describe-db-clusters", credentials=user)
        attached = self.aws("iam", "list-attached-user-policies", "--user-name", "managed")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "describe-all", "PolicyArn": arn}])
        version = self.aws("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")["PolicyVersion"]
        self.assertEqual(version["Document"]["Statement"][0]["Action"], "rds:Describe*")
        self.assertEqual(error_code(self.aws_error("iam", "delete-policy", "--policy-arn", arn)), "DeleteConflict")

    def test_aws_managed_read_only_policies(self):
        user = self.new_user("auditor")
        for name in ("AmazonRDSReadOnlyAccess", "IAMReadOnlyAccess"):
            self.aws("iam", "attach-user-policy", "--user-name", "auditor", "--policy-arn", f"arn:aws:iam::aws:policy/{name}")
        self.aws("rds", "describe-db-clusters", credentials=user)
        self.aws("ec2", "describe-vpcs", credentials=user)
        self.aws("iam", "list-users", credentials=user)
        self.assertEqual(error_code(self.aws_error("rds", "create-db-cluster", "--db-cluster-identifier", "nope",
                                                   "--engine", "aurora-postgresql", "--master-username", "postgres",
                                                   "--master-user-password", "Secret-pass-1", credentials=user)),
                         "AccessDenied")
        self.assertEqual(error_code(self.aws_error("iam", "create-user", "--user-name", "x", credentials=user)), "AccessDenied")
        listed = {p["PolicyName"] for p in self.aws("iam", "list-policies", "--scope", "AWS")["Policies"]}
        self.assertTrue({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "IAMReadOnlyAccess",
                         "AmazonRDSReadOnlyAccess", "AmazonRDSDirectoryServiceAccess"} <= listed, listed)

    def test_iam_errors(self):
        self.aws("iam", "create-user", "--user-name", "dupe")
        self.assertEqual(error_code(self.aws_error("iam", "create-user", "--user-name", "DUPE")), "EntityAlreadyExists")
        self.assertEqual(error_code(self.aws_error("iam", "get-user", "--user-name", "ghost")), "NoSuchEntity")
        stderr = self.aws_error("iam", "put-user-policy", "--user-name", "dupe", "--policy-name", "p",
                                "--policy-document", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}')
        self.assertEqual(error_code(stderr), "MalformedPolicyDocument")
        self.aws("iam", "create-access-key", "--user-name", "dupe")
        self.aws("iam", "create-access-key", "--user-name", "dupe")
        self.assertEqual(error_code(self.aws_error("iam", "create-access-key", "--user-name", "dupe")), "LimitExceeded")
        self.assertEqual(error_code(self.aws_error("iam", "delete-user", "--user-name", "dupe")), "DeleteConflict")

    def test_assume_role_and_temporary_credentials(self):
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"}, "Action": "sts:AssumeRole"}]})
        role = self.aws("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document", trust)["Role"]
        self.assertTrue(role["RoleId"].startswith("AROA"))
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Action"], "sts:AssumeRole")
        self.aws("iam", "put-role-policy", "--role-name", "ops", "--policy-name", "describe",
                 "--policy-document", policy("Allow", "rds:Describe*"))
        out = self.aws("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "build-1",
                       "--duration-seconds", "900")
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertIn("Expiration", creds)
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{self.account}:assumed-role/ops/build-1")
        self.assertTrue(out["AssumedRoleUser"]["AssumedRoleId"].startswith(role["RoleId"] + ":"))
        session = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        who = self.aws("sts", "get-caller-identity", credentials=session)
        self.assertEqual(who["Arn"], out["AssumedRoleUser"]["Arn"])
        self.assertEqual(who["UserId"], out["AssumedRoleUser"]["AssumedRoleId"])
        self.aws("rds", "describe-db-clusters", credentials=session)
        stderr = self.aws_error("rds", "create-db-cluster", "--db-cluster-identifier", "nope",
                                "--engine", "aurora-postgresql", credentials=session)
        self.assertEqual(error_code(stderr), "AccessDenied")
        # Without the token, or with another one, the key is refused.
        self.assertEqual(error_code(self.aws_error("sts", "get-caller-identity", credentials=session[:2])),
                         "InvalidClientTokenId")
        forged = (session[0], session[1], ("A" if session[2][0] != "A" else "B") + session[2][1:])
        self.assertEqual(error_code(self.aws_error("sts", "get-caller-identity", credentials=forged)),
                         "InvalidClientTokenId")

    def test_assume_role_needs_trust_and_permission(self):
        user = self.new_user("outsider")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        role = self.aws("iam", "create-role", "--role-name", "svc-only", "--assume-role-policy-document", trust)["Role"]
        self.put_user_policy("outsider", "assume", "Allow", "sts:AssumeRole")
        stderr = self.aws_error("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "x1",
                                credentials=user)
        self.assertEqual(error_code(stderr), "AccessDenied")
        self.assertIn("is not authorized to perform: sts:AssumeRole", stderr)


if __name__ == "__main__":
    unittest.main()
