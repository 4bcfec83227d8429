//! Deterministic corpus generator (being written).
