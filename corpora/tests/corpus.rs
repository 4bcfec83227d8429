//! Properties of generated corpora: determinism, mix, sizes, well-formedness.

use std::collections::HashSet;
use std::io::Read;

use flate2::read::MultiGzDecoder;
use ndi_corpora::{Config, GeneratedFile, Kind, file, file_with, generate, inventory_xml, kind_of};
use quick_xml::Reader;
use quick_xml::events::Event;

/// A small but complete corpus configuration that is quick in debug builds (gzip level 0 still
/// writes real gzip members, with stored blocks; `inventory_sizes_are_realistic` covers level 6).
fn quick(count: usize, seed: u64) -> Config {
    Config {
        size_scale: 0.05,
        gzip_level: 0,
        ..Config::new(count, seed)
    }
}

fn plain_bytes(f: &GeneratedFile) -> Vec<u8> {
    if f.is_gzipped() {
        let mut out = Vec::new();
        MultiGzDecoder::new(&f.bytes[..])
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: gzip error {e}", f.name));
        out
    } else {
        f.bytes.clone()
    }
}

/// Parses a whole document; returns the root element name. Panics with the file name on any
/// well-formedness problem (quick-xml checks end-tag names and attribute syntax; values are
/// unescaped to catch bad entity references).
fn check_well_formed(name: &str, bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // The only character XML 1.0 forbids that the generator emits (quirks) is U+0003.
    if let Some(i) = text
        .bytes()
        .position(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 3))
    {
        panic!("{name}: illegal control character at {i}");
    }
    assert!(
        !text.contains(['\u{FFFE}', '\u{FFFF}']),
        "{name}: non-character"
    );
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut root = String::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{name}: XML error at {}: {e}", reader.buffer_position()));
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                if depth == 0 {
                    roots += 1;
                    root = e.name().as_ref().to_string();
                }
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("{name}: bad attribute: {err}"));
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap_or_else(|err| panic!("{name}: bad value: {err}"));
                }
                if is_start {
                    depth += 1;
                }
            }
            Event::End(_) => {
                assert!(depth > 0, "{name}: unbalanced end tag");
                depth -= 1;
            }
            Event::Text(t) if depth == 0 => {
                assert!(t.trim().is_empty(), "{name}: text outside the root");
            }
            Event::GeneralRef(_) | Event::CData(_) => {
                assert!(depth > 0, "{name}: content outside the root");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "{name}: unclosed elements");
    assert_eq!(roots, 1, "{name}: expected exactly one root element");
    root
}

#[test]
fn same_seed_same_bytes() {
    let config = quick(40, 11);
    for i in 0..40 {
        assert_eq!(file_with(&config, i), file_with(&config, i), "file {i}");
    }
    // `file` is `file_with` on the default configuration.
    let a = file(5, 3);
    assert_eq!(a, file_with(&Config::new(1, 5), 3));
}

#[test]
fn generate_is_independent_of_thread_count() {
    let config = quick(24, 3);
    let base = std::env::temp_dir().join(format!("ndi-corpora-test-{}", std::process::id()));
    let one = base.join("one");
    let two = base.join("two");
    let s1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| generate(&one, &config))
        .unwrap();
    let s2 = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| generate(&two, &config))
        .unwrap();
    assert_eq!(s1, s2);
    assert_eq!(s1.files, 24);
    let mut names: Vec<_> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 24);
    for n in names {
        let a = std::fs::read(one.join(&n)).unwrap();
        let b = std::fs::read(two.join(&n)).unwrap();
        assert_eq!(a, b, "{n:?}");
    }
    let on_disk: u64 = (0..24)
        .map(|i| file_with(&config, i).bytes.len() as u64)
        .sum();
    assert_eq!(s1.bytes_on_disk, on_disk);
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn generate_reports_io_errors() {
    let blocker = std::env::temp_dir().join(format!("ndi-corpora-blocker-{}", std::process::id()));
    std::fs::write(&blocker, b"not a directory").unwrap();
    let err = generate(&blocker.join("sub"), &quick(2, 1)).unwrap_err();
    assert!(err.to_string().contains("cannot create output directory"));
    std::fs::remove_file(&blocker).unwrap();
}

