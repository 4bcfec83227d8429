#!/usr/bin/env python3
"""Checks the reconciled Delta tables with real readers, and runs the administrators'
queries of docs/RECONCILE.md against them.

usage: check_reconcile.py ESTATE DELTA_ROOT            (deltalake and Polars; the DuckDB
                                                        queries too when duckdb is installed,
                                                        over tables read by deltalake)
       check_reconcile.py --duckdb ESTATE DELTA_ROOT   (the DuckDB queries with delta_scan)

ESTATE is a folder written by `ndi-tool generate --estate` (its truth.csv, devices.csv and
usage.csv); DELTA_ROOT holds its day folders imported by `ndi-tool import` and then
`ndi-tool reconcile --table DELTA_ROOT` (default rules: stale after 30 days).

- The five reconciled tables open with deltalake and Polars, each at a version whose last
  commit is a WRITE in mode Overwrite carrying the txn of `ndi-reconcile`, the same run in
  all five; device_map holds every inventory document of the truth.
- Every `<!-- query:NAME duckdb|polars -->` block of docs/RECONCILE.md runs as written (with
  `lake/` the root, `Visio` an application of the estate, `<first id>`/`<second id>` two
  documents) and its answer is checked against the truth: the devices with the application
  installed, the installations unused (all of those of devices without usage), the stale
  devices, the path that merged two documents of a renamed device, the finding that kept two
  cloned VMs apart.
"""
import csv
import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "docs", "RECONCILE.md")
RECONCILED = ["device_map", "devices", "installations", "usage_by_installation",
              "identity_findings"]
QUERY = re.compile(
    r"<!-- query:(\w+) (duckdb|polars) -->\s*```(?:sql|python)\n(.*?)```", re.S)


def fail(message):
    print(f"check_reconcile: {message}", file=sys.stderr)
    sys.exit(1)


def queries():
    """{(name, language): code} of the marked blocks, in document order."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    found = {}
    for name, language, code in QUERY.findall(text):
        found[(name, language)] = code
    names = {"installed", "unused", "stale", "merged", "not_merged"}
    for language in ("duckdb", "polars"):
        missing = names - {n for (n, l) in found if l == language}
        if missing:
            fail(f"docs/RECONCILE.md has no {language} block for {sorted(missing)}")
    return found


def read_csv(estate, name):
    with open(os.path.join(estate, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Truth:
    """The estate's truth joined to the imported documents."""

    def __init__(self, estate, read):
        self.files = read_csv(estate, "truth.csv")
        self.devices = {d["device"]: d for d in read_csv(estate, "devices.csv")}
        self.usage = read_csv(estate, "usage.csv")
        documents = read("documents", ["document_id", "source_path"])
        # A truth path is DAY/FOLDER/NAME; the import records the path it took the file from.
        by_path = {}
        for row in documents:
            parts = row["source_path"].replace("\\", "/").split("/")
            by_path["/".join(parts[-3:])] = row["document_id"]
        self.document_of = {f["path"]: by_path[f["path"]] for f in self.files
                            if f["path"] in by_path}
        self.device_of_document = {
            self.document_of[f["path"]]: f["device"]
            for f in self.files if f["path"] in self.document_of}
        # Current name of each device: the last it used.
        self.device_of_name = {}
        for key, d in self.devices.items():
            self.device_of_name.setdefault(d["names"].split(";")[-1].lower(), set()).add(key)

    def devices_named(self, names):
        out = set()
        for n in names:
            keys = self.device_of_name.get((n or "").lower())
            if not keys:
                fail(f"a query answered the machine name {n!r}, no device of the truth has it")
            out |= keys
        return out


def as_of_of(root):
    """The --as-of of the last reconcile: `ndiAsOf` in the commitInfo of the last commit of
    `devices` (read from the log's JSON, which every reader here can)."""
    log = os.path.join(root, "devices", "_delta_log")
    last = max(f for f in os.listdir(log) if re.fullmatch(r"\d{20}\.json", f))
    with open(os.path.join(log, last), encoding="utf-8") as f:
        for line in f:
            info = json.loads(line).get("commitInfo")
            if info and "ndiAsOf" in (info.get("operationMetrics") or {}):
                return int(info["operationMetrics"]["ndiAsOf"])
    fail(f"devices: the last commit ({last}) has no ndiAsOf metric")


