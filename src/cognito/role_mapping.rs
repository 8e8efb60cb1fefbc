//! Which role an identity pool gives a signed-in user (CG4).
//!
//! Source: <https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html>,
//! <https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RoleMapping.html>.

use serde::Deserialize;
use serde_json::{Map, Value};

/// `RoleMappings` entry for one provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoleMapping {
    /// `Token` or `Rules`.
    #[serde(rename = "Type")]
    pub mapping_type: String,
    /// `AuthenticatedRole` or `Deny`; absent counts as `Deny` (fail closed).
    #[serde(default)]
    pub ambiguous_role_resolution: Option<String>,
    /// The rules of a `Rules` mapping.
    #[serde(default)]
    pub rules_configuration: Option<RulesConfiguration>,
}

/// `RulesConfiguration`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RulesConfiguration {
    /// Rules, evaluated in order.
    pub rules: Vec<MappingRule>,
}

/// One rule: `{Claim, MatchType, Value, RoleARN}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MappingRule {
    /// The token claim, e.g. `cognito:groups` or `custom:dept`.
    pub claim: String,
    /// `Equals`, `Contains`, `StartsWith` or `NotEqual`.
    pub match_type: String,
    /// The value to compare with.
    pub value: String,
    /// The role this rule grants.
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
}

/// The outcome of role selection: a role, or a refusal, with the steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    pub role: Option<String>,
    pub steps: Vec<String>,
}

impl Choice {
    fn role(role: &str, mut steps: Vec<String>, why: String) -> Self {
        steps.push(why);
        Choice {
            role: Some(role.to_owned()),
            steps,
        }
    }

    fn refuse(mut steps: Vec<String>, why: String) -> Self {
        steps.push(why);
        Choice { role: None, steps }
    }
}

/// A claim as text values: a string is one value; an array its elements; a
/// number or boolean its JSON text.
fn claim_values(claims: &Map<String, Value>, name: &str) -> Option<Vec<String>> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match claims.get(name)? {
        Value::Array(items) => Some(items.iter().filter_map(text).collect()),
        other => text(other).map(|t| vec![t]),
    }
}

/// `cognito:roles` is documented both as a list and as "a comma-separated
/// string" (CG4 ⚠); both are accepted.
fn token_roles(claims: &Map<String, Value>) -> Vec<String> {
    match claims.get("cognito:roles") {
        Some(Value::String(s)) => s
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        _ => claim_values(claims, "cognito:roles").unwrap_or_default(),
    }
}

/// Whether a rule matches. Comparisons are case-sensitive (undocumented, CG4
/// ⚠: the strict reading). For array claims such as `cognito:groups`,
/// `Equals` and `Contains` test membership, `StartsWith` any element, and
/// `NotEqual` non-membership. `None`: the claim is absent and the rule is
/// `NotEqual`, which "is not evaluated".
pub(crate) fn rule_matches(rule: &MappingRule, claims: &Map<String, Value>) -> Option<bool> {
    let array = matches!(claims.get(&rule.claim), Some(Value::Array(_)));
    let values = claim_values(claims, &rule.claim);
    let Some(values) = values else {
        return if rule.match_type == "NotEqual" {
            None
        } else {
            Some(false)
        };
    };
    let value = rule.value.as_str();
    Some(match rule.match_type.as_str() {
        "Equals" => values.iter().any(|v| v == value),
        "Contains" if array => values.iter().any(|v| v == value),
        "Contains" => values.iter().any(|v| v.contains(value)),
        "StartsWith" => values.iter().any(|v| v.starts_with(value)),
        "NotEqual" => !values.iter().any(|v| v == value),
        // An unknown match type matches nothing (fail closed).
        _ => false,
    })
}

