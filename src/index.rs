//! Which statements can apply to a request, found without walking them all.
//!
//! Built once by [`crate::PolicySetBuilder::build`]. Policies are grouped by
//! (type, level), the unit the decision tallies, and each group is indexed in
//! two levels (a hash probe and a few candidates beat matching every
//! pattern in turn by three orders of magnitude at 10,000 statements):
//!
//! 1. **Action**: the lowercase service prefix, then the lowercase action
//!    name for statements whose actions for that service are all exact, or
//!    the service's wildcard list otherwise. `NotAction` and actions whose
//!    service part has a wildcard (`*`, `s3*:Get`) go to the group's
//!    always-checked list.
//! 2. **Resource**: within each of those lists, statements whose every
//!    `Resource` entry shares one literal prefix of the resource part, cut at
//!    its last `/` or `:` before the first wildcard or variable (or the whole
//!    resource part when it is literal), are keyed by that prefix. A request
//!    probes the prefixes of its own resource part that end before a `/` or
//!    `:` (and the whole part). Everything else (`*`, `NotResource`, short
//!    ARNs, several buckets, a leading wildcard) is checked linearly.
//!
//! Groups of at most [`SCAN_MAX`] statements get no index: they are scanned,
//! each statement first tested against the request's [`service_bit`], so a
//! three-statement policy pays a few mask tests rather than a lookup, and
//! compiling it builds no maps. In an index, maps of at most [`FEW_MAX`]
//! keys are searched linearly, and lists of at most [`KEYED_MIN`]
//! statements are not keyed. The index and the filter only narrow:
//! every candidate is still evaluated in full, and a statement is placed in
//! exactly one list per service, so none is visited twice. The decision
//! tallies are order-independent, so the result equals the full walk's
//! (tests/index_equivalence.rs).

use std::ops::Range;

use crate::arn::ArnPattern;
use crate::compile::{ActionMatcher, CompiledPolicy, CompiledStatement};
use crate::hash::{FxHashMap as HashMap, SortedByHash};
use crate::options::Options;
use crate::pattern::Token;
use crate::policy::PolicyType;

/// Maps with at most this many keys are searched linearly: a few length
/// checks cost less than hashing the key.
const FEW_MAX: usize = 8;

/// Lists with at most this many statements are not keyed by resource.
const KEYED_MIN: usize = 8;

/// The longest service prefix or action name looked up in a hash map, through
/// a stack buffer that holds it lowercased. A longer one makes the caller
/// walk the whole group.
const MAX_KEY: usize = 128;

/// A statement: (policy index in the set, statement index in the policy).
pub(crate) type StatementId = (usize, usize);

/// The policies of one (type, level), contiguous in the sorted set.
#[derive(Debug)]
pub(crate) struct Group {
    pub policy_type: PolicyType,
    pub level: u32,
    pub policies: Range<usize>,
    /// `None` for groups of at most [`SCAN_MAX`] statements: scanning them,
    /// filtered by [`service_bit`], costs less than a lookup, and skipping
    /// the index keeps compiling a small policy cheap.
    pub index: Option<ActionIndex>,
}

/// Groups of at most this many statements are scanned, not looked up.
pub(crate) const SCAN_MAX: usize = 16;

/// Splits sorted `policies` into groups and indexes each large one.
pub(crate) fn build(policies: &[CompiledPolicy], options: &Options) -> Box<[Group]> {
    let mut ranges: Vec<(PolicyType, u32, Range<usize>)> = Vec::new();
    for (i, policy) in policies.iter().enumerate() {
        match ranges.last_mut() {
            Some((t, l, range)) if *t == policy.policy_type && *l == policy.level => {
                range.end = i + 1;
            }
            _ => ranges.push((policy.policy_type, policy.level, i..i + 1)),
        }
    }
    ranges
        .into_iter()
        .map(|(policy_type, level, range)| {
            let members = policies.get(range.clone()).unwrap_or_default();
            let statements: usize = members.iter().map(|p| p.statements.len()).sum();
            Group {
                policy_type,
                level,
                index: (statements > SCAN_MAX)
                    .then(|| ActionIndex::build(range.start, members, options)),
                policies: range,
            }
        })
        .collect()
}

/// A one-bit summary of an action's service (the text before its first
/// colon, or the whole action without one), ASCII-lowercased: a statement
/// whose [`service_mask`] lacks the bit cannot match the action. Computed
/// once per request, when it is built.
pub(crate) fn service_bit(action: &str) -> u64 {
    let service = action.bytes().take_while(|&b| b != b':');
    // FNV-1a; the top six bits pick one of 64.
    let hash = service.fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    });
    1 << (hash >> 58)
}

