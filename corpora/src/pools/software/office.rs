//! Microsoft Office: Click-to-Run versions, MSI component names, executables.

/// Office deployments.
#[rustfmt::skip]
pub(crate) const CLICK_TO_RUN_VERSIONS: &[&str] = &[
    "16.0.18129.20116",
    "16.0.17928.20216",
    "16.0.17830.20166",
    "16.0.17726.20206",
    "16.0.16731.20636",
];

/// MSI Office 2016 component names and their product-code middle part.
#[rustfmt::skip]
pub(crate) const MSI_COMPONENTS: &[(&str, &str)] = &[
    ("Microsoft Office Professional Plus 2016", "0011-0000-1000"),
    ("Microsoft Office Proofing (English) 2016", "001F-0409-1000"),
    ("Microsoft Office Proofing Tools 2016 - English", "002C-0409-1000"),
    ("Microsoft Office Proofing Tools 2016 - Español", "001F-0C0A-1000"),
    ("Microsoft Office Proofing Tools 2016 - Français", "001F-040C-1000"),
    ("Microsoft Office Shared Setup Metadata MUI (English) 2016", "0116-0409-1000"),
    ("Microsoft Office Shared MUI (English) 2016", "006E-0409-1000"),
    ("Microsoft Office OSM MUI (English) 2016", "0100-0409-1000"),
    ("Microsoft Office OSM UX MUI (English) 2016", "0101-0409-1000"),
    ("Microsoft Excel MUI (English) 2016", "0016-0409-1000"),
    ("Microsoft PowerPoint MUI (English) 2016", "0018-0409-1000"),
    ("Microsoft Publisher MUI (English) 2016", "0019-0409-1000"),
    ("Microsoft Outlook MUI (English) 2016", "001A-0409-1000"),
    ("Microsoft Word MUI (English) 2016", "001B-0409-1000"),
    ("Microsoft Access MUI (English) 2016", "0015-0409-1000"),
    ("Microsoft Access Setup Metadata MUI (English) 2016", "0117-0409-1000"),
    ("Microsoft OneNote MUI (English) 2016", "00A1-0409-1000"),
    ("Microsoft InfoPath MUI (English) 2016", "0044-0409-1000"),
    ("Microsoft Skype for Business MUI (English) 2016", "012B-0409-1000"),
    ("Microsoft DCF MUI (English) 2016", "0090-0409-1000"),
    ("Microsoft Groove MUI (English) 2016", "00BA-0409-1000"),
];

/// Office executables (C2R root\\Office16 or MSI Office16).
#[rustfmt::skip]
pub(crate) const EXECUTABLES: &[(&str, &str)] = &[
    ("WINWORD.EXE", "Microsoft Word"),
    ("EXCEL.EXE", "Microsoft Excel"),
    ("POWERPNT.EXE", "Microsoft PowerPoint"),
    ("OUTLOOK.EXE", "Microsoft Outlook"),
    ("MSACCESS.EXE", "Microsoft Access"),
    ("ONENOTE.EXE", "Microsoft OneNote"),
    ("MSPUB.EXE", "Microsoft Publisher"),
    ("lync.exe", "Skype for Business"),
    ("GRAPH.EXE", "Microsoft Graph"),
    ("MSOSYNC.EXE", "Microsoft Office Document Cache"),
    ("OfficeScrBroker.exe", "Microsoft Office Script Broker"),
    ("SELFCERT.EXE", "Digital Certificate for VBA Projects"),
    ("SETLANG.EXE", "Microsoft Office Language Preferences Tool"),
    ("MSOHTMED.EXE", "Microsoft Office component"),
    ("OLCFG.EXE", "Microsoft Outlook"),
    ("protocolhandler.exe", "Microsoft Office Protocol Handler"),
    ("VPREVIEW.EXE", "Microsoft Office Visio Viewer"),
    ("SDXHelper.exe", "Microsoft Office SDX Helper"),
    ("msoadfsb.exe", "Microsoft Office ADAL Broker"),
    ("msoasb.exe", "Microsoft Office ASB"),
    ("AppVLP.exe", "Microsoft Application Virtualization Client Launcher"),
    ("Integration\\Integrator.exe", "Microsoft Office Integration"),
];
