//! Products whose names need escaping in XML or are not ASCII (used only when quirks are on).

use super::{Product, arp, msi};

/// Quirky entries used only when quirks are on: characters that must be escaped, non-ASCII.
#[rustfmt::skip]
pub(crate) static NAMES_NEEDING_ESCAPES: &[Product] = &[
    arp("AT&T", "AT&T Global Network Client", &["10.1.3", "9.7.2"]),
    arp("Procter & Gamble", "P&G Sales Toolkit", &["3.2.1"]),
    msi("Müller Software GmbH", "Müller Lohnbuchhaltung 2024", &["24.3.0"]),
    arp("株式会社ジャストシステム", "ATOK for Windows", &["33.0.1"]),
    arp("Société Générale", "SG Markets Desktop", &["5.1.0"]),
    msi("Contoso <Internal>", "Legacy \"Green Screen\" Emulator", &["2.1"]),
    arp("Johnson & Johnson", "J&J Lab Data Capture <beta>", &["0.9.4"]),
    arp("Ferrari & Söhne", "Gänsefüßchen \"Editor\"", &["1.0"]),
];
