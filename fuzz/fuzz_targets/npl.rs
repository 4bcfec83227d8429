//! The policy model on arbitrary bytes (seeded with `corpora/npl`): no panic, no hang; what
//! loads writes back to an equal model, and validation and the effective packages never fail.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndi_fuzz::check_policy(data));
