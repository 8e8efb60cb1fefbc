//! The request being authorized: principal, action, resource and context.
//!
//! A request is built once (which allocates) and then evaluated against any
//! number of policy sets without further allocation. A service that
//! authorizes request after request can also keep one `Request` and set
//! what changes (`set_resource`, `Context::set`, …): that reuses its
//! buffers, so once they are large enough nothing is allocated per request
//! either. Context key names are compared without regard to ASCII case,
//! because IAM compares them case-insensitively (C2, V1); only ASCII letters
//! are folded, so a non-ASCII look-alike (the Kelvin sign `K`, U+212A,
//! which Unicode lowercases to `k`) stays a key of its own and can never
//! stand in for an ASCII key a policy names.

use std::collections::HashMap;
use std::fmt;

use crate::action_keys::{ActionKey, ServiceKey};
use crate::arn::{Arn, ArnOffsets, ArnText};
use crate::hash::hash_key;
use crate::principal::{principal_problem, Caller, CallerShape};

/// The value of one context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key such as `aws:SourceIp`.
    Single(String),
    /// A multi-valued key such as `aws:TagKeys` or `cognito-identity.amazonaws.com:amr`.
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice: one for a single-valued key.
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(v) => std::slice::from_ref(v),
            ContextValue::Multi(vs) => vs,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(value: &str) -> Self {
        ContextValue::Single(value.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(value: String) -> Self {
        ContextValue::Single(value)
    }
}

impl<S: Into<String>> From<Vec<S>> for ContextValue {
    fn from(values: Vec<S>) -> Self {
        ContextValue::Multi(values.into_iter().map(Into::into).collect())
    }
}

/// The request context: condition keys and their values.
///
/// Only the keys given here exist; nothing is derived from the principal, just
/// as the IAM policy simulator needs `aws:username` supplied explicitly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// (lowercased key, key as given, value), in insertion order.
    entries: Vec<(Box<str>, Box<str>, ContextValue)>,
    /// [`hash_key`] of each entry's lowercased key, beside `entries`: a
    /// scan compares whole keys only where these agree.
    hashes: Vec<u64>,
    /// Lowercased key → position in `entries`, built once the context is
    /// large enough that scanning would cost more than hashing, so that a
    /// request with thousands of keys cannot make building or evaluating it
    /// quadratic (SECURITY.md). Keyed with std's per-process seed, unlike
    /// the maps of policy keys (`crate::hash`): here the request chooses
    /// every key, and could otherwise choose keys that collide.
    index: Option<HashMap<Box<str>, usize>>,
}

