//! The input layer: gzip (single and multi-member, corrupt, truncated), byte-order marks,
//! UTF-16 and declared encodings. Arbitrary bytes are read as they are, then gzipped and
//! transcoded to UTF-16, and must read the same as plain.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ndi_fuzz::check_wrappers(data));
