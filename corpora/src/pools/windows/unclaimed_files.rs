//! Executables run by users that no installer claims (usage with empty NAME/VERSION).

/// Executables run by users that no installer claims (usage with empty NAME/VERSION).
#[rustfmt::skip]
pub(crate) const UNCLAIMED_EXECUTABLES: &[(&str, &str, &str, &str)] = &[
    ("procexp64.exe", "Sysinternals - www.sysinternals.com", "Sysinternals Process Explorer", "17.06"),
    ("Procmon64.exe", "Sysinternals - www.sysinternals.com", "Process Monitor", "4.01"),
    ("Everything.exe", "voidtools", "Everything", "1.4.1.1026"),
    ("ShareX.exe", "ShareX Team", "ShareX", "16.1.0"),
    ("lghub.exe", "Logitech", "LGHUB", "2024.8.641856"),
    ("obsidian.exe", "Obsidian", "Obsidian", "1.7.7"),
    ("Spotify.exe", "Spotify Ltd", "Spotify", "1.2.50.335"),
    ("javaws.exe", "Oracle Corporation", "Java(TM) Platform SE 8", "8.0.4310.11"),
    ("report_runner.exe", "", "", ""),
    ("setup_x64.exe", "", "", ""),
    ("Autoruns64.exe", "Sysinternals - www.sysinternals.com", "Sysinternals autoruns", "14.11"),
    ("DbVisualizer.exe", "DbVis Software AB", "DbVisualizer", "24.3.1"),
];
