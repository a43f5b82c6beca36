"""gssencmode=prefer with a Kerberos ticket in the cache does not break the login. With a ticket, libpq
opens every TCP connection with a GSSENCRequest; the gateway (no GSSAPI encryption yet) must answer
exactly 'N' so libpq goes on with SSLRequest or a plain StartupMessage and SCRAM. A recording proxy
between psql and the gateway shows that libpq really asked, and gssencmode=require shows the refusal
is a clear client-side error, not a hang."""
import os
import socket
import struct
import threading
import time
import unittest

import harness
import kdc
import pgproto

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
PROTOCOL_3 = 196608


class RecordingProxy:
    """Forwards TCP connections to (address, port) and keeps the first bytes each side sent."""

    HEAD = 64

    def __init__(self, address, port):
        self.target = (address, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []  # [{"client": bytes, "server": bytes}]
        self.lock = threading.Lock()
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()
        for s in self.sockets:
            try:
                s.close()
            except OSError:
                pass

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=10)
            record = {"client": b"", "server": b""}
            with self.lock:
                self.connections.append(record)
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, record, "client"), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, record, "server"), daemon=True).start()

    def _pump(self, src, dst, record, side):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if len(record[side]) < self.HEAD:
                    record[side] += data[:self.HEAD - len(record[side])]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def request_code(head, offset=0):
    return struct.unpack("!i", head[offset + 4:offset + 8])[0]


class GssEncPrefer(harness.ClusterTestCase):
    CLUSTER = "gssenc"

    @classmethod
    def setUpClass(cls):
        cls.kdc = kdc.KDC().start()
        try:
            cls.kdc.add_principal("alice", "alice-krb-pw-1")
            cls.krb_env = cls.kdc.kinit("alice", "alice-krb-pw-1")
            super().setUpClass()
        except BaseException:
            cls.kdc.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.kdc.stop()

    def setUp(self):
        self.proxy = RecordingProxy(self.cluster.address, self.cluster.port)

    def tearDown(self):
        self.proxy.close()

    def psql_via_proxy(self, env, **extra):
        extra.setdefault("hostaddr", "127.0.0.1")
        extra.setdefault("port", self.proxy.port)
        start = time.time()
        r = self.cluster.psql("app", "app-password-1", "SELECT current_user", env=env, timeout=30, **extra)
        return r, time.time() - start

    def test_prefer_with_a_ticket_logs_in_with_every_sslmode(self):
        for sslmode in ("disable", "prefer", "require", "verify-full"):
            with self.subTest(sslmode=sslmode):
                before = len(self.proxy.connections)
                tls = {"sslmode": sslmode, "sslrootcert": self.cluster.ca_file} if sslmode != "disable" else {}
                r, _ = self.psql_via_proxy(dict(self.krb_env, PGGSSENCMODE="prefer"), **tls)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.strip(), "app")
                # One connection: libpq asked for GSSAPI encryption first, got 'N', and went on with it.
                conns = self.proxy.connections[before:]
                self.assertEqual(len(conns), 1, conns)
                client, server = conns[0]["client"], conns[0]["server"]
                self.assertEqual(request_code(client), GSSENC_REQUEST_CODE, client[:16])
                self.assertEqual(server[:1], b"N")
                if sslmode == "disable":
                    self.assertEqual(request_code(client, 8), PROTOCOL_3)  # StartupMessage on the same socket
                else:
                    self.assertEqual(request_code(client, 8), SSL_REQUEST_CODE)
                    self.assertEqual(server[1:2], b"S")

    def test_gssencmode_given_in_the_conninfo(self):
        r, _ = self.psql_via_proxy(self.krb_env, gssencmode="prefer", sslmode="verify-full",
                                   sslrootcert=self.cluster.ca_file)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(request_code(self.proxy.connections[-1]["client"]), GSSENC_REQUEST_CODE)

    def test_without_a_ticket_libpq_does_not_ask(self):
        # The control for the test above: the GSSENCRequest comes from the ticket, not from the mode.
        empty = dict(self.krb_env, KRB5CCNAME="FILE:" + os.path.join(self.kdc.dir, "no-such-ccache"))
        r, _ = self.psql_via_proxy(dict(empty, PGGSSENCMODE="prefer"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(request_code(self.proxy.connections[-1]["client"]), PROTOCOL_3)

    def test_gateway_answers_gssenc_request_with_exactly_N(self):
        c = pgproto.Conn(self.cluster.address, self.cluster.port)
        try:
            c.send(struct.pack("!ii", 8, GSSENC_REQUEST_CODE))
            self.assertEqual(c.recv_exact(1), b"N")
            c.sock.settimeout(0.5)
            with self.assertRaises(socket.timeout):
                c.sock.recv(1)
            c.sock.settimeout(10)
            r = pgproto.login(c, "app", "app-password-1")
            self.assertNotIn("error", r)
        finally:
            c.close()

    def test_gssencmode_require_fails_on_the_client_without_hanging(self):
        r, elapsed = self.psql_via_proxy(dict(self.krb_env, PGGSSENCMODE="require"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("server doesn't support GSSAPI encryption, but it was required", r.stderr)
        self.assertLess(elapsed, 10)
        self.assertEqual(self.proxy.connections[-1]["server"], b"N")  # refused with 'N', not an error


if __name__ == "__main__":
    unittest.main()
