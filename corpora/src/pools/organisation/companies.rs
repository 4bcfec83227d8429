//! Organisations (Active Directory domains) and their departments.

/// An organisation: NetBIOS domain, DNS domain, company name, short name.
#[rustfmt::skip]
pub(crate) const ORGANISATIONS: &[(&str, &str, &str, &str)] = &[
    ("CONTOSO", "corp.contoso.com", "Contoso Ltd.", "Contoso"),
    ("FABRIKAM", "fabrikam.local", "Fabrikam, Inc.", "Fabrikam"),
    ("NWTRADERS", "ad.northwindtraders.com", "Northwind Traders", "Northwind"),
    ("ADATUM", "adatum.net", "A. Datum Corporation", "Adatum"),
    ("WOODGROVE", "woodgrovebank.com", "Woodgrove Bank", "Woodgrove"),
    ("LITWARE", "litwareinc.com", "Litware, Inc.", "Litware"),
    ("TAILSPIN", "tailspintoys.local", "Tailspin Toys", "Tailspin"),
    ("WWI", "wideworldimporters.com", "Wide World Importers", "WWI"),
    ("PROSEWARE", "proseware.net", "Proseware, Inc.", "Proseware"),
    ("TREYRESEARCH", "treyresearch.net", "Trey Research", "Trey"),
];

/// Departments (VDI pools, in-house apps).
#[rustfmt::skip]
pub(crate) const DEPARTMENTS: &[&str] = &[
    "Finance",
    "HR",
    "Sales",
    "Marketing",
    "Engineering",
    "Dev",
    "Support",
    "Legal",
    "Ops",
    "Trading",
    "Research",
    "Contractors",
    "CallCenter",
    "Admin",
];
