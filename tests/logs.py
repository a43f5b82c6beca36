"""Reading the logs of the servers tests start: the last part of a file, or "" if it is not there
(yet). Shared by harness.py (borealis), kdc.py (MIT KDC) and native_gss.py (reference PostgreSQL)."""


def tail(path, limit):
    """The last `limit` characters of the text file at `path`; "" when it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return f.read()[-limit:]
    except OSError:
        return ""
