"""A minimal PostgreSQL wire-protocol client for tests that must see the exchange itself: the exact
SCRAM messages, error fields, and what happens with malformed input. Not a driver."""
import base64
import hashlib
import hmac
import os
import socket
import struct


def startup_packet(params, protocol=196608):
    body = struct.pack("!i", protocol)
    for k, v in params.items():
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def frame(type_byte, body):
    return type_byte + struct.pack("!i", len(body) + 4) + body


class Conn:
    def __init__(self, address, port, timeout=10):
        self.sock = socket.create_connection((address, port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_message(self):
        head = self.recv_exact(5)
        length = struct.unpack("!i", head[1:])[0]
        return head[:1], self.recv_exact(length - 4)

    def read_until_closed(self, limit=1 << 20):
        data = self.buf
        self.buf = b""
        try:
            while len(data) < limit:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return data, True
                data += chunk
        except (socket.timeout, ConnectionResetError):
            return data, False
        return data, False


def error_fields(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return fields


def parse_auth(body):
    code = struct.unpack("!i", body[:4])[0]
    return code, body[4:]


class ScramClient:
    """Client side of SCRAM-SHA-256 without channel binding."""

    def __init__(self, password, nonce=None):
        self.password = password.encode()
        self.nonce = nonce or base64.b64encode(os.urandom(18)).decode()
        self.client_first_bare = f"n=,r={self.nonce}"

    def first(self):
        return "n,," + self.client_first_bare

    def initial_response(self):
        """The SASLInitialResponse message ('p') carrying client-first for SCRAM-SHA-256."""
        first = self.first().encode()
        return frame(b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)

    def final(self, server_first):
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        salt = base64.b64decode(attrs["s"])
        iterations = int(attrs["i"])
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, iterations)
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c=biws,r={attrs['r']}"
        auth_message = ",".join([self.client_first_bare, server_first, without_proof]).encode()
        signature = hmac.new(stored_key, auth_message, "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        return without_proof + ",p=" + base64.b64encode(proof).decode()


class ServerError(Exception):
    """The server answered with an ErrorResponse; `fields` maps field codes (C, M, S, …) to text."""

    def __init__(self, fields):
        super().__init__(fields.get("M", "error"))
        self.fields = fields


def expect(c):
    """Reads the next message; an ErrorResponse raises ServerError."""
    t, body = c.read_message()
    if t == b"E":
        raise ServerError(error_fields(body))
    return t, body


def scram_login(address, port, user, password, database="postgres"):
    """Runs a full SCRAM login over plain TCP. Returns a dict describing every step the server took:
    mechanisms offered, the server-first message's shape, and the final outcome with error fields."""
    c = Conn(address, port)
    trace = {}
    try:
        c.send(startup_packet({"user": user, "database": database}))
        _, body = expect(c)
        code, data = parse_auth(body)
        trace["auth_code"] = code
        trace["mechanisms"] = [m.decode() for m in data.split(b"\0") if m]
        scram = ScramClient(password)
        c.send(scram.initial_response())
        _, body = expect(c)
        code, server_first = parse_auth(body)
        sf = server_first.decode()
        attrs = dict(kv.split("=", 1) for kv in sf.split(","))
        trace["server_first"] = {"code": code, "salt_len": len(base64.b64decode(attrs["s"])),
                                 "iterations": int(attrs["i"]), "nonce_len": len(attrs["r"]),
                                 "keys": sorted(attrs.keys()), "salt": attrs["s"]}
        c.send(frame(b"p", scram.final(sf).encode()))
        _, body = expect(c)
        trace["final_code"], _ = parse_auth(body)
        t, body = c.read_message()
        trace["after_final"] = t.decode()
    except ServerError as e:
        trace["error"] = e.fields
    finally:
        c.close()
    return trace


def login(c, user, password, database="postgres", params=None):
    """Startup and SCRAM on an open Conn, then reads up to the first ReadyForQuery. Returns a dict:
    parameters (every ParameterStatus, in order received), backend_key (pid, secret), tx_status, or
    error (ErrorResponse fields) when the server refused at any step."""
    startup = {"user": user, "database": database}
    startup.update(params or {})
    result = {"parameters": {}, "parameter_order": []}
    try:
        c.send(startup_packet(startup))
        expect(c)
        scram = ScramClient(password)
        c.send(scram.initial_response())
        _, body = expect(c)
        c.send(frame(b"p", scram.final(parse_auth(body)[1].decode()).encode()))
        while True:
            t, body = expect(c)
            if t == b"S":
                name, value = body.split(b"\0")[:2]
                result["parameters"][name.decode()] = value.decode()
                result["parameter_order"].append(name.decode())
            elif t == b"K":
                result["backend_key"] = struct.unpack("!ii", body)
            elif t == b"Z":
                result["tx_status"] = body.decode()
                return result
    except ServerError as e:
        result["error"] = e.fields
        return result


def query(c, sql):
    """Simple-protocol query up to ReadyForQuery: rows (text or None per column), tags, error
    fields of the first ErrorResponse (if any), parameters reported on the way, and the backend's
    own transaction status byte."""
    c.send(frame(b"Q", sql.encode() + b"\0"))
    out = {"rows": [], "tags": [], "error": None, "parameters": {}}
    while True:
        t, body = c.read_message()
        if t == b"D":
            n = struct.unpack("!h", body[:2])[0]
            pos, row = 2, []
            for _ in range(n):
                length = struct.unpack("!i", body[pos:pos + 4])[0]
                pos += 4
                if length < 0:
                    row.append(None)
                else:
                    row.append(body[pos:pos + length].decode())
                    pos += length
            out["rows"].append(row)
        elif t == b"C":
            out["tags"].append(body.rstrip(b"\0").decode())
        elif t == b"E" and out["error"] is None:
            out["error"] = error_fields(body)
        elif t == b"S":
            name, value = body.split(b"\0")[:2]
            out["parameters"][name.decode()] = value.decode()
        elif t == b"Z":
            out["tx_status"] = body.decode()
            return out
