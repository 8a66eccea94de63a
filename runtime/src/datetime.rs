//! Timestamps as the services send them.

use std::fmt;

use chrono::{FixedOffset, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};

/// A point in time from a `format: date-time` field.
///
/// Decoding is lenient where the services are: RFC 3339 (`2024-05-17T00:23:17Z`,
/// `...+09:00`) and also timestamps without an offset
/// (`2020-02-07T03:46:48.000000`, as NHN Cloud sends), read as UTC. Encoding is
/// always RFC 3339, with `Z` for UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(chrono::DateTime<FixedOffset>);

impl DateTime {
    /// Parses any of the accepted forms.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(DateTime(t));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Ok(DateTime(Utc.from_utc_datetime(&naive).fixed_offset()));
            }
        }
        Err(format!("`{text}` is not an RFC 3339 date-time"))
    }

    /// The time as a chrono value.
    pub fn as_chrono(&self) -> chrono::DateTime<FixedOffset> {
        self.0
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(t: chrono::DateTime<Tz>) -> Self {
        DateTime(t.fixed_offset())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, self.0.offset().local_minus_utc() == 0))
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_services_send_and_writes_rfc3339() {
        let utc = DateTime::parse("2024-05-17T00:23:17Z").unwrap();
        assert_eq!(utc.to_string(), "2024-05-17T00:23:17Z");
        let seoul = DateTime::parse("2024-05-17T09:23:17+09:00").unwrap();
        assert_eq!(seoul, utc);
        assert_eq!(seoul.to_string(), "2024-05-17T09:23:17+09:00");
        let naive = DateTime::parse("2020-02-07T03:46:48.000000").unwrap();
        assert_eq!(naive.to_string(), "2020-02-07T03:46:48Z");
        assert!(DateTime::parse("").is_err());
        assert!(DateTime::parse("yesterday").is_err());
    }
}
