//! Files Windows Installer and package caches keep.

/// Executables that show up in `Package Cache` and `Windows\\Installer` directories.
#[rustfmt::skip]
pub(crate) const PACKAGE_CACHE_EXECUTABLES: &[(&str, &str, &str)] = &[
    ("VC_redist.x64.exe", "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810", "14.40.33810.0"),
    ("VC_redist.x86.exe", "Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.40.33810", "14.40.33810.0"),
    ("vcredist_x64.exe", "Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40664", "12.0.40664.0"),
    ("vcredist_x86.exe", "Microsoft Visual C++ 2013 Redistributable (x86) - 12.0.40664", "12.0.40664.0"),
    ("dotnet-runtime-8.0.11-win-x64.exe", "Microsoft .NET Runtime - 8.0.11 (x64)", "8.0.11.34221"),
    ("windowsdesktop-runtime-8.0.11-win-x64.exe", "Microsoft Windows Desktop Runtime - 8.0.11 (x64)", "8.0.11.34221"),
    ("dotnet-runtime-6.0.36-win-x64.exe", "Microsoft .NET Runtime - 6.0.36 (x64)", "6.0.36.34217"),
    ("aspnetcore-runtime-8.0.11-win-x64.exe", "Microsoft ASP.NET Core 8.0.11 - Shared Framework (x64)", "8.0.11.24521"),
    ("dotnet-hosting-8.0.11-win.exe", "Microsoft .NET 8.0.11 - Windows Server Hosting", "8.0.11.24521"),
    ("SqlLocalDB.exe", "SQL Server LocalDB", "15.0.4382.1"),
    ("setup.exe", "Setup", "1.0.0.0"),
    ("vs_setup_bootstrapper.exe", "Microsoft Visual Studio Installer", "3.11.2180.21897"),
];

/// Icon executables Windows Installer keeps in `C:\\Windows\\Installer\\{GUID}`.
#[rustfmt::skip]
pub(crate) const INSTALLER_ICON_FILES: &[&str] = &[
    "ARPPRODUCTICON.exe",
    "SystemFoldermsiexec.exe",
    "NewShortcut1_7F2E3A9B5C4D4E8F9A1B2C3D4E5F6A7B.exe",
    "_853F67D554F05449430E7E.exe",
    "ProductIcon.exe",
    "AppIcon.exe",
    "insticon.exe",
    "controlPanelIcon.exe",
];