def deltalake_reader(root):
    import deltalake

    def read(table, columns=None):
        return deltalake.DeltaTable(os.path.join(root, table)).to_pyarrow_table(
            columns=columns).to_pylist()
    return read


def duckdb_reader(con, root):
    def read(table, columns=None):
        select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        result = con.execute(
            f"SELECT {select} FROM delta_scan('{os.path.join(root, table)}')")
        columns = [c[0] for c in result.description]
        return [dict(zip(columns, r)) for r in result.fetchall()]
    return read


def check_tables(root, truth):
    import deltalake
    import polars as pl
    runs = set()
    for table in RECONCILED:
        path = os.path.join(root, table)
        dt = deltalake.DeltaTable(path)
        last = dt.history(1)[0]
        if last.get("operation") != "WRITE":
            fail(f"{table}: last commit is {last.get('operation')}, not WRITE")
        mode = (last.get("operationParameters") or {}).get("mode")
        if mode != "Overwrite":
            fail(f"{table}: last commit's mode is {mode}, not Overwrite")
        run = dt.transaction_version("ndi-reconcile") if hasattr(dt, "transaction_version") \
            else None
        if run is None:
            run = int((last.get("operationMetrics") or {}).get("ndiRun", "0"))
        runs.add(run)
        got = dt.to_pyarrow_table()
        frame = pl.read_delta(path)
        if frame.height != got.num_rows:
            fail(f"{table}: Polars reads {frame.height} rows, deltalake {got.num_rows}")
        print(f"  {table}: version {dt.version()}, run {run}, {got.num_rows} rows "
              "(deltalake, Polars)")
    if len(runs) != 1:
        fail(f"the five tables are of different runs: {sorted(runs)}")
    device_map = pl.read_delta(os.path.join(root, "device_map"))
    mapped = set(device_map["document_id"].to_list())
    inventories = {truth.document_of[f["path"]] for f in truth.files
                   if f["kind"] != "usage" and f["path"] in truth.document_of}
    if not inventories or inventories != mapped:
        fail(f"device_map has {len(mapped)} documents, the truth {len(inventories)} inventories")
    # The grouping: documents of one truth device share one device_id and no other.
    groups = {}
    for doc, device in zip(device_map["document_id"], device_map["device_id"]):
        groups.setdefault(truth.device_of_document[doc], set()).add(device)
    split = [k for k, v in groups.items() if len(v) != 1]
    ids = [next(iter(v)) for v in groups.values()]
    if split or len(set(ids)) != len(ids):
        fail(f"device_map does not group the documents as the truth: split {split}")
    print(f"  device_map: {len(mapped)} documents in {len(ids)} devices, as the truth says")


