//! Amazon Cognito identity pools end to end: from a sign-in to the role, the
//! trust check, the session and the decision for each request made with the
//! session's credentials (the CG rules of `docs/rules.md`, enhanced flow).
//!
//! Sources: <https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html>,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html>,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html>,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html>.
//!
//! ```
//! use iam_eval::cognito::{IdentityPoolSetup, Login};
//! use iam_eval::Decision;
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cognito/");
//! let pool = IdentityPoolSetup::from_json(&std::fs::read_to_string(format!("{dir}notes-app-pool.json"))?)?;
//! let login = Login::from_json(&std::fs::read_to_string(format!("{dir}login-alice.json"))?)?;
//! let session = pool.sign_in(&login)?;
//! assert!(session.role().unwrap().ends_with("role/Cognito_NotesAuth_Role"));
//! let mine = format!("arn:aws:s3:::notes-app-uploads/private/{}/todo.txt", login.identity_id());
//! assert_eq!(session.check("s3:PutObject", &mine, &[]).decision, Decision::Allow);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod pool_shape;
mod role_mapping;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

pub use role_mapping::{MappingRule, RoleMapping, RulesConfiguration};

use crate::compile::Position;
use crate::eval::Decision;
use crate::explain::Explanation;
use crate::json::LineIndex;
use crate::origin::TextOrigin;
use crate::policy::PolicyType;
use crate::request::{Context, ContextValue, Request};
use crate::set::{PolicySet, PolicySetBuilder};

/// The session name Cognito's enhanced flow gives every role session (V9).
pub const SESSION_NAME: &str = "CognitoIdentityCredentials";

/// The web-identity provider that assumes identity-pool roles.
pub const COGNITO_IDENTITY: &str = "cognito-identity.amazonaws.com";

/// The scope-down session policies Cognito adds for guests in the enhanced
/// flow (CG3), as one document with a statement for each; session policies
/// grant what any of them allows, so this is their union:
/// - `CognitoGuideInlineSessionPolicy`: the inline session policy the
///   Cognito Developer Guide gives for unauthenticated identities (API
///   Gateway, IoT, CloudWatch and CloudWatch Logs, Cognito Identity and user
///   pools, SES, S3, DynamoDB, Lambda, … and the restricted SageMaker and
///   Textract actions),
///   <https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html>
///   ("Access policies");
/// - `AmazonCognitoUnAuthedIdentitiesSessionPolicy`: the managed session
///   policy Cognito adds as well (version 3; Amazon Location Service, the
///   restricted KMS actions, CloudWatch RUM …),
///   <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoUnAuthedIdentitiesSessionPolicy.html>.
///
/// AWS changes these lists; a pool file can supply its own as
/// `GuestSessionPolicy`.
pub const GUEST_SESSION_POLICY: &str =
    include_str!("../fixtures/cognito/guest-session-policy.json");

/// Why a pool or login could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CognitoError(String);

/// The pool file: the shapes the AWS CLI prints, pasted together.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoolFile<'a> {
    identity_pool: IdentityPool,
    identity_pool_roles: IdentityPoolRoles,
    #[serde(default, borrow)]
    roles: BTreeMap<String, RoleFile<'a>>,
    /// Managed policy documents by ARN (`get-policy-version` output or the
    /// document itself), for the roles' `AttachedPolicies` and boundaries.
    #[serde(default, borrow)]
    managed_policies: BTreeMap<String, &'a RawValue>,
    #[serde(default)]
    principal_tag_attribute_maps: Vec<PrincipalTagAttributeMap>,
    #[serde(default, borrow)]
    guest_session_policy: Option<&'a RawValue>,
    /// `false` models the basic (classic) flow: no scope-down for guests.
    #[serde(default = "enhanced_default")]
    enhanced_flow: bool,
}

fn enhanced_default() -> bool {
    true
}

