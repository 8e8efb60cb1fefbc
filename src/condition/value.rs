//! Typed condition values: exact decimals (O2), dates (O3), base64 (O5) and
//! IP networks (O6), parsed the same way from policies and from requests.

use std::cmp::Ordering;
use std::net::IpAddr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use ipnet::{IpNet, Ipv4Net};

/// An exact decimal number. AWS does not document numeric precision (O2 ⚠),
/// so nothing is rounded: `9007199254740993` and `9007199254740992` differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// Integer digits without leading zeros.
    int: Box<str>,
    /// Fraction digits without trailing zeros.
    frac: Box<str>,
}

impl Decimal {
    /// Parses `[+-]digits[.digits]`; no exponent, no spaces.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, body) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..)?),
            Some(b'+') => (false, text.get(1..)?),
            _ => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty())
            || !digits(int)
            || !digits(frac)
            || (body.contains('.') && frac.is_empty())
        {
            return None;
        }
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let zero = int.is_empty() && frac.is_empty();
        Some(Decimal {
            negative: negative && !zero,
            int: int.into(),
            frac: frac.into(),
        })
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a date as AWS accepts it (O3): a W3C profile of ISO 8601
/// (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]]TZD`, where TZD
/// is `Z`, `±hh:mm`, `±hhmm` or `±hh`, and `t` may be lowercase) or epoch
/// seconds. A time without a zone designator is rejected: the W3C profile
/// requires one, and guessing a zone could move a deadline.
pub(crate) fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) && bytes.len() != 4 {
        let seconds: i64 = text.parse().ok()?;
        return DateTime::from_timestamp(seconds, 0);
    }
    let (date, time) = match text.find(['T', 't']) {
        Some(i) => (text.get(..i)?, Some(text.get(i + 1..)?)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i32 = fixed_digits(parts.next()?, 4)?;
    let month: u32 = parts.next().map_or(Some(1), |m| fixed_digits(m, 2))?;
    let day: u32 = parts.next().map_or(Some(1), |d| fixed_digits(d, 2))?;
    if parts.next().is_some() || (time.is_some() && date.len() != 10) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let Some(time) = time else {
        return Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    };
    let zone_at = time.find(['Z', 'z', '+', '-'])?;
    let (clock, zone) = (time.get(..zone_at)?, time.get(zone_at..)?);
    let offset = parse_zone(zone)?;
    let (hms, fraction) = clock
        .split_once('.')
        .map_or((clock, None), |(a, b)| (a, Some(b)));
    let mut fields = hms.split(':');
    let hour: u32 = fixed_digits(fields.next()?, 2)?;
    let minute: u32 = fixed_digits(fields.next()?, 2)?;
    let second: u32 = fields.next().map_or(Some(0), |s| fixed_digits(s, 2))?;
    if fields.next().is_some() || (fraction.is_some() && hms.len() != 8) {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let value: u32 = f.parse().ok()?;
            value * 10u32.pow(9 - u32::try_from(f.len()).ok()?)
        }
        Some(_) => return None,
    };
    let naive = date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let local = offset.from_local_datetime(&naive).single()?;
    Some(local.with_timezone(&Utc))
}

fn fixed_digits<T: std::str::FromStr>(text: &str, len: usize) -> Option<T> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn parse_zone(zone: &str) -> Option<FixedOffset> {
    if zone == "Z" || zone == "z" {
        return FixedOffset::east_opt(0);
    }
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = zone.get(1..)?;
    let (hours, minutes) = match body.len() {
        2 => (body, "00"),
        4 => (body.get(..2)?, body.get(2..)?),
        5 if body.as_bytes().get(2) == Some(&b':') => (body.get(..2)?, body.get(3..)?),
        _ => return None,
    };
    let hours: i32 = fixed_digits(hours, 2)?;
    let minutes: i32 = fixed_digits(minutes, 2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Parses an IP condition value: a CIDR block, or a bare address meaning
/// `/32` (IPv4) or `/128` (IPv6) (O6). A block inside the IPv4-mapped range
/// `::ffff:0:0/96` is the IPv4 block it maps, so that it meets request
/// addresses as [`parse_address`] reads them.
pub(crate) fn parse_network(text: &str) -> Option<IpNet> {
    let network = text
        .parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))?;
    Some(match network {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(network),
            None => network,
        },
        other => other,
    })
}

