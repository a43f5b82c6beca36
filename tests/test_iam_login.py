"""IAM database authentication through the gateway, with real tokens from Debian's
`/usr/bin/aws rds generate-db-auth-token` and real psql over verified TLS: who may log in (policies,
Deny, assumed roles, deleted keys), every token rule refused with a clear FATAL, the one-method-per-role
rules, the audit line, and what happens when the control plane cannot answer."""
import datetime
import hashlib
import hmac
import json
import os
import random
import signal
import socket
import ssl
import struct
import threading
import time
import unittest
import urllib.parse

import harness
import pgproto

CLUSTER = "iamdb"
REGION = "us-east-1"


def sign_token(host, port, user, region, akid, secret, when, expires=900, session_token=None):
    """A token signed at `when` (the CLI always signs "now"): SigV4 query auth exactly as botocore's
    generate_db_auth_token does it. Proven against the gateway by test_python_signer_matches_the_cli."""
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{when:%Y%m%d}/{region}/rds-db/aws4_request"
    params = [("Action", "connect"), ("DBUser", user), ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
              ("X-Amz-Credential", f"{akid}/{scope}"), ("X-Amz-Date", amz_date), ("X-Amz-Expires", str(expires)),
              ("X-Amz-SignedHeaders", "host")]
    if session_token:
        params.append(("X-Amz-Security-Token", session_token))
    enc = lambda s: urllib.parse.quote(s, safe="-_.~")
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params))
    canonical = "\n".join(["GET", "/", query, f"host:{host}:{port}", "", "host", hashlib.sha256(b"").hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (f"{when:%Y%m%d}", region, "rds-db", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{host}:{port}/?{query}&X-Amz-Signature={signature}"


class IamLogin(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server().start()
        try:
            cls.cluster = cls.server.create_cluster(CLUSTER, iam=True)
            cls.cluster.admin_sql(
                "CREATE ROLE iam_app LOGIN; GRANT rds_iam TO iam_app;"
                "CREATE ROLE iam_other LOGIN; GRANT rds_iam TO iam_other;"
                "CREATE ROLE iam_both LOGIN; GRANT rds_iam TO iam_both; GRANT rds_ad TO iam_both;"
                "CREATE ROLE iam_group NOLOGIN; GRANT rds_iam TO iam_group;"
                "CREATE ROLE iam_nested LOGIN IN ROLE iam_group;"
                "CREATE ROLE was_password LOGIN PASSWORD 'Old-password-1'; GRANT rds_iam TO was_password;"
                "CREATE ROLE pw_app LOGIN PASSWORD 'Pw-app-password-1';")
            described = cls.server.aws("rds", "describe-db-clusters", "--db-cluster-identifier", CLUSTER)["DBClusters"][0]
            cls.resource_id = described["DbClusterResourceId"]
            assert described["IAMDatabaseAuthenticationEnabled"] is True
            cls.account = cls.server.aws("sts", "get-caller-identity")["Account"]
            cls.allowed = cls.user("allowed", cls.allow("iam_app"), cls.allow("iam_nested"), cls.allow("was_password"),
                                   cls.allow("iam_both"))
        except BaseException:
            cls.server.stop(check_leftovers=False)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # --- helpers ------------------------------------------------------------------------------
    @classmethod
    def arn(cls, db_user, resource_id=None):
        return f"arn:aws:rds-db:{REGION}:{cls.account}:dbuser:{resource_id or cls.resource_id}/{db_user}"

    @classmethod
    def allow(cls, db_user, effect="Allow", resource_id=None):
        return {"Effect": effect, "Action": "rds-db:connect", "Resource": cls.arn(db_user, resource_id)}

    @classmethod
    def user(cls, name, *statements):
        """An IAM user with an inline policy of `statements` (none: no policy) and an access key."""
        cls.server.aws("iam", "create-user", "--user-name", name)
        if statements:
            cls.server.aws("iam", "put-user-policy", "--user-name", name, "--policy-name", "db", "--policy-document",
                           json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
        key = cls.server.aws("iam", "create-access-key", "--user-name", name)["AccessKey"]
        return (key["AccessKeyId"], key["SecretAccessKey"])

    def token(self, credentials, db_user="iam_app", host=None, port=None, region=REGION):
        r = self.server.aws_run("rds", "generate-db-auth-token", "--hostname", host or self.cluster.host, "--port",
                                str(port or self.cluster.port), "--username", db_user, "--region", region,
                                credentials=credentials)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def login(self, db_user, password, tls=True, sql="SELECT current_user, current_setting('borealis.auth_method'), "
                                                    "current_setting('borealis.auth_principal')"):
        return self.cluster.psql(db_user, password, sql, tls=tls)

    def assert_login(self, db_user, password, principal):
        r = self.login(db_user, password)
        self.assertEqual(r.returncode, 0, r.stderr + self.server.gateway_log()[-2000:])
        self.assertEqual(r.stdout.strip(), f"{db_user}|iam|{principal}")

    def assert_refused(self, db_user, password, *expected, tls=True):
        r = self.login(db_user, password, tls=tls)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("FATAL", r.stderr)
        for text in expected:
            self.assertIn(text, r.stderr)
        return r.stderr

    def user_arn(self, name):
        return f"arn:aws:iam::{self.account}:user/{name}"

    # --- who may log in -------------------------------------------------------------------------
    def test_allowed_user_logs_in_with_a_cli_token(self):
        self.assert_login("iam_app", self.token(self.allowed), self.user_arn("allowed"))
        # Membership through another role counts, as for rds_iam on RDS.
        self.assert_login("iam_nested", self.token(self.allowed, "iam_nested"), self.user_arn("allowed"))
        # The token may be used again while it is valid (RDS allows it for 15 minutes).
        token = self.token(self.allowed)
        self.assert_login("iam_app", token, self.user_arn("allowed"))
        self.assert_login("iam_app", token, self.user_arn("allowed"))

    def test_python_signer_matches_the_cli(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        token = sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION, *self.allowed, now)
        self.assert_login("iam_app", token, self.user_arn("allowed"))

    def test_policies_for_another_user_another_cluster_or_nothing_are_refused(self):
        cases = {
            "other_user": self.user("other_user", self.allow("iam_other")),
            "other_cluster": self.user("other_cluster", self.allow("iam_app", resource_id="cluster-" + "Z" * 26)),
            "no_policy": self.user("no_policy"),
        }
        for name, creds in cases.items():
            with self.subTest(name):
                self.assert_refused("iam_app", self.token(creds), 'IAM authentication failed for user "iam_app"',
                                    f"User: {self.user_arn(name)} is not authorized to perform: rds-db:connect on "
                                    f"resource: {self.arn('iam_app')} because no identity-based policy allows")
        # other_user may log in as the one it is allowed.
        self.assert_login("iam_other", self.token(cases["other_user"], "iam_other"), self.user_arn("other_user"))

    def test_explicit_deny_wins_and_policy_changes_apply_to_the_next_login(self):
        creds = self.user("denied", {"Effect": "Allow", "Action": "rds-db:*", "Resource": "*"},
                          self.allow("iam_app", effect="Deny"))
        token = self.token(creds)
        self.assert_refused("iam_app", token, "with an explicit deny in an identity-based policy")
        # Take the Deny away: the same token works at once (the gateway caches nothing).
        self.server.aws("iam", "put-user-policy", "--user-name", "denied", "--policy-name", "db", "--policy-document",
                        json.dumps({"Version": "2012-10-17", "Statement": [self.allow("iam_app")]}))
        self.assert_login("iam_app", token, self.user_arn("denied"))
        # Delete the key: the same, still unexpired, token is refused on the next login.
        self.server.aws("iam", "delete-access-key", "--user-name", "denied", "--access-key-id", creds[0])
        self.assert_refused("iam_app", token, "unknown access key id " + creds[0])

    def test_assumed_role_credentials_log_in_as_the_session(self):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                                                         "Action": "sts:AssumeRole"}]}
        self.server.aws("iam", "create-role", "--role-name", "dbrole", "--assume-role-policy-document", json.dumps(trust))
        self.server.aws("iam", "put-role-policy", "--role-name", "dbrole", "--policy-name", "db", "--policy-document",
                        json.dumps({"Version": "2012-10-17", "Statement": [self.allow("iam_app")]}))
        c = self.server.aws("sts", "assume-role", "--role-arn", f"arn:aws:iam::{self.account}:role/dbrole",
                            "--role-session-name", "etl", "--duration-seconds", "900")["Credentials"]
        session = (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        self.assert_login("iam_app", self.token(session), f"arn:aws:sts::{self.account}:assumed-role/dbrole/etl")
        # The session's key without its session token is not the session. (Expiry at the session's end is
        # server/iam_db_login_test.cc AssumedRoleCredentialsWorkUntilTheyExpire: it needs a clock.)
        self.assert_refused("iam_app", self.token(session[:2]), "temporary credentials need X-Amz-Security-Token")
        # A session token that was signed but belongs to nobody.
        expires = datetime.datetime.now(datetime.timezone.utc)
        forged = sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION, c["AccessKeyId"], c["SecretAccessKey"],
                            expires, session_token=c["SessionToken"][:-4] + "AAAA")
        self.assert_refused("iam_app", forged, "The security token included in the request is invalid")

    # --- token rules ------------------------------------------------------------------------------
    def test_every_token_rule_refuses_with_a_clear_message(self):
        good = self.token(self.allowed)
        sig_at = good.rindex("X-Amz-Signature=") + len("X-Amz-Signature=")
        tampered = good[:sig_at] + ("0" if good[sig_at] != "0" else "1") + good[sig_at + 1:]
        now = datetime.datetime.now(datetime.timezone.utc)
        cases = [
            ("tampered signature", "iam_app", tampered, "signature we calculated does not match"),
            ("another host", "iam_app", self.token(self.allowed, host="other.example.com"),
             "token is for host 'other.example.com'"),
            ("another port", "iam_app", self.token(self.allowed, port=5433), "token is for port 5433, not 5432"),
            ("another DBUser", "iam_app", self.token(self.allowed, "iam_other"), "token is for another database user"),
            ("DBUser in another case", "iam_app", self.token(self.allowed, "IAM_APP"), "token is for another database user"),
            ("another region", "iam_app", self.token(self.allowed, region="eu-west-1"), "token is for region 'eu-west-1'"),
            ("expired", "iam_app", sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION, *self.allowed,
                                              now - datetime.timedelta(minutes=16)), "token expired"),
            ("future-dated", "iam_app", sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION, *self.allowed,
                                                   now + datetime.timedelta(minutes=20)), "more than 15 minutes after"),
            ("over 900 s", "iam_app", sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION, *self.allowed, now,
                                                 expires=3600), "is over the 900 s limit"),
            ("unknown key", "iam_app", sign_token(self.cluster.host, self.cluster.port, "iam_app", REGION,
                                                  "AKIAIOSFODNN7EXAMPLE", "x" * 40, now), "unknown access key id AKIAIOSFODNN7EXAMPLE"),
            ("truncated", "iam_app", good[:len(good) // 2], "not a valid IAM authentication token"),
            ("garbage", "iam_app", "\x01garbage\x7f" * 10, "not a valid IAM authentication token"),
            ("an rds_iam role's old password", "was_password", "Old-password-1", "not a valid IAM authentication token"),
        ]
        for name, db_user, password, expected in cases:
            with self.subTest(name):
                self.assert_refused(db_user, password, f'IAM authentication failed for user "{db_user}"', expected)
        # After all of that the gateway still serves.
        self.assert_login("iam_app", good, self.user_arn("allowed"))

    def test_token_over_plain_tcp_is_refused_before_it_is_sent(self):
        self.assert_refused("iam_app", self.token(self.allowed), "IAM authentication requires an SSL connection", tls=False)
        # Still an IAM login attempt for the audit.
        lines = [l for l in self.server.gateway_log().splitlines() if "method=iam" in l and "without TLS" in l]
        self.assertTrue(lines, self.server.gateway_log()[-2000:])
        self.assertIn('role=\\"iam_app\\"', lines[-1])
        self.assertIn("outcome=refused", lines[-1])

    def test_a_one_mebibyte_password_packet_is_refused(self):
        import psycopg2
        with self.assertRaises(psycopg2.OperationalError) as caught:
            psycopg2.connect(host=self.cluster.host, hostaddr=self.cluster.address, port=self.cluster.port,
                             user="iam_app", dbname="postgres", password="x" * (1 << 20), sslmode="verify-full",
                             sslrootcert=self.cluster.ca_file, connect_timeout=10)
        self.assertIn("invalid password packet", str(caught.exception))
        self.assert_login("iam_app", self.token(self.allowed), self.user_arn("allowed"))

    # --- the one-method-per-role rules ----------------------------------------------------------
    def test_a_role_in_rds_ad_and_rds_iam_cannot_log_in(self):
        self.assert_refused("iam_both", self.token(self.allowed, "iam_both"),
                            'role "iam_both" is a member of both rds_ad and rds_iam')

    def test_password_roles_are_unaffected_and_replication_is_refused(self):
        r = self.cluster.psql("pw_app", "Pw-app-password-1", "SELECT current_setting('borealis.auth_method')", tls=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "scram")
        r = self.cluster.psql("iam_app", self.token(self.allowed), "SELECT 1", tls=True, replication="database")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("replication connections are not supported", r.stderr)

    def test_iam_disabled_on_the_cluster_refuses_rds_iam_roles(self):
        token = self.token(self.allowed)
        self.server.aws("rds", "modify-db-cluster", "--db-cluster-identifier", CLUSTER,
                        "--no-enable-iam-database-authentication", "--apply-immediately")
        try:
            deadline = time.time() + 20
            while True:
                r = self.login("iam_app", token)
                if r.returncode != 0 or time.time() > deadline:
                    break
                time.sleep(0.2)
            self.assertIn("IAM database authentication is not enabled", r.stderr)
        finally:
            self.server.aws("rds", "modify-db-cluster", "--db-cluster-identifier", CLUSTER,
                            "--enable-iam-database-authentication", "--apply-immediately")
        deadline = time.time() + 20
        while self.login("iam_app", token).returncode != 0 and time.time() < deadline:
            time.sleep(0.2)
        self.assert_login("iam_app", token, self.user_arn("allowed"))

    # --- audit and secrets -----------------------------------------------------------------------
    def test_every_attempt_is_one_audit_line_without_the_token(self):
        token = self.token(self.allowed)
        self.assert_login("iam_app", token, self.user_arn("allowed"))
        self.assert_refused("iam_other", token, "token is for another database user")
        log = self.server.gateway_log()
        lines = [l for l in log.splitlines() if "method=iam" in l]
        # The log quotes the message, so its own quotes are escaped.
        allowed = [l for l in lines if 'role=\\"iam_app\\"' in l and "outcome=allowed" in l]
        refused = [l for l in lines if 'role=\\"iam_other\\"' in l and "outcome=refused" in l and "wrong_db_user" in l]
        self.assertTrue(allowed and refused, "\n".join(lines[-10:]))
        for line in allowed[-1:] + refused[-1:]:
            self.assertIn(f"access_key_id={self.allowed[0]}", line)
            self.assertIn("endpoint=" + CLUSTER, line)
            self.assertIn("ts=", line)
        self.assertIn(f'principal=\\"{self.user_arn("allowed")}\\"', allowed[-1])
        signature = token.rsplit("=", 1)[1]
        for text in (log, self.server.server_log()):
            self.assertNotIn(signature, text)
            self.assertNotIn("X-Amz-Signature", text)
            self.assertNotIn(self.allowed[1], text)

    # --- the control plane cannot answer ----------------------------------------------------------
    def test_control_plane_unreachable_fails_iam_closed_and_scram_goes_on(self):
        token = self.token(self.allowed)
        os.kill(self.server.proc.pid, signal.SIGSTOP)
        try:
            r = self.login("iam_app", token)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("IAM authentication is unavailable: the borealis control plane cannot be reached", r.stderr)
            r = self.cluster.psql("pw_app", "Pw-app-password-1", "SELECT 1", tls=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            os.kill(self.server.proc.pid, signal.SIGCONT)
        self.assert_login("iam_app", token, self.user_arn("allowed"))

    def test_a_client_that_leaves_before_the_answer_does_not_hurt_the_gateway(self):
        # The control plane answers "allowed" after the client gave up: the session is gone by then
        # and must not be handed a backend (this used to crash the gateway).
        token = self.token(self.allowed)
        gateway = self.server.gateway_pid()
        os.kill(self.server.proc.pid, signal.SIGSTOP)
        try:
            r = self.cluster.psql("iam_app", token, "SELECT 1", tls=True, connect_timeout=2)
            self.assertIn("timeout expired", r.stderr)
        finally:
            os.kill(self.server.proc.pid, signal.SIGCONT)
        time.sleep(1)
        self.assert_login("iam_app", token, self.user_arn("allowed"))
        self.assertEqual(self.server.gateway_pid(), gateway, self.server.server_log()[-2000:])

    def test_clients_that_vanish_at_any_step_never_hurt_the_gateway(self):
        # Hundreds of TLS logins at once, IAM (good and bad tokens) and SCRAM, each dropped at a random
        # step: before TLS, after the handshake, after the StartupMessage, right after the token (so
        # the control plane's answer finds the session gone), mid-query, or not at all; some with a
        # TCP reset instead of a FIN. The gateway must keep its process, its file descriptors and
        # its pool, and serve the next login.
        good = self.token(self.allowed)
        bad = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
        gateway = self.server.gateway_pid()
        self.assert_login("iam_app", good, self.user_arn("allowed"))
        time.sleep(0.5)
        baseline = harness.fd_count(gateway)
        tls = ssl.create_default_context(cafile=self.cluster.ca_file)
        steps = ("tcp", "ssl_request", "handshake", "startup", "password", "answer", "query", "done")
        outcomes = {}
        lock = threading.Lock()

        def attempt(rng):
            user, password = rng.choice([("iam_app", good), ("iam_app", bad), ("pw_app", "Pw-app-password-1")])
            stop = rng.choice(steps)
            c = pgproto.Conn(self.cluster.address, self.cluster.port, timeout=15)
            reached = "tcp"
            try:
                if rng.random() < 0.3:  # leave with a RST, not a FIN
                    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                if stop == "tcp":
                    return reached
                c.send(struct.pack("!ii", 8, 80877103))
                if c.recv_exact(1) != b"S":
                    return "no-tls"
                reached = "ssl_request"
                if stop == "ssl_request":
                    return reached
                c.sock = tls.wrap_socket(c.sock, server_hostname=self.cluster.host)
                reached = "handshake"
                if stop == "handshake":
                    return reached
                c.send(pgproto.startup_packet({"user": user, "database": "postgres"}))
                reached = "startup"
                if stop == "startup":
                    return reached
                t, body = c.read_message()
                if t != b"R":
                    return "error-before-password"
                code = pgproto.parse_auth(body)[0]
                if code == 3:  # cleartext: the IAM token
                    c.send(pgproto.frame(b"p", password.encode() + b"\0"))
                elif code == 10:  # SASL: SCRAM for the password role
                    scram = pgproto.ScramClient(password)
                    c.send(scram.initial_response())
                    t, body = c.read_message()
                    if t != b"R":
                        return "refused"
                    c.send(pgproto.frame(b"p", scram.final(pgproto.parse_auth(body)[1].decode()).encode()))
                reached = "password"
                if stop == "password":
                    return reached
                t, body = c.read_message()
                if t == b"E":
                    return "refused"
                reached = "answer"
                if stop == "answer":
                    return reached
                while t != b"Z":
                    t, body = c.read_message()
                c.send(pgproto.frame(b"Q", b"SELECT pg_sleep(0.01), current_user\0"))
                reached = "query"
                if stop == "query":
                    return reached
                t = None
                while t != b"Z":
                    t, body = c.read_message()
                reached = "done"
                c.send(pgproto.frame(b"X", b""))
                return reached
            except (OSError, EOFError, ssl.SSLError) as e:
                return f"{reached}:{type(e).__name__}"
            finally:
                c.close()

        def worker(seed):
            rng = random.Random(seed)
            for _ in range(25):
                outcome = attempt(rng)
                with lock:
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1

        threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertFalse(any(t.is_alive() for t in threads), outcomes)
        self.assertEqual(self.server.gateway_pid(), gateway, self.server.gateway_log()[-3000:])
        # Every step was reached by some client, and complete logins did happen under the churn.
        for step in ("tcp", "ssl_request", "handshake", "startup", "password", "answer", "query", "done"):
            self.assertGreater(outcomes.get(step, 0), 0, outcomes)
        self.assertGreater(outcomes.get("refused", 0), 0, outcomes)
        self.assert_login("iam_app", good, self.user_arn("allowed"))
        deadline = time.time() + 10
        fds = harness.fd_count(gateway)
        while fds > baseline + 4 and time.time() < deadline:
            time.sleep(0.2)
            fds = harness.fd_count(gateway)
        self.assertLessEqual(fds, baseline + 4, f"fd leak: baseline {baseline}, now {fds}; {outcomes}")


class RegionFromTheFirstStart(unittest.TestCase):
    """`borealis server --region` at a data dir's first start names the region its clusters live in:
    their endpoint names carry it, and IAM tokens must be scoped to it."""

    def test_endpoint_names_carry_the_servers_region(self):
        server = harness.Server(extra_args=["--region", "eu-west-1", "--regions", "eu-west-1"]).start()
        try:
            cluster = server.create_cluster("regional")
            self.assertIn(".eu-west-1.", cluster.host)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
