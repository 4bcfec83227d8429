//! Differential well-formedness check: syntax-level mutants of the valid corpus files, read by
//! `ndi-format` (read every record; any error rejects) and by libxml2's
//! `xmllint --noout --nonet`. Every disagreement must fall in a documented category (see
//! `fuzz/DIFFERENTIAL.md`); the run fails otherwise.
//!
//! Usage: `ndi-differential <repo root> <work dir> [mutants per file]`

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use ndi_format::{Reader, Record};

const MARKUP: &[u8] = b"<>/=\"'&;!?[]";

/// A deterministic PRNG (splitmix64): the mutants are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A corpus file as text units: 1 byte (UTF-8 and other ASCII-compatible encodings) or
/// 2 bytes (UTF-16), so that mutations replace whole characters of markup.
struct Source {
    name: String,
    /// The text (gunzipped), BOM included.
    bytes: Vec<u8>,
    unit: usize,
    big_endian: bool,
    /// Where the body starts (after a BOM): mutations stay after it.
    start: usize,
}

impl Source {
    fn load(path: &Path) -> Source {
        let raw = std::fs::read(path).expect("read corpus file");
        let mut bytes = raw.clone();
        if raw.starts_with(&[0x1f, 0x8b]) {
            bytes.clear();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut bytes)
                .expect("gunzip corpus file");
        }
        let (unit, big_endian, start) = match bytes.as_slice() {
            [0xFF, 0xFE, ..] => (2, false, 2),
            [0xFE, 0xFF, ..] => (2, true, 2),
            [0xEF, 0xBB, 0xBF, ..] => (1, false, 3),
            _ => (1, false, 0),
        };
        Source {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes,
            unit,
            big_endian,
            start,
        }
    }

    fn units(&self) -> usize {
        (self.bytes.len() - self.start) / self.unit
    }

    fn at(&self, i: usize) -> usize {
        self.start + i * self.unit
    }

    /// The ASCII character at unit `i`, if it is one.
    fn char_at(&self, i: usize) -> Option<u8> {
        let p = self.at(i);
        match self.unit {
            1 => self.bytes.get(p).copied(),
            _ => {
                let (a, b) = (self.bytes[p], self.bytes[p + 1]);
                let (hi, lo) = if self.big_endian { (a, b) } else { (b, a) };
                (hi == 0).then_some(lo)
            }
        }
    }

    fn encode(&self, c: u8) -> Vec<u8> {
        match (self.unit, self.big_endian) {
            (1, _) => vec![c],
            (_, true) => vec![0, c],
            (_, false) => vec![c, 0],
        }
    }

    /// Units holding markup characters.
    fn markup_positions(&self) -> Vec<usize> {
        (0..self.units())
            .filter(|&i| self.char_at(i).is_some_and(|c| MARKUP.contains(&c)))
            .collect()
    }
}

/// One mutant: its bytes and how it was made.
struct Mutant {
    label: String,
    bytes: Vec<u8>,
}

