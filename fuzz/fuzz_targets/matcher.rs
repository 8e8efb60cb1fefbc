//! The wildcard matcher against a reference: an IAM pattern `p` and a text
//! `t`, compared four ways through the public API (`Wildcard` itself, a
//! resource `arn:aws:s3:::p`, an action `s3:p`, and a `StringLike` condition
//! value `p`) against a plain dynamic-programming glob where `*` matches any
//! run of characters (including `/` and `:`) and `?` exactly one character.
//!
//! Input: `pattern` U+0000 `text`, lossy UTF-8.

#![no_main]

use iam_eval::{Decision, PolicySet, Request, Wildcard};
use libfuzzer_sys::fuzz_target;

/// O(|p|·|t|) reference glob over characters. `fold` compares ASCII letters
/// without case (actions, A1).
fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    // row[j]: does p[..i] match t[..j]?
    let mut row = vec![false; t.len() + 1];
    row[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        if pc == '*' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= row[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = row[j - 1] && (pc == '?' || eq(pc, t[j - 1]));
            }
        }
        row = next;
    }
    row[t.len()]
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn decide(
    version: &str,
    action: &str,
    resource: &str,
    condition: &str,
    request: &Request,
) -> Option<bool> {
    let policy = format!(
        r#"{{"Version":{version},"Statement":[{{"Effect":"Allow","Action":{action},"Resource":{resource}{condition}}}]}}"#,
    );
    // Patterns IAM refuses (characters, limits, invalid actions) have nothing to compare.
    let set = PolicySet::from_json(&policy).ok()?;
    let response = set.evaluate(request);
    let decision = response.decision();
    assert_eq!(response.explanation().decision, decision);
    Some(decision == Decision::Allow)
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let (pattern, text) = input.split_once('\0').unwrap_or((&input, ""));
    if pattern.chars().count() > 512 || text.chars().count() > 512 {
        return;
    }
    // `${` is a variable in 2012-10-17 policies; in 2008-10-17 it is text.
    let versions: &[&str] = if pattern.contains("${") {
        &["\"2008-10-17\""]
    } else {
        &["\"2012-10-17\"", "\"2008-10-17\""]
    };
    let expected = glob(pattern, text, false);
    let wildcard = Wildcard::new(pattern);
    assert_eq!(wildcard.is_match(text), expected, "Wildcard {pattern:?} vs {text:?}");
    assert_eq!(
        wildcard.is_match_ignore_ascii_case(text),
        glob(pattern, text, true),
        "Wildcard ignoring case {pattern:?} vs {text:?}"
    );
    for version in versions {
        // Resource: the resource part is everything after the fifth colon.
        let request = Request::new("s3:GetObject", format!("arn:aws:s3:::{text}"));
        let arn = quote(&format!("arn:aws:s3:::{pattern}"));
        if let Some(allowed) = decide(version, "\"s3:GetObject\"", &arn, "", &request) {
            assert_eq!(
                allowed, expected,
                "resource {pattern:?} vs {text:?} ({version})"
            );
        }

        // Action: case-insensitive, one colon.
        if !pattern.contains(':') && !text.contains(':') {
            let request = Request::new(format!("s3:{text}"), "arn:aws:s3:::b/k");
            let action = quote(&format!("s3:{pattern}"));
            if let Some(allowed) = decide(version, &action, "\"*\"", "", &request) {
                let expected = glob(pattern, text, true);
                assert_eq!(
                    allowed, expected,
                    "action {pattern:?} vs {text:?} ({version})"
                );
            }
        }

        // StringLike: case-sensitive, the whole value.
        let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
            .context("aws:userid", text)
            .build();
        let condition = format!(
            r#","Condition":{{"StringLike":{{"aws:userid":{}}}}}"#,
            quote(pattern)
        );
        if let Some(allowed) = decide(version, "\"s3:GetObject\"", "\"*\"", &condition, &request) {
            assert_eq!(
                allowed, expected,
                "StringLike {pattern:?} vs {text:?} ({version})"
            );
        }
    }
});
