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
