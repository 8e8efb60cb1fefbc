//! Intrinsic functions, parameters, pseudo parameters, conditions and the
//! physical ids of the resources a template creates.
//!
//! Source: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html>.
//!
//! Every function returns `Err(())` after recording an [`Unresolved`] with
//! the template path of the piece that could not be resolved; nothing is
//! guessed. `Ok(None)` is `AWS::NoValue`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::include::Includes;
use super::{Note, TemplateOptions, Unresolved};

/// How deep intrinsic functions may nest, counting Refs that go through a
/// resource's name property and conditions that go through a resource's
/// `Condition`. One budget for the whole resolution: a chain through
/// resource names or conditions does not start the count again.
pub const MAX_INTRINSIC_DEPTH: usize = 32;

/// How many nested steps of any kind (a mapping, a list, a function, a
/// condition, a name) the resolution may be inside at once. Every recursion
/// of the resolver counts against it, so no template can exhaust the stack.
pub const MAX_RESOLVE_FRAMES: usize = 512;

/// How many bytes of text and values resolving a template may produce in
/// all: strings built by `Fn::Sub`, `Fn::Join` and Serverless variables,
/// names handed out at each reference, values copied from `Mappings`,
/// `Parameters` and the template itself, and documents attached to roles.
/// Each name is resolved once, so a legitimate template stays within a few
/// times its own size (at most [`MAX_TEMPLATE_BYTES`](super::MAX_TEMPLATE_BYTES));
/// a template that doubles a name at every reference is refused instead of
/// growing exponentially.
pub const MAX_EXPANDED_BYTES: usize = 16 << 20;

/// How deep Serverless Framework variables may refer to each other.
const MAX_SERVERLESS_DEPTH: usize = 8;

/// A value replaced while loading (a Serverless variable that has no value):
/// `{MARKER: reason}` is reported wherever it is used.
pub(super) const MARKER: &str = "iam-eval::Unresolved";

/// The account CloudFormation's documentation uses in its examples.
pub(super) const DEFAULT_ACCOUNT: &str = "123456789012";
pub(super) const DEFAULT_REGION: &str = "us-east-1";
pub(super) const DEFAULT_STACK: &str = "iam-eval-stack";

/// `Ok(Some(value))`, `Ok(None)` for `AWS::NoValue`, `Err(())` once reported.
pub(super) type Resolved = Result<Option<Value>, ()>;

pub(super) struct Resolver<'t> {
    section: &'t Map<String, Value>,
    prefix: &'t str,
    options: &'t TemplateOptions,
    conditions: BTreeMap<String, Result<bool, ()>>,
    busy: BTreeSet<String>,
    /// Each resource's physical id, resolved once.
    ids: BTreeMap<String, Result<String, ()>>,
    /// Name properties (`RoleName`, `Path`, …) by (logical id, property),
    /// resolved once.
    names: BTreeMap<(String, String), Result<Option<String>, ()>>,
    /// Intrinsic functions, conditions and names open now.
    depth: usize,
    /// Recursive steps of any kind open now.
    frames: usize,
    /// Bytes produced so far (see [`MAX_EXPANDED_BYTES`]).
    pub(super) expanded: usize,
    /// Why the expansion budget ran out, once it has: the load fails.
    pub(super) exhausted: Option<String>,
    /// Serverless variables by their text, each resolved once.
    serverless: BTreeMap<String, Result<String, String>>,
    pub(super) notes: Vec<Note>,
    pub(super) unresolved: Vec<Unresolved>,
    /// `provider.region` of a Serverless file: over the default, under
    /// [`TemplateOptions::region`].
    pub(super) template_region: Option<String>,
    /// Where `${file(…)}` includes may be read; `None` when the template's
    /// location is not known (then an include is an error).
    pub(super) includes: Option<Includes>,
    /// Why the load fails (an include that cannot be read), once it does.
    pub(super) fatal: Option<String>,
    /// The `--param` keys a Serverless variable looked up: a key nothing
    /// looks up is an error, not silently ignored.
    pub(super) consulted: BTreeSet<String>,
    /// The file each resource came from, for its template path.
    pub(super) origins: BTreeMap<String, String>,
    /// (subject, message) and (path, reason) already recorded: a hostile
    /// template can make many, and searching the lists was quadratic.
    noted: BTreeSet<(String, String)>,
    failed: BTreeSet<(String, String)>,
}

/// The size of a value as text, counted without recursion.
pub(super) fn value_bytes(value: &Value) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(match v {
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items);
                2
            }
            Value::Object(map) => {
                for (k, item) in map {
                    total = total.saturating_add(k.len() + 3);
                    stack.push(item);
                }
                2
            }
            _ => 8,
        });
    }
    total
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::") || key == MARKER
}

/// A scalar as CloudFormation turns it into text.
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// FNV-1a, for deterministic placeholder ids.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// `len` characters from `alphabet`, derived from `seed`.
fn placeholder(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut state = seed;
    let mut out = String::with_capacity(len);
    let n = alphabet.len().max(1) as u64;
    for _ in 0..len {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let index = usize::try_from((state >> 33) % n).unwrap_or(0);
        if let Some(&c) = alphabet.get(index) {
            out.push(char::from(c));
        }
    }
    out
}

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

impl<'t> Resolver<'t> {
    pub(super) fn new(
        section: &'t Map<String, Value>,
        prefix: &'t str,
        options: &'t TemplateOptions,
    ) -> Self {
        Resolver {
            section,
            prefix,
            options,
            conditions: BTreeMap::new(),
            busy: BTreeSet::new(),
            ids: BTreeMap::new(),
            names: BTreeMap::new(),
            depth: 0,
            frames: 0,
            expanded: 0,
            exhausted: None,
            serverless: BTreeMap::new(),
            notes: Vec::new(),
            unresolved: Vec::new(),
            template_region: None,
            includes: None,
            fatal: None,
            consulted: BTreeSet::new(),
            origins: BTreeMap::new(),
            noted: BTreeSet::new(),
            failed: BTreeSet::new(),
        }
    }

