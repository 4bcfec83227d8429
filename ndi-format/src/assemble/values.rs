//! How values get from an event into a record: re-borrowed from the input (slices) or copied
//! into the record's own strings (streams).

use std::borrow::Cow;

/// How values get from an event into a record whose lifetime is `'x`.
pub(crate) trait Lift<'x> {
    /// Stores `src` into `dst`.
    fn assign(&self, dst: &mut Cow<'x, str>, src: Cow<'_, str>);
}

/// Slice input: strings that lie inside the input are re-borrowed from it (zero-copy);
/// unescaped ones are moved.
pub(crate) struct ReborrowFromInput<'a> {
    pub(crate) base: &'a [u8],
}

impl<'a> ReborrowFromInput<'a> {
    /// `s` with the input's lifetime, when `s` lies inside the input.
    #[inline]
    #[allow(unsafe_code)]
    fn reborrow(&self, s: &str) -> Option<&'a str> {
        let start = rel_bytes(s.as_bytes(), self.base)?;
        let bytes: &'a [u8] = self.base.get(start..start + s.len())?;
        // SAFETY: `bytes` is the very memory `s` occupies (same start, same length, checked
        // just above), and `s` is a `&str`, so these bytes are valid UTF-8. Only the lifetime
        // changes: quick-xml hands out events with a shorter one than the input it borrows.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

impl<'a> Lift<'a> for ReborrowFromInput<'a> {
    #[inline]
    fn assign(&self, dst: &mut Cow<'a, str>, src: Cow<'_, str>) {
        *dst = match src {
            Cow::Borrowed(s) => match self.reborrow(s) {
                Some(b) => Cow::Borrowed(b),
                None => Cow::Owned(s.to_owned()),
            },
            Cow::Owned(s) => Cow::Owned(s),
        };
    }
}

/// Stream input: events borrow a buffer that is reused, so values are copied, reusing the
/// record's strings.
pub(crate) struct CopyIntoRecord;

impl<'x> Lift<'x> for CopyIntoRecord {
    #[inline]
    fn assign(&self, dst: &mut Cow<'x, str>, src: Cow<'_, str>) {
        match dst {
            Cow::Owned(s) => {
                s.clear();
                s.push_str(&src);
            }
            Cow::Borrowed(_) => *dst = Cow::Owned(src.into_owned()),
        }
    }
}

/// Where `inner` starts within `outer`, if it lies inside it.
#[inline]
fn rel_bytes(inner: &[u8], outer: &[u8]) -> Option<usize> {
    let (i, o) = (inner.as_ptr() as usize, outer.as_ptr() as usize);
    (i >= o && i + inner.len() <= o + outer.len()).then(|| i - o)
}
