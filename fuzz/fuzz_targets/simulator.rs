//! The simulator on fuzzed input: policies, actions, resources, context
//! entries and paging built from the bytes. It must never panic, must
//! answer the same twice, must page exactly (following every `Marker`
//! from `MaxItems`-sized pages gives the unpaged results, each page no
//! longer than `MaxItems`, `IsTruncated` exactly when a `Marker` is
//! given), must stream the same JSON it collects, and must give each
//! action the most restrictive of its resources' decisions (M5).
//!
//! Input: fields separated by U+001E: identity policy, boundary policy
//! (empty for none), resource policy (empty for none), actions (split at
//! `,`), resources (split at `,`), context entries (`name=type=v1|v2`,
//! split at `;`), caller ARN, resource owner, then one byte for
//! `MaxItems` (taken modulo 7; 0 for none) (lossy UTF-8 throughout).

#![no_main]

use iam_eval::simulator::{simulate, SimulateInput, Simulation};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fn severity(decision: &str) -> u8 {
    match decision {
        "explicitDeny" => 2,
        "implicitDeny" => 1,
        _ => 0,
    }
}

fn list(field: &str, separator: char) -> Vec<&str> {
    field
        .split(separator)
        .filter(|s| !s.is_empty())
        .take(16)
        .collect()
}

fn input(fields: &[&str], paging: Value) -> Option<SimulateInput> {
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let entries: Vec<Value> = list(field(5), ';')
        .into_iter()
        .map(|entry| {
            let mut parts = entry.splitn(3, '=');
            let name = parts.next().unwrap_or("");
            let kind = parts.next().unwrap_or("string");
            let values: Vec<&str> = parts.next().unwrap_or("").split('|').collect();
            json!({"ContextKeyName": name, "ContextKeyType": kind, "ContextKeyValues": values})
        })
        .collect();
    let mut value = json!({
        "PolicyInputList": [field(0)],
        "PermissionsBoundaryPolicyInputList": optional(field(1)).into_iter().collect::<Vec<_>>(),
        "ResourcePolicy": optional(field(2)),
        "ActionNames": list(field(3), ','),
        "ResourceArns": list(field(4), ','),
        "ContextEntries": entries,
        "CallerArn": optional(field(6)),
        "ResourceOwner": optional(field(7)),
    });
    if let (Some(map), Some(paging)) = (value.as_object_mut(), paging.as_object()) {
        map.extend(paging.clone());
    }
    serde_json::from_value(value).ok()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fields: Vec<&str> = text.split('\u{1e}').collect();
    let max_items = fields
        .get(8)
        .and_then(|f| f.bytes().next())
        .map_or(0, |b| b % 7);
    let Some(whole) = input(&fields, json!({})) else {
        return;
    };
    let Ok(all) = simulate(&whole) else {
        // Refused input stays refused under any paging.
        if max_items > 0 {
            if let Some(paged) = input(&fields, json!({"MaxItems": max_items})) {
                assert!(simulate(&paged).is_err());
            }
        }
        return;
    };
    assert_eq!(simulate(&whole).ok().as_ref(), Some(&all), "deterministic");
    assert!(!all.is_truncated && all.marker.is_none());
    assert_eq!(all.evaluation_results.len(), whole.action_names.len());

    // M5: the action's decision is the most restrictive of its resources'.
    for result in &all.evaluation_results {
        if let Some(worst) = result
            .resource_specific_results
            .iter()
            .map(|r| r.eval_resource_decision)
            .max_by_key(|d| severity(d))
        {
            assert_eq!(result.eval_decision, worst);
        }
    }

    // The streamed JSON is the collected output.
    let mut bytes = Vec::new();
    let written = Simulation::new(&whole)
        .and_then(|s| s.write_json(&mut bytes, max_items % 2 == 0))
        .expect("the same input simulates");
    assert_eq!(written.results, all.evaluation_results.len());
    assert_eq!(
        written.all_allowed,
        all.evaluation_results
            .iter()
            .all(|r| r.eval_decision == "allowed")
    );
    let streamed: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(streamed, serde_json::to_value(&all).expect("serializes"));

    // Following the markers from MaxItems-sized pages gives every result.
    if max_items > 0 {
        let mut collected = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut paging = json!({"MaxItems": max_items});
            if let Some(m) = &marker {
                paging["Marker"] = json!(m);
            }
            let page = simulate(&input(&fields, paging).expect("same input with paging"))
                .expect("a page of an input that simulates");
            assert!(page.evaluation_results.len() <= usize::from(max_items));
            assert_eq!(page.is_truncated, page.marker.is_some());
            assert!(
                !page.is_truncated || !page.evaluation_results.is_empty(),
                "progress"
            );
            collected.extend(page.evaluation_results);
            match page.marker {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        assert_eq!(collected, all.evaluation_results);
    }
});
