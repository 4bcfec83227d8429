#!/usr/bin/env python3
"""A baseline converter written the way a data engineer would: stdlib ElementTree.iterparse
plus pyarrow, producing the tables of docs/TABLES.md as Parquet (zstd).

    python_convert.py INPUT_DIR --out OUT_DIR [--processes P] [--batch-size N]

It follows the same rules as `ndi-tool convert` for what goes where (typed tables, `attributes`
maps, `elements` for everything else, context attributes of containers) so that it does the
same amount of work, but it is a benchmark baseline, not a second implementation: it does not
validate the FlexNet rules, does not report positions, reads `.npl`/`.nds` files only into
`elements`, and derives `document_id` from BLAKE2b (stdlib) instead of BLAKE3.
Single process by default (that is how such scripts are written); `--processes P` splits the
sorted file list into P slices, each written to its own part files.
"""

import argparse
import gzip
import hashlib
import io
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

S = pa.string()
I64 = pa.int64()
I32 = pa.int32()
B = pa.bool_()
TS = pa.timestamp("s")
D = pa.date32()
MAP = pa.map_(pa.string(), pa.string())

SCHEMAS = {
    "documents": [
        ("document_id", S, False), ("source_path", S, False), ("format", S, True),
        ("compressed", B, False), ("bytes_on_disk", I64, False), ("bytes_xml", I64, True),
        ("status", S, False), ("error", S, True), ("error_rule", S, True),
        ("error_line", I64, True), ("error_column", I64, True), ("error_offset", I64, True),
        ("error_element_path", S, True), ("warning_count", I64, False),
        ("first_warning", S, True), ("encoding", S, True), ("content_bytes_omitted", I64, True),
        ("loaded_at", pa.timestamp("s", tz="UTC"), False),
    ],
    "inventories": [
        ("document_id", S, False), ("machine_name", S, True), ("scope", S, True),
        ("user_name", S, True), ("audience", S, True), ("tracker_version", S, True),
        ("inventory_type", S, True), ("inventory_time", TS, True),
        ("inventory_time_raw", S, True), ("has_hardware", B, True), ("has_software", B, True),
        ("has_service_providers", B, True), ("serial_number", S, True),
        ("hardware_uuid", S, True), ("agent_id", S, True),
    ],
    "hardware": [
        ("document_id", S, False), ("class", S, True), ("instance", I32, True),
        ("instance_name", S, True), ("property", S, True), ("value", S, True),
    ],
    "installer_evidence": [
        ("document_id", S, False), ("evidence_type", S, True), ("name", S, True),
        ("version", S, True), ("publisher", S, True), ("product_code", S, True),
        ("install_date", D, True), ("install_date_raw", S, True), ("attributes", MAP, True),
    ],
    "file_evidence": [
        ("document_id", S, False), ("directory", S, True), ("file_name", S, True),
        ("size", I64, True), ("version", S, True), ("company", S, True),
        ("description", S, True), ("product_name", S, True), ("product_version", S, True),
        ("md5", S, True), ("modified", TS, True), ("modified_raw", S, True),
        ("attributes", MAP, True),
    ],
    "service_providers": [
        ("document_id", S, False), ("provider_path", S, True), ("provider_type", S, True),
        ("provider_name", S, True), ("property", S, True), ("value", S, True),
    ],
    "usage": [
        ("document_id", S, False), ("device_name", S, True), ("device_domain", S, True),
        ("device_guid", S, True), ("user_name", S, True), ("user_domain", S, True),
        ("summary_type", S, True), ("week_start", TS, True), ("week_start_raw", S, True),
        ("app_name", S, True), ("app_version", S, True), ("file_name", S, True),
        ("file_company", S, True), ("file_description", S, True),
        ("file_product_name", S, True), ("file_product_version", S, True),
        ("run_seconds", I64, True), ("active_seconds", I64, True), ("sessions", I64, True),
        ("last_used", TS, True), ("last_used_raw", S, True), ("attributes", MAP, True),
    ],
    "vdi_access": [
        ("document_id", S, False), ("broker_type", S, True), ("site_name", S, True),
        ("scan_time", TS, True), ("scan_time_raw", S, True), ("group_name", S, True),
        ("sid", S, True),
    ],
    "discovery": [
        ("document_id", S, False), ("kind", S, True), ("home", S, True),
        ("executable", S, True), ("sid", S, True), ("port", I32, True), ("source", S, True),
        ("attributes", MAP, True),
    ],
    "schedule_triggers": [
        ("document_id", S, False), ("schedule_name", S, True), ("event_id", S, True),
        ("event_name", S, True), ("component", S, True), ("action", S, True),
        ("catchup", S, True), ("trigger_type", S, True), ("type_param", I64, True),
        ("date_start", D, True), ("date_start_raw", S, True), ("time_start", S, True),
        ("time_window_s", I64, True), ("repeat_s", I64, True), ("duration_s", I64, True),
        ("date_end", D, True), ("date_end_raw", S, True), ("attributes", MAP, True),
    ],
    "policy_packages": [
        ("document_id", S, False), ("policy_guid", S, True), ("href", S, True),
        ("object_id", S, True), ("precedence", I64, True), ("attributes", MAP, True),
    ],
    "elements": [
        ("document_id", S, False), ("path", S, False), ("attribute", S, True),
        ("value", S, True),
    ],
}

