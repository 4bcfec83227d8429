"""Times ndi_toolkit on a folder, for benches/python.sh.

usage: ndi_toolkit_run.py load DIR THREADS     ndi_toolkit.load into pyarrow tables
       ndi_toolkit_run.py spark DIR            ndi_toolkit.spark.read_tables in local[2],
                                               every table counted
Prints `seconds rows` on the last line: the time of the call alone (the process's start,
imports and, for Spark, the session's start are outside it).
"""

import sys
import time


def main() -> None:
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "load":
        import ndi_toolkit

        started = time.perf_counter()
        tables = ndi_toolkit.load(folder, threads=int(sys.argv[3]))
        elapsed = time.perf_counter() - started
        rows = sum(t.num_rows for t in tables.values())
    elif mode == "spark":
        from pyspark.sql import SparkSession

        from ndi_toolkit.spark import read_tables

        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        spark.range(1).count()  # the JVM and a Python worker are up before the clock starts
        started = time.perf_counter()
        rows = sum(df.count() for df in read_tables(spark, folder).values())
        elapsed = time.perf_counter() - started
        spark.stop()
    else:
        raise SystemExit(__doc__)
    print(f"{elapsed:.3f} {rows}")


if __name__ == "__main__":
    main()