/// The services a statement's actions can match, as the union of their
/// [`service_bit`]s; every bit when a pattern's service part has a wildcard
/// (or no colon), or for `NotAction`.
pub(crate) fn service_mask(actions: &ActionMatcher) -> u64 {
    if actions.negated {
        return u64::MAX;
    }
    actions
        .patterns
        .iter()
        .fold(0, |mask, pattern| match literal_service(pattern.tokens()) {
            Some(service) => mask | service_bit(service),
            None => u64::MAX,
        })
}

/// The literal service of an action pattern (`s3` in `s3:Get*`), if its
/// service part has no wildcard.
fn literal_service(tokens: &[Token]) -> Option<&str> {
    match tokens.first() {
        Some(Token::Lit(lit)) => lit.split_once(':').map(|(service, _)| service),
        _ => None,
    }
}

/// Level 1: statements by action service and name.
#[derive(Debug)]
pub(crate) struct ActionIndex {
    always: Bucket,
    services: Lookup<Service>,
}

#[derive(Debug)]
struct Service {
    /// Statements whose actions for this service are all exact names.
    names: Lookup<Bucket>,
    /// Statements with a wildcard in an action name for this service.
    wildcard: Bucket,
}

/// A map from lowercase keys, looked up ASCII-case-insensitively. Its
/// keys come from policies, so the map hashes with [`crate::hash`]'s
/// unkeyed hasher (see there why a request cannot exploit that).
#[derive(Debug)]
enum Lookup<V> {
    /// Sorted by key, so a lookup costs the same in every process (a list
    /// in the map's iteration order would not).
    Few(Box<[(Box<str>, V)]>),
    Many(SortedByHash<V>),
}

/// The key was too long to lowercase into the stack buffer.
struct TooLong;

impl<V> Lookup<V> {
    fn new(map: HashMap<Box<str>, V>) -> Self {
        if map.len() <= FEW_MAX {
            let mut entries: Vec<(Box<str>, V)> = map.into_iter().collect();
            entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            Lookup::Few(entries.into())
        } else {
            Lookup::Many(SortedByHash::new(map))
        }
    }

    fn get<'s>(&'s self, key: &str, buf: &mut [u8; MAX_KEY]) -> Result<Option<&'s V>, TooLong> {
        match self {
            Lookup::Few(entries) => Ok(entries
                .iter()
                .find(|(k, _)| {
                    // `k` is lowercase; a plain loop beats std's chunked compare
                    // on these few bytes.
                    k.len() == key.len()
                        && k.bytes()
                            .zip(key.bytes())
                            .all(|(a, b)| a == b.to_ascii_lowercase())
                })
                .map(|(_, v)| v)),
            Lookup::Many(map) => Ok(map.get(ascii_lowercase(key, buf).ok_or(TooLong)?)),
        }
    }
}

/// `text` ASCII-lowercased into `buf` (action names compare ASCII
/// case-insensitively, A1); `None` when it does not fit.
fn ascii_lowercase<'b>(text: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    let out = buf.get_mut(..text.len())?;
    for (o, b) in out.iter_mut().zip(text.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    // Lowercasing ASCII bytes keeps UTF-8 valid.
    std::str::from_utf8(out).ok()
}

/// Where a statement goes at level 1.
enum ActionPlace {
    Always,
    /// Lowercase service → `None` for its wildcard list, or the exact names
    /// (each service and name once).
    Services(Vec<(String, Option<Vec<String>>)>),
}

