//! Template text to a JSON value: JSON as it is; YAML with its short-form
//! tags (`!Ref X`, `!GetAtt A.B`, `!Sub …`) turned into the long forms
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": …}`).

use serde_json::{Map, Number, Value};
use serde_yaml_ng::Value as Yaml;

use super::TemplateError;

/// Templates larger than this are refused (CloudFormation's own limit for a
/// template in S3 is 1 MB).
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;

/// Whether the text was JSON or YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// A JSON template.
    Json,
    /// A YAML template (short-form tags allowed).
    Yaml,
}

pub(super) fn parse(text: &str) -> Result<(Value, Format), TemplateError> {
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(TemplateError::new(format!(
            "the template is {} bytes; the limit is {MAX_TEMPLATE_BYTES}",
            text.len()
        )));
    }
    if text.trim_start().starts_with('{') {
        // The crate's own reader: a duplicate key is refused, not won by
        // the last one (G1).
        let value = crate::json::read_unique(text)
            .map_err(|e| TemplateError::new(format!("invalid JSON template: {e}")))?;
        return Ok((value, Format::Json));
    }
    // The YAML scanner's cost grows with flow nesting on every token:
    // refuse deep nesting before it runs.
    super::nesting::check(text)?;
    let yaml: Yaml = serde_yaml_ng::from_str(text)
        .map_err(|e| TemplateError::new(format!("invalid YAML template: {e}")))?;
    Ok((to_json(yaml)?, Format::Yaml))
}

/// A mapping key as text. Template keys are names; a sequence or mapping
/// as a key (YAML's `? …`) is refused, not serialized: nested ones would
/// quote and escape each other, doubling in size at every level.
fn key_text(key: Yaml) -> Result<String, TemplateError> {
    match key {
        Yaml::String(s) => Ok(s),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Null => Ok("null".into()),
        Yaml::Sequence(_) | Yaml::Mapping(_) | Yaml::Tagged(_) => Err(TemplateError::new(
            "invalid YAML template: a mapping key must be a name, not a list, mapping or tagged value".into(),
        )),
    }
}

/// Converts YAML to JSON. The YAML parser already bounds nesting and alias
/// expansion, so this recursion is bounded too.
fn to_json(yaml: Yaml) -> Result<Value, TemplateError> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            // The YAML parser refuses a key written twice; `1` and `'1'`
            // are different YAML keys but the same template key, and the
            // second must not replace the first.
            let mut out = Map::new();
            for (k, v) in map {
                let key = key_text(k)?;
                if out.contains_key(&key) {
                    return Err(TemplateError::new(format!(
                        "invalid YAML template: duplicate key `{key}` in a mapping"
                    )));
                }
                out.insert(key, to_json(v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!').to_owned();
            let inner = to_json(tagged.value)?;
            let (key, arg) = match name.as_str() {
                "Ref" | "Condition" => (name.clone(), inner),
                "GetAtt" => match inner {
                    Value::String(s) => match s.split_once('.') {
                        Some((logical, attribute)) => (
                            "Fn::GetAtt".to_owned(),
                            Value::Array(vec![logical.into(), attribute.into()]),
                        ),
                        None => ("Fn::GetAtt".to_owned(), Value::String(s)),
                    },
                    other => ("Fn::GetAtt".to_owned(), other),
                },
                _ => (format!("Fn::{name}"), inner),
            };
            let mut map = Map::new();
            map.insert(key, arg);
            Value::Object(map)
        }
    })
}