#[test]
fn distinct_seeds_differ() {
    let a: Vec<_> = (0..10).map(|i| file_with(&quick(10, 1), i)).collect();
    let b: Vec<_> = (0..10).map(|i| file_with(&quick(10, 2), i)).collect();
    for (x, y) in a.iter().zip(&b) {
        assert_ne!(x.bytes, y.bytes);
        assert_ne!(x.name, y.name);
    }
}

#[test]
fn mix_matches_targets() {
    let config = Config::new(2000, 9);
    let mut counts = [0usize; 6];
    for i in 0..2000 {
        let k = kind_of(&config, i);
        counts[Kind::ALL.iter().position(|x| *x == k).unwrap()] += 1;
    }
    let [inv, plain, beacon, usage, vdi, disco] = counts;
    assert!((1660..=1740).contains(&inv), "{counts:?}");
    assert!((85..=115).contains(&plain), "{counts:?}");
    assert!((8..=22).contains(&beacon), "{counts:?}");
    assert!((140..=180).contains(&usage), "{counts:?}");
    assert!((12..=30).contains(&vdi), "{counts:?}");
    assert!((2..=12).contains(&disco), "{counts:?}");

    // Every stretch of 200 files has close to the same mix.
    let mut c200 = [0usize; 6];
    for i in 500..700 {
        let k = kind_of(&config, i);
        c200[Kind::ALL.iter().position(|x| *x == k).unwrap()] += 1;
    }
    assert!((160..=180).contains(&c200[0]), "{c200:?}");
    assert!((6..=14).contains(&c200[1]), "{c200:?}");
    assert!((12..=20).contains(&c200[3]), "{c200:?}");
    assert!(c200[4] >= 1, "{c200:?}");
}