/// `describe-identity-pool` output (the fields evaluation needs).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct IdentityPool {
    /// `REGION:GUID`; the `aud` of every identity.
    pub identity_pool_id: String,
    /// Whether guests get credentials.
    #[serde(default)]
    pub allow_unauthenticated_identities: bool,
    /// User pools and app clients that may sign in.
    #[serde(default)]
    pub cognito_identity_providers: Vec<CognitoIdentityProvider>,
    /// Social providers, e.g. `graph.facebook.com`.
    #[serde(default)]
    pub supported_login_providers: BTreeMap<String, String>,
    /// OIDC provider ARNs.
    #[serde(default, rename = "OpenIdConnectProviderARNs")]
    pub open_id_connect_provider_arns: Vec<String>,
    /// SAML provider ARNs.
    #[serde(default, rename = "SamlProviderARNs")]
    pub saml_provider_arns: Vec<String>,
    /// The developer provider name, for developer-authenticated identities.
    #[serde(default)]
    pub developer_provider_name: Option<String>,
}

impl IdentityPool {
    /// Every provider a login may name, as the login file writes it.
    fn provider_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .cognito_identity_providers
            .iter()
            .map(|p| format!("`{}` with client `{}`", p.provider_name, p.client_id))
            .collect();
        let quoted = |name: &String| format!("`{name}`");
        names.extend(self.supported_login_providers.keys().map(quoted));
        names.extend(self.open_id_connect_provider_arns.iter().map(quoted));
        names.extend(self.saml_provider_arns.iter().map(quoted));
        names.extend(self.developer_provider_name.iter().map(quoted));
        names
    }

    /// Why a login's provider is refused, listing the ones the pool has.
    fn unknown_provider(&self, what: String) -> String {
        let names = self.provider_names();
        if names.is_empty() {
            format!("{what} is not a provider of this pool, which has none")
        } else {
            format!(
                "{what} is not a provider of this pool; it has: {}",
                names.join(", ")
            )
        }
    }
}

/// One `CognitoIdentityProviders` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CognitoIdentityProvider {
    /// `cognito-idp.REGION.amazonaws.com/POOL_ID`.
    pub provider_name: String,
    /// The app client id.
    pub client_id: String,
}

/// `get-identity-pool-roles` output.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct IdentityPoolRoles {
    /// `{"authenticated": ARN, "unauthenticated": ARN}`.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// Per provider key (`cognito-idp.REGION.amazonaws.com/POOL:CLIENT`).
    #[serde(default)]
    pub role_mappings: BTreeMap<String, RoleMapping>,
}

/// One role of a pool file: the trust policy given directly or in
/// `get-role` output, its inline policies, and what `list-role-policies` and
/// `list-attached-role-policies` say is attached ([`pool_shape`] lists the
/// keys).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleFile<'a> {
    #[serde(default, borrow)]
    assume_role_policy_document: Option<&'a RawValue>,
    #[serde(default, borrow)]
    role: Option<GetRole<'a>>,
    #[serde(default, borrow)]
    policies: Vec<&'a RawValue>,
    /// `list-role-policies`: every name needs its document in `Policies`.
    #[serde(default)]
    policy_names: Option<Vec<String>>,
    /// `list-attached-role-policies`: every ARN needs its document.
    #[serde(default)]
    attached_policies: Vec<AttachedPolicy>,
    /// A list printed only in part: what is missing may deny.
    #[serde(default)]
    is_truncated: bool,
}

