//! Tables written and read back through the kernel: create, idempotent append, replace,
//! read, checkpoint, optimize, vacuum, history, locks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arrow_array::{Int64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use ndi_delta::{
    AppendOutcome, DataFile, DeltaRoot, DeltaTable, Error, ReplaceOutcome, RootOptions, TxnId,
    delta_batch, delta_schema, partition_values, write_data_file,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn temp_root(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndi-delta-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The logical schema: a naive timestamp, a UTC one, text, and the partition column.
fn schema() -> Schema {
    Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, true),
        Field::new("seen", DataType::Timestamp(TimeUnit::Second, None), true),
        Field::new(
            "loaded_at",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            false,
        ),
        Field::new("load_date", DataType::Date32, true),
    ])
}

fn data_schema() -> SchemaRef {
    let full = schema();
    Arc::new(Schema::new(
        full.fields()
            .iter()
            .filter(|f| f.name() != "load_date")
            .map(|f| f.as_ref().clone())
            .collect::<Vec<_>>(),
    ))
}

fn batch(ids: std::ops::Range<i64>) -> RecordBatch {
    let n = ids.end - ids.start;
    let batch = RecordBatch::try_new(
        data_schema(),
        vec![
            Arc::new(Int64Array::from_iter_values(ids.clone())),
            Arc::new(StringArray::from_iter_values(
                ids.clone().map(|i| format!("n{i}")),
            )),
            Arc::new(TimestampSecondArray::from_iter_values(
                ids.clone().map(|i| 1_700_000_000 + i),
            )),
            Arc::new(
                TimestampSecondArray::from_iter_values((0..n).map(|_| 1_800_000_000))
                    .with_timezone("UTC"),
            ),
        ],
    )
    .unwrap();
    delta_batch(&batch).unwrap()
}

fn write(table: &DeltaTable, name: &str, ids: std::ops::Range<i64>) -> DataFile {
    let batch = batch(ids);
    write_data_file(
        table.path(),
        &format!("load_date=2026-12-06/{name}"),
        batch.schema(),
        &[batch],
        partition_values([("load_date", Some("2026-12-06"))]),
        Default::default(),
    )
    .unwrap()
}

/// Ids of every row of the active files, read from the Parquet files the log references.
fn ids(table: &DeltaTable) -> Vec<i64> {
    let mut out = Vec::new();
    for file in table.active_files().unwrap() {
        let path = table.path().join(&file.path);
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            let column = batch
                .column_by_name("id")
                .unwrap()
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .clone();
            out.extend(column.values().iter().copied());
        }
    }
    out.sort();
    out
}

fn protocol(table: &Path) -> serde_json::Value {
    let first =
        std::fs::read_to_string(table.join("_delta_log/00000000000000000000.json")).unwrap();
    first
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find_map(|v| v.get("protocol").cloned())
        .unwrap()
}