def parameters(truth, read, as_of):
    """The values the doc's placeholders stand for, and what each answer must be."""
    # An application with usage records that name it (so its installer record exists),
    # plain enough to stand in a LIKE pattern and a regular expression.
    counts = {}
    for u in truth.usage:
        if u["matched_by"] == "name-version" and re.fullmatch(r"[A-Za-z0-9 ]+",
                                                              u["installer_name"]):
            counts.setdefault(u["installer_name"], set()).add(u["device"])
    # Prefer one that not every device has, so that the answer tells devices apart.
    names = {r["device_id"]: r["machine_name"] for r in read("devices")}
    holders = {}
    for r in read("installations"):
        holders.setdefault((r["name"] or "").lower(), set()).add(r["device_id"])
    counts = {a: users for a, users in counts.items()
              if len(users) >= 2 and len(holders.get(a.lower(), ())) < len(names)} or counts
    if not counts:
        fail("usage.csv names no application by name and version")
    app = max(sorted(counts), key=lambda a: len(counts[a]))
    users = set()
    for u in truth.usage:
        if u["matched_by"] == "name-version" and app.lower() in u["installer_name"].lower():
            users.add(u["device"])
    # A renamed device's first and last documents.
    renamed = [k for k, d in truth.devices.items() if "renamed" in d["cases"].split(";")]
    if not renamed:
        fail("the estate has no renamed device")
    files = sorted((f for f in truth.files
                    if f["device"] == renamed[0] and f["kind"] != "usage"
                    and f["path"] in truth.document_of), key=lambda f: f["stamp"])
    first, second = truth.document_of[files[0]["path"]], truth.document_of[files[-1]["path"]]
    if files[0]["machine_name"] == files[-1]["machine_name"]:
        fail(f"{renamed[0]}: its first and last documents carry the same name")
    # Stale: last day more than 30 days before as-of.
    limit = (datetime.datetime.fromtimestamp(as_of, datetime.timezone.utc)
             - datetime.timedelta(days=30)).date().isoformat()
    stale = {k for k, d in truth.devices.items() if d["last_day"] < limit}
    if not stale:
        fail("the estate has no device stale after 30 days: generate more days")
    # Two cloned VMs sharing a hardware UUID.
    by_uuid = {}
    for k, d in truth.devices.items():
        if "cloned-vm" in d["cases"].split(";"):
            by_uuid.setdefault(d["hardware_uuid"], []).append(k)
    clones = next((v for v in by_uuid.values() if len(v) > 1), None)
    if not clones:
        fail("the estate has no cloned VMs")
    clone_docs = []
    for key in clones[:2]:
        f = next(f for f in truth.files if f["device"] == key and f["kind"] != "usage"
                 and f["path"] in truth.document_of)
        clone_docs.append(truth.document_of[f["path"]])
    # Installations per device, and the used ones, from the reconciled tables.
    no_usage = {k for k, d in truth.devices.items() if "usage" not in d["cases"].split(";")}
    silent = 0
    for r in read("installations"):
        if truth.devices_named([names[r["device_id"]]]) & no_usage:
            silent += 1
    used_keys = {(names[r["device_id"]].lower(), (r["app_name"] or "").lower(),
                  (r["app_version"] or "").lower())
                 for r in read("usage_by_installation") if r["used"]}
    if not used_keys:
        fail("no installation is used: the unused check would prove nothing")
    return {
        "app": app, "users": users, "renamed": renamed[0], "first": first,
        "second": second, "stale": stale, "clones": clones[:2], "clone_docs": clone_docs,
        "no_usage": no_usage, "silent_installations": silent, "used": used_keys,
    }


def substitute(code, root, p, pair):
    code = code.replace("lake/", root.rstrip("/") + "/")
    code = code.replace("Visio", p["app"])
    code = code.replace("<first id>", pair[0]).replace("<second id>", pair[1])
    return code


def check_answers(language, answers, truth, p):
    """answers: {name: list of dict rows} (merged: a list of paths)."""
    # Devices with the application installed: at least those using it, each row naming it.
    rows = answers["installed"]
    if not rows or any(p["app"].lower() not in r["name"].lower() for r in rows):
        fail(f"{language} installed: {len(rows)} rows, or a row not naming {p['app']!r}")
    having = truth.devices_named(r["machine_name"] for r in rows)
    if not p["users"] <= having:
        fail(f"{language} installed: {sorted(p['users'] - having)} use {p['app']!r} "
             "but are not answered")
    # Unused: no used installation; every installation of a device without usage.
    rows = answers["unused"]
    keys = {(r["machine_name"].lower(), (r["name"] or "").lower(), (r["version"] or "").lower())
            for r in rows}
    if keys & p["used"]:
        fail(f"{language} unused: answers used installations {sorted(keys & p['used'])[:3]}")
    silent = sum(1 for r in rows if truth.devices_named([r["machine_name"]]) & p["no_usage"])
    if silent != p["silent_installations"] or silent == 0:
        fail(f"{language} unused: {silent} rows of devices without usage, "
             f"they have {p['silent_installations']} installations")
    # Stale: exactly the truth's.
    stale = truth.devices_named(r["machine_name"] for r in answers["stale"])
    if stale != p["stale"]:
        fail(f"{language} stale: {sorted(stale)}, the truth says {sorted(p['stale'])}")
    # Merged: both paths end at the same earliest document, of the renamed device.
    ends = set()
    for steps in answers["merged"]:
        if not steps or steps[-1]["match_reason"] != "earliest":
            fail(f"{language} merged: a path does not end at an earliest document: {steps}")
        ends.add(steps[-1]["document_id"])
    if len(ends) != 1 or truth.device_of_document[ends.pop()] != p["renamed"]:
        fail(f"{language} merged: the paths do not meet at {p['renamed']}'s earliest document")
    # Not merged: the clones' shared UUID was demoted.
    rows = answers["not_merged"]
    if not any(r["kind"] == "demoted" and r["column"] == "hardware_uuid" for r in rows):
        fail(f"{language} not_merged: no demoted hardware_uuid among {rows}")
    print(f"  {language}: installed {len(answers['installed'])} rows "
          f"({p['app']!r}, {len(p['users'])} users), unused {len(answers['unused'])}, "
          f"stale {len(answers['stale'])}, merged path of {p['renamed']}, "
          f"not merged {len(answers['not_merged'])} findings")