/// `get-role` output's `Role`, the parts evaluation needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetRole<'a> {
    #[serde(default, borrow)]
    assume_role_policy_document: Option<&'a RawValue>,
    #[serde(default)]
    permissions_boundary: Option<Boundary>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Boundary {
    permissions_boundary_arn: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttachedPolicy {
    policy_arn: String,
}

/// Where a pool's managed policy documents come from: the file's
/// `ManagedPolicies`, then those given beside it.
struct ManagedDocuments<'p, 'a> {
    pool: &'p PoolText<'a>,
    in_file: &'p BTreeMap<String, &'a RawValue>,
    given: &'p BTreeMap<String, String>,
}

impl<'a> ManagedDocuments<'_, 'a> {
    /// The compiled-checked document of `arn`, if the pool has it.
    fn document(&self, arn: &str) -> Result<Option<PolicyText>, CognitoError> {
        let policy = if let Some(raw) = self.in_file.get(arn) {
            let raw = match serde_json::from_str::<PolicyVersionOutput<'a>>(raw.get()) {
                Ok(output) => output.policy_version.document,
                Err(_) => raw,
            };
            self.pool.policy(raw, arn.to_owned())?
        } else if let Some(text) = self.given.get(arn) {
            crate::json::check_unique(text)
                .map_err(|e| CognitoError(format!("managed policy `{arn}`: {e}")))?;
            match serde_json::from_str::<PolicyVersionOutput<'_>>(text) {
                Ok(output) => {
                    let document = output.policy_version.document.get();
                    let text = serde_json::from_str::<String>(document)
                        .unwrap_or_else(|_| document.to_owned());
                    PolicyText {
                        id: arn.to_owned(),
                        text,
                        origin: TextOrigin::Rebuilt,
                    }
                }
                Err(_) => PolicyText {
                    id: arn.to_owned(),
                    text: text.clone(),
                    origin: TextOrigin::Whole,
                },
            }
        } else {
            return Ok(None);
        };
        policy.add_to(&mut PolicySet::builder(), PolicyType::Identity)?;
        Ok(Some(policy))
    }

    /// Why a role is left out when `arn` has no document.
    fn missing(&self, arn: &str, what: &str) -> String {
        format!(
            "managed policy `{arn}` ({what}; add its `aws iam get-policy-version` output under `ManagedPolicies`, or give `--managed-policy ARN=FILE`)"
        )
    }
}

/// `get-policy-version` output, around a managed policy's document.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyVersionOutput<'a> {
    #[serde(borrow)]
    policy_version: PolicyVersion<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyVersion<'a> {
    #[serde(borrow)]
    document: &'a RawValue,
}

/// `get-principal-tag-attribute-map` output: claims that become session tags.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PrincipalTagAttributeMap {
    /// The provider the map applies to.
    pub identity_provider_name: String,
    /// Use Cognito's default map (`username` ← `sub`, `client` ← `aud`).
    #[serde(default)]
    pub use_defaults: bool,
    /// Tag key → claim name.
    #[serde(default)]
    pub principal_tags: BTreeMap<String, String>,
}

/// The login file: a guest, or a signed-in user with their token's claims.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Login {
    /// True for a guest.
    #[serde(default)]
    pub unauthenticated: bool,
    /// The identity id, `REGION:GUID`; the `sub` of the session.
    pub identity_id: String,
    /// The provider, e.g. `cognito-idp.us-east-1.amazonaws.com/us-east-1_XXXX`.
    #[serde(default)]
    pub provider: Option<String>,
    /// The app client the user signed in with (user pools).
    #[serde(default)]
    pub client_id: Option<String>,
    /// The ID token's claims.
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// The role requested with `CustomRoleArn`.
    #[serde(default)]
    pub custom_role_arn: Option<String>,
}

impl Login {
    /// Reads a login file.
    pub fn from_json(text: &str) -> Result<Self, CognitoError> {
        // A claim written twice must not be decided by the last one (G1).
        crate::json::check_unique(text)
            .map_err(|e| CognitoError(format!("invalid login file: {e}")))?;
        serde_json::from_str(text).map_err(|e| CognitoError(format!("invalid login file: {e}")))
    }

    /// The identity id.
    pub fn identity_id(&self) -> &str {
        &self.identity_id
    }
}

/// A compiled identity pool with its roles.
#[derive(Debug, Clone)]
pub struct IdentityPoolSetup {
    pool: IdentityPool,
    roles: IdentityPoolRoles,
    trust: BTreeMap<String, PolicySet>,
    /// Each role's permission policies, compiled at each sign-in.
    permissions: BTreeMap<String, Vec<PolicyText>>,
    /// Each role's permissions boundary, from `get-role` output.
    boundaries: BTreeMap<String, PolicyText>,
    tag_maps: Vec<PrincipalTagAttributeMap>,
    guest_session_policy: Option<PolicyText>,
    /// Roles (by ARN) a template left out, and why: a login given one gets
    /// no credentials, and its refusal says why.
    refused: BTreeMap<String, String>,
}

