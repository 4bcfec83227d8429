//! Windows software most organisations install, by bundle, and the version lists several
//! bundles share.

use super::{Bundle, MICROSOFT, arp, arp_with_files, bundle, files_only, msi, msi_with_files};

#[rustfmt::skip]
const EDGE_VERSIONS: &[&str] = &[
    "131.0.2903.70",
    "131.0.2903.63",
    "130.0.2849.80",
    "129.0.2792.89",
    "127.0.2651.105",
];

#[rustfmt::skip]
const CHROME_VERSIONS: &[&str] = &[
    "131.0.6778.86",
    "131.0.6778.70",
    "130.0.6723.117",
    "129.0.6668.90",
    "126.0.6478.127",
    "109.0.5414.120",
];

#[rustfmt::skip]
const FIREFOX_VERSIONS: &[&str] = &[
    "133.0",
    "132.0.2",
    "131.0.3",
    "128.5.0",
    "115.17.0",
];

#[rustfmt::skip]
const DOTNET8_VERSIONS: &[&str] = &[
    "8.0.11",
    "8.0.10",
    "8.0.8",
    "8.0.4",
];

#[rustfmt::skip]
const DOTNET6_VERSIONS: &[&str] = &[
    "6.0.36",
    "6.0.35",
    "6.0.33",
    "6.0.25",
    "6.0.16",
];

#[rustfmt::skip]
const ACROBAT_VERSIONS: &[&str] = &[
    "24.004.20272",
    "24.004.20220",
    "24.003.20180",
    "24.002.20933",
    "23.008.20470",
];

#[rustfmt::skip]
const SQL_SERVER_2019_VERSIONS: &[&str] = &[
    "15.0.4405.4",
    "15.0.4382.1",
    "15.0.2000.5",
];

#[rustfmt::skip]
const SQL_SERVER_2022_VERSIONS: &[&str] = &[
    "16.0.4145.4",
    "16.0.4135.4",
    "16.0.1000.6",
];

#[rustfmt::skip]
const VISUAL_CPP_2022_VERSIONS: &[&str] = &[
    "14.42.34433",
    "14.40.33810",
    "14.38.33135",
    "14.36.32532",
];

