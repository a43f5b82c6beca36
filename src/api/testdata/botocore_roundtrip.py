#!/usr/bin/python3
"""Botocore round-trips for the api codecs, run by ctest (api_botocore_roundtrip).

For every operation in models/operations.txt it builds a sample value for every member of the input
and output shapes (respecting enums, lengths and ranges; strings carry XML-special and non-ASCII
characters where the length allows), then:
  - input:  botocore's own serializer (what `aws` sends) → our decoder must give back exactly the
            sample (timestamps as ISO 8601 strings);
  - output: our encoder → botocore's own parser (what `aws` reads) must give back exactly the sample;
  - errors: our error bodies → botocore's error parser must give the code, message, type and request
            id, with the model's HTTP status.
usage: botocore_roundtrip.py ROUNDTRIP_HELPER OPERATIONS_TXT
Exits non-zero with a list of the differences. Uses Debian's botocore (inside awscli) only.
"""
import datetime
import json
import subprocess
import sys
import urllib.parse

from awscli.botocore import parsers, serialize
from awscli.botocore.session import get_session

STAMP = datetime.datetime(2026, 11, 28, 17, 30, 0, tzinfo=datetime.timezone.utc)
STAMP_TEXT = "2026-11-28T17:30:00Z"
SPECIAL = "<a&b>'\"é"
# Members botocore's sdk-extras add and its handlers remove before serialising (never on the wire).
SDK_ONLY = {"SourceRegion", "DestinationRegion"}
MAX_DEPTH = 6


def sample(shape, name, depth, wire):
    """A value for `shape`; `wire` is True for what botocore takes (datetimes), False for our JSON."""
    t = shape.type_name
    if t == "structure":
        out = {}
        if depth >= MAX_DEPTH:
            return out
        for member_name, member in shape.members.items():
            if member_name in SDK_ONLY:
                continue
            if member.serialization.get("location") or member.serialization.get("xmlAttribute"):
                continue
            out[member_name] = sample(member, member_name, depth + 1, wire)
        return out
    if t == "list":
        count = 2
        if shape.metadata.get("max") is not None:
            count = min(count, shape.metadata["max"])
        return [sample(shape.member, name + str(i), depth + 1, wire) for i in range(count)]
    if t == "map":
        return {"k1-" + name: sample(shape.value, name, depth + 1, wire),
                "k2-" + name: sample(shape.value, name, depth + 1, wire)}
    if t == "string":
        if shape.enum:
            return shape.enum[len(name) % len(shape.enum)]
        lo = shape.metadata.get("min", 0)
        hi = shape.metadata.get("max", 1000)
        text = "v" + name + SPECIAL
        if len(text) > hi:
            text = ("v" + name)[:hi]
        while len(text) < lo:
            text += "x"
        return text
    if t in ("integer", "long"):
        lo = shape.metadata.get("min")
        hi = shape.metadata.get("max")
        value = 42
        if lo is not None and value < lo:
            value = int(lo)
        if hi is not None and value > hi:
            value = int(hi)
        return value
    if t == "boolean":
        return len(name) % 2 == 0
    if t in ("double", "float"):
        return 1.5
    if t == "timestamp":
        return STAMP if wire else STAMP_TEXT
    if t == "blob":
        return b"blob" if wire else "YmxvYg=="
    raise ValueError("no sample for type " + t)