/// Applies a provider's role mapping (CG4). `default_role` is the pool's
/// `Roles.authenticated`.
pub(crate) fn choose_role(
    mapping: Option<&RoleMapping>,
    default_role: Option<&str>,
    claims: &Map<String, Value>,
    custom_role_arn: Option<&str>,
) -> Choice {
    let mut steps = Vec::new();
    let Some(mapping) = mapping else {
        if custom_role_arn.is_some() {
            return Choice::refuse(
                steps,
                "a CustomRoleArn was requested but the provider has no role mapping to choose it from".into(),
            );
        }
        return match default_role {
            Some(role) => Choice::role(
                role,
                steps,
                "no role mapping for this provider: the pool's authenticated role".into(),
            ),
            None => Choice::refuse(
                steps,
                "no role mapping and no default authenticated role".into(),
            ),
        };
    };
    let ambiguous =
        |mut steps: Vec<String>, why: &str| match mapping.ambiguous_role_resolution.as_deref() {
            Some("AuthenticatedRole") => match default_role {
                Some(role) => Choice::role(
                    role,
                    steps,
                    format!("{why}; AmbiguousRoleResolution is AuthenticatedRole"),
                ),
                None => Choice::refuse(
                    steps,
                    format!(
                        "{why}; AmbiguousRoleResolution is AuthenticatedRole but the pool has none"
                    ),
                ),
            },
            other => {
                steps.push(format!(
                    "{why}; AmbiguousRoleResolution is {}",
                    other.unwrap_or("absent (treated as Deny)")
                ));
                Choice { role: None, steps }
            }
        };
    match mapping.mapping_type.as_str() {
        "Token" => {
            let roles = token_roles(claims);
            steps.push(format!(
                "Token mapping: cognito:roles = [{}]",
                roles.join(", ")
            ));
            if let Some(custom) = custom_role_arn {
                return if roles.iter().any(|r| r == custom) {
                    Choice::role(
                        custom,
                        steps,
                        "CustomRoleArn is one of cognito:roles".into(),
                    )
                } else {
                    Choice::refuse(
                        steps,
                        format!("CustomRoleArn `{custom}` is not in cognito:roles"),
                    )
                };
            }
            if let Some(Value::String(preferred)) = claims.get("cognito:preferred_role") {
                return Choice::role(preferred, steps, "cognito:preferred_role".into());
            }
            match roles.as_slice() {
                [only] => Choice::role(only, steps, "the token carries exactly one role".into()),
                [] => ambiguous(steps, "the token carries no role"),
                _ => ambiguous(steps, "several roles and no cognito:preferred_role"),
            }
        }
        "Rules" => {
            let rules = mapping
                .rules_configuration
                .as_ref()
                .map(|c| c.rules.as_slice())
                .unwrap_or_default();
            let mut matched: Vec<&MappingRule> = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                let outcome = rule_matches(rule, claims);
                steps.push(format!(
                    "rule {}: {} {} `{}` -> {}",
                    i + 1,
                    rule.claim,
                    rule.match_type,
                    rule.value,
                    match outcome {
                        Some(true) => "match",
                        Some(false) => "no match",
                        None => "not evaluated (claim absent)",
                    }
                ));
                if outcome == Some(true) {
                    matched.push(rule);
                }
            }
            if let Some(custom) = custom_role_arn {
                return if matched.iter().any(|r| r.role_arn == custom) {
                    Choice::role(
                        custom,
                        steps,
                        "CustomRoleArn is granted by a matching rule".into(),
                    )
                } else {
                    Choice::refuse(
                        steps,
                        format!("no matching rule grants CustomRoleArn `{custom}`"),
                    )
                };
            }
            match matched.first() {
                Some(rule) => {
                    Choice::role(&rule.role_arn, steps, "the first matching rule wins".into())
                }
                None => ambiguous(steps, "no rule matched"),
            }
        }
        other => Choice::refuse(steps, format!("unknown role mapping Type `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn rule(claim: &str, match_type: &str, value: &str, role: &str) -> MappingRule {
        MappingRule {
            claim: claim.into(),
            match_type: match_type.into(),
            value: value.into(),
            role_arn: role.into(),
        }
    }

    fn rules(list: Vec<MappingRule>, ambiguous: &str) -> RoleMapping {
        RoleMapping {
            mapping_type: "Rules".into(),
            ambiguous_role_resolution: Some(ambiguous.into()),
            rules_configuration: Some(RulesConfiguration { rules: list }),
        }
    }

    /// CG4: rules in order, first match wins; NotEqual on an absent claim is skipped.
    #[test]
    fn cg4_rules_first_match_wins() {
        let mapping = rules(
            vec![
                rule(
                    "custom:dept",
                    "NotEqual",
                    "sales",
                    "arn:aws:iam::1:role/NotSales",
                ),
                rule(
                    "cognito:groups",
                    "Contains",
                    "admin",
                    "arn:aws:iam::1:role/Admin",
                ),
                rule("email", "StartsWith", "ops", "arn:aws:iam::1:role/Ops"),
            ],
            "Deny",
        );
        let c = claims(json!({"cognito:groups": ["users", "admin"], "email": "ops@x"}));
        let choice = choose_role(Some(&mapping), Some("arn:aws:iam::1:role/Auth"), &c, None);
        assert_eq!(choice.role.as_deref(), Some("arn:aws:iam::1:role/Admin"));
        assert!(choice.steps[0].contains("not evaluated"));
        // Array membership, not substring: "admins" does not contain-match "admin".
        let c = claims(json!({"cognito:groups": ["admins"]}));
        assert_eq!(
            choose_role(Some(&mapping), None, &c, None).role,
            None,
            "Deny on no match"
        );
        // A string claim: Contains is a substring test.
        let c = claims(json!({"cognito:groups": "xadminx"}));
        assert_eq!(
            choose_role(Some(&mapping), None, &c, None).role.as_deref(),
            Some("arn:aws:iam::1:role/Admin")
        );
    }

    /// CG4: AmbiguousRoleResolution AuthenticatedRole falls back to the default role.
    #[test]
    fn cg4_ambiguous_resolution() {
        let mapping = rules(
            vec![rule("email", "Equals", "a@x", "arn:aws:iam::1:role/A")],
            "AuthenticatedRole",
        );
        let c = claims(json!({"email": "b@x"}));
        let choice = choose_role(Some(&mapping), Some("arn:aws:iam::1:role/Auth"), &c, None);
        assert_eq!(choice.role.as_deref(), Some("arn:aws:iam::1:role/Auth"));
    }

    /// CG4: Token mapping with CustomRoleArn must be in cognito:roles, else deny.
    #[test]
    fn cg4_token_mapping() {
        let mapping = RoleMapping {
            mapping_type: "Token".into(),
            ambiguous_role_resolution: Some("Deny".into()),
            rules_configuration: None,
        };
        let c = claims(
            json!({"cognito:roles": ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"], "cognito:preferred_role": "arn:aws:iam::1:role/A"}),
        );
        assert_eq!(
            choose_role(Some(&mapping), None, &c, None).role.as_deref(),
            Some("arn:aws:iam::1:role/A")
        );
        assert_eq!(
            choose_role(Some(&mapping), None, &c, Some("arn:aws:iam::1:role/B"))
                .role
                .as_deref(),
            Some("arn:aws:iam::1:role/B")
        );
        assert_eq!(
            choose_role(Some(&mapping), None, &c, Some("arn:aws:iam::1:role/C")).role,
            None
        );
        let two = claims(json!({"cognito:roles": "arn:aws:iam::1:role/A, arn:aws:iam::1:role/B"}));
        assert_eq!(
            choose_role(Some(&mapping), Some("arn:aws:iam::1:role/Auth"), &two, None).role,
            None,
            "ambiguous + Deny"
        );
    }
}
