#!/usr/bin/env python3
"""Lint every spec under specs/ with tools no one here wrote, plus the project's own rules.

1. openapi-spec-validator: the file is valid OpenAPI 3.0.
2. every operation has a unique operationId;
3. every schema in components.schemas is referenced;
4. every example (media type, parameter, schema, property) validates against its
   schema with openapi-schema-validator's OAS 3.0 validator (nullable, formats);
5. every `x-` key is one documented in specs/README.md.

Usage: spec_lint.py [SPEC ...]   (default: every specs/**/*.yaml)
Exit status 1 when any file has a problem; each problem names file and JSON pointer.
"""
import re
import sys
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate as validate_spec

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def documented_extensions():
    text = (ROOT / "specs" / "README.md").read_text()
    return set(re.findall(r"^\| `(x-[a-z0-9-]+)` \|", text, re.M))


def pointer(parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def walk(node, parts=()):
    """Yield (parts, node) for every mapping and list item in the document."""
    yield parts, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, parts + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, parts + (i,))


def lint(path, allowed_ext):
    problems = []
    doc = yaml.safe_load(path.read_text())
    try:
        validate_spec(doc)
    except Exception as e:  # the validator's message names the failing location
        problems.append(f"openapi-spec-validator: {str(e).splitlines()[0]}")

    seen_ids = {}
    for p, item in (doc.get("paths") or {}).items():
        for m, op in item.items():
            if m not in METHODS:
                continue
            where = pointer(("paths", p, m))
            oid = op.get("operationId")
            if not oid:
                problems.append(f"{where}: operation has no operationId")
            elif oid in seen_ids:
                problems.append(f"{where}: operationId {oid} also used at {seen_ids[oid]}")
            else:
                seen_ids[oid] = where

    text = path.read_text()
    for name in (doc.get("components", {}).get("schemas") or {}):
        if f"#/components/schemas/{name}'" not in text and f'#/components/schemas/{name}"' not in text \
                and not re.search(rf"#/components/schemas/{re.escape(name)}\s*$", text, re.M):
            problems.append(f"{pointer(('components', 'schemas', name))}: schema is never referenced")

    components = doc.get("components") or {}

    def check(example, schema, where):
        # local $refs resolve against the validator's root, so the root carries the components
        root = dict(schema, components=components) if isinstance(schema, dict) else schema
        validator = OAS30Validator(root, format_checker=oas30_format_checker)
        for err in validator.iter_errors(example):
            loc = "/".join(str(x) for x in err.absolute_path)
            problems.append(f"{where}: example invalid at '{loc}': {err.message}")

    for parts, node in walk(doc):
        if not isinstance(node, dict):
            continue
        for key in node:
            if isinstance(key, str) and key.startswith("x-") and key not in allowed_ext:
                problems.append(f"{pointer(parts + (key,))}: undocumented vendor extension")
        if "example" in node:
            # a media type or parameter holds its schema beside the example; a schema holds it itself
            in_properties = len(parts) >= 2 and parts[-2] == "properties"
            if "schema" in node and isinstance(node["schema"], dict):
                check(node["example"], node["schema"], pointer(parts + ("example",)))
            elif in_properties or "type" in node or "$ref" in node or "allOf" in node or "oneOf" in node:
                schema = {k: v for k, v in node.items() if k != "example"}
                check(node["example"], schema, pointer(parts + ("example",)))
    return problems


def main(argv):
    files = [Path(a) for a in argv] or sorted((ROOT / "specs").rglob("*.yaml"))
    allowed = documented_extensions()
    failed = 0
    for f in files:
        try:
            problems = lint(f, allowed)
        except Exception as e:
            problems = [f"cannot lint: {e}"]
        rel = f.resolve().relative_to(ROOT) if f.resolve().is_relative_to(ROOT) else f
        for pr in problems:
            print(f"{rel}: {pr}")
        failed += bool(problems)
    print(f"spec lint: {len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