/// Windows software, by bundle.
#[rustfmt::skip]
pub(crate) static WINDOWS_BUNDLES: &[Bundle] = &[
    bundle(87, 35, &[
        msi_with_files("Google LLC", "Google Chrome", CHROME_VERSIONS, false, "Google\\Chrome\\Application", &[("chrome.exe", "Google Chrome"), ("chrome_proxy.exe", "Google Chrome"), ("chrome_pwa_launcher.exe", "Google Chrome")]),
    ]),
    bundle(40, 10, &[
        msi_with_files("Google LLC", "Google Update Helper", &["1.3.36.372", "1.3.36.352", "1.3.36.312"], true, "Google\\Update", &[("GoogleUpdate.exe", "Google Installer")]),
    ]),
    bundle(30, 8, &[
        arp_with_files("Mozilla", "Mozilla Firefox (x64 en-US)", FIREFOX_VERSIONS, false, "Mozilla Firefox", &[("firefox.exe", "Firefox"), ("updater.exe", "Firefox Software Updater"), ("plugin-container.exe", "Plugin Container for Firefox"), ("default-browser-agent.exe", "Default Browser Agent"), ("pingsender.exe", "Ping Sender"), ("private_browsing.exe", "Firefox")]),
        arp_with_files("Mozilla", "Mozilla Maintenance Service", FIREFOX_VERSIONS, true, "Mozilla Maintenance Service", &[("maintenanceservice.exe", "Mozilla Maintenance Service")]),
    ]),
    bundle(4, 0, &[
        arp_with_files("Mozilla", "Mozilla Thunderbird (x64 en-US)", &["128.4.3", "115.16.0"], false, "Mozilla Thunderbird", &[("thunderbird.exe", "Thunderbird")]),
    ]),
    bundle(99, 80, &[
        arp_with_files(MICROSOFT, "Microsoft Edge", EDGE_VERSIONS, true, "Microsoft\\Edge\\Application", &[("msedge.exe", "Microsoft Edge"), ("msedge_proxy.exe", "Microsoft Edge"), ("pwahelper.exe", "Microsoft Edge"), ("identity_helper.exe", "Microsoft Edge"), ("ie_to_edge_stub.exe", "Microsoft Edge"), ("cookie_exporter.exe", "Microsoft Edge")]),
        arp_with_files(MICROSOFT, "Microsoft Edge Update", &["1.3.195.35", "1.3.195.31", "1.3.193.49"], true, "Microsoft\\EdgeUpdate", &[("MicrosoftEdgeUpdate.exe", "Microsoft Edge Update")]),
    ]),
    bundle(94, 50, &[
        arp_with_files(MICROSOFT, "Microsoft Edge WebView2 Runtime", EDGE_VERSIONS, true, "Microsoft\\EdgeWebView\\Application", &[("msedgewebview2.exe", "Microsoft Edge WebView2")]),
    ]),
    bundle(80, 15, &[
        msi_with_files(MICROSOFT, "Microsoft Update Health Tools", &["5.72.0.0", "4.67.0.0", "3.74.0.0"], false, "Microsoft Update Health Tools", &[("uhssvc.exe", "Microsoft Update Health Service")]),
    ]),
    bundle(55, 2, &[
        msi(MICROSOFT, "Update for Windows 10 for x64-based Systems (KB5001716)", &["8.94.0.0", "8.93.0.0"]),
    ]),
    bundle(45, 20, &[
        msi(MICROSOFT, "Microsoft Policy Platform", &["68.1.1010.0"]),
    ]),
    bundle(30, 0, &[
        msi(MICROSOFT, "Windows PC Health Check", &["3.6.2204.08001", "3.2.2110.14001"]),
    ]),
    bundle(14, 0, &[
        msi(MICROSOFT, "Microsoft GameInput", &["10.1.26100.3036", "10.1.22621.3036"]),
    ]),
    bundle(78, 4, &[
        arp_with_files(MICROSOFT, "Microsoft OneDrive", &["24.211.1020.0001", "24.201.1006.0005", "24.186.0915.0002", "23.226.1031.0001"], false, "Microsoft OneDrive", &[("OneDrive.exe", "Microsoft OneDrive"), ("OneDriveStandaloneUpdater.exe", "Standalone Updater"), ("FileCoAuth.exe", "Microsoft OneDriveFile Co-Authoring Executable")]),
    ]),
    bundle(38, 0, &[
        msi_with_files(MICROSOFT, "Teams Machine-Wide Installer", &["1.7.0.19353", "1.5.0.30767", "1.4.0.4167"], true, "Teams Installer", &[("Teams.exe", "Microsoft Teams")]),
    ]),
    bundle(60, 2, &[
        msi(MICROSOFT, "Microsoft Teams Meeting Add-in for Microsoft Office", &["1.24.25201", "1.24.19202", "1.23.35502"]),
    ]),
    bundle(25, 5, &[
        msi_with_files(MICROSOFT, "Microsoft Intune Management Extension", &["1.83.107.0", "1.81.101.0"], true, "Microsoft Intune Management Extension", &[("Microsoft.Management.Services.IntuneWindowsAgent.exe", "Microsoft Intune Management Extension"), ("AgentExecutor.exe", "AgentExecutor")]),
    ]),
    bundle(30, 35, &[
        msi(MICROSOFT, "Local Administrator Password Solution", &["6.2.0.0"]),
    ]),
    bundle(16, 6, &[
        arp_with_files(MICROSOFT, "Microsoft Visual Studio Code", &["1.95.3", "1.94.2", "1.93.1", "1.90.2"], false, "Microsoft VS Code", &[("Code.exe", "Visual Studio Code"), ("bin\\code-tunnel.exe", "Visual Studio Code")]),
    ]),
    bundle(6, 28, &[
        arp_with_files(MICROSOFT, "Microsoft SQL Server Management Studio - {v}", &["20.2", "19.3", "18.12.1"], true, "Microsoft SQL Server Management Studio 20\\Common7\\IDE", &[("Ssms.exe", "SSMS"), ("SsmsMin.exe", "SSMS")]),
    ]),
    bundle(0, 16, &[
        arp_with_files(MICROSOFT, "Microsoft SQL Server 2019 (64-bit)", SQL_SERVER_2019_VERSIONS, false, "Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn", &[("sqlservr.exe", "SQL Server Windows NT - 64 Bit"), ("SQLAGENT.EXE", "SQLAGENT - SQL Server Agent"), ("fdlauncher.exe", "SQL Full-text Filter Daemon Launch Service"), ("sqlceip.exe", "SQL Server Telemetry Client")]),
        msi(MICROSOFT, "SQL Server 2019 Database Engine Services", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 Database Engine Shared", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 Common Files", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 Shared Management Objects", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 Connection Info", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 XEvent", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 Batch Parser", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 DMF", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "Browser for SQL Server 2019", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "Microsoft VSS Writer for SQL Server 2019", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "SQL Server 2019 SQL Diagnostics", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "Microsoft SQL Server 2019 Setup (English)", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "Microsoft SQL Server 2019 T-SQL Language Service ", SQL_SERVER_2019_VERSIONS),
        msi(MICROSOFT, "Microsoft SQL Server 2012 Native Client ", &["11.4.7462.6"]),
    ]),
    bundle(0, 8, &[
        arp_with_files(MICROSOFT, "Microsoft SQL Server 2022 (64-bit)", SQL_SERVER_2022_VERSIONS, false, "Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn", &[("sqlservr.exe", "SQL Server Windows NT - 64 Bit"), ("SQLAGENT.EXE", "SQLAGENT - SQL Server Agent"), ("sqlceip.exe", "SQL Server Telemetry Client")]),
        msi(MICROSOFT, "SQL Server 2022 Database Engine Services", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 Database Engine Shared", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 Common Files", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 Shared Management Objects", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 Connection Info", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 XEvent", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "SQL Server 2022 Batch Parser", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "Browser for SQL Server 2022", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft VSS Writer for SQL Server 2022", SQL_SERVER_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft SQL Server 2022 Setup (English)", SQL_SERVER_2022_VERSIONS),
    ]),
    bundle(10, 40, &[
        msi(MICROSOFT, "Microsoft ODBC Driver 17 for SQL Server", &["17.10.6.1", "17.10.5.1", "17.7.2.1"]),
    ]),
    bundle(4, 25, &[
        msi(MICROSOFT, "Microsoft OLE DB Driver for SQL Server", &["18.7.4.0", "18.6.7.0"]),
    ]),
    bundle(70, 60, &[
        msi(MICROSOFT, "Microsoft .NET Runtime - {v} (x64)", DOTNET8_VERSIONS),
        msi(MICROSOFT, "Microsoft Windows Desktop Runtime - {v} (x64)", DOTNET8_VERSIONS),
        msi(MICROSOFT, "Microsoft .NET Host - {v} (x64)", DOTNET8_VERSIONS),
        msi(MICROSOFT, "Microsoft .NET Host FX Resolver - {v} (x64)", DOTNET8_VERSIONS),
    ]),
    bundle(45, 45, &[
        msi(MICROSOFT, "Microsoft .NET Runtime - {v} (x64)", DOTNET6_VERSIONS),
        msi(MICROSOFT, "Microsoft Windows Desktop Runtime - {v} (x64)", DOTNET6_VERSIONS),
        msi(MICROSOFT, "Microsoft Windows Desktop Runtime - {v} (x86)", DOTNET6_VERSIONS),
    ]),
    bundle(3, 30, &[
        msi(MICROSOFT, "Microsoft ASP.NET Core {v} - Shared Framework (x64)", DOTNET8_VERSIONS),
        msi(MICROSOFT, "Microsoft ASP.NET Core {v} Hosting Bundle Options", DOTNET8_VERSIONS),
        msi(MICROSOFT, "Microsoft .NET {v} - Windows Server Hosting", DOTNET8_VERSIONS),
    ]),
    // Visual C++ runtimes: nearly everyone has several.
    bundle(92, 85, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2015-2022 Redistributable (x64) - {v}", VISUAL_CPP_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X64 Minimum Runtime - {v}", VISUAL_CPP_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X64 Additional Runtime - {v}", VISUAL_CPP_2022_VERSIONS),
    ]),
    bundle(80, 60, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2015-2022 Redistributable (x86) - {v}", VISUAL_CPP_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X86 Minimum Runtime - {v}", VISUAL_CPP_2022_VERSIONS),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X86 Additional Runtime - {v}", VISUAL_CPP_2022_VERSIONS),
    ]),
    bundle(45, 40, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40664", &["12.0.40664.0"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2013 x64 Minimum Runtime - 12.0.40664", &["12.0.40664"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2013 x64 Additional Runtime - 12.0.40664", &["12.0.40664"]),
    ]),
    bundle(40, 30, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2013 Redistributable (x86) - 12.0.40664", &["12.0.40664.0"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2013 x86 Minimum Runtime - 12.0.40664", &["12.0.40664"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2013 x86 Additional Runtime - 12.0.40664", &["12.0.40664"]),
    ]),
    bundle(35, 30, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2012 Redistributable (x64) - 11.0.61030", &["11.0.61030.0"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2012 x64 Minimum Runtime - 11.0.61030", &["11.0.61030"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2012 x64 Additional Runtime - 11.0.61030", &["11.0.61030"]),
    ]),
    bundle(35, 25, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2012 Redistributable (x86) - 11.0.61030", &["11.0.61030.0"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2012 x86 Minimum Runtime - 11.0.61030", &["11.0.61030"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2012 x86 Additional Runtime - 11.0.61030", &["11.0.61030"]),
    ]),
    bundle(40, 35, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219", &["10.0.40219"]),
    ]),
    bundle(40, 30, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2010  x86 Redistributable - 10.0.40219", &["10.0.40219"]),
    ]),
    bundle(30, 25, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2008 Redistributable - x64 9.0.30729.6161", &["9.0.30729.6161"]),
    ]),
    bundle(30, 20, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2008 Redistributable - x86 9.0.30729.6161", &["9.0.30729.6161"]),
    ]),
    bundle(12, 8, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2005 Redistributable (x64)", &["8.0.61000"]),
    ]),
    bundle(12, 6, &[
        msi(MICROSOFT, "Microsoft Visual C++ 2005 Redistributable", &["8.0.61001"]),
    ]),
    // Adobe
    bundle(75, 10, &[
        msi_with_files("Adobe", "Adobe Acrobat (64-bit)", ACROBAT_VERSIONS, false, "Adobe\\Acrobat DC\\Acrobat", &[("Acrobat.exe", "Adobe Acrobat"), ("acrobat_sl.exe", "Adobe Acrobat SpeedLauncher"), ("AcroBroker.exe", "Adobe PDF Broker Process for Internet Explorer"), ("AcroTextExtractor.exe", "Adobe Acrobat Text Extractor"), ("AdobeCollabSync.exe", "Adobe Collaboration Synchronizer"), ("AcroCEF\\AcroCEF.exe", "Adobe AcroCEF"), ("LogTransport2.exe", "Adobe Log Transport")]),
        msi_with_files("Adobe Systems Incorporated", "Adobe Refresh Manager", &["1.8.0"], true, "Common Files\\Adobe\\ARM\\1.0", &[("AdobeARM.exe", "Adobe Reader and Acrobat Manager"), ("AdobeARMHelper.exe", "Adobe ARM Helper")]),
    ]),
    bundle(20, 2, &[
        arp_with_files("Adobe Inc.", "Adobe Genuine Service", &["8.5.0.29", "8.4.0.39", "7.9.0.98"], true, "Common Files\\Adobe\\AdobeGCClient", &[("AGSService.exe", "Adobe Genuine Software Integrity Service"), ("AGMService.exe", "Adobe Genuine Software Service")]),
    ]),
    bundle(12, 0, &[
        arp_with_files("Adobe Inc.", "Adobe Creative Cloud", &["6.4.0.361", "6.3.0.207", "6.1.0.587"], true, "Adobe\\Adobe Creative Cloud\\ACC", &[("Creative Cloud.exe", "Creative Cloud"), ("AdobeIPCBroker.exe", "AdobeIPCBroker"), ("CCXProcess.exe", "CCXProcess")]),
        arp_with_files("Adobe Inc.", "Adobe Photoshop 2025", &["26.1.0.121", "26.0.0.26"], false, "Adobe\\Adobe Photoshop 2025", &[("Photoshop.exe", "Adobe Photoshop 2025")]),
        arp_with_files("Adobe Inc.", "Adobe Illustrator 2025", &["29.1.0.110", "29.0.0.56"], false, "Adobe\\Adobe Illustrator 2025\\Support Files\\Contents\\Windows", &[("Illustrator.exe", "Adobe Illustrator 2025")]),
        arp_with_files("Adobe Inc.", "Adobe InDesign 2025", &["20.0.1.3", "20.0.0.95"], false, "Adobe\\Adobe InDesign 2025", &[("InDesign.exe", "Adobe InDesign 2025")]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Adobe Systems Incorporated", "Adobe Flash Player 32 ActiveX", &["32.0.0.465"], true, "", &[]),
    ]),
    bundle(4, 1, &[
        arp_with_files("Adobe Systems Incorporated", "Adobe AIR", &["51.1.1.2", "33.1.1.935"], true, "Common Files\\Adobe AIR\\Versions\\1.0", &[("Adobe AIR Application Installer.exe", "Adobe AIR Application Installer")]),
    ]),
    // Oracle / Java
    bundle(14, 20, &[
        msi_with_files("Oracle Corporation", "Java 8 Update 431 (64-bit)", &["8.0.4310.11"], false, "Java\\jre-1.8\\bin", &[("java.exe", "Java(TM) Platform SE binary"), ("javaw.exe", "Java(TM) Platform SE binary"), ("javaws.exe", "Java(TM) Web Start Launcher"), ("jp2launcher.exe", "Java(TM) Web Launcher"), ("keytool.exe", "Java(TM) Platform SE binary"), ("rmiregistry.exe", "Java(TM) Platform SE binary")]),
    ]),
    bundle(8, 6, &[
        msi_with_files("Oracle Corporation", "Java 8 Update 421", &["8.0.4210.9"], true, "Java\\jre-1.8\\bin", &[("java.exe", "Java(TM) Platform SE binary"), ("javaw.exe", "Java(TM) Platform SE binary"), ("javaws.exe", "Java(TM) Web Start Launcher")]),
    ]),
    bundle(6, 10, &[
        msi_with_files("Oracle Corporation", "Java 8 Update 202 (64-bit)", &["8.0.2020.8"], false, "Java\\jre1.8.0_202\\bin", &[("java.exe", "Java(TM) Platform SE binary"), ("javaw.exe", "Java(TM) Platform SE binary"), ("javaws.exe", "Java(TM) Web Start Launcher")]),
    ]),
    bundle(4, 9, &[
        msi_with_files("Oracle Corporation", "Java(TM) SE Development Kit 17.0.12 (64-bit)", &["17.0.12.0"], false, "Java\\jdk-17\\bin", &[("java.exe", "OpenJDK Platform binary"), ("javac.exe", "OpenJDK Platform binary"), ("jar.exe", "OpenJDK Platform binary"), ("jshell.exe", "OpenJDK Platform binary")]),
    ]),
    bundle(3, 5, &[
        msi_with_files("Oracle Corporation", "Java(TM) SE Development Kit 21.0.5 (64-bit)", &["21.0.5.0"], false, "Java\\jdk-21\\bin", &[("java.exe", "OpenJDK Platform binary"), ("javac.exe", "OpenJDK Platform binary"), ("jar.exe", "OpenJDK Platform binary")]),
    ]),
    bundle(5, 6, &[
        msi_with_files("Eclipse Adoptium", "Eclipse Temurin JRE with Hotspot 17.0.13+11 (x64)", &["17.0.13.11"], false, "Eclipse Adoptium\\jre-17.0.13.11-hotspot\\bin", &[("java.exe", "OpenJDK Platform binary"), ("javaw.exe", "OpenJDK Platform binary")]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Oracle and/or its affiliates", "Oracle VirtualBox 7.1.4", &["7.1.4"], false, "Oracle\\VirtualBox", &[("VirtualBox.exe", "VirtualBox Manager"), ("VBoxManage.exe", "VirtualBox Command Line Management Interface"), ("VBoxSVC.exe", "VirtualBox Interface"), ("VBoxHeadless.exe", "VirtualBox Headless Frontend")]),
    ]),
    bundle(1, 3, &[
        msi_with_files("Oracle Corporation", "MySQL Workbench 8.0 CE", &["8.0.40", "8.0.36"], false, "MySQL\\MySQL Workbench 8.0", &[("MySQLWorkbench.exe", "MySQL Workbench")]),
    ]),
    bundle(1, 6, &[
        files_only("Oracle Corporation", "Oracle Database Client", &["19.0.0.0.0"], "C:\\app\\client\\oracle\\product\\19.0.0\\client_1\\bin", &[("sqlplus.exe", "SQL*Plus"), ("tnsping.exe", "TNS Ping Utility"), ("lsnrctl.exe", "Listener Control"), ("oci.dll", "")]),
    ]),
    // VMware / Cisco / Citrix / Zoom
    bundle(10, 1, &[
        msi_with_files("VMware, Inc.", "VMware Horizon Client", &["8.13.0.26209", "8.12.1.24881", "8.10.0.22247"], true, "VMware\\VMware Horizon View Client", &[("vmware-view.exe", "VMware Horizon Client"), ("vmware-remotemks.exe", "VMware Remote MKS")]),
    ]),
    bundle(2, 0, &[
        msi_with_files("VMware, Inc.", "VMware Workstation", &["17.6.1", "17.5.2", "16.2.5"], true, "VMware\\VMware Workstation", &[("vmware.exe", "VMware Workstation"), ("vmrun.exe", "vmrun"), ("vmware-vmx.exe", "VMware Workstation VMX")]),
    ]),
    bundle(1, 4, &[
        msi("VMware, Inc.", "VMware Remote Console", &["13.0.0", "12.0.5"]),
    ]),
    bundle(32, 2, &[
        msi_with_files("Cisco Systems, Inc.", "Cisco Secure Client - AnyConnect VPN", &["5.1.6.103", "5.1.4.74", "5.1.2.42"], true, "Cisco\\Cisco Secure Client", &[("csc_ui.exe", "Cisco Secure Client - User Interface"), ("vpnagent.exe", "Cisco Secure Client - AnyConnect VPN Agent"), ("vpncli.exe", "Cisco Secure Client - AnyConnect VPN CLI"), ("acwebhelper.exe", "Cisco Secure Client - Web Helper")]),
        msi("Cisco Systems, Inc.", "Cisco Secure Client - Diagnostics and Reporting Tool", &["5.1.6.103", "5.1.4.74", "5.1.2.42"]),
    ]),
    bundle(10, 1, &[
        msi_with_files("Cisco Systems, Inc.", "Cisco AnyConnect Secure Mobility Client", &["4.10.08029", "4.10.07073", "4.9.06037"], true, "Cisco\\Cisco AnyConnect Secure Mobility Client", &[("vpnui.exe", "Cisco AnyConnect User Interface"), ("vpnagent.exe", "Cisco AnyConnect Secure Mobility Agent")]),
    ]),
    bundle(9, 0, &[
        arp_with_files("Cisco Webex LLC", "Cisco Webex Meetings", &["44.10.2.8", "43.12.0.150"], true, "Webex\\Webex\\Applications", &[("ptoneclk.exe", "Cisco Webex Meetings"), ("atmgr.exe", "Cisco Webex Meetings")]),
    ]),
    bundle(8, 0, &[
        msi_with_files("Cisco Systems, Inc", "Webex", &["44.11.0.30000", "44.10.1.29849"], false, "", &[]),
    ]),
    bundle(6, 0, &[
        msi_with_files("Cisco Systems, Inc.", "Cisco Jabber", &["14.3.1.308471", "14.2.0.307495"], true, "Cisco Systems\\Cisco Jabber", &[("CiscoJabber.exe", "Cisco Jabber"), ("CiscoWebExStart.exe", "Cisco WebEx Start")]),
    ]),
    bundle(20, 6, &[
        arp_with_files("Citrix Systems, Inc.", "Citrix Workspace 2409", &["24.9.0.133"], true, "Citrix\\ICA Client", &[("wfica32.exe", "Citrix HDX Engine"), ("concentr.exe", "Citrix Connection Center"), ("redirector.exe", "Citrix Redirector"), ("SelfServicePlugin\\SelfService.exe", "Citrix Workspace")]),
        msi("Citrix Systems, Inc.", "Citrix Workspace(DV)", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Citrix Workspace(USB)", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Citrix Workspace Inside", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Citrix Web Helper", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Citrix Authentication Manager", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Online Plug-in", &["24.9.0.133"]),
        msi("Citrix Systems, Inc.", "Self-service Plug-in", &["24.9.0.133"]),
    ]),
    bundle(30, 0, &[
        msi_with_files("Zoom Video Communications, Inc.", "Zoom Workplace (64-bit)", &["6.2.11.51205", "6.2.5.49515", "6.1.1.41705", "5.17.11.34827"], false, "Zoom\\bin", &[("Zoom.exe", "Zoom Workplace"), ("CptHost.exe", "Zoom Sharing Service"), ("zTscoder.exe", "Zoom Video Encoder"), ("aomhost64.exe", "Zoom Meeting Host")]),
    ]),
    bundle(5, 0, &[
        msi_with_files("Slack Technologies Inc.", "Slack (Machine - MSI)", &["4.41.97", "4.40.128"], false, "", &[]),
    ]),
    // Utilities
    bundle(25, 30, &[
        arp_with_files("Notepad++ Team", "Notepad++ (64-bit x64)", &["8.7.1", "8.6.9", "8.5.8", "8.4.6"], false, "Notepad++", &[("notepad++.exe", "Notepad++ : a free (GNU) source code editor"), ("updater\\GUP.exe", "WinGUp for Notepad++")]),
    ]),
    bundle(42, 45, &[
        arp_with_files("Igor Pavlov", "7-Zip {v} (x64)", &["24.08", "24.07", "23.01", "22.01", "19.00"], false, "7-Zip", &[("7z.exe", "7-Zip Console"), ("7zFM.exe", "7-Zip File Manager"), ("7zG.exe", "7-Zip GUI")]),
    ]),
    bundle(12, 6, &[
        arp_with_files("The Git Development Community", "Git", &["2.47.0", "2.46.2", "2.43.0", "2.39.2"], false, "Git", &[("git-bash.exe", "Git for Windows"), ("git-cmd.exe", "Git for Windows"), ("cmd\\git.exe", "Git for Windows"), ("usr\\bin\\ssh.exe", "")]),
    ]),
    bundle(10, 6, &[
        arp("Python Software Foundation", "Python {v} (64-bit)", &["3.12.7", "3.11.9", "3.10.11", "3.9.13"]),
        msi("Python Software Foundation", "Python {v} Core Interpreter (64-bit)", &["3.12.7", "3.11.9", "3.10.11", "3.9.13"]),
        msi("Python Software Foundation", "Python {v} Standard Library (64-bit)", &["3.12.7", "3.11.9", "3.10.11", "3.9.13"]),
        msi("Python Software Foundation", "Python {v} pip Bootstrap (64-bit)", &["3.12.7", "3.11.9", "3.10.11", "3.9.13"]),
        msi("Python Software Foundation", "Python Launcher", &["3.12.7150.0", "3.11.9150.0"]),
    ]),
    bundle(12, 10, &[
        arp_with_files("TeamViewer", "TeamViewer", &["15.59.3", "15.58.5", "15.51.5"], false, "TeamViewer", &[("TeamViewer.exe", "TeamViewer 15"), ("TeamViewer_Service.exe", "TeamViewer 15"), ("tv_w32.exe", "TeamViewer 15")]),
    ]),
    bundle(8, 22, &[
        msi_with_files("Simon Tatham", "PuTTY release {v} (64-bit)", &["0.81.0.0", "0.80.0.0", "0.78.0.0"], false, "PuTTY", &[("putty.exe", "SSH, Telnet, Rlogin, and SUPDUP client"), ("pscp.exe", "Command-line SCP/SFTP client"), ("plink.exe", "Command-line SSH, Telnet, and Rlogin client"), ("puttygen.exe", "PuTTY SSH key generation utility"), ("pageant.exe", "PuTTY SSH authentication agent")]),
    ]),
    bundle(6, 15, &[
        arp_with_files("Martin Prikryl", "WinSCP {v}", &["6.3.5", "6.1.2", "5.21.8"], true, "WinSCP", &[("WinSCP.exe", "WinSCP: SFTP, FTP, WebDAV, S3 and SCP client")]),
    ]),
    bundle(6, 3, &[
        arp_with_files("win.rar GmbH", "WinRAR 7.01 (64-bit)", &["7.01.0", "6.24.0"], false, "WinRAR", &[("WinRAR.exe", "WinRAR archiver"), ("Rar.exe", "Command line RAR"), ("UnRAR.exe", "Command line UnRAR")]),
    ]),
    bundle(14, 1, &[
        arp_with_files("VideoLAN", "VLC media player", &["3.0.21", "3.0.20", "3.0.18"], false, "VideoLAN\\VLC", &[("vlc.exe", "VLC media player"), ("vlc-cache-gen.exe", "")]),
    ]),
    bundle(5, 0, &[
        arp_with_files("Greenshot", "Greenshot 1.2.10.6", &["1.2.10.6"], false, "Greenshot", &[("Greenshot.exe", "Greenshot")]),
    ]),
    bundle(6, 2, &[
        arp_with_files("Dominik Reichl", "KeePass Password Safe {v}", &["2.57.1", "2.56", "2.54"], true, "KeePass Password Safe 2", &[("KeePass.exe", "KeePass")]),
    ]),
    bundle(5, 2, &[
        arp_with_files("Tim Kosse", "FileZilla {v}", &["3.67.1", "3.66.5"], false, "FileZilla FTP Client", &[("filezilla.exe", "FileZilla FTP Client"), ("fzsftp.exe", "SFTP module for FileZilla")]),
    ]),
    bundle(3, 5, &[
        arp_with_files("The Wireshark developer community, https://www.wireshark.org", "Wireshark 4.4.1 x64", &["4.4.1"], false, "Wireshark", &[("Wireshark.exe", "Wireshark"), ("tshark.exe", "TShark"), ("dumpcap.exe", "Dumpcap")]),
        arp("Nmap Project", "Npcap", &["1.79", "1.78"]),
    ]),
    bundle(4, 0, &[
        arp_with_files("dotPDN LLC", "paint.net", &["5.0.13", "5.0.12"], false, "paint.net", &[("paintdotnet.exe", "paint.net")]),
    ]),
    bundle(3, 0, &[
        arp_with_files("The GIMP Team", "GIMP 2.10.38", &["2.10.38"], false, "GIMP 2\\bin", &[("gimp-2.10.exe", "GNU Image Manipulation Program")]),
    ]),
    bundle(3, 0, &[
        arp_with_files("Postman", "Postman x64 11.19.0", &["11.19.0"], false, "", &[]),
    ]),
    bundle(3, 0, &[
        arp_with_files("Docker Inc.", "Docker Desktop", &["4.35.1", "4.34.3"], false, "Docker\\Docker", &[("Docker Desktop.exe", "Docker Desktop"), ("resources\\bin\\docker.exe", "")]),
    ]),
    bundle(5, 3, &[
        msi_with_files("Node.js Foundation", "Node.js", &["20.18.0", "18.20.4", "22.11.0"], false, "nodejs", &[("node.exe", "Node.js JavaScript Runtime")]),
    ]),
    bundle(2, 0, &[
        arp_with_files("JetBrains s.r.o.", "IntelliJ IDEA Community Edition 2024.2.4", &["242.23726.103"], false, "JetBrains\\IntelliJ IDEA Community Edition 2024.2.4\\bin", &[("idea64.exe", "IntelliJ IDEA"), ("fsnotifier.exe", "")]),
    ]),
    bundle(4, 0, &[
        msi_with_files("TechSmith Corporation", "Snagit 2024", &["24.1.0.1998", "24.0.0.1255"], false, "TechSmith\\Snagit 2024", &[("Snagit32.exe", "Snagit"), ("SnagitEditor.exe", "Snagit Editor")]),
    ]),
    bundle(5, 0, &[
        msi_with_files("Apple Inc.", "Bonjour", &["3.1.0.1", "3.0.0.10"], false, "Bonjour", &[("mDNSResponder.exe", "Bonjour Service")]),
    ]),
    bundle(2, 0, &[
        msi_with_files("Apple Inc.", "iTunes", &["12.13.4.4"], false, "iTunes", &[("iTunes.exe", "iTunes"), ("iTunesHelper.exe", "iTunesHelper")]),
        msi("Apple Inc.", "Apple Mobile Device Support", &["17.0.0.9"]),
        msi("Apple Inc.", "Apple Software Update", &["2.7.0.3"]),
    ]),
    bundle(10, 1, &[
        msi_with_files(MICROSOFT, "Microsoft Power BI Desktop (x64)", &["2.137.1102.0", "2.136.1202.0", "2.128.751.0"], false, "Microsoft Power BI Desktop\\bin", &[("PBIDesktop.exe", "Microsoft Power BI Desktop"), ("msmdsrv.exe", "Microsoft SQL Server Analysis Services")]),
    ]),
    bundle(3, 0, &[
        arp_with_files(MICROSOFT, "Microsoft Visual Studio Professional 2022", &["17.11.5", "17.10.4", "17.8.3"], false, "Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE", &[("devenv.exe", "Microsoft Visual Studio 2022"), ("Blend.exe", "Blend for Visual Studio 2022"), ("PerfWatson2.exe", "PerfWatson2.exe"), ("vsn.exe", "")]),
        arp_with_files(MICROSOFT, "Microsoft Visual Studio Installer", &["3.11.2180.21897", "3.10.2154.60799"], true, "Microsoft Visual Studio\\Installer", &[("setup.exe", "Microsoft Visual Studio Installer")]),
        msi(MICROSOFT, "Windows Software Development Kit - Windows 10.0.22621.3233", &["10.1.22621.3233"]),
        msi(MICROSOFT, "vs_CoreEditorFonts", &["17.7.40001"]),
        msi(MICROSOFT, "Microsoft .NET SDK 8.0.403 (x64)", &["8.4.324.47903"]),
        msi(MICROSOFT, "Microsoft .NET SDK 8.0.403 (x64) from Visual Studio", &["8.4.324.47903"]),
        msi(MICROSOFT, "IIS Express Application Compatibility Database for x64", &[""]),
        msi(MICROSOFT, "IIS 10.0 Express", &["10.0.08608"]),
        msi(MICROSOFT, "Microsoft Windows Desktop Targeting Pack - 4.8", &["4.8.03761"]),
        msi(MICROSOFT, "Microsoft .NET Framework 4.8 Targeting Pack", &["4.8.03761"]),
        msi(MICROSOFT, "Microsoft .NET Framework 4.8 SDK", &["4.8.03928"]),
        msi(MICROSOFT, "Microsoft .NET Framework 4.7.2 Targeting Pack", &["4.7.03062"]),
        msi(MICROSOFT, "Microsoft .NET Framework 4.6.2 Targeting Pack", &["4.6.01590"]),
        msi(MICROSOFT, "Microsoft .NET Framework 4.6.1 Targeting Pack", &["4.6.01055"]),
        msi(MICROSOFT, "Entity Framework 6.2.0 Tools  for Visual Studio 2022", &["6.2.0.0"]),
        msi(MICROSOFT, "Microsoft TestPlatform SDK Local Feed", &["17.0.0.0"]),
        msi(MICROSOFT, "icecap_collection_x64", &["17.11.35102"]),
        msi(MICROSOFT, "icecap_collection_neutral", &["17.11.35102"]),
        msi(MICROSOFT, "icecap_collectionresources", &["17.11.35102"]),
        msi(MICROSOFT, "icecap_collectionresourcesx64", &["17.11.35102"]),
        msi(MICROSOFT, "vcpp_crt.redist.clickonce", &["14.40.33810"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X64 Debug Runtime - 14.40.33810", &["14.40.33810"]),
        msi(MICROSOFT, "Microsoft Visual C++ 2022 X86 Debug Runtime - 14.40.33810", &["14.40.33810"]),
        msi(MICROSOFT, "Windows App Certification Kit Native Components", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows App Certification Kit x64", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows App Certification Kit x64 (OnecoreUAP)", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Universal CRT Tools x64", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Universal CRT Tools x86", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Universal CRT Headers Libraries and Sources", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Universal CRT Redistributable", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Kits Configuration Installer", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Application Verifier x64 External Package", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Application Verifier x64 External Package (OnecoreUAP)", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense Desktop - en-us", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense Desktop - Other Languages", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense IoT - en-us", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense Mobile - en-us", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense PPI - en-us", &["10.1.22621.3233"]),
        msi(MICROSOFT, "WinRT Intellisense UAP - en-us", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK AddOn", &["10.1.0.0"]),
        msi(MICROSOFT, "Windows SDK Desktop Headers x64", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Desktop Headers x86", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Desktop Libs x64", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Desktop Libs x86", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Desktop Tools x64", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Desktop Tools x86", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK EULA", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Facade Windows WinMD Versioned", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps Contracts", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps DirectX x64 Remote", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps Headers", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps Libs", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps Metadata", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Apps Tools", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK for Windows Store Managed Apps Libs", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Modern Non-Versioned Developer Tools", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Modern Versioned Developer Tools", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Redistributables", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows SDK Signing Tools", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Team Extension SDK", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Team Extension SDK Contracts", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows IoT Extension SDK", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows IoT Extension SDK Contracts", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Mobile Extension SDK", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Mobile Extension SDK Contracts", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Desktop Extension SDK", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Windows Desktop Extension SDK Contracts", &["10.1.22621.3233"]),
        msi(MICROSOFT, "SDK ARM64 Additions", &["10.1.22621.3233"]),
        msi(MICROSOFT, "SDK ARM64 Redistributables", &["10.1.22621.3233"]),
        msi(MICROSOFT, "MSI Development Tools", &["10.1.22621.3233"]),
        msi(MICROSOFT, "Microsoft Visual Studio Setup Configuration", &["3.11.2180.21897"]),
        msi(MICROSOFT, "Microsoft Visual Studio Setup WMI Provider", &["3.11.2180.21897"]),
        msi(MICROSOFT, "Microsoft Web Deploy 4.0", &["10.0.8106"]),
        msi(MICROSOFT, "Microsoft ASP.NET Diagnostic Pack for Visual Studio", &["17.11.26.0"]),
        msi(MICROSOFT, "Microsoft Azure Libraries for .NET – v2.9", &["3.0.0127.060"]),
        msi(MICROSOFT, "Microsoft Azure Authoring Tools - v2.9.7", &["2.9.8999.45"]),
        msi(MICROSOFT, "Microsoft Azure Compute Emulator - v2.9.7", &["2.9.8999.43"]),
        msi(MICROSOFT, "Microsoft Azure Storage Emulator - v5.10", &["5.10.19227.2113"]),
        msi(MICROSOFT, "SQL Server 2019 LocalDB ", &["15.0.4382.1"]),
        msi(MICROSOFT, "Microsoft System CLR Types for SQL Server 2019", &["15.0.2000.5"]),
        msi(MICROSOFT, "Microsoft SQL Server Data-Tier Application Framework (x86)", &["162.4.92.3"]),
        msi(MICROSOFT, "Microsoft SQL Server 2016 LocalDB ", &["13.1.4001.0"]),
        msi(MICROSOFT, "ClickOnce Bootstrapper Package for Microsoft .NET Framework", &["4.8.09032"]),
        msi(MICROSOFT, "DiagnosticsHub_CollectionService", &["17.11.35102"]),
        msi(MICROSOFT, "Microsoft UniversalWindowsPlatform SDK", &["17.0.35102"]),
        msi(MICROSOFT, "Microsoft Visual Studio Tools for Applications 2022", &["17.0.34014"]),
        msi(MICROSOFT, "Microsoft Visual Studio Tools for Applications 2022 x64 Hosting Support", &["17.0.34014"]),
        msi(MICROSOFT, "Microsoft Visual Studio Tools for Applications 2022 x86 Hosting Support", &["17.0.34014"]),
        msi(MICROSOFT, "Microsoft Visual Studio Tools for Applications 2022 Design-Time", &["17.0.34014"]),
    ]),
    bundle(4, 0, &[
        arp_with_files("Autodesk, Inc.", "Autodesk AutoCAD 2025 - English", &["25.0.58.0"], false, "Autodesk\\AutoCAD 2025", &[("acad.exe", "AutoCAD Application"), ("accoreconsole.exe", "AutoCAD Core Console"), ("AcEventSync.exe", "")]),
        msi("Autodesk", "AutoCAD 2025 Language Pack - English", &["25.0.58.0"]),
        msi("Autodesk", "Autodesk Material Library 2025", &["25.0.8.0"]),
        msi("Autodesk", "Autodesk Material Library Base Resolution Image Library 2025", &["25.0.8.0"]),
        msi("Autodesk", "Autodesk Save to Web and Mobile", &["5.0.5.0"]),
        msi("Autodesk", "Autodesk Single Sign On Component", &["13.7.7.1807"]),
        arp_with_files("Autodesk, Inc.", "Autodesk Genuine Service", &["4.1.2.25"], true, "Common Files\\Autodesk Shared\\Adsk Licensing", &[("AdskLicensingService.exe", "Autodesk Licensing Service")]),
        arp("Autodesk, Inc.", "Autodesk Access", &["2.9.0.5"]),
        arp("Autodesk", "Autodesk Identity Manager", &["1.12.5.0"]),
    ]),
    bundle(1, 0, &[
        arp_with_files("Dassault Systèmes SolidWorks Corp", "SOLIDWORKS 2024 SP3.0", &["32.30.0074"], false, "SOLIDWORKS Corp\\SOLIDWORKS", &[("SLDWORKS.exe", "SOLIDWORKS")]),
        msi("Dassault Systèmes SolidWorks Corp", "eDrawings 2024 x64 Edition", &["32.30.0074"]),
        msi("Dassault Systèmes SolidWorks Corp", "SOLIDWORKS Composer Player 2024 SP3", &["32.30.0074"]),
    ]),
    bundle(2, 0, &[
        msi_with_files("IBM Corp.", "IBM SPSS Statistics {v}", &["29.0.2.0", "28.0.1.1"], false, "IBM\\SPSS Statistics", &[("stats.exe", "IBM SPSS Statistics"), ("spssengine.exe", "IBM SPSS Statistics Engine")]),
    ]),
    bundle(2, 0, &[
        msi_with_files("Tableau Software", "Tableau 2024.2 (20242.24.0807.0327)", &["24.2.1330"], false, "Tableau\\Tableau 2024.2\\bin", &[("tableau.exe", "Tableau"), ("tabprotosrv.exe", "")]),
    ]),
    bundle(8, 3, &[
        arp_with_files("SAP SE", "SAP GUI for Windows 8.00", &["8.00 Patchlevel 10", "8.00 Patchlevel 7"], true, "SAP\\FrontEnd\\SAPgui", &[("saplogon.exe", "SAP Logon for Windows"), ("sapgui.exe", "SAP GUI for Windows"), ("sapshcut.exe", "SAP GUI Shortcut")]),
        arp("SAP SE", "SAP Business Client 8.0", &["8.00.10"]),
        arp("SAP SE", "SAP Analysis for Microsoft Office", &["2.8.1600.2434"]),
    ]),
    bundle(4, 9, &[
        msi("SAP", "SAP Crystal Reports runtime engine for .NET Framework (64-bit)", &["13.0.34.4739", "13.0.32.4286"]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Foxit Software Inc.", "Foxit PDF Reader", &["2024.3.0.26795", "2024.2.3.25184"], true, "Foxit Software\\Foxit PDF Reader", &[("FoxitPDFReader.exe", "Foxit PDF Reader")]),
    ]),
    bundle(4, 0, &[
        msi_with_files("Bloomberg L.P.", "Bloomberg Terminal", &["2024.11.1"], true, "", &[]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Nuance Communications, Inc.", "Nuance Power PDF Advanced", &["5.0.0.1"], true, "Nuance\\Power PDF", &[("NuancePDF.exe", "Nuance Power PDF")]),
    ]),
    bundle(2, 0, &[
        msi_with_files("MathWorks", "MATLAB R2024b", &["24.2"], false, "MATLAB\\R2024b\\bin", &[("matlab.exe", "MATLAB"), ("win64\\MATLAB.exe", "MATLAB")]),
    ]),
    // Security agents and management (one of them is usually standard in an organisation).
    bundle(0, 24, &[
        msi_with_files("Splunk, Inc.", "UniversalForwarder", &["9.3.1.0", "9.2.2.0", "9.0.5.0"], false, "SplunkUniversalForwarder\\bin", &[("splunkd.exe", "splunk server daemon"), ("splunk.exe", "splunk CLI")]),
    ]),
    bundle(0, 10, &[
        msi_with_files("Veeam Software Group GmbH", "Veeam Agent for Microsoft Windows", &["6.2.0.121", "6.1.2.134"], false, "Veeam\\Endpoint Backup", &[("Veeam.EndPoint.Service.exe", "Veeam Agent for Microsoft Windows Service"), ("Veeam.EndPoint.Tray.exe", "Veeam Agent for Microsoft Windows Tray")]),
    ]),
    bundle(0, 15, &[
        msi_with_files(MICROSOFT, "Microsoft Monitoring Agent", &["10.20.18069.0", "10.20.18067.0"], false, "Microsoft Monitoring Agent\\Agent", &[("HealthService.exe", "Health Service"), ("MonitoringHost.exe", "Monitoring Host")]),
    ]),
    bundle(0, 12, &[
        msi_with_files(MICROSOFT, "Azure Connected Machine Agent", &["1.47.02910.1763", "1.45.02825.1708"], false, "AzureConnectedMachineAgent", &[("himds.exe", "Azure Hybrid Instance Metadata Service"), ("azcmagent.exe", "Azure Connected Machine Agent")]),
    ]),
    bundle(0, 20, &[
        msi(MICROSOFT, "Microsoft Web Deploy 3.6", &["10.0.1994"]),
    ]),
    bundle(0, 18, &[
        msi(MICROSOFT, "IIS URL Rewrite Module 2", &["7.2.1993"]),
    ]),
    bundle(1, 3, &[
        msi(MICROSOFT, "Microsoft Access database engine 2016 (English)", &["16.0.5044.1000"]),
    ]),
    bundle(0, 5, &[
        msi_with_files(MICROSOFT, "Microsoft SQL Server Reporting Services", &["15.0.9098.6826"], false, "Microsoft SQL Server Reporting Services\\SSRS\\ReportServer\\bin", &[("ReportingServicesService.exe", "Reporting Services Service")]),
    ]),
    bundle(0, 3, &[
        msi("Commvault", "Commvault ContentStore", &["11.36.23"]),
    ]),
    bundle(2, 4, &[
        msi("Hewlett Packard Enterprise", "HPE Smart Storage Administrator", &["6.15.11.0"]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Logitech", "Logi Options+", &["1.83.641", "1.80.596"], false, "LogiOptionsPlus", &[("logioptionsplus_agent.exe", "Logi Options+ Agent"), ("logioptionsplus.exe", "Logi Options+")]),
    ]),
    bundle(3, 0, &[
        msi_with_files("Yubico AB", "YubiKey Manager", &["1.2.5"], false, "Yubico\\YubiKey Manager", &[("ykman-gui.exe", "YubiKey Manager")]),
    ]),
    bundle(4, 4, &[
        msi_with_files("Fortinet Technologies Inc", "FortiClient VPN", &["7.4.0.1658", "7.2.4.0972"], false, "Fortinet\\FortiClient", &[("FortiClient.exe", "FortiClient Console"), ("FortiTray.exe", "FortiClient System Tray Controller")]),
    ]),
    bundle(5, 0, &[
        msi_with_files("Zscaler Inc.", "Zscaler", &["4.4.0.379", "4.3.0.188"], false, "Zscaler\\ZSATray", &[("ZSATray.exe", "Zscaler Client Connector")]),
    ]),
    bundle(2, 12, &[
        msi_with_files("Tenable, Inc.", "Nessus Agent (x64)", &["10.7.3.20001", "10.6.1.20004"], false, "Tenable\\Nessus Agent", &[("nessuscli.exe", "Nessus CLI"), ("nessus-agent-module.exe", "")]),
    ]),
    bundle(3, 10, &[
        msi_with_files("Qualys, Inc.", "Qualys Cloud Security Agent", &["6.1.0.28", "5.7.0.15"], false, "Qualys\\QualysAgent", &[("QualysAgent.exe", "Qualys Cloud Agent")]),
    ]),
];
