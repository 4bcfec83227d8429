//! `docs/TABLES.md` lists exactly the columns the code writes. `UPDATE_DOCS=1` rewrites it.

use std::path::Path;

#[test]
fn tables_doc_matches_the_schemas() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/TABLES.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- columns:begin -->\n", "<!-- columns:end -->");
    let start = doc.find(begin).unwrap() + begin.len();
    let stop = doc.find(end).unwrap();
    let expected = ndi_load::tables::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &doc[..start], expected, &doc[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &doc[start..stop],
        expected,
        "docs/TABLES.md is stale: run with UPDATE_DOCS=1"
    );
}

/// Each reader whose defaults show the tables differently has its setting documented (what
/// each reader shows is checked with the real readers by `.ci/check_tables.py`).
#[test]
fn tables_doc_gives_each_reader_s_setting() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/TABLES.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    for needle in [
        "TIMESTAMP WITH TIME ZONE",
        "timestamp[ms, tz=UTC]",
        "timestamp_ntz",
        "spark.sql.parquet.inferTimestampNTZ.enabled=false",
        "spark.sql.parquet.datetimeRebaseModeInRead=CORRECTED",
        r#"partitioning=pyarrow.dataset.partitioning(pa.schema([("load_date", pa.date32())]), flavor="hive")"#,
        "_schema.json",
        "key_value",
        "ndi-tool version <version> (build parquet-rs <version>)",
    ] {
        assert!(doc.contains(needle), "docs/TABLES.md does not say {needle}");
    }
}
