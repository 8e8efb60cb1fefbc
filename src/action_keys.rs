//! Exact keys for the action test (A1: action names compare without regard
//! to ASCII case). A request packs its action's service and its whole
//! action, ASCII-lowercased, into integers when it is built; a statement
//! keeps the keys of its `service:*` and literal action patterns. The usual
//! `Action` lists (`s3:*`, `dynamodb:Query`, …) are then settled by
//! comparing integers, and only the other patterns are matched as patterns.
//!
//! A key is exact: two texts have the same key only if they are the same
//! text, ignoring ASCII case. Texts too long to pack, or holding NUL (which
//! would pack like the padding), get no key and are matched as patterns.

use crate::pattern::{Case, Pattern, Token};

/// An action's service (`s3` in `s3:GetObject`): services of 1 to 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServiceKey(u128);

impl ServiceKey {
    /// No key: the action has no colon, or its service does not pack.
    pub const NONE: ServiceKey = ServiceKey(0);

    /// The key of the service before `action`'s first colon.
    pub fn of_action(action: &str) -> ServiceKey {
        action
            .split_once(':')
            .map_or(ServiceKey::NONE, |(service, _)| {
                ServiceKey::of_service(service)
            })
    }

    fn of_service(service: &str) -> ServiceKey {
        pack::<16>(service).map_or(ServiceKey::NONE, |p| ServiceKey(u128::from_le_bytes(p)))
    }
}

/// A whole action (`s3:GetObject`): actions of 1 to 32 bytes, which is most
/// of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActionKey([u128; 2]);

impl ActionKey {
    /// No key: the action does not pack.
    pub const NONE: ActionKey = ActionKey([0; 2]);

    pub fn of_action(action: &str) -> ActionKey {
        let Some(packed) = pack::<32>(action) else {
            return ActionKey::NONE;
        };
        let (low, high) = packed.split_at(16);
        match (<[u8; 16]>::try_from(low), <[u8; 16]>::try_from(high)) {
            (Ok(low), Ok(high)) => ActionKey([u128::from_le_bytes(low), u128::from_le_bytes(high)]),
            _ => ActionKey::NONE,
        }
    }
}

/// `text` ASCII-lowercased in `N` bytes, zero-padded; `None` when it is
/// empty, longer than `N` or holds NUL.
fn pack<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.is_empty() || text.len() > N || text.contains('\0') {
        return None;
    }
    let mut packed = [0u8; N];
    for (slot, byte) in packed.iter_mut().zip(text.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    Some(packed)
}

/// A statement's `Action`/`NotAction` patterns, as keys where they have one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionKeys {
    /// A bare `*` is among the patterns: every action matches (the
    /// account-wide guardrail's `"Action": "*"`), settled by one test.
    any: bool,
    /// The services that `service:*` patterns name.
    services: Box<[ServiceKey]>,
    /// The literal actions.
    actions: Box<[ActionKey]>,
    /// The patterns neither list covers, matched as patterns.
    rest: Box<[Pattern]>,
}

impl ActionKeys {
    pub fn of(patterns: &[Pattern]) -> ActionKeys {
        let mut services = Vec::new();
        let mut actions = Vec::new();
        let mut rest = Vec::new();
        let mut any = false;
        for pattern in patterns {
            match pattern.tokens() {
                [Token::Star] => any = true,
                [Token::Lit(lit), Token::Star] => {
                    let service = lit
                        .strip_suffix(':')
                        .filter(|s| !s.contains(':'))
                        .map_or(ServiceKey::NONE, ServiceKey::of_service);
                    if service == ServiceKey::NONE {
                        rest.push(pattern.clone());
                    } else {
                        services.push(service);
                    }
                }
                [Token::Lit(lit)] => match ActionKey::of_action(lit) {
                    ActionKey::NONE => rest.push(pattern.clone()),
                    action => actions.push(action),
                },
                _ => rest.push(pattern.clone()),
            }
        }
        ActionKeys {
            any,
            services: services.into(),
            actions: actions.into(),
            rest: rest.into(),
        }
    }

    /// Whether one of the patterns matches the action (`text`, with its keys).
    #[inline(always)] // into the statement check
    pub fn any_match(&self, service: ServiceKey, action: &ActionKey, text: &str) -> bool {
        self.any
            || self.services.contains(&service)
            || self.actions.contains(action)
            || self
                .rest
                .iter()
                .any(|p| p.is_match(text, &[], Case::AsciiInsensitive))
    }

