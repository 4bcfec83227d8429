//! Writers: header, then records in document order, then `finish`.

use std::io::Write;

use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::record::{Attribute, Header, Record, RecordKind};

/// Options for writing.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Indent nested elements by this many spaces (0: no line breaks at all).
    pub indent: usize,
    /// Write the XML declaration.
    pub declaration: bool,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            indent: 2,
            declaration: true,
        }
    }
}

/// Writes one document. Records must come in document order with consistent depths (each at
/// most one deeper than the one before); the writer opens and closes elements accordingly.
///
/// ```
/// use ndi_format::{Header, Record, Writer};
///
/// let mut w = Writer::new(Vec::new());
/// w.write_header(&Header::new("Inventory", [("MachineName", "pc1")]))?;
/// w.write_record(&Record::element(1, "Hardware", Vec::<(&str, &str)>::new()))?;
/// w.write_record(&Record::element(2, "Class", [("Name", "Win32_BIOS")]))?;
/// let xml = String::from_utf8(w.finish()?).unwrap();
/// assert!(xml.contains(r#"<Class Name="Win32_BIOS"/>"#));
/// # Ok::<(), ndi_format::Error>(())
/// ```
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    options: WriterOptions,
    /// Open elements (the root first) and whether each holds text (then no indentation is
    /// added inside it, so the text reads back unchanged).
    open: Vec<(String, bool)>,
    /// Whether the last start tag is still unterminated (`<X a="1"` without `>`).
    tag_open: bool,
    header_written: bool,
}

impl<W: Write> Writer<W> {
    /// A writer with default options.
    pub fn new(out: W) -> Self {
        Self::with_options(out, WriterOptions::default())
    }

    /// A writer with `options`.
    pub fn with_options(out: W, options: WriterOptions) -> Self {
        Writer {
            out,
            options,
            open: Vec::new(),
            tag_open: false,
            header_written: false,
        }
    }

    /// Writes the XML declaration, the DOCTYPE (the header's own, else the format's default),
    /// prolog processing instructions and the root start tag.
    pub fn write_header(&mut self, header: &Header<'_>) -> Result<()> {
        if self.header_written {
            return Err(ErrorKind::InvalidRecord("header written twice".into()).into());
        }
        check_name(&header.root)?;
        if self.options.declaration {
            self.out
                .write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        }
        let format = Format::from_root(&header.root);
        let doctype = header.doctype.as_deref().or(format.default_doctype());
        if let Some(doctype) = doctype {
            if !doctype_is_closed_safely(doctype) {
                return Err(ErrorKind::InvalidRecord(
                    "DOCTYPE with '>' outside quotes and internal subset, or unbalanced".into(),
                )
                .into());
            }
            writeln!(self.out, "<!DOCTYPE {doctype}>")?;
        }
        for pi in &header.processing_instructions {
            if pi.contains("?>") {
                return Err(
                    ErrorKind::InvalidRecord("'?>' in processing instruction".into()).into(),
                );
            }
            // The target must be a name other than `xml`, or the output is not well-formed
            // (found by the `ndi_roundtrip` fuzz target; regression test
            // `fuzz_writer_refuses_a_processing_instruction_without_a_target`).
            let target = pi.split([' ', '\t', '\r', '\n']).next().unwrap_or_default();
            if !crate::xml::chars::is_name(target) || target.eq_ignore_ascii_case("xml") {
                return Err(ErrorKind::InvalidRecord(format!(
                    "processing instruction target {target:?} is not a name"
                ))
                .into());
            }
            writeln!(self.out, "<?{pi}?>")?;
        }
        self.out.write_all(b"<")?;
        self.out.write_all(header.root.as_bytes())?;
        self.write_attributes(&header.attributes)?;
        self.tag_open = true;
        self.open.push((header.root.to_string(), false));
        self.header_written = true;
        Ok(())
    }