fn mutate(src: &Source, rng: &mut Rng, markup: &[usize], n: usize) -> Mutant {
    let b = &src.bytes;
    let units = src.units();
    let pick_markup = |rng: &mut Rng| markup[rng.below(markup.len())];
    let u = src.unit;
    let (label, bytes) = match n % 7 {
        0 => {
            let i = pick_markup(rng);
            let p = src.at(i);
            let c = src.char_at(i).unwrap_or(b'?') as char;
            let mut v = b.clone();
            v.drain(p..p + u);
            (format!("delete {c:?} at unit {i}"), v)
        }
        1 => {
            let i = rng.below(units + 1);
            let c = MARKUP[rng.below(MARKUP.len())];
            let p = src.at(i);
            let mut v = b.clone();
            v.splice(p..p, src.encode(c));
            (format!("insert {:?} at unit {i}", c as char), v)
        }
        2 => {
            // Swap a markup character with its neighbour.
            let i = pick_markup(rng).min(units.saturating_sub(2));
            let (p, q) = (src.at(i), src.at(i + 1));
            let mut v = b.clone();
            let first: Vec<u8> = v[p..p + u].to_vec();
            let second: Vec<u8> = v[q..q + u].to_vec();
            v[p..p + u].copy_from_slice(&second);
            v[q..q + u].copy_from_slice(&first);
            (format!("swap units {i} and {}", i + 1), v)
        }
        3 => {
            let i = pick_markup(rng);
            let c = MARKUP[rng.below(MARKUP.len())];
            let p = src.at(i);
            let mut v = b.clone();
            v.splice(p..p + u, src.encode(c));
            (format!("replace unit {i} by {:?}", c as char), v)
        }
        4 => {
            let i = rng.below(units);
            (format!("truncate at unit {i}"), b[..src.at(i)].to_vec())
        }
        5 => {
            // Duplicate a slice (up to 64 units) at another place.
            let from = rng.below(units);
            let len = 1 + rng.below(64.min(units - from));
            let to = rng.below(units + 1);
            let piece = b[src.at(from)..src.at(from + len)].to_vec();
            let mut v = b.clone();
            let p = src.at(to);
            v.splice(p..p, piece);
            (format!("duplicate units {from}+{len} at {to}"), v)
        }
        _ => {
            // Two markup edits at once (delete one, insert another elsewhere).
            let i = pick_markup(rng);
            let p = src.at(i);
            let mut v = b.clone();
            v.drain(p..p + u);
            let j = rng.below(units - 1);
            let c = MARKUP[rng.below(MARKUP.len())];
            let q = src.start + j * u;
            v.splice(q..q, src.encode(c));
            (
                format!("delete unit {i}, insert {:?} at unit {j}", c as char),
                v,
            )
        }
    };
    Mutant { label, bytes }
}

/// `bytes` (ASCII-compatible) with the characters XML 1.0 forbids replaced by spaces: raw
/// control bytes, and character references to them (`&#1;`, `&#x3;`).
fn blank_illegal(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            out.push(b' ');
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"&#")
            && let Some(end) = bytes[i..].iter().take(12).position(|&c| c == b';')
        {
            let digits = std::str::from_utf8(&bytes[i + 2..i + end]).unwrap_or("");
            let code = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => digits.parse().ok(),
            };
            let illegal = code.is_some_and(|c| {
                !matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
            });
            if illegal {
                out.push(b' ');
                i += end + 1;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Our verdict: `Ok(warnings)` or `Err(rule)`.
fn ours(bytes: &[u8]) -> Result<usize, &'static str> {
    let mut reader = Reader::from_slice(bytes).map_err(|e| e.rule())?;
    let mut record = Record::default();
    while reader.read_record(&mut record).map_err(|e| e.rule())? {}
    Ok(reader.warnings().len())
}

/// libxml2's verdict: `Ok(())` or `Err(first error line)`.
fn xmllint(path: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet"])
        .arg(path)
        .output()
        .expect("run xmllint (apt-get install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| l.contains("error"))
            .or_else(|| err.lines().next())
            .unwrap_or("")
            .to_string();
        Err(first
            .split_once(": ")
            .map_or(first.clone(), |(_, m)| m.to_string()))
    }
}

