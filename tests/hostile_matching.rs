//! Hostile input, second round (issue 21). Wildcard matching under hostile shapes: pieces between stars that hold
//! `?` (A2: one character, not one byte), long pieces matched ignoring case
//! (A1), and variables between stars (V5), each checked against a simple
//! reference matcher, and the shapes that used to take seconds answered
//! correctly at sizes where a quadratic search would not finish. Then the
//! simulator's paging (`MaxItems`, `IsTruncated`, `Marker`), one result at
//! a time.
//!
//! Wildcards: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
//! (`*` any run, `?` any single character), StringLike:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String>.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{Decision, PolicySet, Request, Wildcard};
use proptest::prelude::*;

/// The obvious dynamic programme over characters: `*` any run, `?` one
/// character. Quadratic, which is fine for the sizes it is given here.
fn reference(pattern: &str, text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for p in pattern.chars() {
        let mut next = vec![false; text.len() + 1];
        if p == '*' {
            let mut any = false;
            for (j, slot) in next.iter_mut().enumerate() {
                any |= row[j];
                *slot = any;
            }
        } else {
            for j in 1..=text.len() {
                next[j] = row[j - 1] && (p == '?' || p == text[j - 1]);
            }
        }
        row = next;
    }
    row[text.len()]
}

fn one_statement(resource: &str) -> PolicySet {
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]
    });
    PolicySet::from_json(&policy.to_string()).unwrap()
}

/// A pattern of `pieces` joined by stars, with a star at either end when
/// asked for.
fn starred(pieces: &[String], lead: bool, trail: bool) -> String {
    let mut pattern = String::new();
    if lead {
        pattern.push('*');
    }
    pattern.push_str(&pieces.join("*"));
    if trail {
        pattern.push('*');
    }
    pattern
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Pieces over a tiny alphabet against long repetitive text: many near
    /// misses, so the search runs past its first tries into the linear
    /// (Shift-And) search.
    #[test]
    fn near_misses_agree_with_reference(
        pieces in proptest::collection::vec("[aé?]{1,6}[ab?]", 1..4),
        lead in any::<bool>(),
        trail in any::<bool>(),
        text in "[aé]{0,120}[ab]{0,3}[aé]{0,20}",
    ) {
        let pattern = starred(&pieces, lead, trail);
        prop_assert_eq!(
            Wildcard::new(&pattern).is_match(&text),
            reference(&pattern, &text),
            "pattern {:?} text {:?}", pattern, text
        );
    }

    /// The same ignoring ASCII case (A1: action names).
    #[test]
    fn near_misses_ignoring_case_agree_with_reference(
        pieces in proptest::collection::vec("[aAé?]{1,6}[abB?]", 1..4),
        lead in any::<bool>(),
        trail in any::<bool>(),
        text in "[aAé]{0,120}[abB]{0,3}[aé]{0,20}",
    ) {
        let pattern = starred(&pieces, lead, trail);
        prop_assert_eq!(
            Wildcard::new(&pattern).is_match_ignore_ascii_case(&text),
            reference(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase()),
            "pattern {:?} text {:?}", pattern, text
        );
    }

    /// Pieces longer than 64 characters (more than one word of state), and
    /// literal pieces longer than 16 bytes matched ignoring case.
    #[test]
    fn long_pieces_agree_with_reference(
        pieces in proptest::collection::vec("[aAé?]{15,90}[b?]", 1..3),
        lead in any::<bool>(),
        trail in any::<bool>(),
        text in "[aAé]{0,300}[b]{0,2}[aAé]{0,40}",
    ) {
        let pattern = starred(&pieces, lead, trail);
        let wildcard = Wildcard::new(&pattern);
        prop_assert_eq!(wildcard.is_match(&text), reference(&pattern, &text));
        prop_assert_eq!(
            wildcard.is_match_ignore_ascii_case(&text),
            reference(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())
        );
        let literal = pattern.replace('?', "a");
        prop_assert_eq!(
            Wildcard::new(&literal).is_match_ignore_ascii_case(&text),
            reference(&literal.to_ascii_lowercase(), &text.to_ascii_lowercase())
        );
    }

    /// V5: a variable's value inside a piece between stars is literal text,
    /// and the piece is still found leftmost among near misses.
    #[test]
    fn variables_between_stars_agree_with_reference(
        before in "[aé?]{0,4}",
        after in "[aé?]{0,4}b",
        value in "[aé]{0,5}",
        key in "[aé]{0,150}b?[aé]{0,10}",
    ) {
        let pattern = format!("*{before}${{aws:username}}{after}*");
        let set = one_statement(&format!("arn:aws:s3:::{pattern}"));
        let request = Request::builder("s3:GetObject", format!("arn:aws:s3:::{key}"))
            .context("aws:username", value.as_str())
            .build();
        let expected = reference(&format!("*{before}{value}{after}*"), &key);
        prop_assert_eq!(
            set.evaluate(&request).decision() == Decision::Allow,
            expected,
            "pattern {:?} value {:?} key {:?}", pattern, value, key
        );
    }
}

