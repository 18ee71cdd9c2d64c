#!/usr/bin/env python3
"""An independent judge for JSON Schema draft 2019-09 sets (KS's fiks-innsyn-json-schema):
Python's jsonschema (Draft201909Validator) with format assertion, every schema file under
ROOT registered under BASE + its path (so that no ref is fetched), and the set's custom
int64 format. Usage: jsonschema2019_oracle.py ROOT BASE SCHEMA FILE...
Prints "valid FILE" or "invalid FILE" per file."""
import json, pathlib, re, sys, uuid, datetime, warnings
warnings.simplefilter("ignore")
import jsonschema

root, base, rel = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
store = {}
for p in root.rglob("*.json"):
    doc = json.loads(p.read_text(encoding="utf-8"))
    store[base + p.relative_to(root).as_posix()] = doc
for p in root.rglob("*.json"):  # $ids second: a path wins where two files share an $id
    doc = json.loads(p.read_text(encoding="utf-8"))
    store.setdefault(doc.get("$id", ""), doc)

checker = jsonschema.FormatChecker()
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

@checker.checks("date-time")
def date_time(v):
    if not isinstance(v, str):
        return True
    if not RFC3339.match(v):
        return False
    s = v.replace("z", "Z").replace("t", "T").replace("Z", "+00:00")
    s = re.sub(r"\.\d+", "", s)
    try:
        datetime.datetime.fromisoformat(s)
    except ValueError:
        return False
    return True

@checker.checks("date")
def date(v):
    if not isinstance(v, str):
        return True
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
        return False
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        return False
    return True

@checker.checks("uuid")
def is_uuid(v):
    if not isinstance(v, str):
        return True
    return bool(re.match(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", v))

@checker.checks("int64")
def int64(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return True
    if isinstance(v, float) and not v.is_integer():
        return False
    return -2**63 <= int(v) <= 2**63 - 1

schema = store[base + rel]
try:  # jsonschema >= 4.18 resolves through referencing
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT201909
    registry = Registry().with_resources(
        (url, Resource.from_contents(doc, default_specification=DRAFT201909)) for url, doc in store.items() if url)
    validator = jsonschema.Draft201909Validator(schema, registry=registry, format_checker=checker)
except ImportError:  # older (Debian 12's 4.10): the RefResolver with the same store
    resolver = jsonschema.RefResolver(base_uri=base + rel, referrer=schema, store=store)
    validator = jsonschema.Draft201909Validator(schema, resolver=resolver, format_checker=checker)
for f in sys.argv[4:]:
    try:
        doc = json.loads(pathlib.Path(f).read_text(encoding="utf-8"))
        ok = validator.is_valid(doc)
    except ValueError:
        ok = False
    print(("valid " if ok else "invalid ") + f)
