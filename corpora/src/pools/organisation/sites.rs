//! Sites: office locations with their time zone and language.

/// A site: code, time-zone offset in minutes, time-zone key, locale, OS language, country code.
pub(crate) struct Site {
    pub code: &'static str,
    pub utc_offset_minutes: i32,
    pub time_zone_key: &'static str,
    pub locale: &'static str,
    pub language_id: u32,
    pub country: &'static str,
}

const fn site(
    code: &'static str,
    utc_offset_minutes: i32,
    time_zone_key: &'static str,
    locale: &'static str,
    language_id: u32,
    country: &'static str,
) -> Site {
    Site {
        code,
        utc_offset_minutes,
        time_zone_key,
        locale,
        language_id,
        country,
    }
}

/// Sites.
#[rustfmt::skip]
pub(crate) static SITES: &[Site] = &[
    site("LON", 0, "GMT Standard Time", "0809", 2057, "44"),
    site("NYC", -300, "Eastern Standard Time", "0409", 1033, "1"),
    site("CHI", -360, "Central Standard Time", "0409", 1033, "1"),
    site("SFO", -480, "Pacific Standard Time", "0409", 1033, "1"),
    site("FRA", 60, "W. Europe Standard Time", "0407", 1031, "49"),
    site("MUC", 60, "W. Europe Standard Time", "0407", 1031, "49"),
    site("PAR", 60, "Romance Standard Time", "040c", 1036, "33"),
    site("TYO", 540, "Tokyo Standard Time", "0411", 1041, "81"),
    site("SYD", 600, "AUS Eastern Standard Time", "0c09", 3081, "61"),
    site("BLR", 330, "India Standard Time", "4009", 16393, "91"),
    site("SGP", 480, "Singapore Standard Time", "4809", 18441, "65"),
    site("SAO", -180, "E. South America Standard Time", "0416", 1046, "55"),
    site("MAD", 60, "Romance Standard Time", "0c0a", 3082, "34"),
    site("AMS", 60, "W. Europe Standard Time", "0413", 1043, "31"),
];
