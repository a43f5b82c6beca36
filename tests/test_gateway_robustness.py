"""Bad input never crashes the gateway or leaks a connection: malformed startup packets, garbage
where a SASL response or a TLS ClientHello belongs, plaintext after an SSLRequest, GSSENCRequest,
clients that vanish mid-SCRAM or mid-query, oversized auth messages, a thousand silent clients and
the authentication timeout. After every scenario the same gateway process must still serve a normal
login and its file-descriptor count must be back near where it started."""
import random
import resource
import socket
import ssl
import struct
import threading
import time
import unittest

import harness
import pgproto

AUTH_TIMEOUT_S = 5  # short, so the timeout itself can be tested; every scenario here is faster
FD_MARGIN = 2       # pooled backends and the catalog connection are warmed up before the baseline
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
GSSENC_REQUEST = struct.pack("!ii", 8, 80877104)


def closed_outcome(sock, timeout=AUTH_TIMEOUT_S + 5):
    """Reads until the gateway closes the connection. Returns (bytes read, 'eof' | 'reset' | 'timeout')."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return data, "eof"
            data += chunk
    except socket.timeout:
        return data, "timeout"
    except (ConnectionResetError, BrokenPipeError):
        return data, "reset"
    return data, "timeout"


def first_error(data):
    """SQLSTATE and message of the ErrorResponse that `data` starts with, or None."""
    if len(data) < 5 or data[:1] != b"E":
        return None
    length = struct.unpack("!i", data[1:5])[0]
    return pgproto.error_fields(data[5:1 + length])


class GatewayRobustness(harness.ClusterTestCase):
    CLUSTER = "robust"
    SERVER_ARGS = ("--gateway-auth-timeout", str(AUTH_TIMEOUT_S))

    @classmethod
    def setUpClass(cls):
        raise_nofile = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raise_nofile[1], raise_nofile[1]))  # 1,000 client sockets
        super().setUpClass()

    @classmethod
    def prepare_cluster(cls):
        super().prepare_cluster()
        # Warm up what a login leaves behind (the catalog connection, one idle pooled backend per
        # pool key used below), so the baseline already counts it.
        cls.login_still_works_via_raw_socket()
        cls.cluster.admin_sql("SELECT 1")
        time.sleep(0.5)
        cls.gateway_pid = cls.server.gateway_pid()
        assert cls.gateway_pid is not None, "no gateway process"
        cls.fd_baseline = harness.fd_count(cls.gateway_pid)

    # --- helpers ---------------------------------------------------------------------------------
    def connect(self, timeout=10):
        return socket.create_connection((self.cluster.address, self.cluster.port), timeout=timeout)

    @classmethod
    def login_still_works_via_raw_socket(cls):
        c = pgproto.Conn(cls.cluster.address, cls.cluster.port)
        try:
            r = pgproto.login(c, "app", "app-password-1")
            assert "error" not in r, r
            q = pgproto.query(c, "SELECT pg_backend_pid()")
            assert q["error"] is None, q
            c.send(pgproto.frame(b"X", b""))
            return int(q["rows"][0][0])
        finally:
            c.close()

    def assert_gateway_healthy(self, *socks):
        """Closes the scenario's sockets, then: same gateway process, a normal login works, and the
        gateway's fd count settles back to the baseline."""
        for s in socks:
            try:
                s.close()
            except OSError:
                pass
        self.assertEqual(self.server.gateway_pid(), self.gateway_pid,
                         "the gateway crashed or was restarted:\n" + self.server.gateway_log())
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", timeout=15)
        self.assertEqual(r.returncode, 0, r.stderr + self.server.gateway_log())
        deadline = time.time() + 5
        fds = harness.fd_count(self.gateway_pid)
        while fds > self.fd_baseline + FD_MARGIN and time.time() < deadline:
            time.sleep(0.1)
            fds = harness.fd_count(self.gateway_pid)
        self.assertLessEqual(fds, self.fd_baseline + FD_MARGIN, f"fd leak: baseline {self.fd_baseline}, now {fds}")

    def assert_fatal_then_closed(self, sock, sqlstates=("08P01",), message=None, within=3):
        start = time.time()
        data, how = closed_outcome(sock)
        self.assertLess(time.time() - start, within, f"gateway took too long to give up ({how})")
        self.assertIn(how, ("eof", "reset"))
        err = first_error(data)
        self.assertIsNotNone(err, f"expected an ErrorResponse, got {data[:80]!r} ({how})")
        self.assertEqual(err["S"], "FATAL")
        self.assertIn(err["C"], sqlstates, err)
        if message is not None:
            self.assertIn(message, err["M"])
        return err

    def start_sasl(self, user="app"):
        """A connection that sent its StartupMessage and got the SASL mechanism list."""
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        c.send(pgproto.startup_packet({"user": user, "database": "postgres"}))
        t, body = c.read_message()
        self.assertEqual(t, b"R")
        self.assertEqual(pgproto.parse_auth(body)[0], 10)  # AuthenticationSASL
        return c

    # --- malformed startup packets ---------------------------------------------------------------
    def test_truncated_startup_packet_then_close(self):
        for cut in (1, 3, 4, 7, 20):
            packet = pgproto.startup_packet({"user": "app", "database": "postgres"})
            s = self.connect()
            s.sendall(packet[:cut])
            s.close()
        self.assert_gateway_healthy()

    def test_truncated_startup_packet_then_silence_does_not_block_others(self):
        packet = pgproto.startup_packet({"user": "app", "database": "postgres"})
        stalled = []
        for cut in (2, 9, len(packet) - 1):
            s = self.connect()
            s.sendall(packet[:cut])
            stalled.append(s)
        start = time.time()
        r = self.cluster.psql("app", "app-password-1", "SELECT 1", timeout=15)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(time.time() - start, 3)
        # The stalled clients are still waiting; the auth timeout ends them, without a word.
        for s in stalled:
            data, how = closed_outcome(s)
            self.assertEqual(how, "eof")
            self.assertEqual(data, b"")
        self.assert_gateway_healthy(*stalled)

    def test_oversized_and_negative_length(self):
        for length in (0x7FFFFFFF, 10001, 1 << 20, -1, -8, -0x80000000):
            with self.subTest(length=length):
                s = self.connect()
                s.sendall(struct.pack("!ii", length, 196608))
                # Decided from the length alone: the gateway must not wait for 2 GiB to arrive.
                self.assert_fatal_then_closed(s)
                s.close()
        self.assert_gateway_healthy()

    def test_length_below_eight(self):
        for length in (0, 4, 7):
            with self.subTest(length=length):
                s = self.connect()
                s.sendall(struct.pack("!ii", length, 196608))
                self.assert_fatal_then_closed(s)
                s.close()
        self.assert_gateway_healthy()

    def test_random_garbage_as_first_packet(self):
        rng = random.Random(20240531)
        socks = []
        for i in range(8):
            garbage = rng.randbytes(20000)  # more than the startup-packet cap: every length is decided
            with self.subTest(i=i, head=garbage[:8].hex()):
                s = self.connect()
                try:
                    s.sendall(garbage)
                except (ConnectionResetError, BrokenPipeError):
                    pass  # the gateway may already have refused and closed
                data, how = closed_outcome(s)
                self.assertIn(how, ("eof", "reset"))
                if data:  # a reset may swallow the error; if it arrived it is a FATAL protocol error
                    err = first_error(data)
                    self.assertIsNotNone(err, data[:40])
                    self.assertIn(err["C"], ("08P01", "0A000"))
                socks.append(s)
        self.assert_gateway_healthy(*socks)

    # --- garbage during authentication -----------------------------------------------------------
    def test_garbage_instead_of_sasl_response(self):
        rng = random.Random(7)
        cases = {
            "wrong message type": b"Z" + rng.randbytes(300),
            "huge length": b"p\x7f\xff\xff\xff" + rng.randbytes(100),
            "length below four": b"p\x00\x00\x00\x02",
            "garbage SASLInitialResponse": pgproto.frame(b"p", rng.randbytes(64)),
            "garbage client-first": pgproto.frame(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", 40) + rng.randbytes(40)),
        }
        for name, payload in cases.items():
            with self.subTest(name):
                c = self.start_sasl()
                c.send(payload)
                self.assert_fatal_then_closed(c.sock)
                c.close()
        self.assert_gateway_healthy()

    def test_garbage_instead_of_scram_client_final(self):
        c = self.start_sasl()
        c.send(pgproto.ScramClient("app-password-1").initial_response())
        t, body = c.read_message()
        self.assertEqual((t, pgproto.parse_auth(body)[0]), (b"R", 11))  # AuthenticationSASLContinue
        c.send(pgproto.frame(b"p", random.Random(3).randbytes(200)))
        self.assert_fatal_then_closed(c.sock, sqlstates=("08P01", "28P01"))
        self.assert_gateway_healthy(c.sock)

    # --- SSLRequest / GSSENCRequest ----------------------------------------------------------------
    def test_garbage_after_ssl_request(self):
        rng = random.Random(11)
        truncated_hello = b"\x16\x03\x01\x01\x00" + b"\x01" + b"\0" * 9  # a 256-byte record cut after 10
        payloads = [rng.randbytes(300), b"\x16\x03\x01\x00\x40" + rng.randbytes(64),
                    b"\x16\x03\x01\xff\xff" + b"\0" * 10, truncated_hello]
        socks = []
        for payload in payloads:
            s = self.connect()
            s.sendall(SSL_REQUEST)
            self.assertEqual(s.recv(1), b"S")
            s.sendall(payload)
            if payload is truncated_hello:
                s.shutdown(socket.SHUT_WR)  # EOF in the middle of the record
            data, how = closed_outcome(s)
            self.assertIn(how, ("eof", "reset"))
            self.assertNotIn(b"SELECT", data)
            socks.append(s)
        self.assert_gateway_healthy(*socks)

    def test_plaintext_after_ssl_request_in_the_same_write(self):
        s = self.connect()
        s.sendall(SSL_REQUEST + pgproto.startup_packet({"user": "app", "database": "postgres"}))
        # No 'S' first: the answer to the SSLRequest is the error itself, in plaintext.
        self.assert_fatal_then_closed(s, message="received unencrypted data after SSL request")
        self.assert_gateway_healthy(s)

    def test_gssenc_request_is_answered_with_N_and_the_login_continues(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        c.send(GSSENC_REQUEST)
        self.assertEqual(c.recv_exact(1), b"N")
        c.sock.settimeout(0.5)
        with self.assertRaises(socket.timeout):  # exactly one byte, never an ErrorResponse
            c.sock.recv(1)
        c.sock.settimeout(10)
        r = pgproto.login(c, "app", "app-password-1")
        self.assertNotIn("error", r)
        self.assertEqual(pgproto.query(c, "SELECT current_user")["rows"], [["app"]])
        c.close()

        # What libpq does with a ticket and sslmode=require: GSSENCRequest, 'N', SSLRequest, TLS.
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        c.send(GSSENC_REQUEST)
        self.assertEqual(c.recv_exact(1), b"N")
        c.send(SSL_REQUEST)
        self.assertEqual(c.recv_exact(1), b"S")
        ctx = ssl.create_default_context(cafile=self.cluster.ca_file)
        c.sock = ctx.wrap_socket(c.sock, server_hostname=self.cluster.host)
        r = pgproto.login(c, "app", "app-password-1")
        self.assertNotIn("error", r)
        self.assertEqual(pgproto.query(c, "SELECT 1")["rows"], [["1"]])
        c.close()
        self.assert_gateway_healthy()

    # --- clients that vanish ---------------------------------------------------------------------
    def test_client_vanishes_mid_scram(self):
        socks = []
        for user in ("app", "ghost"):  # a real role and a mock exchange
            c = self.start_sasl(user)
            c.send(pgproto.ScramClient("whatever").initial_response())
            t, body = c.read_message()
            self.assertEqual((t, pgproto.parse_auth(body)[0]), (b"R", 11))
            socks.append(c.sock)
        self.assert_gateway_healthy(*socks)

    def test_client_vanishes_mid_query(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        self.assertNotIn("error", pgproto.login(c, "app", "app-password-1"))
        old_pid = int(pgproto.query(c, "SELECT pg_backend_pid()")["rows"][0][0])
        c.send(pgproto.frame(b"Q", b"SELECT pg_sleep(3)\0"))
        time.sleep(0.3)
        c.close()  # no Terminate: the client is just gone
        time.sleep(0.3)
        new_pid = self.login_still_works_via_raw_socket()
        self.assertNotEqual(new_pid, old_pid, "a backend busy with a vanished client's query was handed out again")
        # The abandoned backend is closed, not leaked: it exits once its query ends.
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.cluster.admin_sql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {old_pid}") == "0":
                break
            time.sleep(0.3)
        else:
            self.fail(f"backend {old_pid} of the vanished client is still there")
        self.assert_gateway_healthy()

    # --- oversized auth input --------------------------------------------------------------------
    def test_one_mebibyte_sasl_message(self):
        mib = 1 << 20
        # The header alone announces 1 MiB: refused from the length, without reading the body.
        c = self.start_sasl()
        c.send(b"p" + struct.pack("!i", mib + 4))
        self.assert_fatal_then_closed(c.sock)
        c.close()
        # The whole megabyte at once, as a password packet and as a startup packet: FATAL or close.
        blasts = [(True, b"p" + struct.pack("!i", mib + 4) + b"SCRAM-SHA-256\0" + b"x" * (mib - 14)),
                  (False, struct.pack("!ii", mib + 8, 196608) + b"user\0" + b"a" * mib)]
        socks = []
        for after_startup, payload in blasts:
            sock = self.start_sasl().sock if after_startup else self.connect()
            sender = threading.Thread(target=self._send_ignoring_reset, args=(sock, payload))
            sender.start()
            data, how = closed_outcome(sock)
            sender.join(10)
            self.assertIn(how, ("eof", "reset"))
            if data:
                self.assertEqual(first_error(data)["C"], "08P01")
            socks.append(sock)
        self.assert_gateway_healthy(*socks)

    @staticmethod
    def _send_ignoring_reset(sock, payload):
        try:
            sock.sendall(payload)
        except OSError:
            pass

    # --- many silent clients, and the auth timeout -----------------------------------------------
    def test_a_thousand_silent_clients(self):
        socks = []
        try:
            for _ in range(1000):
                socks.append(self.connect())
            # All of them accepted and held by the gateway (not just queued in the kernel).
            deadline = time.time() + 3
            while harness.fd_count(self.gateway_pid) < self.fd_baseline + 990 and time.time() < deadline:
                time.sleep(0.05)
            self.assertGreaterEqual(harness.fd_count(self.gateway_pid), self.fd_baseline + 990)
            start = time.time()
            r = self.cluster.psql("app", "app-password-1", "SELECT 1", timeout=15)
            elapsed = time.time() - start
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertLess(elapsed, 2.5, "a login waited behind 1,000 silent clients")
        finally:
            for s in socks:
                s.close()
        self.assert_gateway_healthy()

    def test_silent_client_is_disconnected_by_the_auth_timeout(self):
        s = self.connect(timeout=AUTH_TIMEOUT_S + 10)
        start = time.time()
        data, how = closed_outcome(s, timeout=AUTH_TIMEOUT_S + 10)
        elapsed = time.time() - start
        self.assertEqual((data, how), (b"", "eof"))
        self.assertGreater(elapsed, AUTH_TIMEOUT_S - 0.5)
        self.assertLess(elapsed, AUTH_TIMEOUT_S + 2)
        self.assert_gateway_healthy(s)

    def test_client_stalled_mid_scram_gets_the_auth_timeout_error(self):
        c = self.start_sasl()
        start = time.time()
        err = self.assert_fatal_then_closed(c.sock, sqlstates=("57014",), within=AUTH_TIMEOUT_S + 2)
        self.assertGreater(time.time() - start, AUTH_TIMEOUT_S - 1)
        self.assertIn("timeout", err["M"])
        self.assert_gateway_healthy(c.sock)


if __name__ == "__main__":
    unittest.main()