def run_polars(blocks, root, p):
    answers = {}
    namespace = {}
    for name in ("installed", "unused", "stale", "merged", "not_merged"):
        pair = (p["first"], p["second"]) if name == "merged" else tuple(p["clone_docs"])
        exec(substitute(blocks[(name, "polars")], root, p, pair), namespace)
        value = namespace[name]
        if name == "merged":
            answers[name] = [frame.to_dicts() for frame in value]
        else:
            answers[name] = value.to_dicts()
    return answers


def run_duckdb(con, blocks, root, p, source):
    answers = {}
    for name in ("installed", "unused", "stale", "merged", "not_merged"):
        pair = (p["first"], p["second"]) if name == "merged" else tuple(p["clone_docs"])
        sql = source(substitute(blocks[(name, "duckdb")], root, p, pair))
        result = con.execute(sql)
        columns = [c[0] for c in result.description]
        rows = [dict(zip(columns, r)) for r in result.fetchall()]
        if name == "merged":
            paths = {}
            for r in rows:
                paths.setdefault(r["start"], []).append(r)
            answers[name] = [sorted(v, key=lambda r: r["step"]) for v in paths.values()]
            if len(answers[name]) != 2:
                fail(f"duckdb merged: {len(answers[name])} paths, not 2")
        else:
            answers[name] = rows
    return answers


def main():
    args = sys.argv[1:]
    duck_only = bool(args) and args[0] == "--duckdb"
    if duck_only:
        args = args[1:]
    if len(args) != 2:
        fail(__doc__)
    estate, root = args
    root = os.path.abspath(root)
    blocks = queries()
    as_of = as_of_of(root)
    if duck_only:
        import duckdb
        import glob
        import importlib.util
        con = duckdb.connect()
        spec = importlib.util.find_spec("duckdb_extension_delta")
        files = []
        for location in (spec.submodule_search_locations or []) if spec else []:
            files += glob.glob(os.path.join(location, "**", "delta.duckdb_extension"),
                               recursive=True)
        try:
            con.execute(f"LOAD '{files[0]}'" if files else "LOAD delta")
        except Exception as e:  # not installed for this DuckDB, or needs the network
            print(f"  DuckDB delta extension not available offline ({e}); skipped")
            print("check_reconcile: ok")
            return
        read = duckdb_reader(con, root)
        truth = Truth(estate, read)
        p = parameters(truth, read, as_of)
        answers = run_duckdb(con, blocks, root, p, lambda sql: sql)
        check_answers("duckdb delta_scan", answers, truth, p)
        print("check_reconcile: ok")
        return
    read = deltalake_reader(root)
    truth = Truth(estate, read)
    p = parameters(truth, read, as_of)
    check_tables(root, truth)
    check_answers("polars", run_polars(blocks, root, p), truth, p)
    try:
        import duckdb
    except ImportError:
        print("  duckdb not installed: the SQL queries are checked with --duckdb only")
    else:
        # The SQL as written, its delta_scan('ROOT/T') read by deltalake instead (DuckDB
        # scans the Arrow tables), for when DuckDB's delta extension cannot be had.
        import deltalake
        con = duckdb.connect()
        for table in RECONCILED:
            arrow = deltalake.DeltaTable(os.path.join(root, table)).to_pyarrow_table()
            con.register(f"reconciled_{table}", arrow)

        def source(sql):
            return re.sub(r"delta_scan\('" + re.escape(root) + r"/(\w+)'\)",
                          lambda m: f"reconciled_{m.group(1)}", sql)
        check_answers("duckdb over deltalake", run_duckdb(con, blocks, root, p, source),
                      truth, p)
    print("check_reconcile: ok")


if __name__ == "__main__":
    main()
