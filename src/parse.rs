//! Reads policy JSON into the [`crate::policy`] model and checks the grammar
//! for the policy's type (G1-G11), collecting every error it can find rather
//! than stopping at the first.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::error::{PolicyErrorKind, WarningKind};
use crate::json::{self, Member, Node, Value};
use crate::limits::Limits;
use crate::policy::{
    ConditionEntry, Document, Effect, ElementRule, Item, ListElement, PolicyType, PrincipalElement,
    PrincipalKind, Statement, Version,
};

/// A problem found while parsing or compiling, located by path and byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    pub path: String,
    pub offset: usize,
    /// Index of the statement it belongs to.
    pub statement: Option<usize>,
    /// That statement's Sid, when it has one.
    pub sid: Option<String>,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    Error(PolicyErrorKind),
    Warning(WarningKind, String),
}

/// Collects diagnostics for one document.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    pub items: Vec<Diagnostic>,
    pub statement: Option<usize>,
    pub sid: Option<String>,
}

impl Diagnostics {
    pub fn error(&mut self, path: &str, offset: usize, kind: PolicyErrorKind) {
        self.items.push(Diagnostic {
            path: path.to_owned(),
            offset,
            statement: self.statement,
            sid: self.sid.clone(),
            problem: Problem::Error(kind),
        });
    }

    pub fn warn(
        &mut self,
        path: &str,
        offset: usize,
        kind: WarningKind,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            path: path.to_owned(),
            offset,
            statement: self.statement,
            sid: self.sid.clone(),
            problem: Problem::Warning(kind, message.into()),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.has_errors_since(0)
    }

    /// Whether an error was recorded after the first `count` diagnostics.
    pub fn has_errors_since(&self, count: usize) -> bool {
        self.items
            .iter()
            .skip(count)
            .any(|d| matches!(d.problem, Problem::Error(_)))
    }
}

/// Joins a JSON path and an object key, quoting keys that would be ambiguous.
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '/' | '.' | '*'));
    if !plain {
        return format!("{parent}[{key:?}]");
    }
    // Built by hand: every member of every statement gets a path, and
    // `format!` costs several times as much as the copies.
    let mut path = String::with_capacity(parent.len() + 1 + key.len());
    path.push_str(parent);
    if !parent.is_empty() {
        path.push('.');
    }
    path.push_str(key);
    path
}

fn index_path(parent: &str, index: usize) -> String {
    // As in `child_path`: one per array entry, so no `format!`.
    let mut path = String::with_capacity(parent.len() + 8);
    path.push_str(parent);
    path.push('[');
    // Writing to a `String` cannot fail.
    let _ = write!(path, "{index}");
    path.push(']');
    path
}

fn wrong_type(expected: &'static str, found: &Node) -> PolicyErrorKind {
    PolicyErrorKind::WrongType {
        expected,
        found: found.value.type_name(),
    }
}

/// Whether text that is not JSON reads as YAML: its first line that is not
/// blank or a comment is `---` or starts with `key:`.
fn looks_like_yaml(text: &str) -> bool {
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    if line.starts_with("---") {
        return true;
    }
    line.split_once(':').is_some_and(|(key, _)| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    })
}