/// Reads a request's IP address as `IpAddress`/`NotIpAddress` compare it
/// (O6). An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, RFC 4291 §2.5.5.2)
/// is what a dual-stack socket reports for an IPv4 peer: it is that IPv4
/// address, and is compared as one, so IPv4 ranges in a Deny still apply
/// to it. NAT64 (`64:ff9b::/96`, RFC 6052), 6to4 (`2002::/16`, RFC 3056) and
/// the deprecated IPv4-compatible form (`::10.1.2.3`) are not translated:
/// they are the addresses of an IPv6 peer (a translator or a tunnel), and
/// AWS sees and compares that IPv6 address.
pub(crate) fn parse_address(text: &str) -> Option<IpAddr> {
    match text.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)),
        v4 => Some(v4),
    }
}

/// Decodes standard base64 (padding optional), for `BinaryEquals` (O5).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || (text.len() != body.len() && text.len() % 4 != 0) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for b in body.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).ok()?);
        }
    }
    // A single leftover character cannot encode a byte.
    if body.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    /// O2: compare exactly, beyond f64 precision.
    #[test]
    fn o2_decimals_compare_exactly() {
        assert!(d("9007199254740993") > d("9007199254740992"));
        assert_eq!(d("1.50"), d("001.5"));
        assert_eq!(d("-0"), d("0.000"));
        assert!(d("-2") < d("-1.5"));
        assert!(d("0.1") < d("0.11"));
        assert!(d("10") > d("9.999"));
        for bad in ["", "-", "1.", ".", "1e3", "abc", "1,0", " 1", "--1"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(d(".5"), d("0.5"));
    }

    /// O3: the W3C ISO 8601 profiles and epoch seconds.
    #[test]
    fn o3_dates_in_every_documented_form() {
        let t = |s: &str| parse_date(s).map(|d| d.timestamp());
        assert_eq!(t("2020"), Some(1_577_836_800));
        assert_eq!(t("2020-04"), Some(1_585_699_200));
        assert_eq!(t("2020-04-01"), Some(1_585_699_200));
        assert_eq!(t("2020-04-01T00:00Z"), Some(1_585_699_200));
        assert_eq!(t("2020-04-01T00:00:00Z"), Some(1_585_699_200));
        assert_eq!(t("2020-04-01t02:00:00+02:00"), Some(1_585_699_200));
        assert_eq!(t("2020-04-01T02:00:00+02"), Some(1_585_699_200));
        assert_eq!(t("2020-03-31T22:00:00-0200"), Some(1_585_699_200));
        assert_eq!(t("1719705600"), Some(1_719_705_600));
        assert_eq!(
            parse_date("2020-04-01T00:00:00.5Z")
                .unwrap()
                .timestamp_subsec_millis(),
            500
        );
        for bad in [
            "",
            "2020-13-01",
            "2020-02-30",
            "2020-04-01T00:00:00",
            "yesterday",
            "2020-4-1",
            "-5",
            "2020-04-01T25:00Z",
            "2020-04-01T00:00:00+24:00",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn o6_bare_addresses_are_host_networks() {
        assert_eq!(parse_network("203.0.113.7").unwrap().prefix_len(), 32);
        assert_eq!(parse_network("2001:db8::1").unwrap().prefix_len(), 128);
        assert_eq!(parse_network("203.0.113.0/24").unwrap().prefix_len(), 24);
        assert!(parse_network("203.0.113.0/33").is_none());
        assert!(parse_network("example.com").is_none());
    }

    #[test]
    fn o5_base64_round_trips() {
        assert_eq!(decode_base64("QmluYXJ5").unwrap(), b"Binary");
        assert_eq!(decode_base64("YQ==").unwrap(), b"a");
        assert_eq!(decode_base64("YQ").unwrap(), b"a");
        assert!(decode_base64("Y").is_none());
        assert!(decode_base64("Y!==").is_none());
        assert!(decode_base64("YQ===").is_none());
    }
}
