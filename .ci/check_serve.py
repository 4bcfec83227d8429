#!/usr/bin/env python3
"""Python `requests` against `ndi-tool serve`: PUT, multipart POST, chunked PUT, the
identical-bytes 200, a refused name, the probes, then SIGTERM. Every stored file must be
byte-identical to what was sent. Usage: check_serve.py NDI_TOOL_BINARY"""

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading

import requests

passed = 0
failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what} {detail}", file=sys.stderr)


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="check-serve-")
    incoming = os.path.join(work, "in")
    proc = subprocess.Popen(
        [binary, "serve", "--incoming", incoming, "--listen", "127.0.0.1:0", "-q"],
        stderr=subprocess.PIPE,
        text=True,
    )
    port_found = threading.Event()
    box = {}

    def read_stderr():
        for line in proc.stderr:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                box["port"] = int(m.group(1))
                port_found.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        if not port_found.wait(20):
            print("serve did not start", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{box['port']}/ManageSoftRL"
        rnd = random.Random(7)
        s = requests.Session()

        inv = rnd.randbytes(83_000)
        r = s.put(f"{base}/SYSTEM%20on%20PY1.ndi.gz", data=inv, timeout=20)
        check("PUT 201", r.status_code == 201, r.status_code)
        r = s.put(f"{base}/SYSTEM%20on%20PY1.ndi.gz", data=inv, timeout=20)
        check("PUT again 200", r.status_code == 200, r.status_code)

        usage = rnd.randbytes(3_000)
        r = s.post(f"{base}/", files={"file": ("alice on PY1.mmi.gz", usage)}, timeout=20)
        check("multipart POST 201", r.status_code == 201, r.status_code)

        disco = rnd.randbytes(200_000)
        chunks = (disco[i : i + 7_000] for i in range(0, len(disco), 7_000))
        r = s.put(f"{base}/net.disco", data=chunks, timeout=20)
        check("chunked PUT 201", r.status_code == 201, r.status_code)

        r = s.put(f"{base}/..%2F..%2Fetc%2Fpasswd", data=b"x", timeout=20)
        check("traversal 400", r.status_code == 400, r.status_code)
        check("GET base 200", s.get(base, timeout=20).status_code == 200)
        check("healthz", s.get(f"http://127.0.0.1:{box['port']}/healthz", timeout=20).text == "ok\n")
        metrics = s.get(f"http://127.0.0.1:{box['port']}/metrics", timeout=20).text
        check("metrics", 'ndi_serve_uploads_total{status="201"} 3' in metrics, metrics[:200])

        for rel, data in [
            ("Inventories/SYSTEM on PY1.ndi.gz", inv),
            ("UsageData/alice on PY1.mmi.gz", usage),
            ("Discovery/net.disco", disco),
        ]:
            path = os.path.join(incoming, rel)
            ok = os.path.exists(path) and open(path, "rb").read() == data
            check(f"stored {rel}", ok)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = -1
    check("SIGTERM exit 0", code == 0, code)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