/// Up to this many keys a linear scan beats hashing.
const SCAN_LIMIT: usize = 16;

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (case-insensitive) to `value`, replacing an earlier value
    /// of the key in any case. To give a key more values instead, as a
    /// request that carries it twice does, use [`Context::add`].
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        let lower: Box<str> = key.to_ascii_lowercase().into();
        let value = value.into();
        if let Some(entry) = self.position(&lower).and_then(|i| self.entries.get_mut(i)) {
            *entry = (lower, key.into(), value);
            return;
        }
        let position = self.entries.len();
        self.hashes.push(hash_key(&lower));
        match &mut self.index {
            Some(index) => {
                index.insert(lower.clone(), position);
            }
            None if position >= SCAN_LIMIT => {
                let mut index: HashMap<Box<str>, usize> = self
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _, _))| (k.clone(), i))
                    .collect();
                index.insert(lower.clone(), position);
                self.index = Some(index);
            }
            None => {}
        }
        self.entries.push((lower, key.into(), value));
    }

    /// Adds `value` to `key`: a key not yet set is set, and a key already
    /// set in any case (`aws:PrincipalTag/team` and `aws:principaltag/team`)
    /// becomes one multi-valued key holding the earlier values and then
    /// these, so that neither spelling silently overwrites the other (C2).
    /// A bare operator then meets several values, which fails closed by
    /// default (C7). The key keeps its first spelling.
    ///
    /// ```
    /// use iam_eval::{Context, ContextValue};
    /// let mut context = Context::new();
    /// context.add("aws:PrincipalTag/team", "blue");
    /// context.add("aws:principaltag/TEAM", "red");
    /// assert_eq!(context.len(), 1);
    /// assert_eq!(context.get("aws:PrincipalTag/team"), Some(&ContextValue::from(vec!["blue", "red"])));
    /// ```
    pub fn add(&mut self, key: &str, value: impl Into<ContextValue>) {
        let value = value.into();
        let position = with_lowercase(key, |lower| self.position(lower));
        let Some((_, _, existing)) = position.and_then(|i| self.entries.get_mut(i)) else {
            self.insert(key, value);
            return;
        };
        let mut values = match std::mem::replace(existing, ContextValue::Multi(Vec::new())) {
            ContextValue::Single(v) => vec![v],
            ContextValue::Multi(vs) => vs,
        };
        match value {
            ContextValue::Single(v) => values.push(v),
            ContextValue::Multi(vs) => values.extend(vs),
        }
        *existing = ContextValue::Multi(values);
    }

    /// Sets `key` to the single `value`. Unlike [`Context::insert`], a key
    /// already set keeps its entry and its value's buffer, so replacing a
    /// value no longer than the old one's capacity allocates nothing.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.entry_mut(key) {
            Some(ContextValue::Single(old)) => replace(old, value),
            Some(other) => *other = ContextValue::Single(value.to_owned()),
            None => self.insert(key, value),
        }
    }

    /// Sets `key` to the multi-valued `values`, reusing the key's entry and
    /// the buffers of its earlier values as [`Context::set`] does.
    pub fn set_values(&mut self, key: &str, values: &[&str]) {
        match self.entry_mut(key) {
            Some(ContextValue::Multi(old)) => {
                old.truncate(values.len());
                for (i, value) in values.iter().enumerate() {
                    match old.get_mut(i) {
                        Some(buffer) => replace(buffer, value),
                        None => old.push((*value).to_owned()),
                    }
                }
            }
            Some(other) => *other = ContextValue::from(values.to_vec()),
            None => self.insert(key, values.to_vec()),
        }
    }

    /// Removes `key` (case-insensitive) and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<ContextValue> {
        let position = with_lowercase(key, |lower| self.position(lower))?;
        if position >= self.entries.len() {
            return None;
        }
        let (lower, _, value) = self.entries.remove(position);
        if position < self.hashes.len() {
            self.hashes.remove(position);
        }
        if let Some(index) = &mut self.index {
            index.remove(&lower);
            // Every later entry moved down by one.
            for slot in index.values_mut() {
                if *slot > position {
                    *slot -= 1;
                }
            }
        }
        Some(value)
    }

    /// The value of `key`, found without allocating where the key allows
    /// it ([`with_lowercase`]), with the key's spelling updated as
    /// [`Context::insert`] would.
    fn entry_mut(&mut self, key: &str) -> Option<&mut ContextValue> {
        // A key set again is usually spelled as before: found by that
        // spelling, it needs no lowercasing (keys are unique lowercased, so
        // it is the entry the lowercased key would find).
        let as_given = match self.index {
            None => self
                .entries
                .iter()
                .position(|(_, given, _)| crate::pattern::same(given.as_bytes(), key.as_bytes())),
            Some(_) => None,
        };
        if let Some(position) = as_given {
            return self.entries.get_mut(position).map(|(_, _, value)| value);
        }
        let position = with_lowercase(key, |lower| self.position(lower))?;
        let (_, given, value) = self.entries.get_mut(position)?;
        if **given != *key {
            *given = key.into();
        }
        Some(value)
    }

    fn position(&self, lower: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(lower).copied(),
            None => {
                let hash = hash_key(lower);
                self.entries
                    .iter()
                    .zip(&self.hashes)
                    .position(|((k, _, _), h)| *h == hash && **k == *lower)
            }
        }
    }

    /// The value of `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        with_lowercase(key, |lower| self.get_lower(lower))
    }

    /// Lookup by a key that is already lowercase, outside the decision.
    pub(crate) fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        self.get_hashed(lower, hash_key(lower))
    }

    /// Lookup by a key that is already lowercase, with its [`hash_key`]
    /// computed when the policy was compiled: the evaluation hot path, run
    /// for every variable and condition of every decision. Inlined there;
    /// the hashed lookup of large contexts stays out of line, so the scan
    /// needs no stack frame.
    #[inline(always)]
    pub(crate) fn get_hashed(&self, lower: &str, hash: u64) -> Option<&ContextValue> {
        match &self.index {
            Some(index) => Self::get_indexed(&self.entries, index, lower),
            None => {
                // The hashes skip the other keys; equal hashes are only a
                // hint, so the key itself is compared (a word at a time).
                for (h, (key, _, value)) in self.hashes.iter().zip(&self.entries) {
                    if *h == hash && crate::pattern::same(key.as_bytes(), lower.as_bytes()) {
                        return Some(value);
                    }
                }
                None
            }
        }
    }

    #[inline(never)]
    fn get_indexed<'c>(
        entries: &'c [(Box<str>, Box<str>, ContextValue)],
        index: &HashMap<Box<str>, usize>,
        lower: &str,
    ) -> Option<&'c ContextValue> {
        let i = *index.get(lower)?;
        entries.get(i).map(|(_, _, v)| v)
    }

    /// Every key as given, with its value, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(_, k, v)| (&**k, v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Calls `f` with `key` lowercased as [`Context::insert`] stores keys (ASCII
