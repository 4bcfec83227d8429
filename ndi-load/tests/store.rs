//! What readers see in the files the stores write: standard Parquet names and `created_by`,
//! JSON lines with every column and a schema for every table.

use std::path::{Path, PathBuf};

use ndi_load::load::{Input, LoadOptions, Progress, load};
use ndi_load::store::{
    FileFormat, FileSinkFactory, Layout, SCHEMA_FILE, schema_json, write_empty_tables,
};
use ndi_load::tables::Table;
use parquet::file::reader::{FileReader, SerializedFileReader};

/// Loads the demo corpus into `out` as `format` tables.
fn write_demo(out: &Path, format: FileFormat) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpora/demo");
    let mut inputs: Vec<Input> = std::fs::read_dir(demo)
        .unwrap()
        .map(|e| Input::Path(e.unwrap().path()))
        .collect();
    inputs.sort_by_key(Input::name);
    let factory = FileSinkFactory::new(Layout::new(out, false, 0), format);
    let summary = load(
        &inputs,
        &LoadOptions::default(),
        &factory,
        &Progress::default(),
    )
    .unwrap();
    write_empty_tables(&factory, &summary.rows).unwrap();
    factory.commit(&[]).unwrap();
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

#[test]
fn parquet_maps_use_the_specification_s_names_and_created_by_parses() {
    let tmp = tempfile::tempdir().unwrap();
    write_demo(tmp.path(), FileFormat::Parquet);
    let part = &files(&tmp.path().join("installer_evidence"), "parquet")[0];
    let reader = SerializedFileReader::new(std::fs::File::open(part).unwrap()).unwrap();
    let meta = reader.metadata().file_metadata();
    // The form parquet-mr's VersionParser accepts: `<app> version <semver> (build <build>)`.
    let created_by = meta.created_by().unwrap();
    let (app, rest) = created_by.split_once(" version ").unwrap();
    let (version, build) = rest.split_once(" (build ").unwrap();
    assert_eq!(app, "ndi-tool");
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert!(
        build.ends_with(')') && build.len() > 1 && !build[..build.len() - 1].contains(')'),
        "{created_by}"
    );
    // attributes: MAP with the repeated group `key_value` of `key` and `value`.
    let schema = meta.schema_descr();
    let paths: Vec<String> = (0..schema.num_columns())
        .map(|i| schema.column(i).path().string())
        .collect();
    assert!(
        paths.contains(&"attributes.key_value.key".to_string())
            && paths.contains(&"attributes.key_value.value".to_string()),
        "{paths:?}"
    );
}

#[test]
fn json_lines_carry_every_column_and_every_table_has_a_schema_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_demo(tmp.path(), FileFormat::Jsonl);
    let mut nulls_seen = 0;
    for table in Table::ALL {
        let dir = tmp.path().join(table.name());
        let schema_file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(SCHEMA_FILE)).unwrap()).unwrap();
        assert_eq!(schema_file, schema_json(table));
        let names: Vec<String> = table
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let documented: Vec<&str> = schema_file["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(documented, names);
        assert_eq!(
            schema_file["duckdb"].as_object().unwrap().len(),
            names.len()
        );
        for part in files(&dir, "jsonl") {
            for line in std::fs::read_to_string(&part).unwrap().lines() {
                let row: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(line).unwrap();
                let keys: Vec<&String> = row.keys().collect();
                assert_eq!(keys.len(), names.len(), "{}: {line}", part.display());
                for name in &names {
                    assert!(row.contains_key(name), "{}: no {name}", part.display());
                }
                nulls_seen += row.values().filter(|v| v.is_null()).count();
            }
        }
    }
    assert!(nulls_seen > 0);
}
