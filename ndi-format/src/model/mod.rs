//! Typed views (filled in below).
