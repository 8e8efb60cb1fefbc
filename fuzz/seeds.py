#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets into fuzz/seeds/<target>/ from the
bundled fixtures (policies and requests of every conformance case). Run from
the repository root: python3 fuzz/seeds.py"""
import hashlib, json, os

TYPES = ["identity", "resource", "trust", "boundary", "scp", "rcp", "session"]
FILES = ["fixtures/conformance/cases.jsonl", "fixtures/cases/story.jsonl", "fixtures/cases/policy-kinds.jsonl"]
RS, US = "\x1e", "\x1f"

def write(target, data):
    d = os.path.join("fuzz", "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

for path in FILES:
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        case = json.loads(line)
        policies = case["policies"]
        for p in policies:
            write("parse_validate", json.dumps(p["document"], indent=2, ensure_ascii=False).encode())
        r = case["request"]
        kinds = [TYPES.index(p["kind"]) for p in policies] + [0, 0]
        docs = [json.dumps(p["document"], ensure_ascii=False) for p in policies[:2]] + ["", ""]
        ctx = []
        for k, v in (r.get("context") or {}).items():
            v = US.join(map(str, v)) if isinstance(v, list) else str(v)
            ctx.append(f"{k}={v}")
        fields = [docs[0], docs[1], r["action"], r["resource"], r.get("principal") or ""] + ctx
        head = bytes([kinds[0] | (kinds[1] << 4) | (8 if r.get("resourceAccount") else 0), 0])
        write("compile_evaluate", head + RS.join(fields).encode())

for p, t in [("notes-app-uploads/private/*/*", "notes-app-uploads/private/us-east-1:1/a.txt"),
             ("a*b?c", "aXXbYc"), ("*a*a*a*a*b", "a" * 200), ("?", "é"), ("${*}x", "${*}x"),
             ("Get*", "getObject"), ("*", ""), ("", "")]:
    write("matcher", f"{p}\0{t}".encode())

# readers: a selector byte (see fuzz_targets/readers.rs), then a file.
import glob
READERS = [(0, ["fixtures/cognito/notes-app-pool.json"]),
           (1, glob.glob("fixtures/cognito/login-*.json")),
           (2, glob.glob("fixtures/templates/*")),
           (3, FILES),
           (4, glob.glob("fixtures/lint/*/*.json") + ["fixtures/lint/several-mistakes.json"]),
           (5, ["fixtures/simulator/notes-app.json"])]
for selector, paths in READERS:
    for path in paths:
        if not os.path.isfile(path):
            continue
        if selector == 3:
            for line in open(path, encoding="utf-8"):
                if line.strip():
                    write("readers", bytes([selector]) + line.strip().encode())
        else:
            write("readers", bytes([selector]) + open(path, "rb").read())

# templates: a switch byte (bit 0: supply managed policies), then a template.
for path in glob.glob("fixtures/templates/*.y*ml") + glob.glob("fixtures/templates/notes-app.json"):
    for switches in (0, 1):
        write("templates", bytes([switches]) + open(path, "rb").read())

# pool_login: pool, U+001E, login, U+001E, action, U+001E, resource.
requests = json.load(open("fixtures/cognito/story-requests.json", encoding="utf-8"))
pool = open("fixtures/cognito/notes-app-pool.json", encoding="utf-8").read()
for login in glob.glob("fixtures/cognito/login-*.json"):
    for r in requests:
        fields = [pool, open(login, encoding="utf-8").read(), r["action"], r["resource"]]
        write("pool_login", RS.join(fields).encode())

# case_file: one case per seed.
for path in FILES:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            write("case_file", line.strip().encode())

# lint: the lint fixtures and every case's policies, as they are.
for path in glob.glob("fixtures/lint/*/*.json") + ["fixtures/lint/several-mistakes.json"]:
    if os.path.isfile(path):
        write("lint", open(path, "rb").read())
for path in FILES:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            for p in json.loads(line)["policies"]:
                write("lint", json.dumps(p["document"], indent=2, ensure_ascii=False).encode())

# simulator: the simulator fixtures in the target's field layout (see
# fuzz_targets/simulator.rs), with MaxItems 1, 2 and none.
for path in glob.glob("fixtures/simulator/*.json"):
    s = json.load(open(path, encoding="utf-8"))
    ctx = ";".join(f'{e["ContextKeyName"]}={e["ContextKeyType"]}={"|".join(e["ContextKeyValues"])}'
                   for e in s.get("ContextEntries", []))
    fields = [(s.get("PolicyInputList") or [""])[0],
              (s.get("PermissionsBoundaryPolicyInputList") or [""])[0],
              s.get("ResourcePolicy") or "",
              ",".join(s.get("ActionNames", [])), ",".join(s.get("ResourceArns", [])), ctx,
              s.get("CallerArn") or "", s.get("ResourceOwner") or ""]
    for paging in ["\x00", "\x01", "\x02"]:
        write("simulator", RS.join(fields + [paging]).encode())
