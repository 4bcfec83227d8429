//! A whole document in memory: for tests, small files and writers. Large inventories should be
//! read record by record instead.

use std::io::Write;

use flate2::write::GzEncoder;

use crate::error::{Result, Warning};
use crate::input::Compression;
use crate::reader::Reader;
use crate::record::{Header, Record};
use crate::writer::{Writer, WriterOptions};

/// A header plus all its records, owned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Root element and prolog.
    pub header: Header<'static>,
    /// Every element below the root, in document order.
    pub records: Vec<Record<'static>>,
}

impl Document {
    /// Reads every record of `reader`, returning the document and the warnings found.
    pub fn read(mut reader: Reader<'_>) -> Result<(Document, Vec<Warning>)> {
        let header = reader.header().clone().into_owned();
        let mut records = Vec::new();
        let mut record = Record::default();
        while reader.read_record(&mut record)? {
            records.push(record.clone().into_owned());
        }
        Ok((Document { header, records }, reader.take_warnings()))
    }

    /// Reads bytes in memory (any compression and encoding).
    pub fn from_slice(bytes: &[u8]) -> Result<Document> {
        Ok(Self::read(Reader::from_slice(bytes)?)?.0)
    }

    /// Writes the document as XML, gzipped or not.
    pub fn to_bytes(&self, compression: Compression) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        write_document(&mut out, self, compression, WriterOptions::default())?;
        Ok(out)
    }
}

/// Writes `doc` to `out`, gzipped when `compression` says so.
pub fn write_document(
    out: impl Write,
    doc: &Document,
    compression: Compression,
    options: WriterOptions,
) -> Result<()> {
    fn write_all<W: Write>(w: &mut Writer<W>, doc: &Document) -> Result<()> {
        w.write_header(&doc.header)?;
        for r in &doc.records {
            w.write_record(r)?;
        }
        Ok(())
    }
    match compression {
        Compression::None => {
            let mut w = Writer::with_options(out, options);
            write_all(&mut w, doc)?;
            w.finish()?;
        }
        Compression::Gzip => {
            let mut w =
                Writer::with_options(GzEncoder::new(out, flate2::Compression::default()), options);
            write_all(&mut w, doc)?;
            w.finish()?.finish()?;
        }
    }
    Ok(())
}
