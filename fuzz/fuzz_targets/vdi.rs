//! The vdi reader on arbitrary bytes (seeded with `corpora/vdi`): no panic, no hang, and
//! slice, buffered and stream inputs agree.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndi_fuzz::check_reader(data));