/// The documented categories a disagreement may fall in (DIFFERENTIAL.md).
fn classify(
    ours: &Result<usize, &'static str>,
    theirs: &Result<(), String>,
) -> Option<&'static str> {
    match (ours, theirs) {
        // Characters XML 1.0 forbids are kept and reported as warnings (FORMATS.md §1).
        (Ok(w), Err(_)) if *w > 0 => Some("illegal-character-warning"),
        // Entity declarations are refused, never expanded (FORMATS.md §1).
        (Err("entity-declaration"), Ok(())) => Some("entity-declaration-refused"),
        // Encoding labels: we decode what encoding_rs knows (WHATWG labels), libxml2 what
        // iconv knows; a label only one side knows.
        (Err("unsupported-encoding"), Ok(())) => Some("encoding-label"),
        // With a byte-order mark the BOM decides the encoding and we do not look at the
        // declared label; libxml2 still refuses a label iconv does not know.
        (Ok(_), Err(e)) if e.contains("Unsupported encoding") => Some("encoding-label"),
        // A reference to an entity that is not declared: with an external DTD (which every
        // real file names and nobody reads) XML makes this a validity error only, and libxml2
        // accepts; we never read the DTD, so the entity can never be resolved and we refuse.
        (Err("undeclared-entity"), Ok(())) => Some("undeclared-entity-with-external-dtd"),
        _ => None,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("repo root"));
    let work = PathBuf::from(args.next().expect("work dir"));
    let per_file: usize = args.next().map_or(150, |s| s.parse().expect("a number"));
    std::fs::create_dir_all(&work).expect("create work dir");

    let mut sources = Vec::new();
    for format in ["ndi", "mmi", "vdi", "disco"] {
        let dir = root.join("corpora").join(format).join("valid");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("corpus dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| {
                let n = p.to_string_lossy();
                !n.ends_with(".expected") && !n.ends_with(".md")
            })
            .collect();
        files.sort();
        sources.extend(files.iter().map(|p| Source::load(p)));
    }

    let mut total = 0usize;
    let mut agree = 0usize;
    let mut both_accept = 0usize;
    let mut both_reject = 0usize;
    let mut documented: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut undocumented: Vec<String> = Vec::new();
    let mut baseline_failures = Vec::new();

    for (s, src) in sources.iter().enumerate() {
        // The unmutated file first: both must accept it (or differ in a documented way).
        let path = work.join(format!("{s:02}-original"));
        std::fs::write(&path, &src.bytes).expect("write");
        let (o, t) = (ours(&src.bytes), xmllint(&path));
        if o.is_err() || (t.is_err() && classify(&o, &t).is_none()) {
            baseline_failures.push(format!("{}: ours {o:?}, xmllint {t:?}", src.name));
        }
        let markup = src.markup_positions();
        let mut rng = Rng(0x5EED_0000 + s as u64);
        for n in 0..per_file {
            let m = mutate(src, &mut rng, &markup, n);
            let path = work.join(format!("{s:02}-{n:04}"));
            std::fs::write(&path, &m.bytes).expect("write mutant");
            let o = ours(&m.bytes);
            let t = xmllint(&path);
            total += 1;
            let line = format!(
                "{} [{}] {}: ours {}, xmllint {}",
                src.name,
                n,
                m.label,
                match &o {
                    Ok(0) => "accept".to_string(),
                    Ok(w) => format!("accept with {w} warning(s)"),
                    Err(r) => format!("reject [{r}]"),
                },
                match &t {
                    Ok(()) => "accept".to_string(),
                    Err(e) => format!("reject ({e})"),
                }
            );
            match (&o, &t) {
                (Ok(0), Ok(())) => {
                    agree += 1;
                    both_accept += 1;
                }
                (Err(_), Err(_)) => {
                    agree += 1;
                    both_reject += 1;
                }
                (Ok(_), Ok(())) => {
                    // Accepted by both, we with a warning: agreement on the verdict.
                    agree += 1;
                    both_accept += 1;
                }
                _ => match classify(&o, &t) {
                    // Only if libxml2 accepts the same mutant with the forbidden characters
                    // blanked out: otherwise it rejects for another reason, which we missed.
                    Some(cat @ "illegal-character-warning")
                        if src.unit == 1 && {
                            std::fs::write(&path, blank_illegal(&m.bytes)).expect("write");
                            xmllint(&path).is_err()
                        } =>
                    {
                        undocumented.push(format!("{line} (and without the {cat}s)"));
                    }
                    Some(cat) => documented.entry(cat).or_default().push(line),
                    None => undocumented.push(line),
                },
            }
            let _ = std::fs::remove_file(&path);
        }
        let _ = std::fs::remove_file(work.join(format!("{s:02}-original")));
    }

    println!("corpus files: {}", sources.len());
    println!("mutants: {total}");
    println!(
        "agreement: {agree} ({:.1}%): both accept {both_accept}, both reject {both_reject}",
        100.0 * agree as f64 / total as f64
    );
    for (cat, lines) in &documented {
        println!("documented difference [{cat}]: {}", lines.len());
        for l in lines.iter().take(5) {
            println!("    {l}");
        }
    }
    println!("undocumented disagreements: {}", undocumented.len());
    for l in &undocumented {
        println!("    {l}");
    }
    for l in &baseline_failures {
        println!("original file not accepted: {l}");
    }
    if !undocumented.is_empty() || !baseline_failures.is_empty() || total < 1000 {
        std::process::exit(1);
    }
}
