//! Stored names: taken from the last path segment (percent-decoded) or a multipart
//! `filename`, checked, routed to a folder by their extension, and renamed on collision.
//!
//! No I/O here: everything is a function of the name (and of a content hash).

use std::fmt;

/// Longest stored name, in bytes (the usual file-system limit).
pub const MAX_NAME_BYTES: usize = 255;

/// Why a name was refused (each maps to `400 Bad Request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No name at all (the base path itself, or an empty segment).
    #[error("no file name")]
    Empty,
    /// `.` or `..`.
    #[error("the name is a dot segment")]
    DotSegment,
    /// A leading dot: hidden names are reserved for temporary files.
    #[error("the name starts with a dot (hidden names are reserved)")]
    Hidden,
    /// A `/` (after percent-decoding).
    #[error("the name contains '/'")]
    Slash,
    /// A `\`.
    #[error("the name contains a backslash")]
    Backslash,
    /// A NUL byte.
    #[error("the name contains NUL")]
    Nul,
    /// Another control character (C0, DEL or C1).
    #[error("the name contains a control character")]
    Control,
    /// A Windows device name (`CON`, `NUL`, `COM1`, ... with any extension).
    #[error("the name is a Windows device name")]
    DeviceName,
    /// Longer than [`MAX_NAME_BYTES`].
    #[error("the name is longer than 255 bytes")]
    TooLong,
    /// The percent-decoded bytes are not UTF-8, or the escape is malformed.
    #[error("the name is not valid percent-encoded UTF-8")]
    Encoding,
}

/// Percent-decodes one raw path segment (`%20` → space; `+` stays `+`) and checks the result.
pub fn from_segment(raw: &str) -> Result<String, NameError> {
    let bytes = raw.as_bytes();
    // A malformed escape (`%`, `%4`, `%zz`) is refused rather than kept literally.
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(NameError::Encoding);
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| NameError::Encoding)?
        .into_owned();
    check(&decoded)?;
    Ok(decoded)
}

/// The name a multipart part gives (`filename="..."`), checked like a path segment. The
/// value is used as sent: a path in it (`C:\x\a.ndi`) is refused, not shortened.
pub fn from_filename(filename: &str) -> Result<String, NameError> {
    check(filename)?;
    Ok(filename.to_owned())
}