/// letters only, see the module doc): the key itself when it has no ASCII
/// capital, a copy on the stack when it is short, and an allocated copy
/// only otherwise.
fn with_lowercase<R>(key: &str, f: impl FnOnce(&str) -> R) -> R {
    const STACK: usize = 128;
    if !key.bytes().any(|b| b.is_ascii_uppercase()) {
        return f(key);
    }
    let mut buffer = [0u8; STACK];
    let Some(lower) = buffer.get_mut(..key.len()) else {
        return f(&key.to_ascii_lowercase());
    };
    lower.copy_from_slice(key.as_bytes());
    lower.make_ascii_lowercase();
    match std::str::from_utf8(lower) {
        Ok(lower) => f(lower),
        // Changing ASCII bytes keeps UTF-8 valid; kept total rather than unwrapped.
        Err(_) => f(&key.to_ascii_lowercase()),
    }
}

/// Replaces the text of `buffer`, keeping its allocation.
fn replace(buffer: &mut String, text: &str) {
    buffer.clear();
    buffer.push_str(text);
}

/// Like [`replace`] for an optional text.
fn replace_optional(slot: &mut Option<String>, text: Option<&str>) {
    match (slot.as_mut(), text) {
        (Some(buffer), Some(text)) => replace(buffer, text),
        (_, text) => *slot = text.map(str::to_owned),
    }
}

/// A request to authorize.
///
/// ```
/// use iam_eval::Request;
/// let request = Request::builder("s3:GetObject", "arn:aws:s3:::notes/private/us-east-1:1111/a.txt")
///     .principal("arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials")
///     .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
///     .context("cognito-identity.amazonaws.com:amr", vec!["authenticated"])
///     .build();
/// assert_eq!(request.action(), "s3:GetObject");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    principal: Option<String>,
    action: String,
    resource: String,
    resource_account: Option<String>,
    context: Context,
    /// The resource split at its first five colons, computed once here so
    /// that no evaluation splits it again. Always `Arn::parse(resource)`.
    resource_arn: Option<ArnOffsets>,
    /// The action's [`crate::index::service_bit`], which filters statements.
    /// Always `service_bit(action)`.
    service_bit: u64,
    /// The action's [`ServiceKey`]. Always `ServiceKey::of_action(action)`.
    service_key: ServiceKey,
    /// The action's [`ActionKey`]. Always `ActionKey::of_action(action)`.
    action_key: ActionKey,
    /// The principal classified once. Always `principal.map(CallerShape::of)`.
    caller: Option<CallerShape>,
    /// Why the action cannot be read, if it cannot. Always
    /// `action_problem(action)`.
    action_problem: Option<&'static str>,
    /// Why the principal cannot be read, if it cannot. Always
    /// `principal.and_then(principal_problem)`.
    principal_problem: Option<&'static str>,
}

