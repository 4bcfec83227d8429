//! Linux distributions and third-party packages on Linux servers.

/// Linux distributions: (caption, version, kernel, package type, dist tag, publisher).
#[rustfmt::skip]
pub(crate) const DISTRIBUTIONS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("Red Hat Enterprise Linux release 8.10 (Ootpa)", "8.10", "4.18.0-553.27.1.el8_10.x86_64", "RPM", "el8_10", "Red Hat, Inc."),
    ("Red Hat Enterprise Linux release 9.4 (Plow)", "9.4", "5.14.0-427.42.1.el9_4.x86_64", "RPM", "el9_4", "Red Hat, Inc."),
    ("Red Hat Enterprise Linux Server release 7.9 (Maipo)", "7.9", "3.10.0-1160.119.1.el7.x86_64", "RPM", "el7_9", "Red Hat, Inc."),
    ("Rocky Linux release 9.4 (Blue Onyx)", "9.4", "5.14.0-427.37.1.el9_4.x86_64", "RPM", "el9_4", "Rocky Enterprise Software Foundation"),
    ("Oracle Linux Server release 8.10", "8.10", "5.15.0-209.161.7.2.el8uek.x86_64", "RPM", "el8", "Oracle America"),
    ("SUSE Linux Enterprise Server 15 SP5", "15.5", "5.14.21-150500.55.83-default", "RPM", "150500.3.3", "SUSE LLC <https://www.suse.com/>"),
    ("Ubuntu 22.04.5 LTS", "22.04", "5.15.0-125-generic", "DEB", "0ubuntu0.22.04", "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"),
    ("Ubuntu 24.04.1 LTS", "24.04", "6.8.0-49-generic", "DEB", "0ubuntu0.24.04", "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"),
    ("Ubuntu 20.04.6 LTS", "20.04", "5.4.0-200-generic", "DEB", "0ubuntu0.20.04", "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"),
    ("Debian GNU/Linux 12 (bookworm)", "12", "6.1.0-27-amd64", "DEB", "deb12u1", "Debian Install System Team <debian-boot@lists.debian.org>"),
];

/// Third-party packages on Linux servers: (name, version, publisher).
#[rustfmt::skip]
pub(crate) const THIRD_PARTY_PACKAGES: &[(&str, &str, &str)] = &[
    ("managesoft", "21.2.0-1", "Flexera"),
    ("falcon-sensor", "7.18.0-17106", "CrowdStrike, Inc."),
    ("splunkforwarder", "9.3.1-0b8d769cb912", "Splunk, Inc."),
    ("mdatp", "101.24092.0002", "Microsoft Corporation"),
    ("datadog-agent", "7.58.2-1", "Datadog <package@datadoghq.com>"),
    ("oracle-database-preinstall-19c", "1.0-3.el8", "Oracle America"),
    ("jdk-17", "17.0.12-8", "Oracle Corporation"),
    ("VRTSvxvm", "8.0.0.0000-RHEL8", "Veritas Technologies LLC"),
    ("BESAgent", "11.0.2.125-rhe6", "HCL Technologies Ltd."),
    ("qualys-cloud-agent", "6.2.0-32", "Qualys"),
    ("nessus-agent", "10.7.3-el8", "Tenable, Inc."),
    ("sentinelagent", "24.1.2.6", "SentinelOne"),
    ("TIVsm-BA", "8.1.23-0", "IBM"),
    ("vmware-tools", "12.4.5-23787635", "VMware, Inc."),
];
