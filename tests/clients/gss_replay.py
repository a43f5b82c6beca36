#!/usr/bin/python3
"""Replays one Kerberos authenticator: builds ONE initial GSSAPI token (an AP-REQ) for
`postgres@<host>` from the ticket cache in KRB5CCNAME (python3-gssapi, MIT krb5 under it), then sends
exactly the same bytes as the GSSResponse of two raw PostgreSQL connections (tests/pgproto.py):
startup → AuthenticationGSS ('R' code 7) → 'p' + token. The first connection must be accepted
(AuthenticationOk, possibly after an AuthenticationGSSContinue carrying the AP-REP); a server with a
replay cache must refuse the second with an ErrorResponse.

    KRB5_CONFIG=… KRB5CCNAME=… gss_replay.py --address 127.0.0.1 --port 5432 --host db.example --user alice@REALM

Prints one JSON line: {"token_len": N, "attempts": [{"stage", "auth_code"?, "error"?}, …]}.
stage: "accepted" (AuthenticationOk after the token), "refused" (ErrorResponse; error holds its
fields), "not-gss" (the server did not ask for GSSAPI: auth_code says what it asked for, error its
ErrorResponse if it refused at once), "closed" (connection closed without an answer), "waiting"
(no answer within the timeout).
It can also be imported: replay(address, port, host, user, …) returns the same dict.
"""
import argparse
import json
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pgproto  # noqa: E402

AUTH_OK, AUTH_GSS, AUTH_GSS_CONTINUE = 0, 7, 8


def initial_token(host, service="postgres"):
    import gssapi
    name = gssapi.Name(f"{service}@{host}", gssapi.NameType.hostbased_service)
    ctx = gssapi.SecurityContext(name=name, usage="initiate",
                                 flags=gssapi.RequirementFlag.mutual_authentication)
    return ctx.step()


def send_token(address, port, user, database, token, timeout=10):
    c = pgproto.Conn(address, port, timeout=timeout)
    try:
        c.send(pgproto.startup_packet({"user": user, "database": database}))
        try:
            t, body = pgproto.expect(c)
        except pgproto.ServerError as e:
            return {"stage": "not-gss", "error": e.fields}
        code, _ = pgproto.parse_auth(body) if t == b"R" else (None, b"")
        if code != AUTH_GSS:
            return {"stage": "not-gss", "auth_code": code, "message_type": t.decode()}
        c.send(pgproto.frame(b"p", token))
        # A server may answer AuthenticationGSSContinue first (an AP-REP, or MIT's KRB-ERROR token
        # when it is about to refuse: PostgreSQL sends that before its FATAL), so read on until
        # AuthenticationOk or an ErrorResponse. The krb5 mechanism completes in one round for the
        # acceptor, so a server that waits for more from us is reported as "waiting".
        continues = 0
        while True:
            try:
                t, body = pgproto.expect(c)
            except pgproto.ServerError as e:
                return {"stage": "refused", "error": e.fields, "continues": continues}
            except socket.timeout:
                return {"stage": "waiting", "continues": continues}
            if t != b"R":
                return {"stage": "unexpected", "message_type": t.decode(), "continues": continues}
            code, _ = pgproto.parse_auth(body)
            if code == AUTH_OK:
                return {"stage": "accepted", "auth_code": code, "continues": continues}
            if code != AUTH_GSS_CONTINUE:
                return {"stage": "unexpected", "auth_code": code, "continues": continues}
            continues += 1
    except (EOFError, ConnectionError):
        return {"stage": "closed"}
    finally:
        c.close()


def replay(address, port, host, user, database="postgres", service="postgres", times=2):
    token = initial_token(host, service)
    return {"token_len": len(token),
            "attempts": [send_token(address, port, user, database, token) for _ in range(times)]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--address", required=True, help="address to dial")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", required=True, help="server host name (the service principal's instance)")
    ap.add_argument("--user", required=True)
    ap.add_argument("--dbname", default="postgres")
    ap.add_argument("--service", default="postgres")
    ap.add_argument("--times", type=int, default=2)
    a = ap.parse_args()
    print(json.dumps(replay(a.address, a.port, a.host, a.user, a.dbname, a.service, a.times)))


if __name__ == "__main__":
    main()