    /// Runs `step` one level deeper: one frame, and one level of
    /// [`MAX_INTRINSIC_DEPTH`] when `intrinsic`. Every recursion of the
    /// resolver goes through here, so the limits hold however the template
    /// chains its references.
    fn nested<T>(
        &mut self,
        path: &str,
        intrinsic: bool,
        step: impl FnOnce(&mut Self) -> Result<T, ()>,
    ) -> Result<T, ()> {
        if self.exhausted.is_some() || self.fatal.is_some() {
            return Err(());
        }
        if intrinsic && self.depth >= MAX_INTRINSIC_DEPTH {
            return self.fail(
                path,
                format!("intrinsic functions nest more than {MAX_INTRINSIC_DEPTH} deep (counting references through names and conditions)"),
            );
        }
        if self.frames >= MAX_RESOLVE_FRAMES {
            return self.fail(
                path,
                format!("the template nests more than {MAX_RESOLVE_FRAMES} steps deep"),
            );
        }
        self.frames += 1;
        self.depth += usize::from(intrinsic);
        let result = step(self);
        self.frames -= 1;
        self.depth -= usize::from(intrinsic);
        result
    }

    /// Counts `bytes` produced against [`MAX_EXPANDED_BYTES`].
    pub(super) fn charge(&mut self, path: &str, bytes: usize) -> Result<(), ()> {
        self.expanded = self.expanded.saturating_add(bytes);
        if self.expanded <= MAX_EXPANDED_BYTES {
            return Ok(());
        }
        if self.exhausted.is_none() {
            let why = format!("resolving the template produces more than {MAX_EXPANDED_BYTES} bytes (MAX_EXPANDED_BYTES), at {path}");
            self.exhausted = Some(why.clone());
            let _ = self.fail::<()>(path, why);
        }
        Err(())
    }

