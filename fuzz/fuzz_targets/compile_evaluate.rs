//! Policies and a request from one input: compile, evaluate, explain.
//!
//! Layout (after lossy UTF-8 decoding), fields separated by U+001E:
//! `[flags][policy A] RS [policy B] RS action RS resource RS principal RS key=value ...`
//! where the first two bytes choose the policy types and the options, and a
//! context value holds several values when separated by U+001F.

#![no_main]

use iam_eval::{
    BareMultiValue, ContextValue, Options, PolicySetBuilder, PolicyType, Request,
    UnresolvedNotResource,
};
use libfuzzer_sys::fuzz_target;

const RS: char = '\u{1e}';
const US: char = '\u{1f}';

fn options(flags: u8) -> Options {
    let mut o = Options::default();
    if flags & 1 != 0 {
        o.bare_multi_value = BareMultiValue::AnyValue;
    }
    o.variables_in_bool = flags & 2 == 0;
    o.operator_names_ignore_case = flags & 4 != 0;
    o.empty_string_is_absent = flags & 8 != 0;
    o.empty_value_uses_default = flags & 16 != 0;
    if flags & 32 != 0 {
        o.unresolved_not_resource = UnresolvedNotResource::EntryMatchesNothing;
    }
    o.arn_star_crosses_colons = flags & 64 != 0;
    o.missing_version_substitutes = flags & 128 != 0;
    o.limits.report_aws_quotas = flags & 1 == 0;
    o
}

fn policy_type(b: u8) -> PolicyType {
    let all = PolicyType::ALL;
    all.get(usize::from(b) % all.len())
        .copied()
        .unwrap_or(PolicyType::Identity)
}

fuzz_target!(|data: &[u8]| {
    let [types, flags, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.split(RS);
    let policy_a = fields.next().unwrap_or_default();
    let policy_b = fields.next().unwrap_or_default();
    let action = fields.next().unwrap_or_default();
    let resource = fields.next().unwrap_or_default();
    let principal = fields.next().unwrap_or_default();

    let mut builder = PolicySetBuilder::with_options(options(*flags));
    let _ = builder.add_at_level("a", policy_type(*types & 0x07), 0, policy_a);
    if !policy_b.is_empty() {
        let _ = builder.add_at_level(
            "b",
            policy_type((*types >> 4) & 0x07),
            u32::from(*types >> 7),
            policy_b,
        );
    }
    let set = builder.build();

    let mut request = Request::builder(action, resource);
    if !principal.is_empty() {
        request = request.principal(principal);
    }
    if types & 0x08 != 0 {
        request = request.resource_account("123456789012");
    }
    for entry in fields {
        let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
        let value = if value.contains(US) {
            ContextValue::Multi(value.split(US).map(str::to_owned).collect())
        } else {
            ContextValue::from(value)
        };
        request = request.context(key, value);
    }
    let request = request.build();

    let response = set.evaluate(&request);
    let decision = response.decision();
    assert_eq!(
        set.evaluate(&request).decision(),
        decision,
        "not deterministic"
    );
    let explanation = response.explanation();
    assert_eq!(explanation.decision, decision, "explanation disagrees");
    let _ = explanation.to_string();
    let _ = request.to_string();
});