/// One policy of a pool file: its id, its text, and where that text is in
/// the file, so errors and explanations give the file's lines.
#[derive(Debug, Clone)]
struct PolicyText {
    id: String,
    text: String,
    origin: TextOrigin,
}

impl PolicyText {
    fn add_to(
        &self,
        builder: &mut PolicySetBuilder,
        policy_type: PolicyType,
    ) -> Result<(), CognitoError> {
        builder
            .add_from(&self.id, policy_type, 0, &self.text, self.origin)
            .map_err(|e| CognitoError(e.to_string()))?;
        Ok(())
    }
}

/// The pool file's text, to place the policies pasted into it.
struct PoolText<'a> {
    text: &'a str,
    /// `None` for a text written out from a template: no position in it is
    /// the user's.
    lines: Option<LineIndex>,
}

impl<'a> PoolText<'a> {
    fn new(text: &'a str, rebuilt: bool) -> Self {
        PoolText {
            text,
            lines: (!rebuilt).then(|| LineIndex::new(text)),
        }
    }

    /// Where `raw`, a slice of the pool file, starts in it.
    fn origin_of(&self, raw: &str) -> TextOrigin {
        let Some(lines) = &self.lines else {
            return TextOrigin::Rebuilt;
        };
        let offset = (raw.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let inside = self
            .text
            .get(offset..offset.saturating_add(raw.len()))
            .is_some_and(|slice| std::ptr::eq(slice.as_ptr(), raw.as_ptr()));
        if !inside {
            return TextOrigin::Rebuilt;
        }
        let (line, column) = lines.position(self.text, offset);
        TextOrigin::Within(Position { line, column })
    }

    /// A policy of the pool file, which may be an object, a JSON string, or
    /// the URL-encoded string IAM's API returns; `{"PolicyName",
    /// "PolicyDocument"}` wrappers (get-role-policy output) are unwrapped.
    /// `id` names the policy when the wrapper gives no name.
    fn policy(&self, raw: &'a RawValue, id: String) -> Result<PolicyText, CognitoError> {
        let text = raw.get();
        if text.starts_with('"') {
            let inner: String =
                serde_json::from_str(text).map_err(|e| CognitoError(e.to_string()))?;
            let decoded = if inner.trim_start().starts_with('%') {
                percent_decode(&inner)?
            } else {
                inner
            };
            return Ok(PolicyText {
                id,
                text: decoded,
                origin: TextOrigin::Rebuilt,
            });
        }
        let wrapper: Wrapper<'a> =
            serde_json::from_str(text).map_err(|e| CognitoError(e.to_string()))?;
        let Some(document) = wrapper.document else {
            return Ok(PolicyText {
                id,
                text: text.to_owned(),
                origin: self.origin_of(text),
            });
        };
        let id = wrapper
            .name
            .as_ref()
            .and_then(Value::as_str)
            .map_or(id, str::to_owned);
        let (text, origin) = match serde_json::from_str::<String>(document.get()) {
            Ok(decoded) => (decoded, TextOrigin::Rebuilt),
            Err(_) => (document.get().to_owned(), self.origin_of(document.get())),
        };
        Ok(PolicyText { id, text, origin })
    }
}

/// The `{"PolicyName", "PolicyDocument"}` wrapper of get-role-policy output;
/// a bare policy document reads as one without a document.
#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(rename = "PolicyName")]
    name: Option<Value>,
    #[serde(rename = "PolicyDocument", borrow)]
    document: Option<&'a RawValue>,
}

fn percent_decode(text: &str) -> Result<String, CognitoError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| CognitoError("invalid URL encoding in a policy document".into()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(if b == b'+' { b' ' } else { b });
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| CognitoError("URL-encoded policy is not UTF-8".into()))
}

