//! The request being authorized: principal, action, resource and context.
//!
//! A request is built once (which allocates) and then evaluated against any
//! number of policy sets without further allocation. Context key names are
//! lowercased when inserted, because IAM compares them case-insensitively
//! (C2, V1).

use std::collections::HashMap;
use std::fmt;

use crate::action_keys::{ActionKey, ServiceKey};
use crate::arn::{Arn, ArnOffsets, ArnText};
use crate::principal::{Caller, CallerShape};

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
    /// Lowercased key → position in `entries`, built once the context is
    /// large enough that scanning would cost more than hashing, so that a
    /// request with thousands of keys cannot make building or evaluating it
    /// quadratic (SECURITY.md).
    index: Option<HashMap<Box<str>, usize>>,
}

/// Up to this many keys a linear scan beats hashing.
const SCAN_LIMIT: usize = 16;

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (case-insensitive) to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: &str, value: impl Into<ContextValue>) {
        let lower: Box<str> = key.to_lowercase().into();
        let value = value.into();
        if let Some(entry) = self.position(&lower).and_then(|i| self.entries.get_mut(i)) {
            *entry = (lower, key.into(), value);
            return;
        }
        let position = self.entries.len();
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

    fn position(&self, lower: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(lower).copied(),
            None => self.entries.iter().position(|(k, _, _)| **k == *lower),
        }
    }

    /// The value of `key`, compared case-insensitively.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        let lower = key.to_lowercase();
        self.get_lower(&lower)
    }

    /// Lookup by a key that is already lowercase: the evaluation hot path,
    /// run for every variable of every decision. Inlined there; the hashed
    /// lookup of large contexts stays out of line, so the scan needs no
    /// stack frame.
    #[inline(always)]
    pub(crate) fn get_lower(&self, lower: &str) -> Option<&ContextValue> {
        match &self.index {
            Some(index) => Self::get_indexed(&self.entries, index, lower),
            None => {
                // Compared a word at a time.
                for (key, _, value) in &self.entries {
                    if crate::pattern::same(key.as_bytes(), lower.as_bytes()) {
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
}

impl Request {
    /// A request with no principal and an empty context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        let resource = resource.into();
        let action: String = action.into();
        Request {
            principal: None,
            service_bit: crate::index::service_bit(&action),
            service_key: ServiceKey::of_action(&action),
            action_key: ActionKey::of_action(&action),
            action,
            resource_arn: Arn::parse(&resource).map(|arn| arn.offsets()),
            resource,
            resource_account: None,
            context: Context::new(),
            caller: None,
        }
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
        let principal = principal.into();
        self.request.caller = Some(CallerShape::of(&principal));
        self.request.principal = Some(principal);
        self
    }

    /// Sets the account that owns the resource (S3 ARNs carry none).
    pub fn resource_account(mut self, account: impl Into<String>) -> Self {
        self.request.resource_account = Some(account.into());
        self
    }

    /// Adds a context key: a `&str`/`String` for a single value, a `Vec` for a
    /// multi-valued key.
    pub fn context(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.request.context.insert(key, value);
        self
    }

    /// Replaces the whole context.
    pub fn with_context(mut self, context: Context) -> Self {
        self.request.context = context;
        self
    }

    /// Finishes the request.
    pub fn build(self) -> Request {
        self.request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
