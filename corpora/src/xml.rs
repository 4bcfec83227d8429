//! A tiny streaming XML writer that escapes attribute values and text correctly.

use std::fmt::Display;
use std::fmt::Write as _;

/// Layout of a written document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    /// Indentation unit per nesting level.
    pub indent: &'static str,
    /// Line ending.
    pub nl: &'static str,
    /// Write empty elements as `<a />` (.NET `XmlWriter`) instead of `<a/>`.
    pub space_before_slash: bool,
}

impl Style {
    /// The tracker's own style: two-space indentation.
    pub const AGENT: Style = Style {
        indent: "  ",
        nl: "\n",
        space_before_slash: false,
    };
    /// .NET `XmlWriter` with `Indent = true`.
    pub const DOTNET: Style = Style {
        indent: "  ",
        nl: "\r\n",
        space_before_slash: true,
    };
    /// A compact third-party writer: no indentation.
    pub const FLAT: Style = Style {
        indent: "",
        nl: "\n",
        space_before_slash: false,
    };
}

/// Writer state.
pub(crate) struct Xml {
    pub buf: String,
    style: Style,
    depth: usize,
}

impl Xml {
    pub fn new(capacity: usize, style: Style) -> Self {
        Xml {
            buf: String::with_capacity(capacity),
            style,
            depth: 0,
        }
    }

    pub fn nl(&self) -> &'static str {
        self.style.nl
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// A byte-order mark.
    pub fn bom(&mut self) {
        self.buf.push('\u{FEFF}');
    }

    /// A raw line (declaration, DOCTYPE).
    pub fn line(&mut self, s: &str) {
        self.buf.push_str(s);
        self.buf.push_str(self.style.nl);
    }

    fn pad(&mut self) {
        for _ in 0..self.depth {
            self.buf.push_str(self.style.indent);
        }
    }

    /// Begins a start tag `<name`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.pad();
        self.buf.push('<');
        self.buf.push_str(name);
        self
    }

    /// An attribute with an escaped value.
    pub fn a(&mut self, key: &str, value: &str) -> &mut Self {
        self.buf.push(' ');
        self.buf.push_str(key);
        self.buf.push_str("=\"");
        escape_into(&mut self.buf, value);
        self.buf.push('"');
        self
    }

    /// An attribute whose value needs no escaping (numbers).
    pub fn n(&mut self, key: &str, value: impl Display) -> &mut Self {
        self.buf.push(' ');
        self.buf.push_str(key);
        self.buf.push_str("=\"");
        let _ = write!(self.buf, "{value}");
        self.buf.push('"');
        self
    }

    /// Ends the start tag as an empty element.
    pub fn empty(&mut self) {
        self.buf.push_str(if self.style.space_before_slash {
            " />"
        } else {
            "/>"
        });
        self.buf.push_str(self.style.nl);
    }

    /// Ends the start tag and descends.
    pub fn start(&mut self) {
        self.buf.push('>');
        self.buf.push_str(self.style.nl);
        self.depth += 1;
    }

    /// Ends the start tag; text follows on the same line.
    pub fn start_inline(&mut self) {
        self.buf.push('>');
    }

    /// An end tag on its own line.
    pub fn end(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.pad();
        self.end_inline(name);
    }

    /// An end tag right after inline text.
    pub fn end_inline(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self.buf.push_str(self.style.nl);
    }

    /// `<Property Name=".." Value=".."/>`, the most common element by far.
    pub fn prop(&mut self, name: &str, value: &str) {
        self.open("Property")
            .a("Name", name)
            .a("Value", value)
            .empty();
    }

    /// `<Class Name="..">`, opening a hardware or registry class.
    pub fn class(&mut self, name: &str) {
        self.open("Class").a("Name", name).start();
    }

    /// `<Instance>` or `<Instance Name="..">`, opening one instance of a class.
    pub fn instance(&mut self, name: Option<&str>) {
        self.open("Instance");
        if let Some(n) = name {
            self.a("Name", n);
        }
        self.start();
    }

    /// A property with a numeric value.
    pub fn propn(&mut self, name: &str, value: impl Display) {
        self.open("Property")
            .a("Name", name)
            .n("Value", value)
            .empty();
    }
}

/// Escapes `&`, `<`, `>`, `"` and the whitespace characters that attribute-value
/// normalisation would otherwise fold. Everything else, including the rare control character a
/// quirky agent leaves in a value, is written as is.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\t' | b'\n' | b'\r'))
    {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape_into(&mut s, "AT&T <x> \"q\"\ttab");
        assert_eq!(s, "AT&amp;T &lt;x&gt; &quot;q&quot;&#9;tab");
    }

    #[test]
    fn nesting() {
        let mut x = Xml::new(64, Style::AGENT);
        x.open("A").a("k", "v").start();
        x.open("B").n("n", 3).empty();
        x.end("A");
        assert_eq!(x.buf, "<A k=\"v\">\n  <B n=\"3\"/>\n</A>\n");
    }
}
