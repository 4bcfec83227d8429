use ndi_format::{Document, Reader, Record, RecordKind};

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Inventory PUBLIC "Inventory" "http://www.managesoft.com/inventory.dtd">
<Inventory Tracker="21.2.0" MachineName="pc1" UserName="SYSTEM" Hardware="True" DateTime="20241112T031522">
  <Hardware>
    <Class Name="Win32_BIOS">
      <Instance><Property Name="SerialNumber" Value="AB&amp;C"/></Instance>
    </Class>
  </Hardware>
  <Software><Installer Type="MSI" Name="Office" Version="16.0" Publisher="Microsoft"/></Software>
  <Content Name="a.zip" Encoding="base64">QUJD</Content>
  <Custom>mixed<Thing x="1"/>tail</Custom>
</Inventory>
"#;

#[test]
fn smoke() {
    let mut r = Reader::from_slice(XML.as_bytes()).unwrap();
    assert_eq!(r.header().attr("MachineName"), Some("pc1"));
    let mut rec = Record::default();
    let mut kinds = vec![];
    while r.read_record(&mut rec).unwrap() {
        kinds.push((
            rec.kind,
            rec.depth,
            rec.name.to_string(),
            rec.text.as_deref().map(str::to_string),
        ));
    }
    eprintln!("{kinds:#?}");
    assert!(kinds.iter().any(|k| k.0 == RecordKind::HardwareProperty));
    let doc = Document::from_slice(XML.as_bytes()).unwrap();
    let out = doc.to_bytes(ndi_format::Compression::None).unwrap();
    eprintln!("{}", String::from_utf8_lossy(&out));
    let doc2 = Document::from_slice(&out).unwrap();
    assert_eq!(doc, doc2);
    for cap in 1..8 {
        let br = std::io::BufReader::with_capacity(cap, XML.as_bytes());
        let (d3, _) = Document::read(Reader::from_reader(br).unwrap()).unwrap();
        assert_eq!(doc, d3, "cap {cap}");
    }
    let gz = doc.to_bytes(ndi_format::Compression::Gzip).unwrap();
    assert_eq!(Document::from_slice(&gz).unwrap(), doc);
}
