//! Reads the compiled-in snapshot (`aws.json`, written by `regenerate.py`)
//! into [`ServiceData`]. Strings are borrowed from the `'static` text, so
//! parsing copies no names.

use serde::Deserialize;

use super::{
    cmp_ignore_case, template, AccessLevel, Action, ActionResourceType, ConditionKey,
    ConditionKeyType, Metadata, ResourceType, Service, ServiceData,
};

/// `{"global": [[key, type]…], "services": [service…]}`.
#[derive(Deserialize)]
struct Snapshot<'a> {
    #[serde(borrow)]
    global: Vec<RawKey<'a>>,
    #[serde(borrow)]
    services: Vec<RawService<'a>>,
}

/// `[key, type]`.
type RawKey<'a> = (&'a str, &'a str);

/// `[prefix, name, actions, resource types, condition keys]`.
type RawService<'a> = (
    &'a str,
    &'a str,
    Vec<RawAction<'a>>,
    Vec<RawResourceType<'a>>,
    Vec<RawKey<'a>>,
);

/// `[name, access level, resource types, condition keys, dependent actions]`.
type RawAction<'a> = (
    &'a str,
    &'a str,
    Vec<RawActionResourceType<'a>>,
    Vec<&'a str>,
    Vec<&'a str>,
);

/// `[name, required, condition keys, dependent actions]`.
type RawActionResourceType<'a> = (&'a str, bool, Vec<&'a str>, Vec<&'a str>);

/// `[name, ARN formats, condition keys]`.
type RawResourceType<'a> = (&'a str, Vec<&'a str>, Vec<&'a str>);

/// `metadata.json`.
#[derive(Deserialize)]
struct RawMetadata<'a> {
    package: &'a str,
    version: &'a str,
    updated: &'a str,
    license: &'a str,
    source: &'a str,
}

/// Why the snapshot could not be read (only ever a bug in the vendored
/// files, which the tests would catch).
#[derive(Debug)]
pub(super) struct LoadError(#[allow(dead_code, reason = "read through Debug")] String);

fn key(name: &'static str, kind: &str) -> Result<ConditionKey, LoadError> {
    let key_type = ConditionKeyType::from_name(kind)
        .ok_or_else(|| LoadError(format!("condition key `{name}` has unknown type `{kind}`")))?;
    Ok(ConditionKey { name, key_type })
}

/// Parses the snapshot and its metadata.
pub(super) fn parse(
    snapshot: &'static str,
    metadata: &'static str,
) -> Result<ServiceData, LoadError> {
    let raw: Snapshot<'static> =
        serde_json::from_str(snapshot).map_err(|e| LoadError(format!("aws.json: {e}")))?;
    let meta: RawMetadata<'static> =
        serde_json::from_str(metadata).map_err(|e| LoadError(format!("metadata.json: {e}")))?;

    // Every key with its source's rank: 0 the service that owns the key's
    // prefix, 1 AWS's global keys list, 2 any other service.
    let mut all_keys: Vec<(ConditionKey, u8)> = Vec::new();
    for &(name, kind) in &raw.global {
        all_keys.push((key(name, kind)?, 1));
    }
    let mut services = Vec::with_capacity(raw.services.len());
    for (prefix, name, raw_actions, raw_types, raw_keys) in raw.services {
        let mut actions = Vec::with_capacity(raw_actions.len());
        for (action, level, types, condition_keys, dependent_actions) in raw_actions {
            let access_level = AccessLevel::from_name(level).ok_or_else(|| {
                LoadError(format!(
                    "{prefix}:{action} has unknown access level `{level}`"
                ))
            })?;
            let resource_types = types
                .into_iter()
                .map(
                    |(name, required, condition_keys, dependent_actions)| ActionResourceType {
                        name,
                        required,
                        condition_keys,
                        dependent_actions,
                    },
                )
                .collect();
            actions.push(Action {
                service: prefix,
                name: action,
                access_level,
                resource_types,
                condition_keys,
                dependent_actions,
            });
        }
        actions.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
        let mut resource_types: Vec<ResourceType> = raw_types
            .into_iter()
            .map(|(name, arn_formats, condition_keys)| ResourceType {
                name,
                arn_formats,
                condition_keys,
            })
            .collect();
        resource_types.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
        let mut condition_keys = Vec::with_capacity(raw_keys.len());
        for (name, kind) in raw_keys {
            let k = key(name, kind)?;
            let owner = name
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix));
            all_keys.push((k, if owner { 0 } else { 2 }));
            condition_keys.push(k);
        }
        condition_keys.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
        services.push(Service {
            prefix,
            name,
            actions,
            resource_types,
            condition_keys,
        });
    }
    services.sort_by(|a, b| cmp_ignore_case(a.prefix, b.prefix));

    // Stable sort: among equal names and ranks, the first source read wins
    // (the global list, then services by prefix).
    all_keys.sort_by(|(a, ra), (b, rb)| cmp_ignore_case(a.name, b.name).then(ra.cmp(rb)));
    all_keys.dedup_by(|(later, _), (kept, _)| later.name.eq_ignore_ascii_case(kept.name));
    let mut keys = Vec::new();
    let mut key_patterns = Vec::new();
    for (key, rank) in all_keys {
        match template::key_pieces(key.name) {
            Some(pieces) => key_patterns.push((rank, key, pieces)),
            None => keys.push(key),
        }
    }
    key_patterns.sort_by_key(|&(rank, ..)| rank);

    Ok(ServiceData {
        services,
        keys,
        key_patterns: key_patterns
            .into_iter()
            .map(|(_, key, pieces)| (key, pieces))
            .collect(),
        metadata: Metadata {
            package: meta.package,
            version: meta.version,
            updated: meta.updated,
            license: meta.license,
            source: meta.source,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_parses() {
        let data = parse(super::super::SNAPSHOT, super::super::METADATA).unwrap();
        assert!(data.services.len() > 400, "{}", data.services.len());
    }

    #[test]
    fn a_bad_access_level_is_an_error() {
        let bad =
            r#"{"global":[],"services":[["s3","S3",[["GetObject","Reading",[],[],[]]],[],[]]]}"#;
        let meta = r#"{"package":"p","version":"v","updated":"u","license":"MIT","source":"s"}"#;
        assert!(parse(bad, meta).is_err());
        let good = bad.replace("Reading", "Read");
        let good: &'static str = Box::leak(good.into_boxed_str());
        assert!(parse(good, meta).is_ok());
    }
}