/// Checks a decoded name; see [`NameError`] for what is refused. Spaces and non-ASCII
/// characters are kept.
pub fn check(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name == "." || name == ".." {
        return Err(NameError::DotSegment);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameError::TooLong);
    }
    for c in name.chars() {
        match c {
            '/' => return Err(NameError::Slash),
            '\\' => return Err(NameError::Backslash),
            '\0' => return Err(NameError::Nul),
            c if c.is_control() => return Err(NameError::Control),
            _ => {}
        }
    }
    if name.starts_with('.') {
        return Err(NameError::Hidden);
    }
    if is_device_name(name) {
        return Err(NameError::DeviceName);
    }
    Ok(())
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9` (also with superscript digits),
/// `CONIN$`, `CONOUT$`, in any case, alone or before any extension, with trailing spaces or
/// dots ignored: the names Windows maps to devices, refused so that a folder can be copied
/// to or served from Windows.
fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.trim_end_matches([' ', '.']).to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        s => {
            let (Some(head), Some(tail)) = (s.get(..3), s.get(3..)) else {
                return false;
            };
            (head == "COM" || head == "LPT")
                && matches!(
                    tail,
                    "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
        }
    }
}

/// The folder of the incoming tree a file goes to, chosen by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `.ndi`, `.ndi.gz`: `Inventories`.
    Inventories,
    /// `.mmi`, `.mmi.gz`: `UsageData`.
    UsageData,
    /// `.disco`, `.disco.gz`: `Discovery`.
    Discovery,
    /// `.vdi`, `.vdi.gz`: `VDIaccess`.
    VdiAccess,
    /// Anything else: `Other` (kept, not refused).
    Other,
}

impl Route {
    /// Every route.
    pub const ALL: [Route; 5] = [
        Route::Inventories,
        Route::UsageData,
        Route::Discovery,
        Route::VdiAccess,
        Route::Other,
    ];

    /// The folder name under the incoming folder.
    pub fn folder(self) -> &'static str {
        match self {
            Route::Inventories => "Inventories",
            Route::UsageData => "UsageData",
            Route::Discovery => "Discovery",
            Route::VdiAccess => "VDIaccess",
            Route::Other => "Other",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.folder())
    }
}

/// Routes a name by its extension, case-insensitively, ignoring a trailing `.gz` and a
/// collision suffix `~<hex>` (so a renamed `a.ndi~0123abcd` forwarded to a parent is still
/// an inventory there).
pub fn route(name: &str) -> Route {
    let lower = strip_collision_suffix(name).to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    if base.ends_with(".ndi") {
        Route::Inventories
    } else if base.ends_with(".mmi") {
        Route::UsageData
    } else if base.ends_with(".disco") {
        Route::Discovery
    } else if base.ends_with(".vdi") {
        Route::VdiAccess
    } else {
        Route::Other
    }
}

/// `name` without a trailing `~` followed by 8 to 64 lowercase hex digits.
fn strip_collision_suffix(name: &str) -> &str {
    if let Some(pos) = name.rfind('~') {
        let tail = &name[pos + 1..];
        if (8..=64).contains(&tail.len())
            && tail
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return &name[..pos];
        }
    }
    name
}

/// The name under which different bytes that arrive with a taken `name` are stored:
/// `<name>~<hex>` with the first `hex_digits` hex digits of their hash (8 first; more only
/// if that name is taken too). The name is shortened (at a character boundary) when the
/// result would pass [`MAX_NAME_BYTES`].
pub fn collision_name(name: &str, hash: &[u8; 32], hex_digits: usize) -> String {
    let digits = hex_digits.clamp(1, 64);
    let mut hex = String::with_capacity(64);
    for b in hash {
        hex.push_str(&format!("{b:02x}"));
    }
    hex.truncate(digits);
    let room = MAX_NAME_BYTES - 1 - digits;
    let mut cut = name.len().min(room);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}~{}", &name[..cut], hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_and_checked() {
        assert_eq!(
            from_segment("SYSTEM%20on%20PC1.ndi.gz").unwrap(),
            "SYSTEM on PC1.ndi.gz"
        );
        assert_eq!(from_segment("Jos%C3%A9.ndi").unwrap(), "José.ndi");
        assert_eq!(from_segment("a+b.ndi").unwrap(), "a+b.ndi");
        assert_eq!(
            from_segment("..%2F..%2Fetc%2Fpasswd"),
            Err(NameError::Slash)
        );
        assert_eq!(from_segment("..%5Cwin.ini"), Err(NameError::Backslash));
        assert_eq!(from_segment("a%00b"), Err(NameError::Nul));
        assert_eq!(from_segment("a%0Ab"), Err(NameError::Control));
        assert_eq!(from_segment("a%C2%9Bb"), Err(NameError::Control));
        assert_eq!(from_segment("%2e%2E"), Err(NameError::DotSegment));
        assert_eq!(from_segment("%2e"), Err(NameError::DotSegment));
        assert_eq!(from_segment(""), Err(NameError::Empty));
        assert_eq!(from_segment("a%ZZ"), Err(NameError::Encoding));
        assert_eq!(from_segment("a%4"), Err(NameError::Encoding));
        assert_eq!(from_segment("%FF.ndi"), Err(NameError::Encoding));
        assert_eq!(from_segment(".hidden"), Err(NameError::Hidden));
    }

    #[test]
    fn device_names_are_refused_with_any_extension() {
        for n in [
            "CON", "con", "nul.ndi", "Com1.txt", "LPT9", "aux.", "PRN .x", "COM¹", "conin$",
        ] {
            assert_eq!(check(n), Err(NameError::DeviceName), "{n}");
        }
        for n in [
            "CONSOLE.ndi",
            "COM10",
            "LPT",
            "nully.ndi",
            "a.con",
            "éé",
            "Aé",
        ] {
            assert_eq!(check(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn length_limit_is_in_bytes() {
        assert_eq!(check(&"a".repeat(255)), Ok(()));
        assert_eq!(check(&"a".repeat(256)), Err(NameError::TooLong));
        assert_eq!(check(&"é".repeat(128)), Err(NameError::TooLong));
    }

    #[test]
    fn routes_by_extension() {
        assert_eq!(route("SYSTEM on PC1.ndi.gz"), Route::Inventories);
        assert_eq!(route("x.NDI"), Route::Inventories);
        assert_eq!(route("u.mmi.gz"), Route::UsageData);
        assert_eq!(route("d.disco"), Route::Discovery);
        assert_eq!(route("v.vdi.GZ"), Route::VdiAccess);
        assert_eq!(route("p.npl"), Route::Other);
        assert_eq!(route("x.gz"), Route::Other);
        assert_eq!(route("ndi"), Route::Other);
        assert_eq!(route("a.ndi~0123abcd"), Route::Inventories);
        assert_eq!(route("a.ndi~xyz"), Route::Other);
    }

    #[test]
    fn collision_names_fit() {
        let h = [0xab; 32];
        assert_eq!(collision_name("a.ndi", &h, 8), "a.ndi~abababab");
        let long = "é".repeat(127);
        let c = collision_name(&long, &h, 8);
        assert!(c.len() <= MAX_NAME_BYTES);
        assert!(c.ends_with("~abababab"));
        assert_eq!(check(&c), Ok(()));
    }
}
