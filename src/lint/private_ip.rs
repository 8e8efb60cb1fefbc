//! Check 13: `aws:SourceIp` compared only with private addresses, with
//! Access Analyzer's codes
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-ip-address>).
//!
//! `aws:SourceIp` is the public address a request comes from (a request
//! through a VPC endpoint carries `aws:VpcSourceIp` instead), so it is never
//! a private one:
//!
//! * `PRIVATE_IP_ADDRESS`: `IpAddress` with only private ranges never
//!   matches, so the statement never applies.
//! * `PRIVATE_NOT_IP_ADDRESS`: `NotIpAddress` with only private ranges
//!   always matches, so the condition has no effect.
//!
//! Private means inside the RFC 1918 blocks (`10.0.0.0/8`, `172.16.0.0/12`,
//! `192.168.0.0/16`) or the IPv6 unique local block `fc00::/7` (RFC 4193),
//! which are never routed on the internet. A list with any public range, or
//! any value that is not an address (the grammar reports it), is not
//! reported.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::Cx;
use crate::condition::{parse_network, Operator, Test};
use crate::policy::Document;

/// The blocks no internet request comes from.
fn private_blocks() -> [IpNet; 4] {
    let v4 = |a, b, prefix| {
        Ipv4Net::new(Ipv4Addr::new(a, b, 0, 0), prefix)
            .map(IpNet::V4)
            .unwrap_or_default()
    };
    [
        v4(10, 0, 8),
        v4(172, 16, 12),
        v4(192, 168, 16),
        Ipv6Net::new(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
            .map(IpNet::V6)
            .unwrap_or_default(),
    ]
}

/// Whether every value is a private range (and there is one).
fn only_private(values: &[crate::policy::Item]) -> bool {
    let blocks = private_blocks();
    !values.is_empty()
        && values.iter().all(|v| {
            parse_network(v.text.trim()).is_some_and(|n| blocks.iter().any(|b| b.contains(&n)))
        })
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    let ignore_case = cx.config.options.operator_names_ignore_case;
    for s in &document.statements {
        for c in &s.conditions {
            if !c.key.text.eq_ignore_ascii_case("aws:SourceIp") {
                continue;
            }
            let Ok(op) = Operator::parse(&c.operator.text, ignore_case) else {
                continue;
            };
            if op.test != Test::IpAddress || !only_private(&c.values) {
                continue;
            }
            let at = cx.item(&c.key);
            if op.negated {
                cx.report(
                    "PRIVATE_NOT_IP_ADDRESS",
                    "The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.".to_owned(),
                    &[at],
                );
            } else {
                cx.report(
                    "PRIVATE_IP_ADDRESS",
                    "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses.".to_owned(),
                    &[at],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use crate::policy::PolicyType;

    fn with(condition: &str) -> Vec<&'static str> {
        let text = policy(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::notes/*","Condition":{condition}}}"#
        ));
        codes(&text, PolicyType::Identity)
    }

    #[test]
    fn only_private_ranges_are_reported() {
        for private in [
            r#""10.0.0.0/8""#,
            r#"["10.1.2.3","172.31.255.0/24","192.168.0.0/16"]"#,
            r#""fd00::/8""#,
        ] {
            assert_eq!(
                with(&format!(r#"{{"IpAddress":{{"aws:SourceIp":{private}}}}}"#)),
                ["PRIVATE_IP_ADDRESS"],
                "{private}"
            );
            assert_eq!(
                with(&format!(
                    r#"{{"NotIpAddress":{{"aws:sourceip":{private}}}}}"#
                )),
                ["PRIVATE_NOT_IP_ADDRESS"],
                "{private}"
            );
        }
    }

    #[test]
    fn near_misses_are_not_reported() {
        for value in [
            // One public range among private ones.
            r#"["10.0.0.0/8","203.0.113.0/24"]"#,
            // Wider than the private block, or just outside it.
            r#""10.0.0.0/7""#,
            r#""172.32.0.0/16""#,
            r#""192.169.0.0/16""#,
            r#""2001:db8::/32""#,
        ] {
            let condition = format!(r#"{{"IpAddress":{{"aws:SourceIp":{value}}}}}"#);
            assert!(!with(&condition).contains(&"PRIVATE_IP_ADDRESS"), "{value}");
        }
        // Private ranges are what `aws:VpcSourceIp` holds.
        let vpc = with(r#"{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}}"#);
        assert!(!vpc.contains(&"PRIVATE_IP_ADDRESS"), "{vpc:?}");
    }
}
