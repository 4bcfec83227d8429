//! The catalog model on arbitrary bytes (seeded with `corpora/osd`): no panic, no hang; what
//! loads writes back to an equal model; checking a catalog against any target never fails.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndi_fuzz::check_catalog(data));
