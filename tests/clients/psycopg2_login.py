#!/usr/bin/python3
"""Logs in with psycopg2 (Debian python3-psycopg2, libpq underneath) using whatever libpq negotiates
from the conninfo (Kerberos when the server asks for GSSAPI and KRB5CCNAME holds a ticket), runs one
query and prints one JSON line:
    {"ok": true, "rows": [[…]], "server_version": N}
or {"ok": false, "error": "<libpq's message>", "sqlstate": …}.

    KRB5_CONFIG=… KRB5CCNAME=… psycopg2_login.py "host=db.example hostaddr=127.0.0.1 port=… user=alice@REALM gssencmode=require" "SELECT current_user"

A separate process on purpose: MIT krb5 reads KRB5_CONFIG/KRB5CCNAME per process.
"""
import json
import sys

import psycopg2


def main():
    conninfo, sql = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "SELECT current_user"
    try:
        conn = psycopg2.connect(conninfo)
    except psycopg2.Error as e:
        print(json.dumps({"ok": False, "error": str(e).strip(), "sqlstate": e.pgcode}))
        return 1
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            rows = [[None if v is None else str(v) for v in row] for row in cur.fetchall()]
        print(json.dumps({"ok": True, "rows": rows, "server_version": conn.server_version}))
        return 0
    except psycopg2.Error as e:
        print(json.dumps({"ok": False, "error": str(e).strip(), "sqlstate": e.pgcode}))
        return 1
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