    fn part(&self, name: &str) -> Option<&'t Map<String, Value>> {
        self.section.get(name).and_then(Value::as_object)
    }

    pub(super) fn resources(&self) -> Option<&'t Map<String, Value>> {
        self.part("Resources")
    }

    pub(super) fn resource_path(&self, logical: &str) -> String {
        match self.origins.get(logical) {
            Some(file) => format!("{file}:Resources.{logical}"),
            None => format!("{}Resources.{logical}", self.prefix),
        }
    }

    pub(super) fn note(&mut self, subject: &str, message: String) {
        if self.noted.insert((subject.to_owned(), message.clone())) {
            self.notes.push(Note {
                subject: subject.to_owned(),
                message,
            });
        }
    }

    pub(super) fn fail<T>(&mut self, path: &str, reason: String) -> Result<T, ()> {
        if self.failed.insert((path.to_owned(), reason.clone())) {
            self.unresolved.push(Unresolved {
                path: path.to_owned(),
                reason,
            });
        }
        Err(())
    }

    /// Resolves every intrinsic function in `value`.
    pub(super) fn resolve(&mut self, value: &Value, path: &str) -> Resolved {
        self.resolve_at(value, path)
    }

    /// Resolves `value` to one string.
    pub(super) fn resolve_text(&mut self, value: &Value, path: &str) -> Result<String, ()> {
        self.text_at(value, path)
    }

    fn text_at(&mut self, value: &Value, path: &str) -> Result<String, ()> {
        match self.resolve_at(value, path)? {
            Some(v) => match text(&v) {
                Some(t) => Ok(t),
                None => self.fail(path, format!("expected a string, found `{v}`")),
            },
            None => self.fail(path, "expected a string, found `AWS::NoValue`".into()),
        }
    }

    fn resolve_at(&mut self, value: &Value, path: &str) -> Resolved {
        self.nested(path, false, |this| this.resolve_here(value, path))
    }

    fn resolve_here(&mut self, value: &Value, path: &str) -> Resolved {
        match value {
            Value::Object(map) => {
                if let (1, Some((key, arg))) = (map.len(), map.iter().next()) {
                    if is_intrinsic(key) {
                        let here = format!("{path}.{key}");
                        return self.nested(&here, true, |this| this.intrinsic(key, arg, &here));
                    }
                }
                let mut out = Map::new();
                let mut ok = true;
                for (key, item) in map {
                    match self.resolve_at(item, &format!("{path}.{key}")) {
                        Ok(Some(v)) => {
                            out.insert(key.clone(), v);
                        }
                        Ok(None) => {}
                        Err(()) => ok = false,
                    }
                }
                if ok {
                    Ok(Some(Value::Object(out)))
                } else {
                    Err(())
                }
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.resolve_at(item, &format!("{path}[{i}]")) {
                        Ok(Some(v)) => out.push(v),
                        Ok(None) => {}
                        Err(()) => ok = false,
                    }
                }
                if ok {
                    Ok(Some(Value::Array(out)))
                } else {
                    Err(())
                }
            }
            other => {
                self.charge(path, value_bytes(other))?;
                Ok(Some(other.clone()))
            }
        }
    }

    fn args<'a>(
        &mut self,
        name: &str,
        arg: &'a Value,
        path: &str,
        count: usize,
    ) -> Result<&'a [Value], ()> {
        match arg.as_array() {
            Some(items) if items.len() == count => Ok(items.as_slice()),
            _ => self.fail(path, format!("`{name}` takes a list of {count} arguments")),
        }
    }

    fn intrinsic(&mut self, name: &str, arg: &Value, path: &str) -> Resolved {
        match name {
            MARKER => {
                let reason = text(arg).unwrap_or_default();
                self.fail(path, reason)
            }
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, path),
                None => self.fail(
                    path,
                    "`Ref` takes the name of a parameter or resource".into(),
                ),
            },
            "Fn::GetAtt" => {
                let (logical, attribute) = match arg {
                    Value::String(s) => match s.split_once('.') {
                        Some((l, a)) => (l.to_owned(), a.to_owned()),
                        None => {
                            return self.fail(
                                path,
                                format!("`Fn::GetAtt` `{s}` is not `Resource.Attribute`"),
                            )
                        }
                    },
                    Value::Array(items) => match items.as_slice() {
                        [Value::String(l), attribute] => {
                            let a = self.text_at(attribute, &format!("{path}[1]"))?;
                            (l.clone(), a)
                        }
                        _ => {
                            return self
                                .fail(path, "`Fn::GetAtt` takes [Resource, Attribute]".into())
                        }
                    },
                    _ => return self.fail(path, "`Fn::GetAtt` takes [Resource, Attribute]".into()),
                };
                self.get_att(&logical, &attribute, path)
                    .map(|s| Some(Value::String(s)))
            }
            "Fn::Sub" => self.sub(arg, path).map(|s| Some(Value::String(s))),
            "Fn::Join" => {
                let [delimiter, list] = self.args(name, arg, path, 2)? else {
                    return Err(());
                };
                let delimiter = self.text_at(delimiter, &format!("{path}[0]"))?;
                let items = self.list_at(list, &format!("{path}[1]"))?;
                let bytes = items.iter().map(String::len).sum::<usize>()
                    + delimiter.len().saturating_mul(items.len());
                self.charge(path, bytes)?;
                Ok(Some(Value::String(items.join(&delimiter))))
            }
            "Fn::Select" => {
                let [index, list] = self.args(name, arg, path, 2)? else {
                    return Err(());
                };
                let index_text = self.text_at(index, &format!("{path}[0]"))?;
                let Ok(index) = index_text.trim().parse::<usize>() else {
                    return self.fail(
                        path,
                        format!("`Fn::Select` index `{index_text}` is not a number"),
                    );
                };
                let list_path = format!("{path}[1]");
                let items = match self.resolve_at(list, &list_path)? {
                    Some(Value::Array(items)) => items,
                    _ => return self.fail(&list_path, "`Fn::Select` needs a list".into()),
                };
                match items.into_iter().nth(index) {
                    Some(item) => Ok(Some(item)),
                    None => self.fail(path, format!("`Fn::Select` index {index} is out of range")),
                }
            }
            "Fn::Split" => {
                let [delimiter, source] = self.args(name, arg, path, 2)? else {
                    return Err(());
                };
                let delimiter = self.text_at(delimiter, &format!("{path}[0]"))?;
                let source = self.text_at(source, &format!("{path}[1]"))?;
                if delimiter.is_empty() {
                    return self.fail(path, "`Fn::Split` needs a delimiter".into());
                }
                self.charge(path, source.len())?;
                Ok(Some(Value::Array(
                    source
                        .split(delimiter.as_str())
                        .map(|s| Value::String(s.to_owned()))
                        .collect(),
                )))
            }
            "Fn::If" => {
                let [condition, yes, no] = self.args(name, arg, path, 3)? else {
                    return Err(());
                };
                let Some(condition) = condition.as_str() else {
                    return self.fail(path, "`Fn::If` takes a condition name first".into());
                };
                if self.condition(condition, path)? {
                    self.resolve_at(yes, &format!("{path}[1]"))
                } else {
                    self.resolve_at(no, &format!("{path}[2]"))
                }
            }
            "Fn::FindInMap" => {
                let [map, top, second] = self.args(name, arg, path, 3)? else {
                    return Err(());
                };
                let map = self.text_at(map, &format!("{path}[0]"))?;
                let top = self.text_at(top, &format!("{path}[1]"))?;
                let second = self.text_at(second, &format!("{path}[2]"))?;
                let found = self
                    .part("Mappings")
                    .and_then(|m| m.get(&map))
                    .and_then(|m| m.get(&top))
                    .and_then(|m| m.get(&second))
                    .cloned();
                match found {
                    Some(v) => {
                        self.charge(path, value_bytes(&v))?;
                        Ok(Some(v))
                    }
                    None => self.fail(
                        path,
                        format!("`Mappings.{map}.{top}.{second}` does not exist"),
                    ),
                }
            }
            "Fn::ImportValue" => self.fail(
                path,
                "`Fn::ImportValue` reads another stack's export, which is not known offline".into(),
            ),
            other => self.fail(path, format!("unsupported intrinsic function `{other}`")),
        }
    }

    fn list_at(&mut self, value: &Value, path: &str) -> Result<Vec<String>, ()> {
        match self.resolve_at(value, path)? {
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in &items {
                    match text(item) {
                        Some(t) => out.push(t),
                        None => {
                            return self
                                .fail(path, format!("expected a list of strings, found `{item}`"))
                        }
                    }
                }
                Ok(out)
            }
            _ => self.fail(path, "expected a list of strings".into()),
        }
    }

    /// `Ref`: `AWS::NoValue`, a pseudo parameter, a parameter or a resource.
    fn reference(&mut self, target: &str, path: &str) -> Resolved {
        if target == "AWS::NoValue" {
            return Ok(None);
        }
        if target.starts_with("AWS::") {
            return self.pseudo(target, path).map(|s| Some(Value::String(s)));
        }
        if let Some(definition) = self.part("Parameters").and_then(|p| p.get(target)) {
            return self.parameter(target, definition, path).map(Some);
        }
        if self.resources().is_some_and(|r| r.contains_key(target)) {
            return self
                .physical_id(target, path)
                .map(|s| Some(Value::String(s)));
        }
        self.fail(
            path,
            format!("unknown `Ref` to `{target}`: not a parameter, pseudo parameter or resource of the template{}", framework_hint(target)),
        )
    }

    pub(super) fn pseudo(&mut self, name: &str, path: &str) -> Result<String, ()> {
        let options = self.options;
        let given_or_default = |given: &Option<String>, default: &str| {
            (
                given.clone().unwrap_or_else(|| default.to_owned()),
                given.is_none(),
            )
        };
        match name {
            "AWS::AccountId" => {
                let (v, defaulted) = given_or_default(&options.account_id, DEFAULT_ACCOUNT);
                if defaulted {
                    self.note(name, format!("defaulted to `{v}` (give --account)"));
                }
                Ok(v)
            }
            "AWS::Region" => Ok(self.region()),
            "AWS::Partition" => Ok(self.partition()),
            "AWS::URLSuffix" => Ok(self.url_suffix()),
            "AWS::StackName" => Ok(self.stack_name()),
            "AWS::StackId" => {
                let partition = self.partition();
                let region = self.region();
                let account = self.pseudo("AWS::AccountId", path)?;
                let stack = self.stack_name();
                let seed = hash(&[&stack, "StackId"]);
                let id = format!(
                    "arn:{partition}:cloudformation:{region}:{account}:stack/{stack}/{}-{}-{}-{}-{}",
                    placeholder(seed, 8, HEX),
                    placeholder(seed ^ 1, 4, HEX),
                    placeholder(seed ^ 2, 4, HEX),
                    placeholder(seed ^ 3, 4, HEX),
                    placeholder(seed ^ 4, 12, HEX)
                );
                self.note(name, format!("generated placeholder `{id}`"));
                Ok(id)
            }
            "AWS::NotificationARNs" => self.fail(
                path,
                "`AWS::NotificationARNs` is only known when the stack is deployed".into(),
            ),
            other => self.fail(path, format!("unknown pseudo parameter `{other}`")),
        }
    }

    pub(super) fn region(&mut self) -> String {
        match (&self.options.region, &self.template_region) {
            (Some(given), Some(written)) if given != written => {
                let message =
                    format!("`{given}` (--region), not the template's provider.region `{written}`");
                let given = given.clone();
                self.note("AWS::Region", message);
                given
            }
            (Some(r), _) => r.clone(),
            (None, Some(written)) => {
                let written = written.clone();
                self.note(
                    "AWS::Region",
                    format!("`{written}`, from the template's provider.region (give --region to override)"),
                );
                written
            }
            (None, None) => {
                self.note(
                    "AWS::Region",
                    format!("defaulted to `{DEFAULT_REGION}` (give --region)"),
                );
                DEFAULT_REGION.to_owned()
            }
        }
    }

    fn partition(&mut self) -> String {
        if let Some(p) = &self.options.partition {
            return p.clone();
        }
        let region = self.region();
        if region.starts_with("cn-") {
            "aws-cn".into()
        } else if region.starts_with("us-gov-") {
            "aws-us-gov".into()
        } else {
            "aws".into()
        }
    }

    fn url_suffix(&mut self) -> String {
        if self.partition() == "aws-cn" {
            "amazonaws.com.cn".into()
        } else {
            "amazonaws.com".into()
        }
    }

    fn stack_name(&mut self) -> String {
        match &self.options.stack_name {
            Some(s) => s.clone(),
            None => {
                self.note(
                    "AWS::StackName",
                    format!("defaulted to `{DEFAULT_STACK}` (give --stack-name)"),
                );
                DEFAULT_STACK.to_owned()
            }
        }
    }

    fn account(&mut self, path: &str) -> Result<String, ()> {
        self.pseudo("AWS::AccountId", path)
    }

    fn parameter(&mut self, name: &str, definition: &Value, path: &str) -> Result<Value, ()> {
        let kind = definition
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("String");
        let value = match self.options.parameters.get(name) {
            Some(v) => v.clone(),
            None if kind.starts_with("AWS::SSM::Parameter::Value") => {
                return self.fail(
                    path,
                    format!("parameter `{name}` is read from SSM Parameter Store when deployed: give --param {name}=VALUE"),
                )
            }
            None => match definition.get("Default") {
                Some(marker @ Value::Object(_)) => {
                    // A Serverless variable without a value.
                    let here = format!("{}Parameters.{name}.Default", self.prefix);
                    let _ = self.resolve_at(marker, &here)?;
                    return self.fail(&here, format!("parameter `{name}` has an invalid Default"));
                }
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(text)
                    .collect::<Vec<_>>()
                    .join(","),
                Some(v) => match text(v) {
                    Some(t) => t,
                    None => return self.fail(path, format!("parameter `{name}` has an invalid Default")),
                },
                None => {
                    return self.fail(
                        path,
                        format!("parameter `{name}` has no value and no Default: give --param {name}=VALUE"),
                    )
                }
            },
        };
        if let Some(Value::Array(allowed)) = definition.get("AllowedValues") {
            if !allowed
                .iter()
                .any(|a| text(a).as_deref() == Some(value.as_str()))
            {
                return self.fail(
                    path,
                    format!(
                        "value `{value}` of parameter `{name}` is not one of its AllowedValues"
                    ),
                );
            }
        }
        self.charge(path, value.len())?;
        if kind == "CommaDelimitedList" || kind.starts_with("List<") {
            Ok(Value::Array(
                value
                    .split(',')
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            ))
        } else {
            Ok(Value::String(value))
        }
    }

    /// Whether a resource exists: it has no `Condition`, or its condition is true.
    pub(super) fn created(&mut self, logical: &str) -> Result<bool, ()> {
        let resource = self.resources().and_then(|r| r.get(logical));
        match resource.and_then(|r| r.get("Condition")) {
            None => Ok(resource.is_some()),
            Some(Value::String(name)) => {
                let path = format!("{}.Condition", self.resource_path(logical));
                self.condition(&name.clone(), &path)
            }
            Some(_) => {
                let path = format!("{}.Condition", self.resource_path(logical));
                self.fail(&path, "a resource's `Condition` is a condition name".into())
            }
        }
    }

    pub(super) fn resource_type(&self, logical: &str) -> &'t str {
        self.resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// A property of a resource as written, with its template path.
    fn raw_property(&self, logical: &str, name: &str) -> Option<(&'t Value, String)> {
        let value = self
            .resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(name))?;
        Some((
            value,
            format!("{}.Properties.{name}", self.resource_path(logical)),
        ))
    }

    /// A property of a resource, resolved (`None` when absent).
    pub(super) fn property(&mut self, logical: &str, name: &str) -> Resolved {
        let Some((value, path)) = self.raw_property(logical, name) else {
            return Ok(None);
        };
        self.resolve_at(value, &path)
    }

    fn name_property(&mut self, logical: &str, name: &str) -> Result<Option<String>, ()> {
        let key = (logical.to_owned(), name.to_owned());
        let found = match self.names.get(&key) {
            Some(known) => known.clone(),
            None => {
                let Some((value, path)) = self.raw_property(logical, name) else {
                    return Ok(None);
                };
                let resolved = self.text_at(value, &path).map(Some);
                self.names.insert(key, resolved.clone());
                resolved
            }
        };
        if let Ok(Some(name)) = &found {
            self.charge(logical, name.len())?;
        }
        found
    }

    /// What `Ref` returns for a resource the template creates.
    pub(super) fn physical_id(&mut self, logical: &str, path: &str) -> Result<String, ()> {
        if let Some(id) = self.options.physical_ids.get(logical) {
            return Ok(id.clone());
        }
        let id = match self.ids.get(logical) {
            Some(known) => known.clone(),
            None => {
                if !self.busy.insert(logical.to_owned()) {
                    return self.fail(path, format!("the name of `{logical}` depends on itself"));
                }
                let id = self.nested(path, true, |this| this.find_physical_id(logical, path));
                self.busy.remove(logical);
                self.ids.insert(logical.to_owned(), id.clone());
                id
            }
        };
        if let Ok(id) = &id {
            self.charge(path, id.len())?;
        }
        id
    }

    /// [`Resolver::physical_id`], the first time it is asked for.
    fn find_physical_id(&mut self, logical: &str, path: &str) -> Result<String, ()> {
        if !self.created(logical)? {
            return self.fail(
                path,
                format!("resource `{logical}` is not created: its Condition is false"),
            );
        }
        let pinned = self
            .resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Metadata"))
            .and_then(|m| m.get("iam-eval"))
            .and_then(|m| m.get("PhysicalId"))
            .and_then(Value::as_str);
        if let Some(id) = pinned {
            return Ok(id.to_owned());
        }
        self.compute_physical_id(logical, path)
    }

    fn generated(&mut self, logical: &str, kind: &str, id: String) -> String {
        let by = self
            .resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Metadata"))
            .and_then(|m| m.get("iam-eval"))
            .and_then(|m| m.get(super::GENERATED_BY))
            .and_then(Value::as_str)
            .map(|by| format!("; the resource itself is generated {by}"))
            .unwrap_or_default();
        self.note(
            logical,
            format!("{kind} `{id}` is a generated placeholder (pin the deployed one with --physical-id {logical}=ID or Metadata `iam-eval: {{PhysicalId: ID}}`){by}"),
        );
        id
    }

    fn compute_physical_id(&mut self, logical: &str, path: &str) -> Result<String, ()> {
        let kind = self.resource_type(logical);
        let seed = hash(&[
            self.options.stack_name.as_deref().unwrap_or(DEFAULT_STACK),
            logical,
        ]);
        let named = |this: &mut Self, property: &str| this.name_property(logical, property);
        match kind {
            "AWS::IAM::Role" => match named(self, "RoleName")? {
                Some(name) => Ok(name),
                None => {
                    let stack = self.stack_name();
                    let mut name = format!("{stack}-{logical}-{}", placeholder(seed, 12, UPPER));
                    // Role names hold at most 64 characters
                    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html);
                    // cut at a character, not a byte, so a non-ASCII
                    // logical id (invalid, but read anyway) cannot split one.
                    let end = name.char_indices().nth(64).map_or(name.len(), |(at, _)| at);
                    name.truncate(end);
                    Ok(self.generated(logical, "role name", name))
                }
            },
            "AWS::IAM::ManagedPolicy" => {
                let name = match named(self, "ManagedPolicyName")? {
                    Some(name) => name,
                    None => {
                        let stack = self.stack_name();
                        let name = format!("{stack}-{logical}-{}", placeholder(seed, 12, UPPER));
                        self.generated(logical, "managed policy name", name)
                    }
                };
                let policy_path = named(self, "Path")?.unwrap_or_else(|| "/".into());
                let partition = self.partition();
                let account = self.account(path)?;
                Ok(format!("arn:{partition}:iam::{account}:policy{policy_path}{name}"))
            }
            "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => {
                let stack = self.stack_name();
                let id = format!("{stack}-{}", placeholder(seed, 12, UPPER));
                Ok(self.generated(logical, "policy id", id))
            }
            "AWS::Cognito::UserPool" => {
                let region = self.region();
                let id = format!("{region}_{}", placeholder(seed, 9, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
                Ok(self.generated(logical, "user pool id", id))
            }
            "AWS::Cognito::UserPoolClient" => {
                let id = placeholder(seed, 26, LOWER);
                Ok(self.generated(logical, "app client id", id))
            }
            "AWS::Cognito::IdentityPool" => {
                let region = self.region();
                let id = format!(
                    "{region}:{}-{}-4{}-8{}-{}",
                    placeholder(seed, 8, HEX),
                    placeholder(seed ^ 1, 4, HEX),
                    placeholder(seed ^ 2, 3, HEX),
                    placeholder(seed ^ 3, 3, HEX),
                    placeholder(seed ^ 4, 12, HEX)
                );
                Ok(self.generated(logical, "identity pool id", id))
            }
            "AWS::S3::Bucket" => match named(self, "BucketName")? {
                Some(name) => Ok(name),
                None => {
                    let stack = self.stack_name().to_ascii_lowercase();
                    let name = format!(
                        "{stack}-{}-{}",
                        logical.to_ascii_lowercase(),
                        placeholder(seed, 12, LOWER)
                    );
                    Ok(self.generated(logical, "bucket name", name))
                }
            },
            "AWS::ApiGateway::RestApi" | "AWS::ApiGatewayV2::Api" => {
                let id = placeholder(seed, 10, LOWER);
                Ok(self.generated(logical, "API id", id))
            }
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                match named(self, "FunctionName")? {
                    Some(name) => Ok(name),
                    None => {
                        let stack = self.stack_name();
                        let mut name =
                            format!("{stack}-{logical}-{}", placeholder(seed, 12, UPPER));
                        // Function names hold at most 64 characters
                        // (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
                        let end = name.char_indices().nth(64).map_or(name.len(), |(at, _)| at);
                        name.truncate(end);
                        Ok(self.generated(logical, "function name", name))
                    }
                }
            }
            "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => match named(self, "TableName")? {
                Some(name) => Ok(name),
                None => {
                    let stack = self.stack_name();
                    let name = format!("{stack}-{logical}-{}", placeholder(seed, 12, UPPER));
                    Ok(self.generated(logical, "table name", name))
                }
            },
            other => self.fail(
                path,
                format!("the physical id of `{logical}` (`{other}`) is not modelled: give --physical-id {logical}=ID"),
            ),
        }
    }

    /// A role's ARN: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
    pub(super) fn role_arn(&mut self, logical: &str, path: &str) -> Result<String, ()> {
        let name = self.physical_id(logical, path)?;
        let role_path = self
            .name_property(logical, "Path")?
            .unwrap_or_else(|| "/".into());
        let partition = self.partition();
        let account = self.account(path)?;
        Ok(format!(
            "arn:{partition}:iam::{account}:role{role_path}{name}"
        ))
    }

    fn get_att(&mut self, logical: &str, attribute: &str, path: &str) -> Result<String, ()> {
        if !self.resources().is_some_and(|r| r.contains_key(logical)) {
            return self.fail(
                path,
                format!(
                    "unknown resource `{logical}` in `Fn::GetAtt`{}",
                    framework_hint(logical)
                ),
            );
        }
        let kind = self.resource_type(logical);
        let unknown = |this: &mut Self| {
            this.fail(
                path,
                format!("`Fn::GetAtt {logical}.{attribute}` (`{kind}`) is not known before deploy or not modelled"),
            )
        };
        match (kind, attribute) {
            ("AWS::IAM::Role", "Arn") => self.role_arn(logical, path),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => self.physical_id(logical, path),
            ("AWS::Cognito::UserPool", "UserPoolId") => self.physical_id(logical, path),
            ("AWS::Cognito::UserPool", "ProviderName") => {
                let id = self.physical_id(logical, path)?;
                let region = self.region();
                let suffix = self.url_suffix();
                Ok(format!("cognito-idp.{region}.{suffix}/{id}"))
            }
            ("AWS::Cognito::UserPool", "ProviderURL") => {
                let id = self.physical_id(logical, path)?;
                let region = self.region();
                let suffix = self.url_suffix();
                Ok(format!("https://cognito-idp.{region}.{suffix}/{id}"))
            }
            ("AWS::Cognito::UserPool", "Arn") => {
                let id = self.physical_id(logical, path)?;
                let (partition, region) = (self.partition(), self.region());
                let account = self.account(path)?;
                Ok(format!(
                    "arn:{partition}:cognito-idp:{region}:{account}:userpool/{id}"
                ))
            }
            ("AWS::Cognito::UserPoolClient", "ClientId") => self.physical_id(logical, path),
            ("AWS::Cognito::UserPoolClient", "Name") => {
                match self.name_property(logical, "ClientName")? {
                    Some(name) => Ok(name),
                    None => unknown(self),
                }
            }
            ("AWS::Cognito::IdentityPool", "Id") => self.physical_id(logical, path),
            ("AWS::Cognito::IdentityPool", "Name") => {
                match self.name_property(logical, "IdentityPoolName")? {
                    Some(name) => Ok(name),
                    None => unknown(self),
                }
            }
            ("AWS::S3::Bucket", "Arn") => {
                let name = self.physical_id(logical, path)?;
                let partition = self.partition();
                Ok(format!("arn:{partition}:s3:::{name}"))
            }
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                let name = self.physical_id(logical, path)?;
                let (partition, region) = (self.partition(), self.region());
                let account = self.account(path)?;
                Ok(format!(
                    "arn:{partition}:lambda:{region}:{account}:function:{name}"
                ))
            }
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "Arn") => {
                let name = self.physical_id(logical, path)?;
                let (partition, region) = (self.partition(), self.region());
                let account = self.account(path)?;
                Ok(format!(
                    "arn:{partition}:dynamodb:{region}:{account}:table/{name}"
                ))
            }
            _ => unknown(self),
        }
    }

    fn sub(&mut self, arg: &Value, path: &str) -> Result<String, ()> {
        let (template, variables) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(items) => match items.as_slice() {
                [Value::String(s), Value::Object(vars)] => (s.as_str(), Some(vars)),
                _ => {
                    return self.fail(
                        path,
                        "`Fn::Sub` takes a string or [string, {variables}]".into(),
                    )
                }
            },
            _ => {
                return self.fail(
                    path,
                    "`Fn::Sub` takes a string or [string, {variables}]".into(),
                )
            }
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        let mut ok = true;
        // Each variable of the list is resolved once however often it is
        // used: a variable whose value uses another twice, nested, would
        // otherwise be resolved exponentially often.
        let mut known: BTreeMap<&str, Result<String, ()>> = BTreeMap::new();
        while let Some(start) = rest.find("${") {
            let literal = rest.get(..start).unwrap_or_default();
            self.charge(path, literal.len())?;
            out.push_str(literal);
            let after = rest.get(start + 2..).unwrap_or_default();
            let Some(end) = after.find('}') else {
                return self.fail(path, format!("unterminated `${{` in `{template}`"));
            };
            let name = after.get(..end).unwrap_or_default();
            rest = after.get(end + 1..).unwrap_or_default();
            if let Some(literal) = name.strip_prefix('!') {
                // `${!Literal}` is written out as `${Literal}`: how IAM
                // policy variables are written inside Sub strings.
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let name = name.trim();
            let value = if let Some((key, v)) = variables.and_then(|vars| vars.get_key_value(name))
            {
                match known.get(key.as_str()) {
                    Some(value) => value.clone(),
                    None => {
                        let here = format!("{path}[1].{name}");
                        let value = self.text_at(v, &here);
                        known.insert(key.as_str(), value.clone());
                        value
                    }
                }
            } else if let (Some((logical, attribute)), false) =
                (name.split_once('.'), name.starts_with("AWS::"))
            {
                self.get_att(logical, attribute, path)
            } else {
                match self.reference(name, path) {
                    Ok(Some(v)) => match text(&v) {
                        Some(t) => Ok(t),
                        None => self.fail(path, format!("`${{{name}}}` is a list, not a string")),
                    },
                    Ok(None) => self.fail(path, format!("`${{{name}}}` is `AWS::NoValue`")),
                    Err(()) => Err(()),
                }
            };
            match value {
                Ok(v) => {
                    self.charge(path, v.len())?;
                    out.push_str(&v);
                }
                Err(()) => ok = false,
            }
        }
        self.charge(path, rest.len())?;
        out.push_str(rest);
        if ok {
            Ok(out)
        } else {
            Err(())
        }
    }

    /// Evaluates a named condition of the `Conditions` section.
    pub(super) fn condition(&mut self, name: &str, path: &str) -> Result<bool, ()> {
        if let Some(known) = self.conditions.get(name) {
            return *known;
        }
        let Some(definition) = self.part("Conditions").and_then(|c| c.get(name)) else {
            return self.fail(path, format!("unknown condition `{name}`"));
        };
        let key = format!("condition {name}");
        if !self.busy.insert(key.clone()) {
            return self.fail(path, format!("condition `{name}` depends on itself"));
        }
        let here = format!("{}Conditions.{name}", self.prefix);
        let value = self.condition_value(definition, &here);
        self.busy.remove(&key);
        self.conditions.insert(name.to_owned(), value);
        value
    }

    fn condition_value(&mut self, value: &Value, path: &str) -> Result<bool, ()> {
        self.nested(path, true, |this| this.condition_here(value, path))
    }

    fn condition_here(&mut self, value: &Value, path: &str) -> Result<bool, ()> {
        let Some((1, Some((function, arg)))) =
            value.as_object().map(|m| (m.len(), m.iter().next()))
        else {
            return self.fail(path, "expected a condition function".into());
        };
        let here = format!("{path}.{function}");
        match function.as_str() {
            "Fn::Equals" => {
                let [a, b] = self.args(function, arg, &here, 2)? else {
                    return Err(());
                };
                let a = self.resolve_at(a, &format!("{here}[0]"));
                let b = self.resolve_at(b, &format!("{here}[1]"));
                let (a, b) = (a?, b?);
                let as_text = |v: &Option<Value>| {
                    v.as_ref().map(|v| text(v).unwrap_or_else(|| v.to_string()))
                };
                Ok(as_text(&a) == as_text(&b))
            }
            "Fn::Not" => {
                let [inner] = self.args(function, arg, &here, 1)? else {
                    return Err(());
                };
                Ok(!self.condition_value(inner, &format!("{here}[0]"))?)
            }
            "Fn::And" | "Fn::Or" => {
                let Some(items) = arg.as_array().filter(|i| (2..=10).contains(&i.len())) else {
                    return self.fail(&here, format!("`{function}` takes 2 to 10 conditions"));
                };
                let mut results = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    results.push(self.condition_value(item, &format!("{here}[{i}]")));
                }
                let results: Result<Vec<bool>, ()> = results.into_iter().collect();
                let results = results?;
                Ok(if function == "Fn::And" {
                    results.iter().all(|r| *r)
                } else {
                    results.iter().any(|r| *r)
                })
            }
            "Condition" => match arg.as_str() {
                Some(name) => self.condition(name, &here),
                None => self.fail(&here, "`Condition` takes a condition name".into()),
            },
            other => self.fail(&here, format!("`{other}` is not a condition function")),
        }
    }

    /// Replaces the Serverless Framework variables (`${self:…}`, `${opt:…}`,
    /// `${sls:…}`, …) in every string of `value`, and a string that is one
    /// `${file(PATH)}` (or `${file(PATH):key}`) by what the file holds; one
    /// without a value makes its string a [`MARKER`], reported where it is
    /// used. An include that cannot be read sets [`Resolver::fatal`].
    pub(super) fn serverless_pass(&mut self, value: &mut Value, root: &Value, path: &str) {
        let _ = self.nested(path, false, |this| {
            this.serverless_here(value, root, path);
            Ok(())
        });
    }

    fn serverless_here(&mut self, value: &mut Value, root: &Value, path: &str) {
        match value {
            Value::String(s) if s.contains("${") => {
                let replaced = match whole_file_include(s) {
                    Some((file, key)) => self
                        .include(file, key, root, path)
                        .map(|v| v.unwrap_or_else(|| Value::String(String::new()))),
                    None => self.serverless_string(s, root, 0).map(Value::String),
                };
                *value = replaced.unwrap_or_else(|reason| {
                    let mut marker = Map::new();
                    marker.insert(MARKER.into(), Value::String(reason));
                    Value::Object(marker)
                });
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.serverless_pass(item, root, &format!("{path}[{i}]"));
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    self.serverless_pass(item, root, &format!("{path}.{key}"));
                }
            }
            _ => {}
        }
    }

    /// Records why the load fails (the first reason wins) and returns it.
    fn fatal_error(&mut self, path: &str, why: String) -> String {
        let message = format!("{path}: {why}");
        if self.fatal.is_none() {
            self.fatal = Some(message.clone());
        }
        message
    }

    /// What `${file(WRITTEN)}` or `${file(WRITTEN):key.path}` stands for:
    /// the file, its Serverless variables replaced. `Ok(None)` when
    /// the file holds nothing.
    fn include(
        &mut self,
        written: &str,
        key: Option<&str>,
        root: &Value,
        path: &str,
    ) -> Result<Option<Value>, String> {
        let written = written.trim().trim_matches(|c| c == '\'' || c == '"');
        let written = if written.contains("${") {
            self.serverless_string(written, root, 0)?
        } else {
            written.to_owned()
        };
        let Some(includes) = self.includes.as_mut() else {
            return Err(self.fatal_error(
                path,
                format!("`${{file({written})}}` includes a file, but the template's location is not known: load it with `template::load_file` (the CLI does)"),
            ));
        };
        let text = match includes
            .locate(&written)
            .and_then(|found| includes.open(found))
        {
            Ok(text) => text,
            Err(why) => {
                return Err(self.fatal_error(path, format!("`${{file({written})}}`: {why}")))
            }
        };
        let parsed = super::load::parse(&text).map(|(v, _)| v);
        let charged = self.charge(path, text.len());
        let mut included = match (parsed, charged) {
            (Ok(v), Ok(())) => v,
            (Err(e), _) => {
                if let Some(i) = self.includes.as_mut() {
                    i.close();
                }
                return Err(self.fatal_error(path, format!("`${{file({written})}}`: {e}")));
            }
            (_, Err(())) => {
                if let Some(i) = self.includes.as_mut() {
                    i.close();
                }
                return Err(self.exhausted.clone().unwrap_or_default());
            }
        };
        let here = format!("{path}<{written}>");
        let nested = self.nested(&here, true, |this| {
            this.serverless_pass(&mut included, root, &here);
            Ok(())
        });
        if let Some(i) = self.includes.as_mut() {
            i.close();
        }
        if nested.is_err() {
            let why = self
                .fatal
                .clone()
                .or_else(|| self.exhausted.clone())
                .or_else(|| self.unresolved.last().map(ToString::to_string))
                .unwrap_or_default();
            return Err(self.fatal_error(path, why));
        }
        let Some(key) = key else {
            return Ok((!included.is_null()).then_some(included));
        };
        let mut here = Some(&included);
        for segment in key.split('.').filter(|s| !s.is_empty()) {
            here = here.and_then(|v| v.get(segment));
        }
        match here {
            Some(found) => Ok(Some(found.clone())),
            None => Err(self.fatal_error(
                path,
                format!("`${{file({written}):{key}}}`: the file has no `{key}`"),
            )),
        }
    }

    fn serverless_string(&mut self, s: &str, root: &Value, level: usize) -> Result<String, String> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or_default());
            let after = rest.get(start + 2..).unwrap_or_default();
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(start..).unwrap_or_default());
                return Ok(out);
            };
            let content = after.get(..end).unwrap_or_default();
            rest = after.get(end + 1..).unwrap_or_default();
            if is_serverless_variable(content) {
                let value = match self.serverless.get(content) {
                    Some(known) => known.clone(),
                    None => {
                        // Resolved once: `${self:a}` whose value uses
                        // `${self:b}` twice, nested, would otherwise be
                        // expanded exponentially often.
                        let value = self.serverless_variable(content, root, level);
                        self.serverless.insert(content.to_owned(), value.clone());
                        value
                    }
                }?;
                self.charge(content, value.len())
                    .map_err(|()| self.exhausted.clone().unwrap_or_default())?;
                out.push_str(&value);
            } else {
                out.push_str("${");
                out.push_str(content);
                out.push('}');
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn serverless_variable(
        &mut self,
        content: &str,
        root: &Value,
        level: usize,
    ) -> Result<String, String> {
        let unresolved = || {
            format!("Serverless variable `${{{content}}}` has no value offline: give --param '{}=VALUE'", content.split(',').next().unwrap_or(content).trim())
        };
        if level >= MAX_SERVERLESS_DEPTH || content.contains("${") {
            return Err(unresolved());
        }
        let (key, fallback) = match content.split_once(',') {
            Some((k, f)) => (k.trim(), Some(f.trim())),
            None => (content.trim(), None),
        };
        self.consulted.insert(key.to_owned());
        if let Some(v) = self.options.parameters.get(key) {
            return Ok(v.clone());
        }
        match key {
            "aws:accountId" => {
                return self
                    .pseudo("AWS::AccountId", key)
                    .map_err(|()| unresolved())
            }
            "aws:region" => return Ok(self.region()),
            // `${sls:stage}` is `${opt:stage, self:provider.stage, "dev"}`
            // (https://www.serverless.com/framework/docs/guides/variables/core).
            "sls:stage" => {
                let given =
                    self.serverless_variable("opt:stage, self:provider.stage", root, level + 1);
                return Ok(given.unwrap_or_else(|_| {
                    self.note(
                        "sls:stage",
                        "defaulted to `dev`, as the Serverless Framework does (give --param opt:stage=STAGE)".into(),
                    );
                    "dev".into()
                }));
            }
            _ => {}
        }
        if let Some(field) = key.strip_prefix("self:") {
            let mut here = Some(root);
            for segment in field.split('.').filter(|s| !s.is_empty()) {
                here = here.and_then(|v| v.get(segment));
            }
            if let Some(found) = here.and_then(text) {
                return self.serverless_string(&found, root, level + 1);
            }
        }
        if let Some(spec) = key.strip_prefix("file(") {
            // `${file(PATH):key}` inside a longer string: a scalar.
            let (written, selector) = match spec.split_once(')') {
                Some((written, rest)) => (written, rest.strip_prefix(':')),
                None => (spec, None),
            };
            let found = self.include(written, selector, root, key)?;
            return match found.as_ref().and_then(text) {
                Some(t) => Ok(t),
                None => Err(format!(
                    "`${{{content}}}` is not a string where it is used in a string"
                )),
            };
        }
        match fallback {
            Some(f)
                if (f.starts_with('\'') && f.ends_with('\'') && f.len() >= 2)
                    || (f.starts_with('"') && f.ends_with('"') && f.len() >= 2) =>
            {
                Ok(f.get(1..f.len() - 1).unwrap_or_default().to_owned())
            }
            Some(f) if is_serverless_variable(f) => self.serverless_variable(f, root, level + 1),
            _ => Err(unresolved()),
        }
    }

    /// A Serverless string resolved (for `provider.region`): `None` when a
    /// variable in it has no value.
    pub(super) fn serverless_text(&mut self, s: &str, root: &Value) -> Option<String> {
        self.serverless_string(s, root, 0).ok()
    }
}