impl IdentityPoolSetup {
    /// Reads and compiles a pool file. Every role's trust policy and
    /// permission policies are compiled now; an error names the role.
    /// Positions in errors and explanations are lines of `text`.
    pub fn from_json(text: &str) -> Result<Self, CognitoError> {
        Self::read(PoolText::new(text, false), &BTreeMap::new())
    }

    /// Like [`IdentityPoolSetup::from_json`], with the documents of managed
    /// policies the pool file attaches but does not hold: ARN → the
    /// document, or `aws iam get-policy-version` output (the CLI's
    /// `--managed-policy ARN=FILE`).
    pub fn from_json_with_managed_policies(
        text: &str,
        managed_policies: &BTreeMap<String, String>,
    ) -> Result<Self, CognitoError> {
        Self::read(PoolText::new(text, false), managed_policies)
    }

    /// Like [`IdentityPoolSetup::from_json`], for a pool file written out
    /// from a template: its positions are nobody's, so none are given.
    #[cfg(feature = "templates")]
    pub(crate) fn from_rebuilt_json(text: &str) -> Result<Self, CognitoError> {
        Self::read(PoolText::new(text, true), &BTreeMap::new())
    }

    /// Marks roles a template left out (fail closed), with why.
    #[cfg(feature = "templates")]
    pub(crate) fn refuse_roles(&mut self, refused: &BTreeMap<String, String>) {
        self.refused.extend(refused.clone());
    }

    fn read(
        pool: PoolText<'_>,
        extra_managed: &BTreeMap<String, String>,
    ) -> Result<Self, CognitoError> {
        // serde keeps the last of two equal keys: the same role ARN twice,
        // or a Deny's `Effect` written again as `Allow`. Refuse them (G1).
        crate::json::check_unique(pool.text)
            .map_err(|e| CognitoError(format!("invalid pool file: {e}")))?;
        // Every key must be one the file defines: an ignored `RolePolicies`
        // would silently drop a role's policies.
        let shape: Value = serde_json::from_str(pool.text)
            .map_err(|e| CognitoError(format!("invalid pool file: {e}")))?;
        pool_shape::check(&shape).map_err(|e| CognitoError(format!("invalid pool file: {e}")))?;
        let file: PoolFile = serde_json::from_str(pool.text)
            .map_err(|e| CognitoError(format!("invalid pool file: {e}")))?;
        let managed = ManagedDocuments {
            pool: &pool,
            in_file: &file.managed_policies,
            given: extra_managed,
        };
        let mut trust = BTreeMap::new();
        let mut permissions = BTreeMap::new();
        let mut boundaries = BTreeMap::new();
        let mut refused = BTreeMap::new();
        for (arn, role) in &file.roles {
            let trust_document = match (
                role.assume_role_policy_document,
                role.role.as_ref().and_then(|r| r.assume_role_policy_document),
            ) {
                (Some(document), None) | (None, Some(document)) => document,
                (Some(_), Some(_)) => {
                    return Err(CognitoError(format!(
                        "invalid pool file: role `{arn}` gives its trust policy twice (AssumeRolePolicyDocument and Role.AssumeRolePolicyDocument); keep one"
                    )))
                }
                (None, None) => {
                    return Err(CognitoError(format!(
                        "invalid pool file: role `{arn}` has no trust policy: add `AssumeRolePolicyDocument`, or paste `aws iam get-role` output as `Role`"
                    )))
                }
            };
            let trust_policy = pool.policy(trust_document, format!("{arn} trust policy"))?;
            let mut builder = PolicySet::builder();
            trust_policy.add_to(&mut builder, PolicyType::Trust)?;
            trust.insert(arn.clone(), builder.build());
            let mut docs = Vec::new();
            let mut names = Vec::new();
            for (i, raw) in role.policies.iter().enumerate() {
                let policy = pool.policy(raw, format!("{} policy {}", role_name(arn), i + 1))?;
                // Compile now so a bad policy is reported with its role.
                policy.add_to(&mut PolicySet::builder(), PolicyType::Identity)?;
                names.push(policy.id.clone());
                docs.push(policy);
            }
            // Fail closed on what the file says is attached but does not
            // hold: any missing policy may deny.
            let mut missing = Vec::new();
            if role.is_truncated {
                missing.push(
                    "a policy list printed in part (`IsTruncated`: paste every page)".to_owned(),
                );
            }
            for name in role.policy_names.iter().flatten() {
                if !names.contains(name) {
                    missing.push(format!(
                        "inline policy `{name}` (list-role-policies names it; add its `aws iam get-role-policy` output to `Policies`)"
                    ));
                }
            }
            for attached in &role.attached_policies {
                match managed.document(&attached.policy_arn)? {
                    Some(policy) => docs.push(policy),
                    None => missing.push(managed.missing(&attached.policy_arn, "attached")),
                }
            }
            if let Some(boundary) = role
                .role
                .as_ref()
                .and_then(|r| r.permissions_boundary.as_ref())
            {
                let boundary_arn = &boundary.permissions_boundary_arn;
                match managed.document(boundary_arn)? {
                    Some(policy) => {
                        boundaries.insert(arn.clone(), policy);
                    }
                    None => missing.push(managed.missing(boundary_arn, "its permissions boundary")),
                }
            }
            if !missing.is_empty() {
                refused.insert(
                    arn.clone(),
                    format!("the pool file lacks {}", missing.join("; ")),
                );
            }
            permissions.insert(arn.clone(), docs);
        }
        let guest_session_policy = if file.enhanced_flow {
            let id = "cognito guest session policy".to_owned();
            Some(match file.guest_session_policy {
                Some(raw) => pool.policy(raw, id)?,
                None => PolicyText {
                    id,
                    text: GUEST_SESSION_POLICY.to_owned(),
                    origin: TextOrigin::Whole,
                },
            })
        } else {
            None
        };
        Ok(IdentityPoolSetup {
            pool: file.identity_pool,
            roles: file.identity_pool_roles,
            trust,
            permissions,
            tag_maps: file.principal_tag_attribute_maps,
            guest_session_policy,
            boundaries,
            refused,
        })
    }