/// A value holding wildcards stays literal in the linear search too (V5).
#[test]
fn v5_a_value_with_wildcards_is_literal_between_stars() {
    let set = one_statement("arn:aws:s3:::*/${aws:username}?/*");
    let ask = |user: &str, key: &str| {
        let request = Request::builder("s3:GetObject", format!("arn:aws:s3:::{key}"))
            .context("aws:username", user)
            .build();
        set.evaluate(&request).decision()
    };
    let near_misses = "/a*".repeat(20);
    assert_eq!(ask("a*", &format!("{near_misses}/a*x/k")), Decision::Allow);
    assert_eq!(
        ask("a*", &format!("{near_misses}/abx/k")),
        Decision::ImplicitDeny
    );
}

/// The shape: a 2 KB piece of `a?` between stars against a long
/// run of `a`. The old search tried every start and compared up to the
/// whole piece there (seconds at a megabyte); this size would take minutes
/// in a debug build of that search.
#[test]
fn question_marks_between_stars_against_a_long_run() {
    let piece = format!("{}b", "a?".repeat(1024));
    let pattern = format!("*{piece}*");
    let run = "a".repeat(256 * 1024);
    let wildcard = Wildcard::new(&pattern);
    assert!(!wildcard.is_match(&run));
    assert!(wildcard.is_match(&format!("{run}b")));
    // Each `?` takes one character, here `é` (two bytes); one pair short
    // misses.
    assert!(wildcard.is_match(&format!("{run}{}b", "aé".repeat(1024))));
    assert!(!wildcard.is_match(&format!("{}ab", "aé".repeat(1023))));
    assert!(wildcard.is_match_ignore_ascii_case(&format!("{}B", run.to_ascii_uppercase())));
}

/// The same through a policy: a bucket policy within AWS's 20 KB quota
/// whose resource holds the shape, against a 4 KB key, decides correctly.
#[test]
fn a_bucket_policy_with_the_shape_decides_on_a_long_key() {
    // 252 wildcards: within the 256 a pattern may hold.
    let resource = format!("arn:aws:s3:::bucket/*{}b*", "a?".repeat(250));
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": resource}]
    });
    let mut builder = PolicySet::builder();
    builder
        .add(
            "bucket",
            iam_eval::PolicyType::Resource,
            &policy.to_string(),
        )
        .unwrap();
    let set = builder.build();
    let key = |tail: &str| format!("arn:aws:s3:::bucket/{}{tail}", "a".repeat(4096));
    let decide = |resource: String| {
        let request = Request::builder("s3:GetObject", resource)
            .principal("arn:aws:iam::123456789012:user/alice")
            .build();
        set.evaluate(&request).decision()
    };
    assert_eq!(decide(key("")), Decision::ImplicitDeny);
    assert_eq!(decide(key("b")), Decision::ExplicitDeny);
}

/// A long literal piece matched ignoring case (actions, A1) used to be
/// searched by trying each start; `AAAA…` against `*aaaa…ab*` now stays
/// linear too.
#[test]
fn long_literal_ignoring_case_against_near_misses() {
    let pattern = format!("s3:*{}b*", "a".repeat(1000));
    let wildcard = Wildcard::new(&pattern);
    let run = "A".repeat(200 * 1024);
    assert!(!wildcard.is_match_ignore_ascii_case(&format!("S3:{run}")));
    assert!(wildcard.is_match_ignore_ascii_case(&format!("S3:{run}Bx")));
    assert!(!wildcard.is_match(&format!("s3:{run}b")));
}

// ---------------------------------------------------------------------------
// Memory: the simulator pages as AWS's API does and yields one result at a
// time (M7, <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>).

mod simulator_paging {
    use iam_eval::simulator::{simulate, SimulateInput, Simulation};
    use serde_json::json;

