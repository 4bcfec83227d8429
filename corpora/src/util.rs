//! Small deterministic helpers: random streams, stable hashes, dates, encodings.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random generator every file is built from.
pub(crate) type Rng8 = ChaCha8Rng;

/// A ChaCha stream for `(seed, stream)`. Each file of a corpus uses its index as the
/// stream number, so files can be generated in any order on any number of threads.
pub(crate) fn stream_rng(seed: u64, stream: u64) -> Rng8 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// SplitMix64 finaliser: a good 64-bit mixing function.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable hash of some strings (FNV-1a, then mixed). Used to derive attributes that must be
/// identical across devices for the same thing (MD5 of a given exe version, MSI product codes).
pub(crate) fn hash_strs(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for part in parts {
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        h ^= 0xFF;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// Standard normal deviate (Box-Muller).
pub(crate) fn normal(rng: &mut Rng8) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Log-normal deviate with the given median and shape.
pub(crate) fn lognormal(rng: &mut Rng8, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Log-uniform deviate in `[lo, hi)`.
pub(crate) fn loguniform(rng: &mut Rng8, lo: f64, hi: f64) -> f64 {
    let u: f64 = rng.random();
    (lo.ln() + u * (hi.ln() - lo.ln())).exp()
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut Rng8, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Uniform choice from a non-empty slice.
pub(crate) fn pick<'a, T>(rng: &mut Rng8, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Uniform choice of a static string.
pub(crate) fn pick_str(rng: &mut Rng8, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

/// An index in `0..n` skewed towards 0 (the newest version of a product is the most common).
pub(crate) fn skewed_index(rng: &mut Rng8, n: usize) -> usize {
    let u: f64 = rng.random();
    ((u * u * n as f64) as usize).min(n.saturating_sub(1))
}

/// Weighted choice; `weights` must not all be zero.
pub(crate) fn weighted(rng: &mut Rng8, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len().saturating_sub(1)
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Appends `n` hex digits of `v` (most significant first).
pub(crate) fn push_hex(out: &mut String, v: u128, n: usize, upper: bool) {
    let table = if upper { HEX_UPPER } else { HEX_LOWER };
    for i in (0..n).rev() {
        let nibble = ((v >> (4 * i)) & 0xF) as usize;
        out.push(table[nibble] as char);
    }
}

/// A GUID in registry form, `{8-4-4-4-12}` upper case, from 128 bits.
pub(crate) fn guid(v: u128, braces: bool) -> String {
    let mut s = String::with_capacity(38);
    if braces {
        s.push('{');
    }
    push_hex(&mut s, v >> 96, 8, true);
    s.push('-');
    push_hex(&mut s, v >> 80, 4, true);
    s.push('-');
    // Version 4 / variant bits, as real GUIDs have.
    push_hex(&mut s, 0x4000 | ((v >> 64) & 0x0FFF), 4, true);
    s.push('-');
    push_hex(&mut s, 0x8000 | ((v >> 48) & 0x3FFF), 4, true);
    s.push('-');
    push_hex(&mut s, v, 12, true);
    if braces {
        s.push('}');
    }
    s
}

/// A random GUID.
pub(crate) fn random_guid(rng: &mut Rng8, braces: bool) -> String {
    guid(rng.random::<u128>(), braces)
}

/// A GUID that is a stable function of some strings.
pub(crate) fn stable_guid(parts: &[&str]) -> String {
    let a = hash_strs(parts);
    let b = mix64(a ^ 0x5151_5151_5151_5151);
    guid((u128::from(a) << 64) | u128::from(b), true)
}

/// 32 lower-case hex digits that look like an MD5 digest, stable for the given parts.
pub(crate) fn stable_md5(parts: &[&str]) -> String {
    let a = hash_strs(parts);
    let b = mix64(a ^ 0xA5A5_A5A5_A5A5_A5A5);
    let mut s = String::with_capacity(32);
    push_hex(&mut s, (u128::from(a) << 64) | u128::from(b), 32, false);
    s
}

/// Random hex string of `n` digits.
pub(crate) fn random_hex(rng: &mut Rng8, n: usize, upper: bool) -> String {
    let mut s = String::with_capacity(n);
    let mut left = n;
    while left > 0 {
        let take = left.min(32);
        push_hex(&mut s, rng.random::<u128>(), take, upper);
        left -= take;
    }
    s
}

/// Random string over an alphabet.
pub(crate) fn random_from(rng: &mut Rng8, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// Upper-case letters and digits.
pub(crate) const ALNUM_UPPER: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Digits.
pub(crate) const DIGITS: &[u8] = b"0123456789";

/// Base-36 rendering, upper case, zero padded to `width`.
pub(crate) fn base36(mut v: u64, width: usize) -> String {
    let mut digits = Vec::with_capacity(width.max(8));
    while v > 0 {
        digits.push(ALNUM_UPPER[(v % 36) as usize]);
        v /= 36;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.iter().rev().map(|&b| b as char).collect()
}

// ---------------------------------------------------------------------------------------------
// Dates. All times are "device local" seconds since 1970-01-01T00:00:00, no zone.

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day number.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Seconds per day.
pub(crate) const DAY: i64 = 86_400;

/// The Monday on or before the given day number.
pub(crate) fn monday_on_or_before(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 == 0 on Mondays.
    day - (day + 3).rem_euclid(7)
}

fn split(ts: i64) -> (i64, u32, u32, u32, u32, u32) {
    let day = ts.div_euclid(DAY);
    let secs = ts.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(day);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        ((secs / 60) % 60) as u32,
        (secs % 60) as u32,
    )
}

/// `yyyyMMddTHHmmss`.
pub(crate) fn stamp(ts: i64) -> String {
    let (y, m, d, hh, mm, ss) = split(ts);
    format!("{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}")
}

/// `yyyyMMdd`.
pub(crate) fn date8(ts: i64) -> String {
    let (y, m, d, ..) = split(ts);
    format!("{y:04}{m:02}{d:02}")
}

/// WMI CIM_DATETIME, e.g. `20230615101522.000000+060`.
pub(crate) fn wmi_datetime(ts: i64, tz_minutes: i32) -> String {
    let (y, m, d, hh, mm, ss) = split(ts);
    let sign = if tz_minutes < 0 { '-' } else { '+' };
    format!(
        "{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}.000000{sign}{:03}",
        tz_minutes.unsigned_abs()
    )
}

/// `MM/dd/yyyy`, as dmidecode prints BIOS dates.
pub(crate) fn us_date(ts: i64) -> String {
    let (y, m, d, ..) = split(ts);
    format!("{m:02}/{d:02}/{y:04}")
}

// ---------------------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, optionally wrapped every `wrap` characters with `nl`.
pub(crate) fn base64_into(out: &mut String, data: &[u8], wrap: Option<usize>, nl: &str) {
    let mut col = 0usize;
    let mut emit = |out: &mut String, c: u8| {
        if let Some(w) = wrap
            && col == w
        {
            out.push_str(nl);
            col = 0;
        }
        out.push(c as char);
        col += 1;
    };
    for chunk in data.chunks(3) {
        let b0 = chunk[0];
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        emit(out, B64[((n >> 18) & 63) as usize]);
        emit(out, B64[((n >> 12) & 63) as usize]);
        emit(
            out,
            if chunk.len() > 1 {
                B64[((n >> 6) & 63) as usize]
            } else {
                b'='
            },
        );
        emit(
            out,
            if chunk.len() > 2 {
                B64[(n & 63) as usize]
            } else {
                b'='
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for day in [-1000_i64, 0, 59, 60, 365, 10_957, 19_000, 20_000, 20_089] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_civil(2024, 1, 1), 19_723);
        // 2024-01-01 was a Monday.
        assert_eq!(monday_on_or_before(19_723), 19_723);
        assert_eq!(monday_on_or_before(19_729), 19_723);
        assert_eq!(stamp(19_723 * DAY + 3723), "20240101T010203");
    }

    #[test]
    fn base64_known() {
        let mut s = String::new();
        base64_into(&mut s, b"Man is", None, "\n");
        assert_eq!(s, "TWFuIGlz");
        s.clear();
        base64_into(&mut s, b"Ma", None, "\n");
        assert_eq!(s, "TWE=");
    }

    #[test]
    fn guid_shape() {
        let g = stable_guid(&["x"]);
        assert_eq!(g.len(), 38);
        assert_eq!(&g[15..16], "4");
    }
}