    fn write_attributes(&mut self, attributes: &[Attribute<'_>]) -> Result<()> {
        for a in attributes {
            check_name(&a.name)?;
            self.out.write_all(b" ")?;
            self.out.write_all(a.name.as_bytes())?;
            self.out.write_all(b"=\"")?;
            escape_into(&mut self.out, &a.value, true)?;
            self.out.write_all(b"\"")?;
        }
        Ok(())
    }

    fn close_tag_start(&mut self) -> Result<()> {
        if self.tag_open {
            self.out.write_all(b">")?;
            self.tag_open = false;
        }
        Ok(())
    }

    fn newline_indent(&mut self, level: usize) -> Result<()> {
        if self.options.indent == 0 || self.open.iter().any(|(_, text)| *text) {
            return Ok(());
        }
        self.out.write_all(b"\n")?;
        for _ in 0..level * self.options.indent {
            self.out.write_all(b" ")?;
        }
        Ok(())
    }

    /// Closes open elements until `keep` remain.
    fn close_to(&mut self, keep: usize) -> Result<()> {
        while self.open.len() > keep {
            if self.tag_open {
                self.out.write_all(b"/>")?;
                self.tag_open = false;
                self.open.pop();
                continue;
            }
            let level = self.open.len() - 1;
            let had_text = self.open.last().is_some_and(|(_, t)| *t);
            let (name, _) = self.open.pop().unwrap_or_default();
            if !had_text {
                self.newline_indent(level)?;
            }
            self.out.write_all(b"</")?;
            self.out.write_all(name.as_bytes())?;
            self.out.write_all(b">")?;
        }
        Ok(())
    }

    /// Writes one record below the root.
    pub fn write_record(&mut self, record: &Record<'_>) -> Result<()> {
        if !self.header_written || self.open.is_empty() {
            return Err(
                ErrorKind::InvalidRecord("record before header or after finish".into()).into(),
            );
        }
        let depth = record.depth as usize;
        if depth == 0 || depth > self.open.len() {
            return Err(Error::new(ErrorKind::InvalidRecord(format!(
                "record <{}> at depth {depth} cannot follow depth {}",
                record.name,
                self.open.len() - 1
            ))));
        }
        if record.kind == RecordKind::Text || record.name.is_empty() {
            // Text that is missing or only whitespace would not be read back (whitespace
            // between elements is layout): refuse it rather than lose the record silently
            // (found by the `ndi_roundtrip` fuzz target; regression test
            // `fuzz_writer_refuses_a_text_record_without_text`).
            if record
                .text
                .as_deref()
                .is_none_or(|t| t.trim_ascii().is_empty())
                // Nor can a text record carry attributes.
                || !record.attributes.is_empty()
            {
                return Err(ErrorKind::InvalidRecord(format!(
                    "text record at depth {depth} without text or with attributes \
                     (or an element without a name)"
                ))
                .into());
            }
            self.close_to(depth)?;
            self.close_tag_start()?;
            if let Some(last) = self.open.last_mut() {
                last.1 = true;
            }
            if let Some(text) = &record.text {
                escape_into(&mut self.out, text, false)?;
            }
            return Ok(());
        }
        check_name(&record.name)?;
        self.close_to(depth)?;
        self.close_tag_start()?;
        self.newline_indent(depth)?;
        self.out.write_all(b"<")?;
        self.out.write_all(record.name.as_bytes())?;
        self.write_attributes(&record.attributes)?;
        let has_text = record.text.as_deref().is_some_and(|t| !t.is_empty());
        if has_text {
            self.out.write_all(b">")?;
            if let Some(text) = &record.text {
                escape_into(&mut self.out, text, false)?;
            }
        } else {
            self.tag_open = true;
        }
        self.open.push((record.name.to_string(), has_text));
        Ok(())
    }

    /// Closes every open element and returns the output.
    pub fn finish(mut self) -> Result<W> {
        if !self.header_written {
            return Err(ErrorKind::InvalidRecord("no header written".into()).into());
        }
        self.close_to(0)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// The output, for writers that need to finish it (such as a gzip encoder).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }
}

/// Whether `doctype` can be written between `<!DOCTYPE` and `>` without ending early: every
/// `>` sits inside a quoted literal or the internal subset, and quotes and brackets close.
/// (A system literal may hold `>`: found by the `npl` fuzz target, regression test
/// `fuzz_doctype_literal_may_contain_a_greater_than_sign`.)
fn doctype_is_closed_safely(doctype: &str) -> bool {
    let mut quote = None;
    let mut depth = 0usize;
    for c in doctype.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') if depth > 0 => depth -= 1,
            (None, '>') if depth == 0 => return false,
            _ => {}
        }
    }
    quote.is_none() && depth == 0
}

fn check_name(name: &str) -> Result<()> {
    if crate::xml::chars::is_name(name) {
        Ok(())
    } else {
        Err(ErrorKind::InvalidName(name.to_string()).into())
    }
}

/// Escapes `&`, `<`, `>` (and in attributes `"`, tab, CR and LF, which attribute-value
/// normalisation would otherwise turn into spaces; in text CR, which line-end normalisation
/// would drop).
fn escape_into(out: &mut impl Write, s: &str, attribute: bool) -> std::io::Result<()> {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' if attribute => b"&quot;",
            b'\t' if attribute => b"&#9;",
            b'\n' if attribute => b"&#10;",
            b'\r' => b"&#13;",
            _ => continue,
        };
        out.write_all(&bytes[last..i])?;
        out.write_all(rep)?;
        last = i + 1;
    }
    out.write_all(&bytes[last..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut out = Vec::new();
        escape_into(&mut out, "a&b<c>\"\t\n\r", true).unwrap();
        assert_eq!(out, b"a&amp;b&lt;c&gt;&quot;&#9;&#10;&#13;");
        out.clear();
        escape_into(&mut out, "a\"b\nc\r", false).unwrap();
        assert_eq!(out, b"a\"b\nc&#13;");
    }
}