    /// `actions` actions (every third denied, every fifth unmatched) against
    /// `resources` resources.
    fn input(actions: usize, resources: usize, paging: serde_json::Value) -> SimulateInput {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:GetObject3*", "Resource": "arn:aws:s3:::b/1*"}
            ]
        });
        let names: Vec<String> = (0..actions)
            .map(|i| match i % 5 {
                4 => format!("s3:Put{i}"),
                _ => format!("s3:GetObject{i}"),
            })
            .collect();
        let arns: Vec<String> = (0..resources)
            .map(|i| format!("arn:aws:s3:::b/{i}"))
            .collect();
        let mut value = json!({
            "PolicyInputList": [policy.to_string()],
            "ActionNames": names,
            "ResourceArns": arns,
        });
        if let (Some(map), Some(paging)) = (value.as_object_mut(), paging.as_object()) {
            map.extend(paging.clone());
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn max_items_pages_and_markers_continue_to_the_end() {
        let all = simulate(&input(1_000, 12, json!({}))).unwrap();
        assert_eq!(all.evaluation_results.len(), 1_000);
        assert!(!all.is_truncated);
        assert_eq!(all.marker, None);
        let mut pages = 0;
        let mut collected = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut paging = json!({"MaxItems": 64});
            if let Some(m) = &marker {
                paging["Marker"] = json!(m);
            }
            let page = simulate(&input(1_000, 12, paging)).unwrap();
            pages += 1;
            assert!(page.evaluation_results.len() <= 64);
            assert_eq!(page.is_truncated, page.marker.is_some());
            collected.extend(page.evaluation_results);
            match page.marker {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        assert_eq!(pages, 16, "1,000 results at 64 a page");
        assert_eq!(collected, all.evaluation_results);
        // A page that ends exactly at the last result is not truncated.
        let exact = simulate(&input(64, 1, json!({"MaxItems": 64}))).unwrap();
        assert_eq!(exact.evaluation_results.len(), 64);
        assert!(!exact.is_truncated);
    }

    /// AWS accepts `MaxItems` from 1 to 1,000 and a `Marker` it returned;
    /// anything else is refused, never answered with a guessed page.
    #[test]
    fn paging_input_out_of_range_is_refused() {
        for paging in [
            json!({"MaxItems": 0}),
            json!({"MaxItems": 1001}),
            json!({"Marker": ""}),
            json!({"Marker": "abc"}),
            json!({"Marker": "11"}),
            json!({"Marker": "2".repeat(321)}),
        ] {
            let refused = simulate(&input(10, 1, paging.clone()));
            assert!(refused.is_err(), "{paging}");
        }
        let last = simulate(&input(10, 1, json!({"Marker": "10"}))).unwrap();
        assert!(last.evaluation_results.is_empty());
        let one = simulate(&input(10, 1, json!({"MaxItems": 1, "Marker": "9"}))).unwrap();
        assert_eq!(one.evaluation_results.len(), 1);
        assert!(!one.is_truncated);
    }

    /// The streamed JSON is the collected output, and the page is drawn one
    /// result at a time.
    #[test]
    fn written_output_equals_the_collected_one() {
        let paged = input(500, 8, json!({"MaxItems": 300, "Marker": "100"}));
        let mut simulation = Simulation::new(&paged).unwrap();
        assert_eq!(simulation.size_hint(), (300, Some(300)));
        let first = simulation.next().unwrap();
        assert_eq!(first.eval_action_name, "s3:GetObject100");
        assert_eq!(simulation.size_hint(), (299, Some(299)));

        let mut bytes = Vec::new();
        let written = Simulation::new(&paged)
            .unwrap()
            .write_json(&mut bytes, false)
            .unwrap();
        assert_eq!(written.results, 300);
        assert!(!written.all_allowed);
        let streamed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let collected = serde_json::to_value(simulate(&paged).unwrap()).unwrap();
        assert_eq!(streamed, collected);
        assert_eq!(streamed["IsTruncated"], true);
        assert_eq!(streamed["Marker"], "400");
    }

    /// The command line honours paging too.
    #[test]
    fn the_command_pages() {
        let dir = std::env::temp_dir().join(format!("iam-eval-paging-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("input.json");
        let mut value = serde_json::to_value(json!({})).unwrap();
        value["PolicyInputList"] = json!([json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}).to_string()]);
        value["ActionNames"] = json!(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]);
        value["MaxItems"] = json!(2);
        std::fs::write(&file, value.to_string()).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_iam-eval"))
            .args(["simulate", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "every result on the page allowed"
        );
        let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(page["EvaluationResults"].as_array().unwrap().len(), 2);
        assert_eq!(page["IsTruncated"], true);
        assert_eq!(page["Marker"], "2");
        std::fs::remove_dir_all(&dir).ok();
    }
}
