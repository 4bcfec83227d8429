//! A compact, owned list of (name, value) string pairs in one allocation: how keys and values
//! are stored, so that a large inventory's records stay a small multiple of its XML size.

/// Name and value pairs, each string prefixed by its length (LEB128), in one allocation.
/// Equality is byte equality, so value lists are packed sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Packed(Box<[u8]>);

fn put_len(buf: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            buf.push(byte);
            return;
        }
        buf.push(byte | 0x80);
    }
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    put_len(buf, s.len());
    buf.extend_from_slice(s.as_bytes());
}

impl Packed {
    /// Packs `pairs` in the order given.
    pub(crate) fn pack<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> Packed {
        let mut buf = Vec::new();
        for (name, value) in pairs {
            put_str(&mut buf, name);
            put_str(&mut buf, value);
        }
        Packed(buf.into_boxed_slice())
    }

    /// Packs `pairs` sorted by name (for value lists, whose order does not matter).
    pub(crate) fn pack_sorted<N: AsRef<str>, V: AsRef<str>>(mut pairs: Vec<(N, V)>) -> Packed {
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        Packed::pack(pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref())))
    }

    /// The pairs, in packed order.
    pub(crate) fn iter(&self) -> Pairs<'_> {
        Pairs { rest: &self.0 }
    }

    /// The value of the first pair named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// Iterator over the pairs of a [`Packed`].
#[derive(Debug, Clone)]
pub(crate) struct Pairs<'a> {
    rest: &'a [u8],
}

impl<'a> Pairs<'a> {
    fn take(&mut self) -> Option<&'a str> {
        let mut len = 0usize;
        let mut shift = 0u32;
        let mut used = 0usize;
        loop {
            let byte = *self.rest.get(used)?;
            used += 1;
            len |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let rest = self.rest.get(used..)?;
        let bytes = rest.get(..len)?;
        self.rest = rest.get(len..)?;
        std::str::from_utf8(bytes).ok()
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let name = self.take();
        let value = self.take();
        match (name, value) {
            (Some(n), Some(v)) => Some((n, v)),
            _ => {
                self.rest = &[];
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let long = "x".repeat(300);
        let p = Packed::pack_sorted(vec![("b", "2"), ("a", long.as_str()), ("", "")]);
        let pairs: Vec<_> = p.iter().collect();
        assert_eq!(pairs, [("", ""), ("a", long.as_str()), ("b", "2")]);
        assert_eq!(p.get("b"), Some("2"));
        assert_eq!(p.get("c"), None);
        assert_eq!(Packed::default().iter().count(), 0);
        // Order is kept by `pack`.
        let k = Packed::pack([("z", "1"), ("a", "2")]);
        assert_eq!(k.iter().map(|(n, _)| n).collect::<Vec<_>>(), ["z", "a"]);
    }

    #[test]
    fn truncated_bytes_end_the_iteration() {
        let p = Packed::pack([("name", "value")]);
        let cut = Packed(p.0[..p.0.len() - 2].into());
        assert_eq!(cut.iter().count(), 0);
        let bad = Packed(vec![0xff; 12].into_boxed_slice());
        assert_eq!(bad.iter().count(), 0);
    }
}
