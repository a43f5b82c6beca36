#!/usr/bin/python3
"""Writes the botocore model subset borealis serves as a C++ source file.

Reads Debian's awscli botocore service-2.json files, keeps the operations listed in operations.txt,
the closure of the shapes they reach and every exception shape of the service (handlers may answer
with any of the service's modelled errors), drops documentation, and emits the result as JSON split
into string literals small enough for any compiler. Run by CMake at build time; the output is never
committed. Must never silently produce an empty or partial model: every failure exits non-zero.

usage: make_models.py BOTOCORE_DATA_DIR operations.txt OUT.cc
"""
import json
import os
import sys

VERSIONS = {"rds": "2014-10-31", "iam": "2010-05-08", "sts": "2011-06-15", "ec2": "2016-11-15",
            "ds": "2015-04-16"}
METADATA = ("protocol", "apiVersion", "xmlNamespace", "targetPrefix", "signingName", "jsonVersion",
            "endpointPrefix", "serviceId")
# Traits the codecs read; everything else (documentation, examples, deprecation notes) is dropped.
SHAPE_KEYS = ("type", "members", "member", "key", "value", "required", "min", "max", "enum", "error",
              "exception", "fault", "flattened", "locationName", "queryName", "timestampFormat",
              "xmlNamespace", "wrapper", "resultWrapper", "shape", "xmlAttribute", "sensitive")
OPERATION_KEYS = ("name", "http", "input", "output", "errors")
# MSVC refuses string literals over 16380 bytes; stay well under it.
CHUNK = 12000


def die(message):
    sys.stderr.write("make_models.py: %s\n" % message)
    sys.exit(1)


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k in SHAPE_KEYS or k in OPERATION_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def refs(shape):
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["shape"]
    for member in shape.get("members", {}).values():
        yield member["shape"]


def subset(model, names):
    operations, wanted = {}, []
    for name in names:
        if name not in model["operations"]:
            die("operation %s not in the %s model" % (name, model["metadata"]["endpointPrefix"]))
        op = model["operations"][name]
        kept = {k: strip(v) for k, v in op.items() if k in OPERATION_KEYS}
        operations[name] = kept
        for part in ("input", "output"):
            if part in op:
                wanted.append(op[part]["shape"])
        wanted.extend(e["shape"] for e in op.get("errors", []))
    wanted.extend(n for n, s in model["shapes"].items() if s.get("exception"))
    shapes = {}
    while wanted:
        name = wanted.pop()
        if name in shapes:
            continue
        shape = model["shapes"][name]
        kept = {k: strip(v) if k in ("member", "key", "value") else v
                for k, v in shape.items() if k in SHAPE_KEYS and k != "members"}
        if "members" in shape:
            kept["members"] = {m: strip(ref) for m, ref in shape["members"].items()}
        shapes[name] = kept
        wanted.extend(refs(shape))
    metadata = {k: v for k, v in model["metadata"].items() if k in METADATA}
    metadata.setdefault("signingName", metadata["endpointPrefix"])
    return {"metadata": metadata, "operations": operations, "shapes": shapes}


def cxx_literal(text):
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) > 0x7e:
            # The JSON is ASCII (ensure_ascii); this keeps trigraph-free, encoding-free source.
            out.append("\\%03o" % ord(ch))
        elif ch == "?":
            out.append("\\?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def main():
    if len(sys.argv) != 4:
        die("usage: make_models.py BOTOCORE_DATA_DIR operations.txt OUT.cc")
    data_dir, ops_file, out_file = sys.argv[1:]
    wanted = {}
    with open(ops_file, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            service, op = line.split()
            if service not in VERSIONS:
                die("unknown service %s in %s" % (service, ops_file))
            wanted.setdefault(service, []).append(op)
    services = {}
    for service, names in sorted(wanted.items()):
        path = os.path.join(data_dir, service, VERSIONS[service], "service-2.json")
        if not os.path.exists(path):
            die("%s is missing: install Debian's awscli package (scripts/setup does)" % path)
        with open(path, encoding="utf-8") as f:
            services[service] = subset(json.load(f), names)
    text = json.dumps({"services": services}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)]
    with open(out_file + ".tmp", "w", encoding="ascii") as f:
        f.write("// Generated by src/api/models/make_models.py from Debian's botocore models. Do not edit.\n")
        f.write("#include <cstddef>\n#include <string_view>\n\nnamespace borealis::api::generated {\n\n")
        f.write("extern const std::string_view kModelChunks[] = {\n")
        for chunk in chunks:
            f.write("    std::string_view(%s, %d),\n" % (cxx_literal(chunk), len(chunk)))
        f.write("};\nextern const std::size_t kModelChunkCount = %d;\n\n}  // namespace borealis::api::generated\n"
                % len(chunks))
    os.replace(out_file + ".tmp", out_file)


if __name__ == "__main__":
    main()