fn action_place(statement: &CompiledStatement) -> ActionPlace {
    if statement.actions.negated {
        return ActionPlace::Always;
    }
    let mut services: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for pattern in statement.actions.patterns.iter() {
        // Compiled actions are `*` or `service:name` with one colon; a
        // literal service is the first token's text before that colon.
        let tokens = pattern.tokens();
        let Some((service, name)) = (match tokens.first() {
            Some(Token::Lit(lit)) => lit.split_once(':'),
            _ => None,
        }) else {
            return ActionPlace::Always;
        };
        let service = service.to_ascii_lowercase();
        let at = match services.iter().position(|(s, _)| *s == service) {
            Some(at) => at,
            None => {
                services.push((service, Some(Vec::new())));
                services.len() - 1
            }
        };
        let Some((_, entry)) = services.get_mut(at) else {
            continue;
        };
        match (tokens.len(), entry) {
            (1, Some(names)) => {
                let name = name.to_ascii_lowercase();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            (1, None) => {}
            (_, entry) => *entry = None,
        }
    }
    ActionPlace::Services(services)
}

impl ActionIndex {
    fn build(first: usize, policies: &[CompiledPolicy], options: &Options) -> Self {
        type Names = HashMap<Box<str>, BucketBuilder>;
        let mut always = BucketBuilder::default();
        let mut services: HashMap<Box<str>, (Names, BucketBuilder)> = HashMap::default();
        for (p, policy) in policies.iter().enumerate() {
            for (s, statement) in policy.statements.iter().enumerate() {
                let id = (first + p, s);
                let key = resource_key(statement, options);
                let ActionPlace::Services(places) = action_place(statement) else {
                    always.add(id, key);
                    continue;
                };
                for (service, names) in places {
                    let (by_name, wildcard) = services.entry(service.into()).or_default();
                    match names {
                        None => wildcard.add(id, key.clone()),
                        Some(names) => {
                            for name in names {
                                by_name.entry(name.into()).or_default().add(id, key.clone());
                            }
                        }
                    }
                }
            }
        }
        let services = services
            .into_iter()
            .map(|(service, (names, wildcard))| {
                let names = names.into_iter().map(|(n, b)| (n, b.finish())).collect();
                let service_index = Service {
                    names: Lookup::new(names),
                    wildcard: wildcard.finish(),
                };
                (service, service_index)
            })
            .collect();
        ActionIndex {
            always: always.finish(),
            services: Lookup::new(services),
        }
    }

    /// Calls `visit` once for every statement whose action and resource may
    /// match `action` and `resource` (the request ARN's resource part, if it
    /// is an ARN). Returns `false`, having visited nothing, when the action
    /// is too long for the stack buffer: the caller then walks the group.
    pub fn candidates(
        &self,
        action: &str,
        resource: Option<&str>,
        mut visit: impl FnMut(StatementId),
    ) -> bool {
        let mut buf = [0; MAX_KEY];
        let colon = action.bytes().position(|b| b == b':');
        let split = colon.and_then(|at| Some((action.get(..at)?, action.get(at + 1..)?)));
        let (service, names) = match split {
            // Every pattern with a literal service needs a colon.
            None => (None, None),
            Some((service, name)) => {
                let Ok(service) = self.services.get(service, &mut buf) else {
                    return false;
                };
                let names = match service.map(|s| s.names.get(name, &mut buf)) {
                    Some(Err(TooLong)) => return false,
                    Some(Ok(names)) => names,
                    None => None,
                };
                (service, names)
            }
        };
        let buckets = [Some(&self.always), service.map(|s| &s.wildcard), names];
        for bucket in buckets.into_iter().flatten() {
            // Most buckets of a small policy are empty: skip the call.
            if !bucket.is_empty() {
                bucket.visit(resource, &mut visit);
            }
        }
        true
    }
}

/// A statement's level-2 key: the literal resource prefix shared by all its
/// `Resource` entries, if there is one.
fn resource_key(statement: &CompiledStatement, options: &Options) -> Option<Box<str>> {
    // A head segment's `*` may run across colons in this mode (R4), so the
    // resource part of a matching ARN need not start with the literal text.
    if options.arn_star_crosses_colons {
        return None;
    }
    let resources = statement.resources.as_ref()?;
    if resources.negated {
        return None;
    }
    let mut key: Option<&str> = None;
    for entry in resources.entries.iter() {
        let ArnPattern::Full { resource, .. } = &entry.pattern else {
            return None;
        };
        let this = match resource.tokens() {
            // Fully literal: the whole resource part.
            [Token::Lit(lit)] => &**lit,
            [] => "",
            // Up to the last delimiter before the first wildcard or variable.
            [Token::Lit(lit), ..] => lit.get(..lit.rfind(is_delimiter)?)?,
            _ => return None,
        };
        match key {
            Some(k) if k != this => return None,
            _ => key = Some(this),
        }
    }
    key.map(Into::into)
}

fn is_delimiter(c: char) -> bool {
    c == '/' || c == ':'
}

/// Level 2 while building: statements with and without a resource key.
#[derive(Debug, Default)]
struct BucketBuilder {
    unkeyed: Vec<StatementId>,
    keyed: HashMap<Box<str>, Vec<StatementId>>,
}

impl BucketBuilder {
    fn add(&mut self, id: StatementId, key: Option<Box<str>>) {
        match key {
            Some(key) => self.keyed.entry(key).or_default().push(id),
            None => self.unkeyed.push(id),
        }
    }

    fn finish(mut self) -> Bucket {
        let keyed: usize = self.keyed.values().map(Vec::len).sum();
        if self.unkeyed.len() + keyed <= KEYED_MIN {
            // Too few to be worth hashing: check them all.
            for (_, ids) in self.keyed.drain() {
                self.unkeyed.extend(ids);
            }
        }
        self.unkeyed.sort_unstable();
        let keyed = SortedByHash::new(self.keyed.into_iter().map(|(k, ids)| (k, ids.into())));
        let depth = keyed
            .keys()
            .map(|k| k.matches(is_delimiter).count() + 1)
            .max()
            .unwrap_or(0);
        Bucket {
            unkeyed: self.unkeyed.into(),
            keyed,
            depth,
        }
    }
}

/// Level 2: one list of statements, keyed by literal resource prefix when long.
#[derive(Debug)]
struct Bucket {
    unkeyed: Box<[StatementId]>,
    /// Found by hash, the same number of instructions in every process.
    keyed: SortedByHash<Box<[StatementId]>>,
    /// Probes needed: the most delimiters in a key, plus one.
    depth: usize,
}

impl Bucket {
    fn is_empty(&self) -> bool {
        self.unkeyed.is_empty() && self.keyed.is_empty()
    }

    fn visit(&self, resource: Option<&str>, visit: &mut impl FnMut(StatementId)) {
        self.unkeyed.iter().copied().for_each(&mut *visit);
        if self.keyed.is_empty() {
            return;
        }
        // Keyed statements have only full-ARN patterns: a request resource
        // that is not an ARN matches none of them.
        let Some(resource) = resource else { return };
        let mut probe = |prefix: &str| {
            if let Some(ids) = self.keyed.get(prefix) {
                ids.iter().copied().for_each(&mut *visit);
            }
        };
        // A byte scan: the delimiters are ASCII, so each position is a char
        // boundary, and no UTF-8 is decoded (`match_indices` with a char
        // predicate decodes every character: most of a large set's decision).
        let delimiters = resource
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'/' || *b == b':')
            .take(self.depth);
        for (at, _) in delimiters {
            probe(resource.get(..at).unwrap_or_default());
        }
        probe(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicySet;

    fn ids(set: &PolicySet, action: &str, resource: &str) -> Vec<StatementId> {
        let groups = build(set.policies(), set.options());
        let index = groups[0].index.as_ref().unwrap();
        let mut out = Vec::new();
        assert!(index.candidates(action, Some(resource), |id| out.push(id)));
        out.sort_unstable();
        out
    }

    #[test]
    fn narrows_by_service_name_and_resource_prefix() {
        let mut statements = Vec::new();
        for i in 0..20 {
            statements.push(format!(
                r#"{{"Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::b{i}/home/${{aws:username}}/*"}}"#
            ));
        }
        statements.push(r#"{"Effect":"Allow","Action":"s3:getobject","Resource":"*"}"#.into());
        statements.push(r#"{"Effect":"Deny","NotAction":"ec2:*","Resource":"*"}"#.into());
        statements.push(r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}"#.into());
        statements.push(r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#.into());
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        );
        let set = PolicySet::from_json(&text).unwrap();
        assert_eq!(
            ids(&set, "S3:GetObject", "b7/home/alice/x"),
            vec![(0, 7), (0, 20), (0, 21)]
        );
        assert_eq!(ids(&set, "s3:PUTOBJECT", "b7"), vec![(0, 21), (0, 22)]);
        assert_eq!(ids(&set, "iam:PassRole", "b7/home"), vec![(0, 21)]);
    }

    /// The service filter may only rule a statement out when no action
    /// pattern could match (A1: service prefixes compare case-insensitively).
    #[test]
    fn service_mask_admits_every_action_a_pattern_can_match() {
        let mask = |actions: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow",{actions},"Resource":"*"}}}}"#
            );
            let set = PolicySet::from_json(&text).unwrap();
            set.policies()[0].statements[0].service_mask
        };
        let s3 = mask(r#""Action":["s3:Get*","S3:PutObject"]"#);
        assert_ne!(s3 & service_bit("S3:GetObject"), 0);
        assert_ne!(s3 & service_bit("s3:ListBucket"), 0);
        assert_eq!(s3.count_ones(), 1);
        for every in [
            r#""Action":"*""#,
            r#""Action":"s3*:GetObject""#,
            r#""Action":"?3:GetObject""#,
            r#""NotAction":"s3:GetObject""#,
        ] {
            assert_eq!(mask(every), u64::MAX, "{every}");
        }
        assert_eq!(service_bit("s3"), service_bit("s3:x:y"));
    }

    #[test]
    fn keys_are_cut_at_the_last_delimiter_before_a_wildcard() {
        let key = |resource: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:*","Resource":{resource}}}}}"#
            );
            let set = PolicySet::from_json(&text).unwrap();
            resource_key(&set.policies()[0].statements[0], set.options())
        };
        assert_eq!(key(r#""arn:aws:s3:::b/home/*""#).as_deref(), Some("b/home"));
        assert_eq!(key(r#""arn:aws:s3:::b/ho*""#).as_deref(), Some("b"));
        assert_eq!(key(r#""arn:aws:s3:::b/k""#).as_deref(), Some("b/k"));
        assert_eq!(
            key(r#"["arn:aws:s3:::b","arn:aws:s3:::b/*"]"#).as_deref(),
            Some("b")
        );
        assert_eq!(key(r#"["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]"#), None);
        assert_eq!(key(r#""arn:aws:s3:::b*""#), None);
        assert_eq!(key(r#""*""#), None);
    }
}
