//! Where each table's files go.

use std::path::{Path, PathBuf};

use crate::tables::Table;

/// The folder layout of an output: `OUT/<table>/[load_date=YYYY-MM-DD/]part-NNNNN.<ext>`.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The output folder.
    pub root: PathBuf,
    /// The Hive partition folder (`load_date=2024-01-31`), when partitioning by date.
    pub partition: Option<String>,
}

impl Layout {
    /// A layout under `root`, partitioned by the load date of `loaded_at` when asked.
    pub fn new(root: &Path, partition_by_date: bool, loaded_at: i64) -> Self {
        Layout {
            root: root.to_path_buf(),
            partition: partition_by_date.then(|| format!("load_date={}", iso_date(loaded_at))),
        }
    }

    /// The folder holding `table`'s files for this run.
    pub fn table_dir(&self, table: Table) -> PathBuf {
        let dir = self.root.join(table.name());
        match &self.partition {
            Some(p) => dir.join(p),
            None => dir,
        }
    }

    /// Files an earlier run left that readers of this run's tables would also read: parts
    /// (and temporary parts of a killed run) in this run's partition, and, since a reader
    /// globs a table's whole folder, parts of the other layout. When partitioning, that is
    /// parts of an unpartitioned run (in the table's folder itself); other dates' partitions
    /// are left alone. When not partitioning, it is every partition's parts. Files of other
    /// names are not ours and are never listed.
    pub fn earlier_parts(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        for table in Table::ALL {
            let dir = self.root.join(table.name());
            parts_in(&dir, &mut found)?;
            match &self.partition {
                Some(p) => parts_in(&dir.join(p), &mut found)?,
                None => {
                    for sub in subfolders(&dir)? {
                        if sub
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("load_date="))
                        {
                            parts_in(&sub, &mut found)?;
                        }
                    }
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The final and the temporary path of part `name` of `table`.
    pub fn part_paths(&self, table: Table, name: &str) -> (PathBuf, PathBuf) {
        let dir = self.table_dir(table);
        (dir.join(name), dir.join(format!(".{name}.tmp")))
    }
}

/// Adds the part files directly in `dir` (none when it does not exist).
fn parts_in(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if is_part_name(&entry.file_name().to_string_lossy()) && entry.file_type()?.is_file() {
            found.push(entry.path());
        }
    }
    Ok(())
}

/// The folders directly in `dir` (none when it does not exist).
fn subfolders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.path());
        }
    }
    Ok(out)
}

/// Whether `name` is one this layout gives part files: `part-*.parquet`, `part-*.jsonl`, or
/// the hidden temporary `.part-*.tmp`.
fn is_part_name(name: &str) -> bool {
    let visible =
        name.starts_with("part-") && (name.ends_with(".parquet") || name.ends_with(".jsonl"));
    let hidden = name.starts_with(".part-") && name.ends_with(".tmp");
    visible || hidden
}

/// `YYYY-MM-DD` of a UTC timestamp.
pub fn iso_date(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    // Civil from days (proleptic Gregorian), Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_parts_are_those_a_reader_of_this_run_would_also_read() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str| {
            let p = tmp.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
            p
        };
        let today = write("hardware/load_date=1970-01-01/part-00000.parquet");
        let killed = write("hardware/load_date=1970-01-01/.part-00001.parquet.tmp");
        let other_day = write("hardware/load_date=1999-01-01/part-00000.parquet");
        let unpartitioned = write("hardware/part-00000.jsonl");
        write("hardware/notes.txt");
        write("hardware/load_date=1970-01-01/part-1.csv");
        let partitioned = Layout::new(tmp.path(), true, 0);
        let mut expected = vec![today.clone(), killed.clone(), unpartitioned.clone()];
        expected.sort();
        assert_eq!(partitioned.earlier_parts().unwrap(), expected);
        let flat = Layout::new(tmp.path(), false, 0);
        let mut expected = vec![today, killed, other_day, unpartitioned];
        expected.sort();
        assert_eq!(flat.earlier_parts().unwrap(), expected);
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_709_251_199), "2024-02-29");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
    }
}