    /// The pool id, the `aud` of its identities.
    pub fn pool_id(&self) -> &str {
        &self.pool.identity_pool_id
    }

    /// Signs `login` in: chooses the role, checks the trust policy, and
    /// builds the session. A login that gets no credentials still returns a
    /// [`Session`] whose [`Session::refusal`] says why and which allows nothing.
    pub fn sign_in(&self, login: &Login) -> Result<Session, CognitoError> {
        let mut steps = Vec::new();
        let amr = amr(login);
        let choice = if login.unauthenticated {
            if self.pool.allow_unauthenticated_identities {
                match self.roles.roles.get("unauthenticated") {
                    Some(role) => Ok(role.clone()),
                    None => Err("the pool has no unauthenticated role".to_owned()),
                }
            } else {
                Err("the pool does not allow unauthenticated identities".to_owned())
            }
        } else {
            self.choose_authenticated_role(login, &mut steps)
        };
        let role = match choice {
            Ok(role) => role,
            Err(why) => return Ok(Session::refused(None, steps, why, None)),
        };
        steps.push(format!("role: {role}"));
        if let Some(why) = self.refused.get(&role) {
            return Ok(Session::refused(
                Some(role.clone()),
                steps,
                format!("the role is left out of the simulation: {why}"),
                None,
            ));
        }
        let Some(trust_set) = self.trust.get(&role) else {
            return Ok(Session::refused(
                Some(role.clone()),
                steps,
                format!("the pool file has no trust policy for `{role}` (add it under Roles)"),
                None,
            ));
        };
        // E7: the trust policy must admit the web identity.
        let trust_request = Request::builder("sts:AssumeRoleWithWebIdentity", role.as_str())
            .principal(COGNITO_IDENTITY)
            .context(
                "cognito-identity.amazonaws.com:aud",
                self.pool.identity_pool_id.as_str(),
            )
            .context(
                "cognito-identity.amazonaws.com:sub",
                login.identity_id.as_str(),
            )
            .context("cognito-identity.amazonaws.com:amr", amr.clone())
            .build();
        let trust = trust_set.evaluate(&trust_request).explanation();
        if trust.decision != Decision::Allow {
            return Ok(Session::refused(
                Some(role),
                steps,
                format!(
                    "the role's trust policy refuses this identity: {}",
                    trust.summary
                ),
                Some(trust),
            ));
        }
        let context = self.session_context(login, &role, &amr);
        let mut builder = PolicySetBuilder::with_options(crate::options::Options::default());
        for policy in self
            .permissions
            .get(&role)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            policy.add_to(&mut builder, PolicyType::Identity)?;
        }
        if let Some(boundary) = self.boundaries.get(&role) {
            // E4: the role's permissions boundary limits its sessions.
            boundary.add_to(&mut builder, PolicyType::Boundary)?;
        }
        let scoped_down = login.unauthenticated && self.guest_session_policy.is_some();
        if let (true, Some(policy)) = (login.unauthenticated, &self.guest_session_policy) {
            // CG3: the enhanced flow scopes guests down with a session policy.
            policy.add_to(&mut builder, PolicyType::Session)?;
            steps.push(
                "guest credentials are scoped down by Cognito's session policy (enhanced flow)"
                    .into(),
            );
        }
        Ok(Session {
            role: Some(role.clone()),
            principal: Some(format!(
                "arn:aws:sts::{}:assumed-role/{}/{SESSION_NAME}",
                role_account(&role),
                role_name(&role)
            )),
            steps,
            refusal: None,
            trust: Some(trust),
            context,
            policies: builder.build(),
            scoped_down,
        })
    }

    fn choose_authenticated_role(
        &self,
        login: &Login,
        steps: &mut Vec<String>,
    ) -> Result<String, String> {
        let provider = login
            .provider
            .as_deref()
            .ok_or("a signed-in login needs `provider`")?;
        let key = if provider.starts_with("cognito-idp.") {
            let client = login
                .client_id
                .as_deref()
                .ok_or("a user-pool login needs `clientId`")?;
            let configured = self
                .pool
                .cognito_identity_providers
                .iter()
                .any(|p| p.provider_name == provider && p.client_id == client);
            if !configured {
                return Err(self
                    .pool
                    .unknown_provider(format!("`{provider}` with client `{client}`")));
            }
            format!("{provider}:{client}")
        } else {
            let configured = self.pool.supported_login_providers.contains_key(provider)
                || self
                    .pool
                    .open_id_connect_provider_arns
                    .iter()
                    .any(|p| p == provider)
                || self.pool.saml_provider_arns.iter().any(|p| p == provider)
                || self.pool.developer_provider_name.as_deref() == Some(provider);
            if !configured {
                return Err(self.pool.unknown_provider(format!("`{provider}`")));
            }
            provider.to_owned()
        };
        let choice = role_mapping::choose_role(
            self.roles.role_mappings.get(&key),
            self.roles.roles.get("authenticated").map(String::as_str),
            &login.claims,
            login.custom_role_arn.as_deref(),
        );
        steps.extend(choice.steps.iter().cloned());
        choice
            .role
            .ok_or_else(|| choice.steps.last().cloned().unwrap_or_default())
    }

    fn session_context(&self, login: &Login, role: &str, amr: &[String]) -> Context {
        let mut context = Context::new();
        context.insert(
            "cognito-identity.amazonaws.com:sub",
            login.identity_id.as_str(),
        );
        context.insert(
            "cognito-identity.amazonaws.com:aud",
            self.pool.identity_pool_id.as_str(),
        );
        context.insert(
            "cognito-identity.amazonaws.com:amr",
            ContextValue::Multi(amr.to_vec()),
        );
        context.insert("aws:PrincipalArn", role);
        context.insert("aws:PrincipalAccount", role_account(role));
        context.insert("aws:PrincipalType", "AssumedRole");
        // Attributes for access control: claims become principal tags.
        if let Some(provider) = &login.provider {
            for map in self
                .tag_maps
                .iter()
                .filter(|m| &m.identity_provider_name == provider)
            {
                let mut tags = map.principal_tags.clone();
                if map.use_defaults && tags.is_empty() {
                    tags.insert("username".into(), "sub".into());
                    tags.insert("client".into(), "aud".into());
                }
                for (tag, claim) in tags {
                    if let Some(Value::String(value)) = login.claims.get(&claim) {
                        context.insert(&format!("aws:PrincipalTag/{tag}"), value.as_str());
                    }
                }
            }
        }
        context
    }
}