def normalise(value):
    """Parsed output (datetimes, bytes) in the form of our JSON."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


class Helper:
    def __init__(self, path):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("helper died on " + json.dumps(request)[:200])
        return json.loads(line)


def diff(expected, actual, path=""):
    if type(expected) is not type(actual) and not (isinstance(expected, (int, float)) and isinstance(actual, (int, float))):
        return ["%s: expected %r, got %r" % (path, expected, actual)]
    if isinstance(expected, dict):
        out = []
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                out.append("%s.%s: missing" % (path, k))
            elif k not in expected:
                out.append("%s.%s: unexpected %r" % (path, k, actual[k]))
            else:
                out.extend(diff(expected[k], actual[k], path + "." + k))
        return out
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return ["%s: expected %d items, got %d" % (path, len(expected), len(actual))]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(diff(e, a, "%s[%d]" % (path, i)))
        return out
    return [] if expected == actual else ["%s: expected %r, got %r" % (path, expected, actual)]


def body_of(serialized, protocol):
    body = serialized["body"]
    if protocol in ("query", "ec2"):
        return urllib.parse.urlencode(body)
    return body.decode("utf-8") if isinstance(body, bytes) else body


def main():
    helper = Helper(sys.argv[1])
    session = get_session()
    failures = []
    checked = {"inputs": 0, "outputs": 0, "errors": 0}
    ops = []
    with open(sys.argv[2]) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                ops.append(tuple(line.split()))
    for service_name, op_name in ops:
        model = session.get_service_model(service_name)
        protocol = model.metadata["protocol"]
        op = model.operation_model(op_name)
        where = "%s %s" % (service_name, op_name)

        if op.input_shape is not None:
            params = sample(op.input_shape, op_name, 0, True)
            expected = sample(op.input_shape, op_name, 0, False)
            serialized = serialize.create_serializer(protocol).serialize_to_request(params, op)
            reply = helper.ask({"kind": "decode", "service": service_name, "operation": op_name,
                                "body": body_of(serialized, protocol)})
            if "input" not in reply:
                failures.append("%s input: %s" % (where, reply))
            else:
                failures.extend("%s input%s" % (where, d) for d in diff(expected, reply["input"]))
            checked["inputs"] += 1

        output = sample(op.output_shape, op_name, 0, False) if op.output_shape is not None else {}
        reply = helper.ask({"kind": "encode", "service": service_name, "operation": op_name, "output": output,
                            "request_id": "req-1"})
        response = {"body": reply["body"].encode("utf-8"), "headers": reply["headers"],
                    "status_code": reply["status"]}
        parsed = parsers.create_parser(protocol).parse(response, op.output_shape)
        metadata = parsed.pop("ResponseMetadata", {})
        if protocol != "json" and metadata.get("RequestId") != "req-1":
            failures.append("%s output: request id %r" % (where, metadata.get("RequestId")))
        failures.extend("%s output%s" % (where, d) for d in diff(output, normalise(parsed)))
        checked["outputs"] += 1

    # Errors: a modelled code (status from the model), an unmodelled one, a message needing escapes.
    cases = [("rds", "DescribeDBClusters", "DBClusterNotFoundFault", 404, "Sender"),
             ("rds", "CreateDBCluster", "InvalidParameterValue", 400, "Sender"),
             ("iam", "GetUser", "NoSuchEntity", 404, "Sender"),
             ("iam", "GetUser", "NoSuchEntityException", 404, "Sender"),
             ("sts", "AssumeRole", "RegionDisabledException", 403, "Sender"),
             ("ec2", "DescribeVpcs", "InvalidVpcID.NotFound", 400, None),
             ("ds", "DescribeDirectories", "EntityDoesNotExistException", 400, None),
             ("ds", "DescribeDirectories", "ServiceException", 500, None)]
    for service_name, op_name, code, status, fault in cases:
        model = session.get_service_model(service_name)
        op = model.operation_model(op_name)
        message = "Cluster <x> & 'y' not found: é"
        reply = helper.ask({"kind": "error", "service": service_name, "code": code, "message": message,
                            "request_id": "req-2"})
        where = "%s error %s" % (service_name, code)
        if reply["status"] != status:
            failures.append("%s: status %s, expected %s" % (where, reply["status"], status))
        response = {"body": reply["body"].encode("utf-8"), "headers": reply["headers"], "status_code": reply["status"]}
        parsed = parsers.create_parser(model.metadata["protocol"]).parse(response, op.output_shape)
        error = parsed.get("Error", {})
        want_code = "NoSuchEntity" if code.startswith("NoSuchEntity") else code
        if error.get("Code") != want_code or error.get("Message") != message:
            failures.append("%s: parsed %r" % (where, parsed))
        if fault is not None and error.get("Type") != fault:
            failures.append("%s: type %r" % (where, error.get("Type")))
        if model.metadata["protocol"] != "json" and parsed.get("ResponseMetadata", {}).get("RequestId") != "req-2":
            failures.append("%s: request id in %r" % (where, parsed))
        checked["errors"] += 1

    for f in failures:
        print("FAIL", f)
    print("checked %(inputs)d inputs, %(outputs)d outputs, %(errors)d errors" % checked, "-", len(failures), "failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