#[test]
fn a_replayed_append_is_a_no_op_and_txn_versions_are_read_back() {
    let dir = temp_root("replay");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    let table = root
        .create_or_open("things", &schema(), &["load_date"])
        .unwrap();
    assert_eq!(table.txn_version("importer").unwrap(), None);
    let first = write(&table, "part-1.parquet", 0..10);
    let txn = TxnId {
        app_id: "importer".into(),
        version: 1,
    };
    let metrics = vec![("files_ok".to_string(), "1".to_string())];
    let outcome = table
        .append(std::slice::from_ref(&first), Some(&txn), &metrics)
        .unwrap();
    assert!(matches!(
        outcome,
        AppendOutcome::Committed { version: 1, .. }
    ));
    assert_eq!(table.txn_version("importer").unwrap(), Some(1));
    // The same run again: nothing is added.
    let again = table.append(&[first], Some(&txn), &metrics).unwrap();
    assert_eq!(again, AppendOutcome::AlreadyCommitted { txn_version: 1 });
    assert_eq!(ids(&table), (0..10).collect::<Vec<_>>());
    // The next run is committed; another application's id is independent.
    let second = write(&table, "part-2.parquet", 10..15);
    let txn2 = TxnId {
        app_id: "importer".into(),
        version: 2,
    };
    table.append(&[second], Some(&txn2), &[]).unwrap();
    assert_eq!(table.txn_version("importer").unwrap(), Some(2));
    assert_eq!(table.txn_version("other").unwrap(), None);
    assert_eq!(ids(&table).len(), 15);
    // Reopening the table (another process) sees the same.
    let reopened = DeltaRoot::open(&dir, RootOptions::default())
        .unwrap()
        .create_or_open("things", &schema(), &["load_date"])
        .unwrap();
    assert_eq!(reopened.version().unwrap(), 2);
    assert_eq!(root.table_names().unwrap(), vec!["things".to_string()]);

    // The timestamp mapping: naive → timestamp_ntz (table feature), UTC → timestamp.
    let protocol = protocol(table.path());
    assert_eq!(protocol["minReaderVersion"], 3);
    assert!(
        protocol["readerFeatures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "timestampNtz")
    );
    let snapshot = table.snapshot().unwrap();
    let schema = snapshot.schema();
    let types: BTreeMap<String, String> = schema
        .fields()
        .map(|f| (f.name().to_string(), format!("{:?}", f.data_type())))
        .collect();
    assert!(types["seen"].contains("TimestampNtz"), "{types:?}");
    assert!(types["loaded_at"].contains("Timestamp") && !types["loaded_at"].contains("Ntz"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checkpoints_are_written_at_the_interval() {
    let dir = temp_root("checkpoint");
    let options = RootOptions {
        checkpoint_interval: 3,
        ..RootOptions::default()
    };
    let root = DeltaRoot::open(&dir, options).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    let mut checkpoints = Vec::new();
    for run in 1..=7i64 {
        let file = write(
            &table,
            &format!("part-{run}.parquet"),
            run * 10..run * 10 + 3,
        );
        let txn = TxnId {
            app_id: "a".into(),
            version: run,
        };
        if let AppendOutcome::Committed {
            version,
            checkpoint: true,
        } = table.append(&[file], Some(&txn), &[]).unwrap()
        {
            checkpoints.push(version);
        }
    }
    assert_eq!(checkpoints, vec![3, 6]);
    let log = table.path().join("_delta_log");
    assert!(log.join(format!("{:020}.checkpoint.parquet", 6)).is_file());
    assert!(log.join("_last_checkpoint").is_file());
    // Reading from the checkpoint gives the same state and txn.
    assert_eq!(table.txn_version("a").unwrap(), Some(7));
    assert_eq!(ids(&table).len(), 21);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn optimize_compacts_without_changing_rows_and_vacuum_deletes_the_replaced_files() {
    let dir = temp_root("optimize");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    for run in 1..=5i64 {
        let file = write(
            &table,
            &format!("part-{run}.parquet"),
            run * 100..run * 100 + 50,
        );
        table.append(&[file], None, &[]).unwrap();
    }
    let before = ids(&table);
    assert_eq!(table.active_files().unwrap().len(), 5);
    let report = table.optimize(64 << 20, Default::default()).unwrap();
    assert_eq!(report.files_removed, 5);
    assert_eq!(report.files_added, 1);
    assert_eq!(table.active_files().unwrap().len(), 1);
    assert_eq!(ids(&table), before);
    // Nothing left to compact.
    assert_eq!(
        table
            .optimize(64 << 20, Default::default())
            .unwrap()
            .version,
        None
    );

    let history = table.history().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.operation.as_deref(), Some("OPTIMIZE"));
    assert_eq!((last.adds, last.removes), (1, 5));
    let log = std::fs::read_to_string(
        table
            .path()
            .join(format!("_delta_log/{:020}.json", last.version)),
    )
    .unwrap();
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for action in ["add", "remove"] {
            if let Some(a) = v.get(action) {
                assert_eq!(a["dataChange"], false, "{line}");
            }
        }
    }

    // A week's retention keeps the replaced files; none keeps nothing unreferenced.
    let kept = table
        .vacuum(Duration::from_secs(7 * 24 * 3600), false)
        .unwrap();
    assert!(kept.deleted.is_empty());
    let dry = table.vacuum(Duration::ZERO, true).unwrap();
    assert_eq!(dry.deleted.len(), 5);
    assert!(
        table
            .path()
            .join("load_date=2026-12-06/part-1.parquet")
            .exists()
    );
    let done = table.vacuum(Duration::ZERO, false).unwrap();
    assert_eq!(done.deleted, dry.deleted);
    assert!(
        !table
            .path()
            .join("load_date=2026-12-06/part-1.parquet")
            .exists()
    );
    assert_eq!(ids(&table), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn history_carries_the_run_summary_and_the_txn() {
    let dir = temp_root("history");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    let file = write(&table, "part-1.parquet", 0..4);
    let metrics = vec![
        ("files_ok".to_string(), "3".to_string()),
        ("rows".to_string(), "4".to_string()),
    ];
    let txn = TxnId {
        app_id: "ndi-import".into(),
        version: 9,
    };
    table.append(&[file], Some(&txn), &metrics).unwrap();
    let history = table.history().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].version, 0);
    assert_eq!(
        history[1].metrics.get("files_ok").map(String::as_str),
        Some("3")
    );
    assert_eq!(history[1].txns.get("ndi-import"), Some(&9));
    assert_eq!(history[1].adds, 1);
    assert!(history[1].timestamp.is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn another_schema_is_refused() {
    let dir = temp_root("schema");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    let other = Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("load_date", DataType::Date32, true),
    ]);
    let err = root
        .create_or_open("t", &other, &["load_date"])
        .unwrap_err();
    assert!(matches!(err, Error::SchemaMismatch { .. }), "{err}");
    assert!(root.open_table("missing").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_single_writer_lock_excludes_a_second_writer() {
    let dir = temp_root("single");
    let options = RootOptions {
        single_writer: true,
        ..RootOptions::default()
    };
    let first = DeltaRoot::open(&dir, options.clone()).unwrap();
    let err = DeltaRoot::open(&dir, options.clone()).unwrap_err();
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    let table = first
        .create_or_open("t", &schema(), &["load_date"])
        .unwrap();
    let file = write(&table, "part-1.parquet", 0..3);
    table.append(&[file], None, &[]).unwrap();
    drop(table);
    drop(first);
    let again = DeltaRoot::open(&dir, options).unwrap();
    assert_eq!(again.open_table("t").unwrap().version().unwrap(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_appenders_each_commit_once() {
    let dir = temp_root("concurrent");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    std::thread::scope(|scope| {
        for writer in 0..4i64 {
            let table = table.clone();
            scope.spawn(move || {
                for run in 1..=3i64 {
                    let start = writer * 1000 + run * 10;
                    let file = write(
                        &table,
                        &format!("w{writer}-r{run}.parquet"),
                        start..start + 2,
                    );
                    let txn = TxnId {
                        app_id: format!("writer-{writer}"),
                        version: run,
                    };
                    table
                        .append(std::slice::from_ref(&file), Some(&txn), &[])
                        .unwrap();
                    // A replay of the same run, racing the others, adds nothing.
                    table.append(&[file], Some(&txn), &[]).unwrap();
                }
            });
        }
    });
    assert_eq!(ids(&table).len(), 4 * 3 * 2);
    assert_eq!(table.version().unwrap(), 12);
    let _ = delta_schema(&schema());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ids of every row of the latest version, as the kernel's scan reads them.
fn scanned_ids(table: &DeltaTable) -> Vec<i64> {
    let rows = table.read(Some(&["id"])).unwrap();
    assert_eq!(rows.schema.fields().len(), 1);
    let mut out: Vec<i64> = rows
        .batches
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn read_gives_the_rows_with_partition_columns_and_stored_timestamps() {
    let dir = temp_root("read");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    let empty = table.read(None).unwrap();
    assert_eq!((empty.version, empty.num_rows()), (0, 0));
    assert_eq!(empty.schema.fields().len(), 5);
    table
        .append(&[write(&table, "part-1.parquet", 0..3)], None, &[])
        .unwrap();
    let rows = table.read(None).unwrap();
    assert_eq!((rows.version, rows.num_rows()), (1, 3));
    let batch = &rows.batches[0];
    assert_eq!(
        batch.schema().field_with_name("seen").unwrap().data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert_eq!(
        batch
            .schema()
            .field_with_name("loaded_at")
            .unwrap()
            .data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    let seen = batch
        .column_by_name("seen")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow_array::TimestampMicrosecondArray>()
        .unwrap();
    assert_eq!(seen.value(1), (1_700_000_000 + 1) * 1_000_000);
    // The partition column comes from the log, not the data file.
    let day = batch
        .column_by_name("load_date")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow_array::Date32Array>()
        .unwrap();
    assert_eq!(day.value(0), 20_793);
    // A projection, in the order asked; an unknown column is refused.
    let some = table.read(Some(&["name", "id"])).unwrap();
    let names: Vec<&str> = some
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(names, ["name", "id"]);
    assert_eq!(some.batches[0].num_columns(), 2);
    let err = table.read(Some(&["id", "nope"])).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replace_swaps_the_rows_in_one_commit_and_a_replay_does_nothing() {
    let dir = temp_root("replace");
    let root = DeltaRoot::open(&dir, RootOptions::default()).unwrap();
    // No partition columns: a derived table replaced whole by each run.
    let plain = Schema::new(
        schema()
            .fields()
            .iter()
            .filter(|f| f.name() != "load_date")
            .map(|f| f.as_ref().clone())
            .collect::<Vec<_>>(),
    );
    let table = root.create_or_open("derived", &plain, &[]).unwrap();
    let put = |name: &str, ids: std::ops::Range<i64>| {
        let batch = batch(ids);
        write_data_file(
            table.path(),
            name,
            batch.schema(),
            &[batch],
            BTreeMap::new(),
            Default::default(),
        )
        .unwrap()
    };
    let first = vec![
        put("run-1-a.parquet", 0..10),
        put("run-1-b.parquet", 10..20),
    ];
    let txn1 = TxnId {
        app_id: "deriver".into(),
        version: 1,
    };
    let metrics = vec![("rows".to_string(), "20".to_string())];
    let outcome = table.replace(&first, Some(&txn1), &metrics).unwrap();
    assert_eq!(
        outcome,
        ReplaceOutcome::Committed {
            version: 1,
            checkpoint: false,
            files_removed: 0
        }
    );
    assert_eq!(scanned_ids(&table), (0..20).collect::<Vec<_>>());

    let second = vec![put("run-2.parquet", 100..105)];
    let txn2 = TxnId {
        app_id: "deriver".into(),
        version: 2,
    };
    let outcome = table.replace(&second, Some(&txn2), &[]).unwrap();
    assert_eq!(
        outcome,
        ReplaceOutcome::Committed {
            version: 2,
            checkpoint: false,
            files_removed: 2
        }
    );
    // A kernel scan sees only the new rows; the log says what happened.
    assert_eq!(scanned_ids(&table), (100..105).collect::<Vec<_>>());
    assert_eq!(table.active_files().unwrap().len(), 1);
    let last = table.history().unwrap().pop().unwrap();
    assert_eq!(last.operation.as_deref(), Some("WRITE"));
    assert_eq!(
        last.parameters.get("mode").map(String::as_str),
        Some("Overwrite")
    );
    assert_eq!((last.adds, last.removes), (1, 2));
    assert_eq!(last.txns.get("deriver"), Some(&2));
    let log =
        std::fs::read_to_string(table.path().join(format!("_delta_log/{:020}.json", 2))).unwrap();
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for action in ["add", "remove"] {
            if let Some(a) = v.get(action) {
                assert_eq!(a["dataChange"], true, "{line}");
            }
        }
        if let Some(r) = v.get("remove") {
            assert!(r["deletionTimestamp"].as_i64().unwrap() > 0, "{line}");
        }
    }

    // A replay of either run (same txn, or an older one) commits nothing.
    let replay = vec![put("run-2-replay.parquet", 200..201)];
    assert_eq!(
        table.replace(&replay, Some(&txn2), &[]).unwrap(),
        ReplaceOutcome::AlreadyCommitted { txn_version: 2 }
    );
    assert_eq!(
        table.replace(&replay, Some(&txn1), &[]).unwrap(),
        ReplaceOutcome::AlreadyCommitted { txn_version: 2 }
    );
    assert_eq!(table.version().unwrap(), 2);
    assert_eq!(scanned_ids(&table), (100..105).collect::<Vec<_>>());

    // The replaced files stay until vacuum deletes them after the retention; the replayed
    // run's file, never committed, goes too once old enough.
    for name in ["run-1-a.parquet", "run-1-b.parquet"] {
        assert!(table.path().join(name).is_file(), "{name}");
    }
    let kept = table
        .vacuum(Duration::from_secs(7 * 24 * 3600), false)
        .unwrap();
    assert!(kept.deleted.is_empty(), "{:?}", kept.deleted);
    let done = table.vacuum(Duration::ZERO, false).unwrap();
    assert_eq!(
        done.deleted,
        ["run-1-a.parquet", "run-1-b.parquet", "run-2-replay.parquet"]
    );
    assert!(!table.path().join("run-1-a.parquet").exists());
    assert!(table.path().join("run-2.parquet").is_file());
    assert_eq!(scanned_ids(&table), (100..105).collect::<Vec<_>>());

    // An empty replace empties the table; a table with another schema is refused.
    let txn3 = TxnId {
        app_id: "deriver".into(),
        version: 3,
    };
    table.replace(&[], Some(&txn3), &[]).unwrap();
    assert!(scanned_ids(&table).is_empty());
    assert!(matches!(
        root.create_or_open("derived", &schema(), &["load_date"]),
        Err(Error::SchemaMismatch { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replaces_checkpoint_at_the_interval_and_concurrent_replaces_leave_one_run() {
    let dir = temp_root("replace-race");
    let options = RootOptions {
        checkpoint_interval: 4,
        ..RootOptions::default()
    };
    let root = DeltaRoot::open(&dir, options).unwrap();
    let table = root.create_or_open("t", &schema(), &["load_date"]).unwrap();
    let mut checkpoints = Vec::new();
    for run in 1..=5i64 {
        let file = write(&table, &format!("r{run}.parquet"), run * 10..run * 10 + 3);
        let txn = TxnId {
            app_id: "a".into(),
            version: run,
        };
        if let ReplaceOutcome::Committed {
            version,
            checkpoint: true,
            ..
        } = table.replace(&[file], Some(&txn), &[]).unwrap()
        {
            checkpoints.push(version);
        }
    }
    assert_eq!(checkpoints, vec![4]);
    // Read from the checkpoint and the commit after it: the last run only.
    assert_eq!(scanned_ids(&table), vec![50, 51, 52]);
    // Writers racing: each replace is rebuilt on the version it loses to, so the table ends
    // holding exactly one writer's rows.
    std::thread::scope(|scope| {
        for writer in 0..4i64 {
            let table = table.clone();
            scope.spawn(move || {
                let start = 1000 * (writer + 1);
                let file = write(&table, &format!("w{writer}.parquet"), start..start + 4);
                let txn = TxnId {
                    app_id: format!("w{writer}"),
                    version: 1,
                };
                table.replace(&[file], Some(&txn), &[]).unwrap();
            });
        }
    });
    let ids = scanned_ids(&table);
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(ids[3] - ids[0], 3, "{ids:?}");
    assert_eq!(table.version().unwrap(), 9);
    std::fs::remove_dir_all(&dir).unwrap();
}