/// Parses `text` as a policy of type `policy_type`. Returns the document when
/// it is free of errors; every diagnostic (errors and warnings) goes to `diags`.
pub(crate) fn parse_document(
    text: &str,
    policy_type: PolicyType,
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Option<Document> {
    if text.len() > limits.max_policy_bytes {
        diags.error(
            "",
            0,
            PolicyErrorKind::Limit {
                what: "policy size in bytes",
                limit: limits.max_policy_bytes,
                setting: "max_policy_bytes",
            },
        );
        return None;
    }
    // L1: AWS's quota decides whether AWS stores the policy, not how it is
    // evaluated: a warning at the first character past it, and parsing goes on.
    if let Some(over) = limits.quota_exceeded(text, policy_type) {
        diags.warn(
            "",
            over.offset,
            WarningKind::PolicySizeExceedsQuota,
            over.message,
        );
    }
    if policy_type.restricts_characters() {
        // G11: check the raw text; escapes are checked on decoded strings below.
        if let Some((offset, c)) = text.char_indices().find(|(_, c)| !allowed_char(*c)) {
            diags.error("", offset, PolicyErrorKind::Character(c));
            return None;
        }
    }
    let root = match json::parse(text, limits.max_json_depth) {
        Ok(root) => root,
        Err(e) => {
            let mut message = e.message;
            if looks_like_yaml(text) {
                message.push_str(
                    "; this looks like YAML, and policies are JSON (a CloudFormation, SAM or Serverless template is read with --template / `iam_eval::template`)",
                );
            }
            diags.error("", e.offset, PolicyErrorKind::Syntax(message));
            return None;
        }
    };
    let document = DocumentParser {
        policy_type,
        limits,
        diags,
    }
    .document(&root);
    if diags.has_errors() {
        None
    } else {
        document
    }
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

struct DocumentParser<'a> {
    policy_type: PolicyType,
    limits: &'a Limits,
    diags: &'a mut Diagnostics,
}

impl DocumentParser<'_> {
    fn document(&mut self, root: &Node) -> Option<Document> {
        let Value::Object(members) = &root.value else {
            self.diags.error(
                "",
                root.span.start,
                wrong_type("an object with a `Statement`", root),
            );
            return None;
        };
        let mut version = Version::Missing;
        let mut id = None;
        let mut statement_node = None;
        for member in members {
            match &*member.key {
                "Version" => version = self.version(member),
                "Id" => id = self.id(member),
                "Statement" => statement_node = Some(&member.value),
                other => self.diags.error(
                    other,
                    member.key_span.start,
                    PolicyErrorKind::UnknownElement(other.to_owned()),
                ),
            }
        }
        if version == Version::Missing {
            self.diags.warn(
                "",
                root.span.start,
                WarningKind::MissingVersion,
"no `Version`: policy variables are not substituted (2008-10-17 semantics); add \"Version\": \"2012-10-17\"",
            );
        }
        let Some(statement_node) = statement_node else {
            self.diags
                .error("", root.span.start, PolicyErrorKind::Missing("`Statement`"));
            return None;
        };
        let statements = self.statements(statement_node);
        Some(Document {
            version,
            id,
            statements,
        })
    }

    fn version(&mut self, member: &Member) -> Version {
        match &member.value.value {
            Value::String(s) if s == "2012-10-17" => Version::V2012_10_17,
            Value::String(s) if s == "2008-10-17" => {
                if matches!(
                    self.policy_type,
                    PolicyType::Identity | PolicyType::Boundary
                ) {
                    self.diags.warn(
                        "Version",
                        member.value.span.start,
                        WarningKind::LegacyVersion,
"IAM rejects managed policies with Version 2008-10-17; policy variables are not substituted",
                    );
                }
                Version::V2008_10_17
            }
            Value::String(s) => {
                self.diags.error(
                    "Version",
                    member.value.span.start,
                    PolicyErrorKind::Version(s.to_string()),
                );
                Version::Missing
            }
            _ => {
                self.diags.error(
                    "Version",
                    member.value.span.start,
                    wrong_type("a string", &member.value),
                );
                Version::Missing
            }
        }
    }

    fn id(&mut self, member: &Member) -> Option<String> {
        match &member.value.value {
            Value::String(s) => {
                if !self.allowed_text("Id", member.value.span.start, s) {
                    return None;
                }
                if self.policy_type == PolicyType::Identity {
                    // G3: the grammar says no Id in identity policies, yet IAM accepts it.
                    self.diags.warn(
                        "Id",
                        member.value.span.start,
                        WarningKind::UnusedId,
                        "`Id` is not used in identity-based policies",
                    );
                }
                Some(s.to_string())
            }
            _ => {
                self.diags.error(
                    "Id",
                    member.value.span.start,
                    wrong_type("a string", &member.value),
                );
                None
            }
        }
    }

    fn statements(&mut self, node: &Node) -> Vec<Statement> {
        let mut statements = Vec::new();
        let mut sids: HashSet<String> = HashSet::new();
        let list: Vec<(String, &Node)> = match &node.value {
            // G4: one statement object is the same as a one-element array.
            Value::Object(_) => vec![("Statement".to_owned(), node)],
            Value::Array(items) if items.is_empty() => {
                self.diags.error(
                    "Statement",
                    node.span.start,
                    PolicyErrorKind::Missing("statements: `Statement` is an empty array"),
                );
                return statements;
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (index_path("Statement", i), n))
                .collect(),
            _ => {
                self.diags.error(
                    "Statement",
                    node.span.start,
                    wrong_type("an object or an array of objects", node),
                );
                return statements;
            }
        };
        if list.len() > self.limits.max_statements {
            self.diags.error(
                "Statement",
                node.span.start,
                PolicyErrorKind::Limit {
                    what: "number of statements",
                    limit: self.limits.max_statements,
                    setting: "max_statements",
                },
            );
            return statements;
        }
        for (index, (path, node)) in list.into_iter().enumerate() {
            self.diags.statement = Some(index);
            self.diags.sid = sid_of(node);
            if let Some(statement) = self.statement(index, &path, node) {
                if let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) {
                    if !sids.insert(sid.to_owned()) {
                        self.diags.error(
                            &child_path(&path, "Sid"),
                            node.span.start,
                            PolicyErrorKind::Sid(format!(
                                "duplicate Sid `{sid}`: Sids must be unique within a policy"
                            )),
                        );
                    }
                }
                statements.push(statement);
            }
        }
        self.diags.statement = None;
        self.diags.sid = None;
        statements
    }

    fn statement(&mut self, index: usize, path: &str, node: &Node) -> Option<Statement> {
        let Value::Object(members) = &node.value else {
            self.diags.error(
                path,
                node.span.start,
                wrong_type("a statement object", node),
            );
            return None;
        };
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action = None;
        let mut resource = None;
        let mut conditions = Vec::new();
        for member in members {
            let member_path = child_path(path, &member.key);
            let at = member.value.span.start;
            match &*member.key {
                "Sid" => sid = self.sid(&member_path, &member.value),
                "Effect" => effect = self.effect(&member_path, &member.value),
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        self.diags.error(
                            &member_path,
                            at,
                            PolicyErrorKind::Conflict("Principal", "NotPrincipal"),
                        );
                    }
                    principal =
                        self.principal(&member_path, &member.value, member.key == "NotPrincipal");
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        self.diags.error(
                            &member_path,
                            at,
                            PolicyErrorKind::Conflict("Action", "NotAction"),
                        );
                    }
                    action = self
                        .string_list(&member_path, &member.value, false)
                        .map(|items| ListElement {
                            negated: member.key == "NotAction",
                            items,
                        });
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        self.diags.error(
                            &member_path,
                            at,
                            PolicyErrorKind::Conflict("Resource", "NotResource"),
                        );
                    }
                    resource = self
                        .string_list(&member_path, &member.value, true)
                        .map(|items| ListElement {
                            negated: member.key == "NotResource",
                            items,
                        });
                }
                "Condition" => conditions = self.condition(&member_path, &member.value),
                other => self.diags.error(
                    &member_path,
                    member.key_span.start,
                    PolicyErrorKind::UnknownElement(other.to_owned()),
                ),
            }
        }
        let start = node.span.start;
        let type_name = self.policy_type.as_str();
        let Some(effect) = effect else {
            if !members.iter().any(|m| m.key == "Effect") {
                self.diags
                    .error(path, start, PolicyErrorKind::Missing("`Effect`"));
            }
            return None;
        };
        let has_action_key = members
            .iter()
            .any(|m| m.key == "Action" || m.key == "NotAction");
        match &action {
            None if !has_action_key => {
                self.diags.error(
                    path,
                    start,
                    PolicyErrorKind::Missing(
                        "`Action` or `NotAction`: a statement must contain actions",
                    ),
                );
            }
            Some(a) if a.items.is_empty() => {
                self.diags.error(
                    path,
                    start,
                    PolicyErrorKind::Missing("`Action` or `NotAction`: the action list is empty"),
                );
            }
            _ => {}
        }
        match (self.policy_type.resource_rule(), &resource) {
            (ElementRule::Required, None) => self.diags.error(
                path,
                start,
                PolicyErrorKind::Missing(
                    "`Resource` or `NotResource`: a statement must contain resources",
                ),
            ),
            (ElementRule::Required, Some(r)) if r.items.is_empty() => self.diags.error(
                path,
                start,
                PolicyErrorKind::Missing("`Resource` or `NotResource`: the resource list is empty"),
            ),
            (ElementRule::Forbidden, Some(r)) => self.diags.error(
                &r.items
                    .first()
                    .map_or_else(|| path.to_owned(), |i| i.path.clone()),
                start,
                PolicyErrorKind::NotAllowed {
                    element: if r.negated { "NotResource" } else { "Resource" },
                    policy_type: type_name,
                },
            ),
            _ => {}
        }
        match (self.policy_type.principal_rule(), &principal) {
            (ElementRule::Required, None) => {
                self.diags.error(
                    path,
                    start,
                    PolicyErrorKind::Missing("`Principal` or `NotPrincipal`"),
                );
            }
            (ElementRule::Forbidden, Some(p)) => self.diags.error(
                path,
                start,
                PolicyErrorKind::NotAllowed {
                    element: if p.negated {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    },
                    policy_type: type_name,
                },
            ),
            _ => {}
        }
        if let Some(p) = &principal {
            if self.policy_type == PolicyType::Rcp && (p.negated || !p.wildcard) {
                // RCPs apply to every principal that reaches the resource.
                self.diags.error(
                    path,
                    start,
                    PolicyErrorKind::Principal {
                        value: p.entries.first().map_or_else(|| "NotPrincipal".to_owned(), |(_, i)| i.text.clone()),
                        reason: "a resource control policy must use \"Principal\": \"*\" and restrict principals with conditions".into(),
                    },
                );
            }
        }
        if let (PolicyType::Trust, Some(action)) = (self.policy_type, &action) {
            // A trust policy governs assuming the role: only STS actions mean anything there.
            for item in action.items.iter().filter(|i| !trust_action(&i.text)) {
                self.diags.error(
                    &item.path,
                    item.offset,
                    PolicyErrorKind::Action {
                        value: item.text.clone(),
                        reason: "a role trust policy can only grant `sts:` actions such as `sts:AssumeRoleWithWebIdentity`",
                    },
                );
            }
        }
        if let Some(p) = &principal {
            if p.negated && self.policy_type == PolicyType::Trust {
                self.diags.error(
                    path,
                    start,
                    PolicyErrorKind::NotAllowed {
                        element: "NotPrincipal",
                        policy_type: type_name,
                    },
                );
            }
        }
        if action.as_ref().is_some_and(|a| a.negated) && effect == Effect::Allow {
            self.diags.warn(
                path,
                start,
                WarningKind::AllowWithNotAction,
                "`Allow` with `NotAction` grants every other action of every service (A3)",
            );
        }
        Some(Statement {
            index,
            path: path.to_owned(),
            span: node.span,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    fn sid(&mut self, path: &str, node: &Node) -> Option<String> {
        let Value::String(s) = &node.value else {
            self.diags
                .error(path, node.span.start, wrong_type("a string", node));
            return None;
        };
        if !self.allowed_text(path, node.span.start, s) {
            return None;
        }
        if s.is_empty() {
            self.diags
                .warn(path, node.span.start, WarningKind::EmptySid, "empty `Sid`");
        } else if !s.chars().all(|c| c.is_ascii_alphanumeric())
            && matches!(
                self.policy_type,
                PolicyType::Identity
                    | PolicyType::Boundary
                    | PolicyType::Session
                    | PolicyType::Trust
            )
        {
            // G6: IAM accepts only [A-Za-z0-9]; other services' policies allow more.
            self.diags.error(
                path,
                node.span.start,
                PolicyErrorKind::Sid(format!(
                    "Sid `{s}` may contain only letters and digits in IAM policies"
                )),
            );
        }
        Some(s.to_string())
    }

    fn effect(&mut self, path: &str, node: &Node) -> Option<Effect> {
        match &node.value {
            Value::String(s) if s == "Allow" => Some(Effect::Allow),
            Value::String(s) if s == "Deny" => Some(Effect::Deny),
            Value::String(s) => {
                self.diags.error(
                    path,
                    node.span.start,
                    PolicyErrorKind::Effect(s.to_string()),
                );
                None
            }
            _ => {
                self.diags
                    .error(path, node.span.start, wrong_type("`Allow` or `Deny`", node));
                None
            }
        }
    }

    /// Whether a list of `count` values is within `Limits::max_values`.
    fn within_value_limit(&mut self, path: &str, node: &Node, count: usize) -> bool {
        if count > self.limits.max_values {
            self.diags.error(
                path,
                node.span.start,
                PolicyErrorKind::Limit {
                    what: "number of values in one element",
                    limit: self.limits.max_values,
                    setting: "max_values",
                },
            );
            return false;
        }
        true
    }

    /// A string or an array of strings (G8). `allow_null` skips `null`
    /// entries, which IAM accepts in `Resource` arrays.
    fn string_list(&mut self, path: &str, node: &Node, allow_null: bool) -> Option<Vec<Item>> {
        match &node.value {
            Value::String(s) => Some(vec![self.item(path.to_owned(), node, s)?]),
            Value::Array(items) => {
                if !self.within_value_limit(path, node, items.len()) {
                    return None;
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = index_path(path, i);
                    match &item.value {
                        Value::String(s) => out.extend(self.item(item_path, item, s)),
                        Value::Null if allow_null => {
                            self.diags.warn(
                                &item_path,
                                item.span.start,
                                WarningKind::NullEntry,
                                "`null` entry is ignored",
                            );
                        }
                        _ => self.diags.error(
                            &item_path,
                            item.span.start,
                            wrong_type("a string", item),
                        ),
                    }
                }
                Some(out)
            }
            _ => {
                self.diags.error(
                    path,
                    node.span.start,
                    wrong_type("a string or an array of strings", node),
                );
                None
            }
        }
    }

    fn item(&mut self, path: String, node: &Node, text: &str) -> Option<Item> {
        if self.policy_type.restricts_characters() {
            if let Some(c) = text.chars().find(|c| !allowed_char(*c)) {
                self.diags
                    .error(&path, node.span.start, PolicyErrorKind::Character(c));
                return None;
            }
        }
        if text.len() > self.limits.max_pattern_bytes {
            self.diags.error(
                &path,
                node.span.start,
                PolicyErrorKind::Limit {
                    what: "length of one value in bytes",
                    limit: self.limits.max_pattern_bytes,
                    setting: "max_pattern_bytes",
                },
            );
            return None;
        }
        Some(Item {
            text: text.to_owned(),
            path,
            offset: node.span.start,
        })
    }

    fn principal(&mut self, path: &str, node: &Node, negated: bool) -> Option<PrincipalElement> {
        match &node.value {
            Value::String(s) if s == "*" => Some(PrincipalElement {
                negated,
                wildcard: true,
                entries: Vec::new(),
            }),
            Value::Object(members) => {
                let mut entries = Vec::new();
                for member in members {
                    let member_path = child_path(path, &member.key);
                    let Some(kind) = PrincipalKind::from_key(&member.key) else {
                        self.diags.error(
                            &member_path,
                            member.key_span.start,
                            PolicyErrorKind::UnknownElement(format!(
                                "{} (expected `AWS`, `Federated`, `Service` or `CanonicalUser`)",
                                member.key
                            )),
                        );
                        continue;
                    };
                    let Some(items) = self.string_list(&member_path, &member.value, false) else {
                        continue;
                    };
                    if items.is_empty() {
                        self.diags.warn(
                            &member_path,
                            member.value.span.start,
                            WarningKind::EmptyPrincipalList,
                            "empty principal list names no one",
                        );
                    }
                    entries.extend(items.into_iter().map(|i| (kind, i)));
                }
                Some(PrincipalElement {
                    negated,
                    wildcard: false,
                    entries,
                })
            }
            Value::String(s) => {
                self.diags.error(
                    path,
                    node.span.start,
                    PolicyErrorKind::Principal {
                        value: s.to_string(),
                        reason: "a principal string must be `*`; name others as {\"AWS\": …}, {\"Service\": …} or {\"Federated\": …}".into(),
                    },
                );
                None
            }
            _ => {
                self.diags.error(
                    path,
                    node.span.start,
                    wrong_type("`*` or an object such as {\"AWS\": …}", node),
                );
                None
            }
        }
    }

    /// `{ Operator: { Key: Value | [Values] } }` (G9). Operators are checked
    /// when compiling.
    fn condition(&mut self, path: &str, node: &Node) -> Vec<ConditionEntry> {
        let mut entries = Vec::new();
        let Value::Object(operators) = &node.value else {
            self.diags.error(
                path,
                node.span.start,
                wrong_type("an object of condition operators", node),
            );
            return entries;
        };
        for operator in operators {
            let op_path = child_path(path, &operator.key);
            let Value::Object(keys) = &operator.value.value else {
                self.diags.error(
                    &op_path,
                    operator.value.span.start,
                    wrong_type("an object of condition keys", &operator.value),
                );
                continue;
            };
            if !self.allowed_text(&op_path, operator.key_span.start, &operator.key) {
                continue;
            }
            let op_item = Item {
                text: operator.key.to_string(),
                path: op_path.clone(),
                offset: operator.key_span.start,
            };
            let mut lower_keys: HashSet<String> = HashSet::new();
            for key in keys {
                let key_path = child_path(&op_path, &key.key);
                if !self.allowed_text(&key_path, key.key_span.start, &key.key) {
                    continue;
                }
                if !lower_keys.insert(key.key.to_lowercase()) {
                    // Rule C2 / AA "Duplicate keys with different case".
                    self.diags.error(
                        &key_path,
                        key.key_span.start,
                        PolicyErrorKind::ConditionValue {
                            operator: operator.key.to_string(),
                            value: key.key.to_string(),
                            reason: "the same condition key appears twice in different case".into(),
                        },
                    );
                    continue;
                }
                if let Some(values) = self.condition_values(&key_path, &key.value) {
                    entries.push(ConditionEntry {
                        operator: op_item.clone(),
                        key: Item {
                            text: key.key.to_string(),
                            path: key_path,
                            offset: key.key_span.start,
                        },
                        values,
                    });
                }
            }
        }
        entries
    }

    /// Rule G11 for text that is not a value (Sid, Id, operator and key names):
    /// JSON escapes can smuggle in characters the raw-text check never saw.
    fn allowed_text(&mut self, path: &str, offset: usize, text: &str) -> bool {
        if self.policy_type.restricts_characters() {
            if let Some(c) = text.chars().find(|c| !allowed_char(*c)) {
                self.diags
                    .error(path, offset, PolicyErrorKind::Character(c));
                return false;
            }
        }
        true
    }

    /// A condition value: a string, number or boolean, or an array of them (G8).
    fn condition_values(&mut self, path: &str, node: &Node) -> Option<Vec<Item>> {
        let scalar = |node: &Node| match &node.value {
            Value::String(s) => Some(s.to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match &node.value {
            Value::Array(items) if items.is_empty() => {
                // Rule C6 and AA "Empty array condition": legal, but a plain
                // operator then never matches and a negated one always does.
                self.diags.warn(
                    path,
                    node.span.start,
                    WarningKind::EmptyConditionValues,
"empty value list: a plain operator never matches it and a negated one always does",
                );
                Some(Vec::new())
            }
            Value::Array(items) => {
                if !self.within_value_limit(path, node, items.len()) {
                    return None;
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = index_path(path, i);
                    match scalar(item) {
                        Some(text) => out.extend(self.item(item_path, item, &text)),
                        None => self.diags.error(
                            &item_path,
                            item.span.start,
                            wrong_type("a string, number or boolean", item),
                        ),
                    }
                }
                Some(out)
            }
            _ => match scalar(node) {
                Some(text) => Some(vec![self.item(path.to_owned(), node, &text)?]),
                None => {
                    self.diags.error(
                        path,
                        node.span.start,
                        wrong_type("a string, number or boolean, or an array of them", node),
                    );
                    None
                }
            },
        }
    }
}

/// The statement's Sid, read ahead so that errors anywhere in it can name it.
fn sid_of(node: &Node) -> Option<String> {
    let Value::Object(members) = &node.value else {
        return None;
    };
    members
        .iter()
        .find_map(|m| match (&*m.key, &m.value.value) {
            ("Sid", Value::String(s)) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        })
}

/// `*` or an `sts:` action, for trust policies.
fn trust_action(action: &str) -> bool {
    action == "*"
        || action
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("sts:"))
}
