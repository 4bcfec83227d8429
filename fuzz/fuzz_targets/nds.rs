//! The schedule model on arbitrary bytes (seeded with `corpora/nds`): no panic, no hang; what
//! loads writes back to an equal model, validates, and gives its next runs quickly.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndi_fuzz::check_schedule(data));