/// The path a string that is exactly `${file(PATH)}` (or
/// `${file(PATH):key}`) names.
pub(super) fn file_include(s: &str) -> Option<&str> {
    whole_file_include(s).map(|(written, _)| written.trim())
}

/// `PATH` and `key` of a string that is exactly `${file(PATH)}` or
/// `${file(PATH):key}` (PATH may hold variables of its own).
fn whole_file_include(s: &str) -> Option<(&str, Option<&str>)> {
    let inner = s.trim().strip_prefix("${file(")?.strip_suffix('}')?;
    // The `)` that closes `file(`: the last one outside `${…}`.
    let mut depth = 0usize;
    let mut close = None;
    let bytes = inner.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.checked_sub(1)?,
            b')' if depth == 0 => close = Some(i),
            _ => {}
        }
    }
    let close = close?;
    let written = inner.get(..close)?;
    let rest = inner.get(close + 1..)?;
    let key = match rest {
        "" => None,
        _ => Some(rest.strip_prefix(':')?.trim()),
    };
    Some((written, key))
}

/// Why a reference to a resource the framework generates failed: what
/// generates it, and when.
fn framework_hint(name: &str) -> &'static str {
    match name {
        "ApiGatewayRestApi" => " (the Serverless Framework generates `ApiGatewayRestApi` only when a function has an `http` event and provider.apiGateway.restApiId is not set)",
        "IamRoleLambdaExecution" => " (the Serverless Framework generates `IamRoleLambdaExecution` only when the file has functions and no provider.iam.role)",
        "ServerlessRestApi" => " (SAM generates `ServerlessRestApi` only for functions with an `Api` event without RestApiId, in a template with `Transform: AWS::Serverless-2016-10-31`)",
        "ServerlessHttpApi" => " (SAM generates `ServerlessHttpApi` only for functions with an `HttpApi` event without ApiId, in a template with `Transform: AWS::Serverless-2016-10-31`)",
        _ => "",
    }
}

/// The variable sources of the Serverless Framework (not IAM policy
/// variables such as `${aws:username}`, which pass through).
fn is_serverless_variable(content: &str) -> bool {
    const SOURCES: &[&str] = &[
        "self:",
        "opt:",
        "sls:",
        "env:",
        "file(",
        "cf:",
        "cf(",
        "ssm:",
        "ssm(",
        "s3:",
        "param:",
        "strToBool(",
        "git:",
    ];
    let content = content.trim();
    SOURCES.iter().any(|s| content.starts_with(s))
        || content == "aws:accountId"
        || content == "aws:region"
}