#[test]
fn corpus_is_well_formed_and_names_are_unique() {
    let config = quick(200, 4);
    let names: Vec<(String, bool)> = std::thread::scope(|s| {
        let parts: Vec<_> = (0..2)
            .map(|h| {
                let config = &config;
                s.spawn(move || {
                    (0..100)
                        .map(|i| check_file(&file_with(config, 2 * i + h)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    });
    let mut unique = HashSet::new();
    let mut control = 0;
    for (name, has_control) in names {
        assert!(unique.insert(name.clone()), "duplicate name {name}");
        control += usize::from(has_control);
    }
    assert!(control <= 6, "{control} files with control characters");
}

/// Checks one file; returns its name and whether it contains a control character.
fn check_file(f: &GeneratedFile) -> (String, bool) {
    {
        let plain = plain_bytes(f);
        assert_eq!(plain.len(), f.plain_len, "{}", f.name);
        let has_control = plain.contains(&3u8);
        let root = check_well_formed(&f.name, &plain);
        let text = String::from_utf8_lossy(&plain);
        match f.kind {
            Kind::Inventory => {
                assert!(f.is_gzipped(), "{}", f.name);
                assert!(
                    f.name.ends_with(".ndi.gz") || f.name.ends_with(".ndi"),
                    "{}",
                    f.name
                );
                assert!(f.name.contains(" on "), "{}", f.name);
                assert_eq!(root, "Inventory");
                assert!(text.contains("<!DOCTYPE Inventory PUBLIC \"Inventory\" \"http://www.managesoft.com/inventory.dtd\">"));
            }
            Kind::PlainInventory => {
                assert!(!f.is_gzipped() && f.name.ends_with(".ndi"), "{}", f.name);
                assert_eq!(root, "Inventory");
            }
            Kind::BeaconInventory => {
                assert!(
                    !f.is_gzipped() && f.name.ends_with("(VMwareView).ndi"),
                    "{}",
                    f.name
                );
                assert_eq!(root, "Inventory");
                assert!(
                    text.contains(
                        "Hardware=\"False\" Software=\"False\" ServiceProviders=\"True\""
                    )
                );
                assert!(text.contains("<ServiceProvider Type=\"VDIBroker\""));
                assert!(text.contains("<ServiceProvider Type=\"VDIDevice\""));
                assert!(text.contains("Name=\"VDIGroupName\""));
            }
            Kind::Usage => {
                assert!(f.is_gzipped() && f.name.ends_with(".mmi.gz") && f.name.contains(" at "));
                assert_eq!(root, "USAGE");
                assert!(text.contains("usagelog.dtd"));
                assert!(f.plain_len < 30_000, "{} is {} bytes", f.name, f.plain_len);
            }
            Kind::Vdi => {
                assert!(!f.is_gzipped() && f.name.ends_with("(VMwareView).vdi"));
                assert_eq!(root, "vdiGroups");
                assert!(!text.contains("DOCTYPE"));
                assert!(text.contains("<object Sid=\"S-1-5-21-"));
            }
            Kind::Discovery => {
                assert!(f.name.ends_with(".disco"));
                assert_eq!(root, "Discovery");
                assert!(text.contains("<Oracle Home="));
            }
        }
        (f.name.clone(), has_control)
    }
}

#[test]
fn usage_weeks_start_on_monday() {
    let config = Config {
        mix: ndi_corpora::Mix::only(Kind::Usage),
        ..quick(30, 8)
    };
    for i in 0..30 {
        let f = file_with(&config, i);
        let text = String::from_utf8(plain_bytes(&f)).unwrap();
        for part in text.split("STARTDATE=\"").skip(1) {
            let d = &part[..15];
            assert!(d.ends_with("T000000"), "{d}");
            let (y, m, dd): (i64, i64, i64) = (
                d[0..4].parse().unwrap(),
                d[4..6].parse().unwrap(),
                d[6..8].parse().unwrap(),
            );
            // Zeller-like weekday via days since 1970-01-01 (a Thursday).
            let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
            let era = y2.div_euclid(400);
            let yoe = y2 - era * 400;
            let doy = (153 * m2 + 2) / 5 + dd - 1;
            let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
            assert_eq!((days + 3).rem_euclid(7), 0, "{d} is not a Monday");
        }
        assert!(text.contains("<APPUSAGE NAME="));
    }
}

#[test]
fn quirks_off_is_clean() {
    let config = Config {
        quirks: false,
        ..quick(120, 21)
    };
    for i in 0..120 {
        let f = file_with(&config, i);
        let plain = plain_bytes(&f);
        assert!(!plain.starts_with(&[0xEF, 0xBB, 0xBF]), "{}", f.name);
        assert!(!plain.contains(&b'\r'), "{}", f.name);
        assert!(!plain.contains(&3u8), "{}", f.name);
        let text = String::from_utf8(plain).unwrap();
        assert!(!text.contains(" Username="), "{}", f.name);
    }
}

#[test]
fn inventory_xml_hits_target() {
    for target in [200_000usize, 500_000] {
        let doc = inventory_xml(1, target);
        let len = doc.len() as f64;
        assert!(
            (len - target as f64).abs() / (target as f64) < 0.1,
            "target {target}, got {len}"
        );
        assert_eq!(check_well_formed("bench", &doc), "Inventory");
        let text = String::from_utf8(doc).unwrap();
        assert!(text.contains("<Class Name=\"Win32_BIOS\">"));
        assert!(text.contains("<Installer Type="));
        assert!(text.contains("<File Name="));
    }
    assert_eq!(inventory_xml(2, 300_000), inventory_xml(2, 300_000));
    assert_ne!(inventory_xml(2, 300_000), inventory_xml(3, 300_000));
}

/// Realistic sizes: median about 80 kB gzipped, mean a bit higher, a long tail. Only a sample
/// of inventories is generated here to keep debug test time low; see `tests/measure.rs`.
#[test]
fn inventory_sizes_are_realistic() {
    let config = Config {
        mix: ndi_corpora::Mix::only(Kind::Inventory),
        gzip_level: 6,
        ..Config::new(24, 1)
    };
    let mut sizes: Vec<usize> = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|h| {
                let config = &config;
                s.spawn(move || {
                    (0..12)
                        .map(|i| {
                            let f = file_with(config, 2 * i + h);
                            assert_eq!(plain_bytes(&f).len(), f.plain_len, "{}", f.name);
                            f.bytes.len()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    assert!(
        (50_000..=120_000).contains(&median),
        "median {median}, {sizes:?}"
    );
    assert!(mean >= median * 9 / 10, "mean {mean} median {median}");
}