    /// The services named whole (for tests).
    #[cfg(test)]
    pub fn services(&self) -> &[ServiceKey] {
        &self.services
    }

    /// The literal actions (for tests).
    #[cfg(test)]
    pub fn actions(&self) -> &[ActionKey] {
        &self.actions
    }

    /// The patterns left to matching (for tests).
    #[cfg(test)]
    pub fn rest(&self) -> &[Pattern] {
        &self.rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicySet;

    /// A1: service prefixes and action names compare case-insensitively;
    /// the keys must be exact, since they settle a pattern without it.
    #[test]
    fn keys_are_exact_and_ignore_ascii_case() {
        let service = ServiceKey::of_action;
        assert_eq!(service("S3:GetObject"), service("s3:x:y"));
        assert_ne!(service("s3:GetObject"), service("s4:GetObject"));
        assert_ne!(service("s3:GetObject"), service("s3a:GetObject"));
        assert_ne!(service("cognito-identity:x"), ServiceKey::NONE);
        for none in ["s3", ":x", "elasticloadbalancing:x", "s\u{0}3:x"] {
            assert_eq!(service(none), ServiceKey::NONE, "{none:?}");
        }
        let action = ActionKey::of_action;
        assert_eq!(action("DynamoDB:QUERY"), action("dynamodb:Query"));
        assert_ne!(action("dynamodb:Query"), action("dynamodb:Quer"));
        assert_ne!(action("dynamodb:Query"), action("dynamodb:Queryy"));
        // 16 and 17 bytes: the second word counts.
        assert_ne!(action("dynamodb:GetItem"), action("dynamodb:GetItems"));
        assert_ne!(action("dynamodb:BatchWriteItem"), ActionKey::NONE);
        assert_eq!(action(&"a".repeat(33)), ActionKey::NONE);
        assert_eq!(action("s3:Get\u{0}Object"), ActionKey::NONE);
        assert_eq!(action("s3:Caf\u{e9}"), action("S3:CAF\u{e9}"));
        assert_ne!(action("s3:Caf\u{e9}"), action("s3:caf\u{c9}"));
    }

    #[test]
    fn patterns_without_a_key_are_left_to_matching() {
        let keys = |actions: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":{actions},"Resource":"*"}}}}"#
            );
            let set = PolicySet::from_json(&text).unwrap();
            set.policies()[0].statements[0].action_keys.clone()
        };
        let k = keys(
            r#"["S3:*","s3:Get*","sqs:SendMessage","elasticloadbalancing:*","iam:ListAccessKeysForAVeryLongUserNameX"]"#,
        );
        assert_eq!(k.services(), [ServiceKey::of_action("s3:x")]);
        assert_eq!(k.actions(), [ActionKey::of_action("sqs:sendmessage")]);
        let rest: Vec<_> = k.rest().iter().map(|p| p.tokens().to_vec()).collect();
        assert_eq!(rest.len(), 3, "{rest:?}");
        for (action, matches) in [
            ("s3:PutObject", true),
            ("S3:GetObject", true),
            ("s3:", true),
            ("s4:PutObject", false),
            ("SQS:SENDMESSAGE", true),
            ("sqs:SendMessages", false),
            ("ElasticLoadBalancing:DescribeTags", true),
            ("elasticloadbalancin:DescribeTags", false),
            ("iam:listaccesskeysforaveryLongUserNameX", true),
            ("iam:ListAccessKeysForAVeryLongUserName", false),
        ] {
            let got = k.any_match(
                ServiceKey::of_action(action),
                &ActionKey::of_action(action),
                action,
            );
            assert_eq!(got, matches, "{action}");
        }
        let every = keys(r#""*""#);
        assert!(every.services().is_empty() && every.rest().is_empty());
        for action in ["s3:GetObject", "x:y", "", "no-colon"] {
            let got = every.any_match(
                ServiceKey::of_action(action),
                &ActionKey::of_action(action),
                action,
            );
            assert!(got, "{action:?}");
        }
        assert_eq!(keys(r#""s3*:*""#).rest().len(), 1);
    }
}
