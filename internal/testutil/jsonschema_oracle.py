#!/usr/bin/env python3
"""An independent judge for NAV's JSON formats (digisos-soker.json, soknad.json, vedlegg.json): Python's jsonschema (Draft 6), refs
resolved from the schema files on disk. Usage: jsonschema_oracle.py SCHEMA FILE...
Prints "valid FILE" or "invalid FILE" per file."""
import json, pathlib, sys, warnings
warnings.simplefilter("ignore")
import jsonschema

schema_path = pathlib.Path(sys.argv[1]).resolve()
schema = json.loads(schema_path.read_text(encoding="utf-8"))
resolver = jsonschema.RefResolver(base_uri=schema_path.as_uri(), referrer=schema)
validator = jsonschema.Draft6Validator(schema, resolver=resolver)
for f in sys.argv[2:]:
    try:
        doc = json.loads(pathlib.Path(f).read_text(encoding="utf-8"))
        ok = validator.is_valid(doc)
    except ValueError:
        ok = False
    print(("valid " if ok else "invalid ") + f)
