#!/usr/bin/env python3
"""Check a JSON output of sstp against the field tables of doc/json.md.

usage: json_check.py doc/json.md DOCUMENT FILE...
DOCUMENT is a table name of json.md (status, connect, check, list, show, package). Every field of
FILE must be documented with a matching type, and every documented field (not marked '?') must be
present. Prints one line per problem; exit 0 when there is none, 1 otherwise, 2 on bad usage.
"""
import json
import re
import sys

PRIMITIVE = {"string", "integer", "boolean", "null", "object"}


def read_tables(path):
    """{table name: {field path: type}} from '<!-- json: NAME -->' and the table after it."""
    tables, current = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"<!-- json: (\S+) -->", line.strip())
            if m:
                current = tables.setdefault(m.group(1), {})
                continue
            if current is None:
                continue
            if not line.startswith("|"):
                if line.strip():
                    current = None
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or cells[0] in ("field", "---"):
                continue
            current[cells[0]] = cells[1]
    return tables


class Checker:
    def __init__(self, tables):
        self.tables = tables
        self.errors = []

    def children(self, rows, prefix):
        """Direct fields of the object at prefix ('' for the top) as {name: (type, rows)},
        expanding '*' rows (whose fields come with their own table's rows)."""
        out = {}
        lead = prefix + "." if prefix else ""
        for field, typ in rows.items():
            if not field.startswith(lead):
                continue
            rest = field[len(lead):]
            if not rest or "." in rest or "[]" in rest:
                continue
            if rest == "*":
                out.update(self.children(self.tables[typ], ""))
            else:
                out[rest] = (typ, rows)
        return out

    def check_object(self, obj, rows, prefix, where):
        kids = self.children(rows, prefix)
        for k in obj:
            if k not in kids:
                self.errors.append(f"{where}.{k}: not documented")
        for k, (typ, krows) in kids.items():
            if k not in obj:
                if not typ.endswith("?"):
                    self.errors.append(f"{where}.{k}: documented but missing")
                continue
            sub = (prefix + "." if prefix and krows is rows else "") + k
            self.check_value(obj[k], typ.rstrip("?"), krows, sub, f"{where}.{k}")

    def matches(self, v, alt, rows, prefix, where):
        """True when v has type alt (and then checks inside it)."""
        if alt.startswith("[]"):
            if not isinstance(v, list):
                return False
            for i, e in enumerate(v):
                self.check_value(e, alt[2:], rows, prefix + "[]", f"{where}[{i}]")
            return True
        if alt == "string":
            return isinstance(v, str)
        if alt == "integer":
            return isinstance(v, int) and not isinstance(v, bool)
        if alt == "boolean":
            return isinstance(v, bool)
        if alt == "null":
            return v is None
        if alt == "object":
            if not isinstance(v, dict):
                return False
            self.check_object(v, rows, prefix, where)
            return True
        if alt in self.tables:
            if not isinstance(v, dict):
                return False
            self.check_object(v, self.tables[alt], "", where)
            return True
        self.errors.append(f"{where}: json.md names an unknown type '{alt}'")
        return True

    def check_value(self, v, typ, rows, prefix, where):
        alts = [a.strip() for a in typ.split(" or ")]
        # try null first, so that a null never descends into a table
        for alt in sorted(alts, key=lambda a: a != "null"):
            if self.matches(v, alt, rows, prefix, where):
                return
        self.errors.append(f"{where}: {json.dumps(v)[:60]} is not {typ}")


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    tables = read_tables(argv[1])
    if argv[2] not in tables:
        print(f"json.md has no table '{argv[2]}'", file=sys.stderr)
        return 2
    bad = 0
    for path in argv[3:]:
        c = Checker(tables)
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: not JSON: {e}")
            bad += 1
            continue
        if not isinstance(doc, dict) or doc.get("schema") != 1:
            c.errors.append("top level: not an object with \"schema\": 1")
        else:
            c.check_object(doc, tables[argv[2]], "", argv[2])
        for e in c.errors:
            print(f"{path}: {e}")
        bad += bool(c.errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
