#!/usr/bin/env python3
"""Latency of `ndi-tool import --watch`: from a file landing in the incoming folder (renamed
in, as the receiver does) to its row being visible to a Delta reader (deltalake).

usage: delta_latency.py NDI_TOOL CORPUS WORK --rate FILES_PER_S --seconds S [--threads T]

Unique documents are prepared first (each a corpus file with a numbered comment after the
root element, gzipped again), so that none is a duplicate. The reader polls the `documents`
table every 50 ms. Prints p50, p99 and max in seconds.
"""
import argparse
import glob
import gzip
import os
import shutil
import signal
import subprocess
import threading
import time

import deltalake


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bin")
    p.add_argument("corpus")
    p.add_argument("work")
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--threads", default="2")
    a = p.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    staging, incoming, lake = (os.path.join(a.work, d) for d in ("staging", "incoming", "lake"))
    for d in (staging, incoming):
        os.makedirs(d)
    count = int(a.rate * a.seconds)
    sources = sorted(glob.glob(os.path.join(a.corpus, "*")))
    names = []
    for n in range(count):
        src = sources[n % len(sources)]
        with open(src, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        data = data + f"\n<!-- latency {n} -->\n".encode()
        name = f"{n:06d}-{os.path.basename(src)}"
        if not name.endswith(".gz"):
            name += ".gz"
        with open(os.path.join(staging, name), "wb") as f:
            f.write(gzip.compress(data, compresslevel=1))
        names.append(name)
    importer = subprocess.Popen(
        [a.bin, "import", incoming, "--table", lake, "--watch", "--interval", "1",
         "--settle-secs", "10", "--delete-processed", "-q", "--threads", a.threads],
        stdout=subprocess.DEVNULL)
    documents = os.path.join(lake, "documents")
    while not os.path.exists(os.path.join(documents, "_delta_log", "00000000000000000000.json")):
        time.sleep(0.05)
    landed = {}

    def drop():
        start = time.monotonic()
        for i, name in enumerate(names):
            due = start + i / a.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            os.rename(os.path.join(staging, name), os.path.join(incoming, name))
            landed[os.path.join(incoming, name)] = time.monotonic()

    dropper = threading.Thread(target=drop)
    dropper.start()
    visible = {}
    deadline = time.monotonic() + a.seconds + 120
    while len(visible) < count and time.monotonic() < deadline:
        table = deltalake.DeltaTable(documents).to_pyarrow_table(columns=["source_path"])
        now = time.monotonic()
        for path in table.column("source_path").to_pylist():
            if path not in visible:
                visible[path] = now
        time.sleep(0.05)
    dropper.join()
    importer.send_signal(signal.SIGTERM)
    code = importer.wait(timeout=120)
    delays = sorted(visible[k] - landed[k] for k in visible if k in landed)
    if not delays:
        raise SystemExit("nothing became visible")

    def pct(q):
        return delays[min(len(delays) - 1, int(q * len(delays)))]

    print(f"latency: {a.rate:g} files/s for {a.seconds:g} s: {len(delays)}/{count} visible, "
          f"p50 {pct(0.5):.2f} s, p99 {pct(0.99):.2f} s, max {delays[-1]:.2f} s "
          f"(importer exit {code})")


if __name__ == "__main__":
    main()