/// CG2: `["unauthenticated"]` for guests; for users `authenticated` plus the
/// provider, and for user pools the `…:CognitoSignIn:<sub>` entry.
fn amr(login: &Login) -> Vec<String> {
    if login.unauthenticated {
        return vec!["unauthenticated".into()];
    }
    let mut amr = vec!["authenticated".to_owned()];
    if let Some(provider) = &login.provider {
        amr.push(provider.clone());
        if let Some(Value::String(sub)) = login.claims.get("sub") {
            if provider.starts_with("cognito-idp.") {
                amr.push(format!("{provider}:CognitoSignIn:{sub}"));
            } else {
                amr.push(format!("{provider}:{sub}"));
            }
        }
    }
    amr
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn role_account(arn: &str) -> &str {
    crate::arn::Arn::parse(arn).map_or("", |a| a.account())
}

/// The credentials a login got (or why it got none), ready to check requests.
#[derive(Debug, Clone)]
pub struct Session {
    role: Option<String>,
    principal: Option<String>,
    steps: Vec<String>,
    refusal: Option<String>,
    trust: Option<Explanation>,
    context: Context,
    policies: PolicySet,
    scoped_down: bool,
}

impl Session {
    fn refused(
        role: Option<String>,
        mut steps: Vec<String>,
        why: String,
        trust: Option<Explanation>,
    ) -> Self {
        steps.push(format!("no credentials: {why}"));
        Session {
            role,
            principal: None,
            steps,
            refusal: Some(why),
            trust,
            context: Context::new(),
            policies: PolicySet::builder().build(),
            scoped_down: false,
        }
    }

    /// The role whose credentials were issued; `None` when none were.
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref().filter(|_| self.refusal.is_none())
    }

    /// The role the pool chose, even when its trust policy then refused.
    pub fn chosen_role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// The session principal, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/CognitoIdentityCredentials`.
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    /// Why no credentials were issued, if none were.
    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }

    /// True when credentials were issued.
    pub fn has_credentials(&self) -> bool {
        self.refusal.is_none()
    }

    /// How the role was chosen, step by step.
    pub fn steps(&self) -> &[String] {
        &self.steps
    }

    /// The trust policy's explained decision, when a role was chosen.
    pub fn trust(&self) -> Option<&Explanation> {
        self.trust.as_ref()
    }

    /// The session context: `cognito-identity.amazonaws.com:sub`, `:aud`,
    /// `:amr`, the principal keys and any principal tags.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// True when the guest scope-down session policy applies.
    pub fn is_scoped_down(&self) -> bool {
        self.scoped_down
    }

    /// Builds the request the session would make, with `extra` context keys
    /// (request-specific ones such as `s3:prefix`) over the session's.
    pub fn request(&self, action: &str, resource: &str, extra: &[(&str, ContextValue)]) -> Request {
        let mut context = self.context.clone();
        for (key, value) in extra {
            context.insert(key, value.clone());
        }
        let mut builder = Request::builder(action, resource).with_context(context);
        if let Some(p) = &self.principal {
            builder = builder.principal(p.as_str());
        }
        builder.build()
    }

    /// Decides and explains one request made with these credentials. Without
    /// credentials everything is an implicit deny.
    pub fn check(
        &self,
        action: &str,
        resource: &str,
        extra: &[(&str, ContextValue)],
    ) -> Explanation {
        let request = self.request(action, resource, extra);
        self.policies.evaluate(&request).explanation()
    }

    /// The compiled policies of the session (role policies and, for guests,
    /// the scope-down session policy).
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }
}