/// Which part of a request cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RequestPart {
    /// The action.
    Action,
    /// The principal.
    Principal,
}

impl fmt::Display for RequestPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RequestPart::Action => "action",
            RequestPart::Principal => "principal",
        })
    }
}

/// A request this crate cannot read: an action that is not `service:Name`,
/// or a principal that no AWS caller could be (issue 21, item 9). Such a
/// request is never allowed: [`RequestBuilder::try_build`] refuses it, and
/// evaluating it anyway turns what would have been an Allow into an
/// implicit deny ([`crate::Blocker::UnreadableRequest`]); an applicable
/// Deny still denies.
///
/// ```
/// use iam_eval::{Decision, PolicySet, Request, RequestPart};
/// let error = Request::builder("s3:Get Object", "*").try_build().unwrap_err();
/// assert_eq!(error.part(), RequestPart::Action);
/// assert_eq!(error.value(), "s3:Get Object");
///
/// let set = PolicySet::from_json(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)?;
/// let request = Request::builder("s3:Get Object", "*").build();
/// assert_eq!(set.evaluate(&request).decision(), Decision::ImplicitDeny);
/// # Ok::<(), iam_eval::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("request {part} `{}`: {reason}", .value.escape_debug())]
pub struct RequestError {
    part: RequestPart,
    value: String,
    reason: &'static str,
}

impl RequestError {
    /// The part that cannot be read.
    pub fn part(&self) -> RequestPart {
        self.part
    }

    /// The part's text, as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What is wrong with it, and what was expected.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

/// Why `action` is not an action a request can name, if it is not: AWS
/// actions are `service:Name`, the service prefix made of ASCII letters,
/// digits, `-` and `.`, the name of ASCII letters, digits, `-`, `_` and
/// `.`, exactly one colon (A1, A2). White space, NUL, zero-width and other
/// non-ASCII characters, wildcards, an empty part or a second colon make it
/// unreadable rather than an action that merely matches nothing.
///
/// Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>.
fn action_problem(action: &str) -> Option<&'static str> {
    let Some((service, name)) = action.split_once(':') else {
        return Some("expected `service:Name`, such as `s3:GetObject`");
    };
    if service.is_empty() || name.is_empty() {
        return Some(
            "the service prefix and the action name must both be present, as in `s3:GetObject`",
        );
    }
    if name.contains(':') {
        return Some("an action has exactly one colon");
    }
    let service_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    if !service.bytes().all(service_char) {
        return Some("the service prefix holds only ASCII letters, digits, `-` and `.`");
    }
    let name_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
    if !name.bytes().all(name_char) {
        return Some("the action name holds only ASCII letters, digits, `-`, `_` and `.` (no white space, wildcards, control or non-ASCII characters)");
    }
    None
}

