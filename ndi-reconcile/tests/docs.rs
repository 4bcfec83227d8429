//! `docs/TABLES.md` shows the reconciled tables' columns as the code declares them.

#[test]
fn tables_md_lists_the_reconciled_columns() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/TABLES.md");
    let text = std::fs::read_to_string(path).unwrap();
    let begin = "<!-- reconciled-columns:begin -->\n";
    let end = "<!-- reconciled-columns:end -->";
    let start = text.find(begin).expect("begin marker") + begin.len();
    let stop = text.find(end).expect("end marker");
    let expected = ndi_reconcile::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() && text[start..stop] != expected {
        let updated = format!("{}{}{}", &text[..start], expected, &text[stop..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        text[start..stop],
        expected,
        "run `UPDATE_DOCS=1 cargo test -p ndi-reconcile --test docs` to refresh docs/TABLES.md"
    );
}