FORMATS = {
    "Inventory": "ndi", "USAGE": "mmi", "vdiGroups": "vdi", "Discovery": "disco",
    "Policy": "npl", "SOFTPKG": "osd", "Schedule": "nds",
}

INVENTORY_KNOWN = {
    "Tracker", "Audience", "Scope", "MachineName", "UserName", "Username", "Hardware",
    "Software", "ServiceProviders", "DateTime", "Type", "AgentID",
}
INSTALLER_KNOWN = {"Type", "Name", "Version", "Publisher", "ProductCode", "InstallDate"}
FILE_KNOWN = {
    "Name", "Size", "Version", "Company", "Description", "ProductName", "ProductVersion",
    "MD5", "Modified",
}
USAGE_KNOWN = {
    "NAME", "VERSION", "FILENAME", "FILECOMPANY", "FILEDESCRIPTION", "FILEPRODUCTNAME",
    "FILEPRODUCTVERSION", "RUNTIME", "ACTIVETIME", "SESSIONS", "LASTUSED",
}
SERIAL_CLASSES = {"Win32_BIOS", "MGS_BIOS", "VMWARE_BIOS"}
UUID_CLASSES = {
    "Win32_ComputerSystemProduct", "MGS_ComputerSystemProduct", "MGS_ComputerSystem",
    "VMWARE_VMComputerSystem", "VMWARE_ESXComputerSystem",
}
CANONICAL_INT = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([^"']+)""")


def timestamp(s):
    """(value, raw): a `yyyyMMddTHHmmss` timestamp, or the text when it is anything else."""
    if s is None:
        return None, None
    if len(s) == 15 and s[8] == "T" and s[:8].isdigit() and s[9:].isdigit():
        try:
            return datetime(int(s[0:4]), int(s[4:6]), int(s[6:8]),
                            int(s[9:11]), int(s[11:13]), int(s[13:15])), None
        except ValueError:
            pass
    return None, s


def compact_date(s):
    if s is None:
        return None, None
    if len(s) == 8 and s.isdigit():
        try:
            return date(int(s[0:4]), int(s[4:6]), int(s[6:8])), None
        except ValueError:
            pass
    return None, s


def canonical_int(s):
    if s is not None and CANONICAL_INT.match(s):
        return int(s)
    return None


def parse_bool(s):
    if s is None:
        return None
    low = s.lower()
    return True if low == "true" else False if low == "false" else None


def classify(fmt, parent, name):
    """The kind of an element from the format, its parent's kind and its name."""
    if fmt == "ndi":
        if parent is None:
            if name in ("Hardware", "Software", "Files"):
                return name
        if parent == "Hardware" and name == "Class":
            return "Class"
        if name == "Instance" and parent in ("Hardware", "Class"):
            return "Instance"
        if parent == "Instance" and name == "Property":
            return "Property"
        if parent == "Property" and name in ("Name", "Value"):
            return "Property" + name
        if parent == "Software" and name == "Installer":
            return "Installer"
        if parent == "Files" and name == "Directory":
            return "Directory"
        if parent == "Directory" and name == "File":
            return "File"
        if name == "Content":
            return "Content"
        if name == "ServiceProvider" and parent in (
            None, "Element", "ServiceProvider", "Hardware", "Software"
        ):
            return "ServiceProvider"
        if parent == "ServiceProvider" and name == "Property":
            return "ProviderProperty"
    elif fmt == "mmi":
        if parent is None and name == "MD":
            return "MD"
        if parent == "MD" and name == "USAGE":
            return "USAGE"
        if parent == "USAGE" and name == "APPUSAGE":
            return "APPUSAGE"
    elif fmt == "vdi":
        if parent is None and name == "vdiGroup":
            return "vdiGroup"
        if parent == "vdiGroup" and name == "object":
            return "object"
    elif fmt == "disco":
        if parent is None and name == "Oracle":
            return "Oracle"
        if parent == "Oracle" and name == "Instance":
            return "OracleInstance"
    return "Element"


# Attributes a container passes down as context to the rows below it.
CONTEXT = {
    "Class": ("Name",),
    "Property": ("Name",),
    "Directory": ("Path",),
    "ServiceProvider": ("Type", "Name"),
    "MD": ("NAME", "DOMAIN", "GUID"),
    "USAGE": ("USER", "DOMAIN", "TYPE", "STARTDATE"),
    "vdiGroup": ("name",),
}


class Frame:
    __slots__ = ("kind", "path", "attrs", "counts", "label", "extra", "third", "counter",
                 "index", "context", "used")

    def __init__(self, kind, path, attrs):
        self.kind = kind
        self.path = path
        self.attrs = attrs
        self.counts = {}
        self.label = None
        self.extra = None
        self.third = None
        self.counter = 0
        self.index = 0
        self.context = None
        self.used = False


class Writer:
    """One ParquetWriter per table, fed in batches of `batch_size` rows."""

    def __init__(self, out, part, batch_size):
        self.out = out
        self.part = part
        self.batch_size = batch_size
        self.rows = {t: [] for t in SCHEMAS}
        self.counts = {t: 0 for t in SCHEMAS}
        self.schemas = {
            t: pa.schema([pa.field(n, ty, nullable) for n, ty, nullable in cols])
            for t, cols in SCHEMAS.items()
        }
        self.writers = {}

    def flush(self, table, force=False):
        rows = self.rows[table]
        if not rows or (not force and len(rows) < self.batch_size):
            return
        schema = self.schemas[table]
        columns = list(zip(*rows))
        arrays = [pa.array(c, type=f.type) for c, f in zip(columns, schema)]
        batch = pa.Table.from_arrays(arrays, schema=schema)
        w = self.writers.get(table)
        if w is None:
            os.makedirs(os.path.join(self.out, table), exist_ok=True)
            tmp = os.path.join(self.out, table, f".part-{self.part:05}.parquet.tmp")
            w = pq.ParquetWriter(tmp, schema, compression="zstd", compression_level=1)
            self.writers[table] = w
        w.write_table(batch)
        self.counts[table] += len(rows)
        rows.clear()

    def close(self):
        for t in SCHEMAS:
            self.flush(t, force=True)
        for t, w in self.writers.items():
            w.close()
            d = os.path.join(self.out, t)
            os.replace(os.path.join(d, f".part-{self.part:05}.parquet.tmp"),
                       os.path.join(d, f"part-{self.part:05}.parquet"))


def load_document(xml, doc_id, t):
    """Appends the rows of one document to the per-table lists `t`; returns
    (format, content_bytes_omitted). Raises on malformed XML."""
    hw, inst, files, sp = t["hardware"], t["installer_evidence"], t["file_evidence"], \
        t["service_providers"]
    usage, vdi, disco, el = t["usage"], t["vdi_access"], t["discovery"], t["elements"]
    stack = []
    root = None
    fmt = None
    root_attrs = None
    root_counts = {}
    content_omitted = 0
    serial = uuid = agent = None

    def close(frame):
        if frame.context is not None and not frame.used:
            for k, v in frame.context:
                el.append((doc_id, frame.path, k, v))

    for event, elem in ET.iterparse(io.BytesIO(xml), events=("start", "end")):
        if event == "start":
            if root is None:
                root = elem
                fmt = FORMATS.get(elem.tag, "other")
                root_attrs = dict(elem.attrib)
                root_path = "/" + elem.tag
                continue
            parent = stack[-1] if stack else None
            counts = parent.counts if parent else root_counts
            name = elem.tag
            index = counts[name] = counts.get(name, 0) + 1
            path = f"{parent.path if parent else root_path}/{name}[{index}]"
            kind = classify(fmt, parent.kind if parent else None, name)
            a = elem.attrib
            f = Frame(kind, path, a)
            stack.append(f)
            captured = ()  # names taken by a typed row; None: all of them
            if kind == "Property":
                value = a.get("Value")
                f.third = a.get("Name")
                if value is None:
                    f.context = [("Name", a["Name"])] if "Name" in a else []
                    captured = ("Name",)
                else:
                    instance = next((s for s in reversed(stack) if s.kind == "Instance"), None)
                    if instance is not None:
                        pname = a.get("Name", "")
                        hw.append((doc_id, instance.label, instance.index, instance.extra,
                                   pname, value))
                        if value.strip():
                            v = value.strip()
                            if pname == "SerialNumber" and instance.label in SERIAL_CLASSES:
                                serial = serial or v
                            elif pname == "UUID" and instance.label in UUID_CLASSES:
                                uuid = uuid or v
                            elif pname == "AgentID":
                                agent = agent or v
                        for s in stack:
                            if s.kind in ("Class", "Instance", "Property"):
                                s.used = True
                        captured = ("Name", "Value")
            elif kind == "Instance":
                if parent is not None and parent.kind == "Class":
                    parent.counter += 1
                    f.label, f.index = parent.label, parent.counter - 1
                else:
                    f.label, f.index = a.get("Class", ""), 0
                f.extra = a.get("Name", a.get("Id"))
                names = ("Class", "Name") if "Name" in a else ("Class", "Id")
                f.context = [(k, a[k]) for k in names if k in a]
                captured = names
            elif kind == "Class":
                f.label = a.get("Name", "")
                f.context = [("Name", a["Name"])] if "Name" in a else []
                captured = ("Name",)
            elif kind == "Installer":
                d, d_raw = compact_date(a.get("InstallDate"))
                others = [(k, v) for k, v in a.items() if k not in INSTALLER_KNOWN]
                inst.append((doc_id, a.get("Type"), a.get("Name"), a.get("Version"),
                             a.get("Publisher"), a.get("ProductCode"), d, d_raw,
                             others or None))
                captured = None
            elif kind == "Directory":
                f.label = a.get("Path", "")
                f.context = [("Path", a["Path"])] if "Path" in a else []
                captured = ("Path",)
            elif kind == "File":
                directory = next((s for s in reversed(stack) if s.kind == "Directory"), None)
                if directory is not None:
                    directory.used = True
                size_raw = a.get("Size")
                size = canonical_int(size_raw)
                if size is not None and size < 0:
                    size = None
                modified, modified_raw = timestamp(a.get("Modified"))
                others = [(k, v) for k, v in a.items() if k not in FILE_KNOWN]
                if size is None and size_raw is not None:
                    others.append(("Size", size_raw))
                files.append((doc_id, directory.label if directory else None, a.get("Name"),
                              size, a.get("Version"), a.get("Company"), a.get("Description"),
                              a.get("ProductName"), a.get("ProductVersion"), a.get("MD5"),
                              modified, modified_raw, others or None))
                captured = None
            elif kind == "ServiceProvider":
                up = next((s for s in reversed(stack[:-1]) if s.kind == "ServiceProvider"), None)
                ty, nm = a.get("Type", ""), a.get("Name", "")
                f.label = f"{up.label}/{ty}:{nm}" if up else f"{ty}:{nm}"
                f.extra, f.third = ty, nm
                f.context = [(k, a[k]) for k in ("Type", "Name") if k in a]
                captured = ("Type", "Name")
            elif kind == "ProviderProperty":
                sp.append((doc_id, parent.label, parent.extra, parent.third,
                           a.get("Name", ""), a.get("Value", "")))
                parent.used = True
                for s in stack:
                    if s.kind == "ServiceProvider":
                        s.used = True
                captured = ("Name", "Value")
            elif kind in ("MD", "USAGE", "vdiGroup"):
                f.label = a.get("name")
                f.context = [(k, a[k]) for k in CONTEXT[kind] if k in a]
                captured = CONTEXT[kind]
            elif kind == "APPUSAGE":
                dev = next((s.attrs for s in stack if s.kind == "MD"), {})
                usr = next((s.attrs for s in stack if s.kind == "USAGE"), {})
                for s in stack:
                    if s.kind in ("MD", "USAGE"):
                        s.used = True
                week, week_raw = timestamp(usr.get("STARTDATE"))
                last, last_raw = timestamp(a.get("LASTUSED"))
                others = [(k, v) for k, v in a.items() if k not in USAGE_KNOWN]
                counters = []
                for c in ("RUNTIME", "ACTIVETIME", "SESSIONS"):
                    n = canonical_int(a.get(c))
                    if n is None and c in a:
                        others.append((c, a[c]))
                    counters.append(n)
                usage.append((doc_id, dev.get("NAME"), dev.get("DOMAIN"), dev.get("GUID"),
                              usr.get("USER"), usr.get("DOMAIN"), usr.get("TYPE"), week,
                              week_raw, a.get("NAME"), a.get("VERSION"), a.get("FILENAME"),
                              a.get("FILECOMPANY"), a.get("FILEDESCRIPTION"),
                              a.get("FILEPRODUCTNAME"), a.get("FILEPRODUCTVERSION"),
                              counters[0], counters[1], counters[2], last, last_raw,
                              others or None))
                captured = None
            elif kind == "object":
                group = next((s for s in reversed(stack) if s.kind == "vdiGroup"), None)
                if group is not None:
                    group.used = True
                scan, scan_raw = timestamp(root_attrs.get("scanTime"))
                vdi.append((doc_id, root_attrs.get("brokerType"), root_attrs.get("siteName"),
                            scan, scan_raw, group.label if group else None, a.get("Sid")))
                captured = ("Sid",)
            elif kind in ("Oracle", "OracleInstance"):
                home = a if kind == "Oracle" else next(
                    (s.attrs for s in stack if s.kind == "Oracle"), a)
                if kind == "Oracle":
                    known, port_raw = ("Home", "Executable", "Source"), None
                else:
                    known, port_raw = ("SID", "Port"), a.get("Port")
                port = canonical_int(port_raw)
                if port is not None and not -2**31 <= port < 2**31:
                    port = None
                others = [(k, v) for k, v in a.items() if k not in known]
                if port is None and port_raw is not None:
                    others.append(("Port", port_raw))
                disco.append((doc_id, "oracle_home" if kind == "Oracle" else "oracle_instance",
                              home.get("Home"), home.get("Executable"), a.get("SID"), port,
                              home.get("Source"), others or None))
                captured = None
            if captured is not None:
                for k, v in a.items():
                    if k not in captured:
                        el.append((doc_id, path, k, v))
        else:  # end
            if elem is root:
                break
            f = stack.pop()
            text = elem.text
            if text is not None and not text.strip():
                text = None
            if f.kind == "Content" and text is not None:
                content_omitted += len(text)
            elif f.kind == "PropertyName":
                if stack:
                    stack[-1].third = text
                if text is not None:
                    el.append((doc_id, f.path, None, text))
            elif f.kind == "PropertyValue":
                prop = stack[-1] if stack else None
                instance = next((s for s in reversed(stack) if s.kind == "Instance"), None)
                if prop is not None and instance is not None:
                    hw.append((doc_id, instance.label, instance.index, instance.extra,
                               prop.third or "", text or ""))
                    for s in stack:
                        if s.kind in ("Class", "Instance", "Property"):
                            s.used = True
                elif text is not None:
                    el.append((doc_id, f.path, None, text))
            elif text is not None:
                el.append((doc_id, f.path, None, text))
            tail = elem.tail
            if tail is not None and tail.strip():
                parent_path = stack[-1].path if stack else root_path
                el.append((doc_id, parent_path + "/text()", None, tail))
            close(f)
            elem.clear()
    if root is None:
        raise ValueError("no root element")

    typed = ()
    if fmt == "ndi":
        a = root_attrs
        when, when_raw = timestamp(a.get("DateTime"))
        user = a.get("UserName", a.get("Username"))
        t["inventories"].append((
            doc_id, a.get("MachineName"), a.get("Scope"), user, a.get("Audience"),
            a.get("Tracker"), a.get("Type"), when, when_raw,
            parse_bool(a.get("Hardware")), parse_bool(a.get("Software")),
            parse_bool(a.get("ServiceProviders")), serial, uuid, a.get("AgentID") or agent))
        typed = INVENTORY_KNOWN
    both = "UserName" in root_attrs
    for k, v in root_attrs.items():
        taken = (k in typed and not (k == "Username" and both)
                 and not (k in ("Hardware", "Software", "ServiceProviders")
                          and parse_bool(v) is None))
        if not taken:
            el.append((doc_id, root_path, k, v))
    return fmt, content_omitted


def convert(files, out, part, batch_size, loaded_at):
    w = Writer(out, part, batch_size)
    stats = {"ok": 0, "rejected": 0, "disk": 0, "xml": 0}
    for path in files:
        with open(path, "rb") as fh:
            data = fh.read()
        doc_id = hashlib.blake2b(data, digest_size=16).hexdigest()
        compressed = data[:2] == b"\x1f\x8b"
        marks = {t: len(rows) for t, rows in w.rows.items()}
        fmt = xml = error = encoding = None
        omitted = None
        try:
            xml = gzip.decompress(data) if compressed else data
            m = ENCODING.match(xml, 0, 200)
            encoding = m.group(1).decode("ascii", "replace").upper() if m else "UTF-8"
            fmt, omitted = load_document(xml, doc_id, w.rows)
        except (ET.ParseError, OSError, EOFError, ValueError, LookupError) as e:
            error = f"{type(e).__name__}: {e}"
            for t, n in marks.items():
                del w.rows[t][n:]
        status = "rejected" if error else "ok"
        stats[status] += 1
        stats["disk"] += len(data)
        stats["xml"] += len(xml) if xml is not None else 0
        w.rows["documents"].append((
            doc_id, path, fmt, compressed, len(data), len(xml) if xml is not None else None,
            status, error, None, None, None, None, None, 0, None, encoding, omitted,
            loaded_at))
        for t in SCHEMAS:
            w.flush(t)
    w.close()
    return stats, w.counts


def _worker(args):
    return convert(*args)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("--out", required=True)
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=65536)
    args = p.parse_args()
    started = time.monotonic()
    files = []
    for d, dirs, names in os.walk(args.input):
        dirs[:] = [x for x in dirs if not x.startswith(".")]  # hidden: skipped, as convert does
        files.extend(os.path.join(d, n) for n in names if not n.startswith("."))
    files.sort()
    loaded_at = datetime.now(timezone.utc).replace(microsecond=0)
    os.makedirs(args.out, exist_ok=True)
    if args.processes <= 1:
        results = [convert(files, args.out, 0, args.batch_size, loaded_at)]
    else:
        import multiprocessing

        n = args.processes
        size = (len(files) + n - 1) // n
        jobs = [(files[i * size:(i + 1) * size], args.out, i, args.batch_size, loaded_at)
                for i in range(n)]
        with multiprocessing.Pool(n) as pool:
            results = pool.map(_worker, jobs)
    stats = {"ok": 0, "rejected": 0, "disk": 0, "xml": 0}
    rows = {t: 0 for t in SCHEMAS}
    for s, c in results:
        for k in stats:
            stats[k] += s[k]
        for k in rows:
            rows[k] += c[k]
    secs = max(time.monotonic() - started, 1e-3)
    print(f"{len(files)} files: {stats['ok']} ok, {stats['rejected']} rejected  "
          f"({stats['disk'] / 1e6:.1f} MB on disk, {stats['xml'] / 1e6:.1f} MB XML, "
          f"{secs:.1f} s, {stats['xml'] / 1e6 / secs:.1f} MB/s XML, "
          f"{len(files) / secs:.0f} files/s)", file=sys.stderr)
    print("rows: " + ", ".join(f"{t} {n}" for t, n in rows.items() if n), file=sys.stderr)


if __name__ == "__main__":
    main()