impl Request {
    /// A request with no principal and an empty context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        let mut request = Request {
            principal: None,
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            context: Context::new(),
            resource_arn: None,
            service_bit: 0,
            service_key: ServiceKey::NONE,
            action_key: ActionKey::NONE,
            caller: None,
            action_problem: None,
            principal_problem: None,
        };
        request.derive_from_action();
        request.derive_from_resource();
        request
    }

    /// Recomputes what is cached from the action; every way of setting the
    /// action ends here, so the cache cannot drift from it.
    fn derive_from_action(&mut self) {
        self.service_bit = crate::index::service_bit(&self.action);
        self.service_key = ServiceKey::of_action(&self.action);
        self.action_key = ActionKey::of_action(&self.action);
        self.action_problem = action_problem(&self.action);
    }

    /// Recomputes the resource's ARN splits.
    fn derive_from_resource(&mut self) {
        self.resource_arn = Arn::parse(&self.resource).map(|arn| arn.offsets());
    }

    /// Recomputes the principal's kind.
    fn derive_from_principal(&mut self) {
        self.caller = self.principal.as_deref().map(CallerShape::of);
        self.principal_problem = self.principal.as_deref().and_then(principal_problem);
    }

    /// Why the request cannot be read (its action, then its principal), or
    /// `None` when it can. An unreadable request is never allowed (see
    /// [`RequestError`]).
    pub fn problem(&self) -> Option<RequestError> {
        if let Some(reason) = self.action_problem {
            return Some(RequestError {
                part: RequestPart::Action,
                value: self.action.clone(),
                reason,
            });
        }
        let (principal, reason) = self.principal.as_ref().zip(self.principal_problem)?;
        Some(RequestError {
            part: RequestPart::Principal,
            value: principal.clone(),
            reason,
        })
    }

    /// True when the request can be read; checked once per decision, the
    /// reading itself done when the request was built.
    #[inline]
    pub(crate) fn is_readable(&self) -> bool {
        self.action_problem.is_none() && self.principal_problem.is_none()
    }

    /// The resource, with the ARN splits found when the request was built.
    pub(crate) fn resource_text(&self) -> ArnText<'_> {
        ArnText::with_offsets(&self.resource, self.resource_arn)
    }

    /// The action's [`crate::index::service_bit`].
    pub(crate) fn service_bit(&self) -> u64 {
        self.service_bit
    }

    /// The action's [`ServiceKey`].
    pub(crate) fn service_key(&self) -> ServiceKey {
        self.service_key
    }

    /// The action's [`ActionKey`].
    pub(crate) fn action_key(&self) -> &ActionKey {
        &self.action_key
    }

    /// The principal, classified when the request was built.
    pub(crate) fn caller(&self) -> Option<Caller<'_>> {
        let principal = self.principal.as_deref()?;
        self.caller.map(|shape| shape.caller(principal))
    }

    /// The principal's kind, classified when the request was built.
    pub(crate) fn caller_shape(&self) -> Option<CallerShape> {
        // Set together with the principal, so `None` exactly when it is.
        self.caller
    }

    /// Starts a builder for a request.
    pub fn builder(action: impl Into<String>, resource: impl Into<String>) -> RequestBuilder {
        RequestBuilder {
            request: Request::new(action, resource),
        }
    }

    /// The principal ARN (or service, provider or account id), if any.
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    /// The action, `service:Name`, as given.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource ARN, or `*` for actions without resource-level permissions (A4).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The account that owns the resource, when given explicitly.
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account.as_deref()
    }

    /// The request context.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Mutable access to the context, to reuse one request for many checks.
    pub fn context_mut(&mut self) -> &mut Context {
        &mut self.context
    }

    /// Replaces the action, reusing its buffer (see the module doc).
    ///
    /// ```
    /// use iam_eval::{Decision, PolicySet, Request};
    /// let set = PolicySet::from_json(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#)?;
    /// let mut request = Request::builder("s3:GetObject", "arn:aws:s3:::b/alice/a.txt")
    ///     .context("aws:username", "alice")
    ///     .build();
    /// assert_eq!(set.evaluate(&request).decision(), Decision::Allow);
    /// // The next caller: the same request, its buffers reused.
    /// request.set_resource("arn:aws:s3:::b/bob/a.txt");
    /// request.context_mut().set("aws:username", "bob");
    /// assert_eq!(set.evaluate(&request).decision(), Decision::Allow);
    /// request.set_action("s3:PutObject");
    /// assert_eq!(set.evaluate(&request).decision(), Decision::ImplicitDeny);
    /// # Ok::<(), iam_eval::PolicyError>(())
    /// ```
    pub fn set_action(&mut self, action: &str) {
        replace(&mut self.action, action);
        self.derive_from_action();
    }

    /// Replaces the resource, reusing its buffer.
    pub fn set_resource(&mut self, resource: &str) {
        replace(&mut self.resource, resource);
        self.derive_from_resource();
    }

    /// Replaces (or, with `None`, removes) the principal, reusing its buffer.
    pub fn set_principal(&mut self, principal: Option<&str>) {
        replace_optional(&mut self.principal, principal);
        self.derive_from_principal();
    }

    /// Replaces (or removes) the account that owns the resource.
    pub fn set_resource_account(&mut self, account: Option<&str>) {
        replace_optional(&mut self.resource_account, account);
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cached splits are derived from the fields shown.
        f.debug_struct("Request")
            .field("principal", &self.principal)
            .field("action", &self.action)
            .field("resource", &self.resource)
            .field("resource_account", &self.resource_account)
            .field("context", &self.context)
            .finish()
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.action, self.resource)?;
        if let Some(p) = &self.principal {
            write!(f, " by {p}")?;
        }
        Ok(())
    }
}

