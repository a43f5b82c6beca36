"""The AWS-compatible API's front door (src/api: SigV4, protocol codecs, IAM authorisation) against a
real `borealis server`, driven by the real /usr/bin/aws and by hand-signed raw requests (botocore's
own SigV4Auth) for what the CLI refuses to send: malformed bodies, unknown parameters, wrong versions.
"""
import configparser
import json
import os
import re
import unittest
import urllib.error
import urllib.request

import awscli.botocore.session  # noqa: F401  (sets botocore up; importing auth first is a circular import)
from awscli.botocore.auth import SigV4Auth
from awscli.botocore.awsrequest import AWSRequest
from awscli.botocore.credentials import Credentials

import harness


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server()
        cls.server.start()
        creds = configparser.ConfigParser()
        creds.read(os.path.join(cls.server.data_dir, "aws", "credentials"))
        section = creds[creds.sections()[0]] if creds.sections() else creds["default"]
        cls.root = (section["aws_access_key_id"], section["aws_secret_access_key"])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def raw(self, service, body, credentials=None, region="us-east-1", target=None, content_type=None):
        """A hand-signed POST; returns (status, headers, body text)."""
        key, secret = (credentials or self.root)[:2]
        token = credentials[2] if credentials and len(credentials) > 2 else None
        headers = {"Content-Type": content_type or ("application/x-amz-json-1.1" if target else
                                                    "application/x-www-form-urlencoded; charset=utf-8")}
        if target:
            headers["X-Amz-Target"] = target
        request = AWSRequest(method="POST", url=self.server.api_url + "/", data=body.encode(), headers=headers)
        SigV4Auth(Credentials(key, secret, token), service, region).add_auth(request)
        prepared = request.prepare()
        http_request = urllib.request.Request(prepared.url, data=prepared.body, method="POST",
                                              headers=dict(prepared.headers.items()))
        try:
            with urllib.request.urlopen(http_request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def code_of(self, body):
        m = re.search(r"<Code>([^<]*)</Code>", body)
        return m.group(1) if m else None

    def test_root_and_request_ids(self):
        identity = self.server.aws("sts", "get-caller-identity")
        self.assertRegex(identity["Arn"], r"^arn:aws:iam::\d{12}:root$")
        status, headers, body = self.raw("sts", "Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual(status, 200, body)
        request_id = {k.lower(): v for k, v in headers.items()}["x-amzn-requestid"]
        self.assertRegex(request_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertIn("<RequestId>%s</RequestId>" % request_id, body)

    def test_user_is_authorised_by_policy(self):
        self.server.aws("iam", "create-user", "--user-name", "api-dave")
        key = self.server.aws("iam", "create-access-key", "--user-name", "api-dave")["AccessKey"]
        dave = (key["AccessKeyId"], key["SecretAccessKey"])
        # GetCallerIdentity needs no permission.
        me = self.server.aws("sts", "get-caller-identity", credentials=dave)
        self.assertTrue(me["Arn"].endswith(":user/api-dave"))
        err = self.server.aws_error("iam", "list-users", credentials=dave)
        self.assertIn("(AccessDenied)", err)
        self.assertRegex(err, r"User: arn:aws:iam::\d{12}:user/api-dave is not authorized to perform: iam:ListUsers "
                              r"on resource: .* because no identity-based policy allows the iam:ListUsers action")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
        self.server.aws("iam", "put-user-policy", "--user-name", "api-dave", "--policy-name", "list",
                        "--policy-document", json.dumps(policy))
        users = self.server.aws("iam", "list-users", credentials=dave)["Users"]
        self.assertIn("api-dave", [u["UserName"] for u in users])
        # A wrong secret and an unknown key, each with its AWS code; the secret never comes back.
        err = self.server.aws_error("sts", "get-caller-identity", credentials=(dave[0], "x" * 40))
        self.assertIn("(SignatureDoesNotMatch)", err)
        self.assertNotIn("x" * 40, err)
        err = self.server.aws_error("sts", "get-caller-identity", credentials=("AKIAIOSFODNN7EXAMPLE", "y" * 40))
        self.assertIn("(InvalidClientTokenId)", err)

    def test_session_credentials_need_their_token(self):
        account = self.server.aws("sts", "get-caller-identity")["Account"]
        # AWS refuses AssumeRole to the root user, so a user assumes the role.
        self.server.aws("iam", "create-user", "--user-name", "api-erin")
        key = self.server.aws("iam", "create-access-key", "--user-name", "api-erin")["AccessKey"]
        erin = (key["AccessKeyId"], key["SecretAccessKey"])
        role_arn = "arn:aws:iam::%s:role/api-ops" % account
        allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}
        self.server.aws("iam", "put-user-policy", "--user-name", "api-erin", "--policy-name", "assume",
                        "--policy-document", json.dumps(allow))
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                          "Principal": {"AWS": "arn:aws:iam::%s:user/api-erin" % account}}]}
        self.server.aws("iam", "create-role", "--role-name", "api-ops", "--assume-role-policy-document", json.dumps(trust))
        c = self.server.aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "s1",
                            credentials=erin)["Credentials"]
        session = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        me = self.server.aws("sts", "get-caller-identity", credentials=session)
        self.assertEqual(me["Arn"], "arn:aws:sts::%s:assumed-role/api-ops/s1" % account)
        forged = (session[0], session[1], session[2][:-4] + ("AAAA" if not session[2].endswith("AAAA") else "BBBB"))
        err = self.server.aws_error("sts", "get-caller-identity", credentials=forged)
        self.assertIn("(InvalidClientTokenId)", err)
        self.assertNotIn(session[2], err)
        err = self.server.aws_error("sts", "get-caller-identity", credentials=session[:2])
        self.assertIn("(InvalidClientTokenId)", err)

    def test_bad_input_gets_aws_errors(self):
        status, _, body = self.raw("iam", "Action=ListUsers&Version=2010-05-08&X=%zz")
        self.assertEqual((status, self.code_of(body)), (404, "MalformedQueryString"), body)
        status, _, body = self.raw("iam", "Action=ListUsers&Version=2010-05-08&Colour=red")
        self.assertEqual((status, self.code_of(body)), (400, "InvalidQueryParameter"), body)
        self.assertIn("Colour", body)
        status, _, body = self.raw("iam", "Version=2010-05-08")
        self.assertEqual(self.code_of(body), "MissingAction", body)
        status, _, body = self.raw("iam", "Action=CreateLoginProfile&Version=2010-05-08&UserName=x&Password=p")
        self.assertEqual((status, self.code_of(body)), (400, "InvalidAction"), body)
        status, _, body = self.raw("iam", "Action=ListUsers&Version=2009-01-01")
        self.assertEqual(self.code_of(body), "InvalidParameterValue", body)
        status, _, body = self.raw("iam", "Action=CreateUser&Version=2010-05-08&UserName=" + "u" * 65)
        self.assertEqual((status, self.code_of(body)), (400, "ValidationError"), body)
        self.assertIn("userName", body)
        status, _, body = self.raw("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=lots")
        self.assertEqual(self.code_of(body), "ValidationError", body)
        status, _, body = self.raw("sts", "Action=GetCallerIdentity&Version=2011-06-15", region="mars-north-1")
        self.assertEqual((status, self.code_of(body)), (403, "SignatureDoesNotMatch"), body)
        self.assertIn("mars-north-1", body)
        # The server keeps serving after all of that.
        self.server.aws("sts", "get-caller-identity")


if __name__ == "__main__":
    unittest.main()