/// Builds a [`Request`].
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    request: Request,
}

impl RequestBuilder {
    /// Sets the principal: an ARN, an account id, a service principal such as
    /// `lambda.amazonaws.com`, a web-identity provider such as
    /// `cognito-identity.amazonaws.com`, or `anonymous`.
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.request.principal = Some(principal.into());
        self.request.derive_from_principal();
        self
    }

    /// Sets the account that owns the resource (S3 ARNs carry none).
    pub fn resource_account(mut self, account: impl Into<String>) -> Self {
        self.request.resource_account = Some(account.into());
        self
    }

    /// Adds a context key: a `&str`/`String` for a single value, a `Vec` for a
    /// multi-valued key. A key given again, in any case, gains the new
    /// values rather than losing the old ones ([`Context::add`]).
    pub fn context(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.request.context.add(key, value);
        self
    }

    /// Replaces the whole context.
    pub fn with_context(mut self, context: Context) -> Self {
        self.request.context = context;
        self
    }

    /// Finishes the request. A request that cannot be read is still built,
    /// and is never allowed when evaluated ([`RequestError`]); use
    /// [`RequestBuilder::try_build`] to refuse it instead.
    pub fn build(self) -> Request {
        self.request
    }

    /// Finishes the request, or says why it cannot be read: an action that
    /// is not `service:Name`, or a principal no AWS caller could be.
    pub fn try_build(self) -> Result<Request, RequestError> {
        match self.request.problem() {
            Some(error) => Err(error),
            None => Ok(self.request),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A reused request, its fields set one by one, is the request built
        /// afresh from the same fields, down to the splits and keys cached
        /// when building (`Request` compares them all).
        #[test]
        fn a_reused_request_equals_one_built_afresh(
            first in ("[a-z0-9]{0,6}:[A-Za-z*]{0,8}", "arn:aws:[a-z0-9]{0,3}:[a-z:/*-]{0,12}|\\*|[a-z:]{0,6}"),
            then in ("[a-z0-9]{0,6}:[A-Za-z*]{0,8}", "arn:aws:[a-z0-9]{0,3}:[a-z:/*-]{0,12}|\\*|[a-z:]{0,6}"),
            principals in (
                prop::option::of("arn:aws:(iam|sts)::[0-9]{12}:(root|user/a|assumed-role/r/s)|[a-z]{1,6}\\.amazonaws\\.com|anonymous|[0-9]{12}"),
                prop::option::of("arn:aws:(iam|sts)::[0-9]{12}:(root|user/a|assumed-role/r/s)|[a-z]{1,6}\\.amazonaws\\.com|anonymous|[0-9]{12}"),
            ),
            accounts in (prop::option::of("[0-9]{12}"), prop::option::of("[0-9]{12}")),
        ) {
            let build = |(action, resource): &(String, String), principal: &Option<String>, account: &Option<String>| {
                let mut builder = Request::builder(action.as_str(), resource.as_str());
                if let Some(p) = principal {
                    builder = builder.principal(p.as_str());
                }
                if let Some(a) = account {
                    builder = builder.resource_account(a.as_str());
                }
                builder.build()
            };
            let mut reused = build(&first, &principals.0, &accounts.0);
            reused.set_action(&then.0);
            reused.set_resource(&then.1);
            reused.set_principal(principals.1.as_deref());
            reused.set_resource_account(accounts.1.as_deref());
            prop_assert_eq!(reused, build(&then, &principals.1, &accounts.1));
        }
    }

    /// `set` and `set_values` replace a key given in any case, keep its
    /// place, take the new spelling, and switch between single and
    /// multi-valued; `remove` keeps the other keys findable (C2).
    #[test]
    fn set_replaces_in_place_and_remove_keeps_the_rest() {
        for keys in [3, 40] {
            // 40 keys: the context is indexed (SCAN_LIMIT).
            let mut ctx = Context::new();
            for i in 0..keys {
                ctx.insert(&format!("tag:Key{i}"), format!("v{i}"));
            }
            ctx.set("TAG:KEY1", "one");
            assert_eq!(ctx.len(), keys);
            assert_eq!(ctx.get("tag:key1"), Some(&ContextValue::from("one")));
            assert_eq!(ctx.iter().nth(1).map(|(k, _)| k), Some("TAG:KEY1"));
            ctx.set_values("tag:key1", &["a", "b"]);
            assert_eq!(
                ctx.get("Tag:Key1").map(ContextValue::values),
                Some(&["a".to_owned(), "b".to_owned()][..])
            );
            ctx.set_values("tag:key1", &["c"]);
            assert_eq!(ctx.get("tag:key1"), Some(&ContextValue::from(vec!["c"])));
            ctx.set("tag:key1", "single");
            assert_eq!(ctx.get("tag:key1"), Some(&ContextValue::from("single")));
            ctx.set("aws:New", "new");
            assert_eq!(ctx.get("AWS:NEW"), Some(&ContextValue::from("new")));
            assert_eq!(ctx.len(), keys + 1);

            assert_eq!(ctx.remove("TAG:KEY0"), Some(ContextValue::from("v0")));
            assert_eq!(ctx.remove("tag:key0"), None);
            assert_eq!(ctx.len(), keys);
            assert_eq!(ctx.get("tag:key0"), None);
            assert_eq!(ctx.get("tag:key2"), Some(&ContextValue::from("v2")));
            assert_eq!(ctx.get("aws:new"), Some(&ContextValue::from("new")));
            // A key set after a removal lands where lookups find it.
            ctx.set("tag:key0", "back");
            assert_eq!(ctx.get("tag:key0"), Some(&ContextValue::from("back")));
            assert_eq!(
                ctx.get(&format!("tag:key{}", keys - 1)),
                Some(&ContextValue::from(format!("v{}", keys - 1)))
            );
        }
    }

    /// Keys are looked up as `insert` stores them, whether the key is
    /// lowercase, mixed-case ASCII, long, or not ASCII at all.
    #[test]
    fn lowercase_lookup_matches_insert() {
        let long = format!("aws:{}", "X".repeat(200));
        for key in [
            "aws:sourceip",
            "aws:SourceIp",
            long.as_str(),
            "tag:Ünïcode",
            "\u{212A}ey",
        ] {
            assert_eq!(
                with_lowercase(key, str::to_owned),
                key.to_ascii_lowercase(),
                "{key}"
            );
        }
    }

    /// Large contexts switch to a hash index; lookups and replacement by a
    /// key in another case behave exactly as before.
    #[test]
    fn large_contexts_are_indexed() {
        let mut ctx = Context::new();
        for i in 0..100 {
            ctx.insert(&format!("tag:Key{i}"), format!("v{i}"));
        }
        assert_eq!(ctx.len(), 100);
        assert_eq!(ctx.get("TAG:key7"), Some(&ContextValue::from("v7")));
        ctx.insert("TAG:KEY7", "replaced");
        assert_eq!(ctx.len(), 100);
        assert_eq!(ctx.get("tag:key7"), Some(&ContextValue::from("replaced")));
        assert_eq!(ctx.iter().nth(7).map(|(k, _)| k), Some("TAG:KEY7"));
        assert_eq!(ctx.get("tag:key100"), None);
    }

    /// C2: condition key names are case-insensitive.
    #[test]
    fn c2_context_keys_are_case_insensitive() {
        let mut ctx = Context::new();
        ctx.insert("aws:SourceIp", "192.0.2.1");
        assert_eq!(
            ctx.get("AWS:SOURCEIP"),
            Some(&ContextValue::from("192.0.2.1"))
        );
        ctx.insert("AWS:sourceip", "192.0.2.2");
        assert_eq!(ctx.len(), 1);
        assert_eq!(ctx.get("aws:sourceip").unwrap().values(), ["192.0.2.2"]);
    }
}
