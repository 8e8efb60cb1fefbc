//! Hostile templates, pool files, login files and case files (issue 21,
//! second round): every one is refused or fails closed, and the work it
//! can cause is bounded by a limit the error names, not by a timer.
//!
//! - a chain of resource `Condition`s (or names) does not restart the depth
//!   count: one budget, [`MAX_INTRINSIC_DEPTH`] and [`MAX_RESOLVE_FRAMES`];
//! - each name is resolved once, and whatever resolving produces counts
//!   against [`MAX_EXPANDED_BYTES`];
//! - YAML flow nesting is refused before libyaml scans it
//!   ([`MAX_YAML_FLOW_DEPTH`]);
//! - a managed policy without its document, or a standalone policy naming
//!   its role in another case, cannot widen access;
//! - a key written twice is refused in every file the crate reads (G1).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on unexpected input"
)]

use iam_eval::case::Case;
use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::template::{
    load, Stack, TemplateOptions, MAX_EXPANDED_BYTES, MAX_INTRINSIC_DEPTH, MAX_RESOLVE_FRAMES,
    MAX_YAML_FLOW_DEPTH,
};
use iam_eval::Decision;
use serde_json::{json, Map, Value};

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const STORY: &str = "fixtures/templates/notes-app.yaml";
const ALICE_OWN: &str = "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111aaaa-0000-4000-8000-000000000001/todo.txt";
const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role";
const DENY_ALL: &str = "arn:aws:iam::aws:policy/AWSDenyAll";

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{path}")).unwrap()
}

fn alice() -> Login {
    Login::from_json(&read("fixtures/cognito/login-alice.json")).unwrap()
}

/// The story's template with the managed policy its admin role attaches.
fn story_options() -> TemplateOptions {
    let mut options = TemplateOptions::default();
    options.managed_policies.insert(
        "arn:aws:iam::aws:policy/AmazonCognitoReadOnly".into(),
        read("fixtures/templates/AmazonCognitoReadOnly.json"),
    );
    options
}

fn template(resources: Map<String, Value>, conditions: Map<String, Value>) -> String {
    json!({"Conditions": conditions, "Resources": resources}).to_string()
}

/// A role whose name is `name` (a value, possibly an intrinsic function).
fn role(name: Value) -> Value {
    json!({"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": name,
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}})
}

fn has_unresolved(stack: &Stack, needle: &str) -> bool {
    stack.unresolved().iter().any(|u| u.reason.contains(needle))
}

// ---- 1. one depth budget for every recursion ------------------------------

/// Resource `B{i}` exists when `C{i}` holds, and `C{i}` compares the name
/// of `B{i+1}`: deciding whether the first exists walks the whole chain.
#[test]
fn a_chain_of_2500_resource_conditions_is_cut_by_the_shared_depth_budget() {
    const LINKS: usize = 2_500;
    let mut resources = Map::new();
    let mut conditions = Map::new();
    for i in 0..LINKS {
        resources.insert(
            format!("B{i}"),
            json!({"Type": "AWS::S3::Bucket", "Condition": format!("C{i}")}),
        );
        conditions.insert(
            format!("C{i}"),
            json!({"Fn::Equals": [{"Ref": format!("B{}", i + 1)}, "x"]}),
        );
    }
    resources.insert(format!("B{LINKS}"), json!({"Type": "AWS::S3::Bucket"}));
    let mut guarded = role(json!("guarded"));
    guarded["Condition"] = json!("C0");
    resources.insert("Guarded".into(), guarded);
    let text = template(resources, conditions);

    // Before the budget was shared, each resource's condition started the
    // count again and this overflowed the stack.
    let stack = load(&text, &TemplateOptions::default()).unwrap();
    let limit = format!("nest more than {MAX_INTRINSIC_DEPTH} deep");
    assert!(has_unresolved(&stack, &limit), "{:?}", stack.unresolved());
    // Whether the role exists is unknown: it is left out, not guessed.
    assert!(stack.notes().iter().any(
        |n| n.subject == "Guarded" && n.message.contains("depends on an unresolved condition")
    ));
    assert!(stack.pool_file().is_none());
}

/// Condition `C{i}` compares a list nested 110 deep whose innermost item
/// is the name of `B{i+1}`: every link walks the nesting on the way down,
/// so the chain is deep in frames long before it is deep in functions.
#[test]
fn deep_values_chained_through_conditions_are_cut_by_the_frame_budget() {
    const LINKS: usize = 40;
    let mut resources = Map::new();
    let mut conditions = Map::new();
    for i in 0..LINKS {
        let mut nested = json!({"Ref": format!("B{}", i + 1)});
        for _ in 0..110 {
            nested = json!([nested]);
        }
        resources.insert(
            format!("B{i}"),
            json!({"Type": "AWS::S3::Bucket", "Condition": format!("C{i}")}),
        );
        conditions.insert(format!("C{i}"), json!({"Fn::Equals": [nested, "x"]}));
    }
    resources.insert(format!("B{LINKS}"), json!({"Type": "AWS::S3::Bucket"}));
    let mut guarded = role(json!("guarded"));
    guarded["Condition"] = json!("C0");
    resources.insert("Guarded".into(), guarded);
    let stack = load(
        &template(resources, conditions),
        &TemplateOptions::default(),
    )
    .unwrap();
    let limit = format!("nests more than {MAX_RESOLVE_FRAMES} steps deep");
    assert!(has_unresolved(&stack, &limit), "{:?}", stack.unresolved());
    assert!(stack.notes().iter().any(
        |n| n.subject == "Guarded" && n.message.contains("depends on an unresolved condition")
    ));
}

// ---- 2. each name once, and a bound on what resolving produces -------------

fn assert_expansion_refused(text: &str) {
    let error = load(text, &TemplateOptions::default()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("MAX_EXPANDED_BYTES") && message.contains(&MAX_EXPANDED_BYTES.to_string()),
        "{message}"
    );
}

/// `R{i}` is named `${R{i+1}}` ten times over: 10^9 references, each
/// resolved again before names were resolved once, and 10^9 characters.
/// Each link is three functions deep (`Fn::Sub`, `Ref`, the name), so nine
/// links stay within the depth budget: the size limit is what stops it.
#[test]
fn a_name_repeated_through_fn_sub_at_every_link_is_refused() {
    let mut resources = Map::new();
    for i in 0..9 {
        let next = format!("${{R{}}}", i + 1);
        resources.insert(format!("R{i}"), role(json!({"Fn::Sub": next.repeat(10)})));
    }
    resources.insert("R9".into(), role(json!("ab")));
    let text = template(resources, Map::new());
    assert!(text.len() < 4_096, "a 4 KB template");
    assert_expansion_refused(&text);
}

#[test]
fn a_name_repeated_through_fn_join_at_every_link_is_refused() {
    let mut resources = Map::new();
    for i in 0..9 {
        let next = json!({"Ref": format!("R{}", i + 1)});
        resources.insert(
            format!("R{i}"),
            role(json!({"Fn::Join": ["-", vec![next; 10]]})),
        );
    }
    resources.insert("R9".into(), role(json!("ab")));
    assert_expansion_refused(&template(resources, Map::new()));
}

/// `Fn::Sub` variables whose values use the next variable twice, nested
/// 30 deep inside one expression.
#[test]
fn sub_variables_doubled_at_every_level_are_refused() {
    let mut value = json!("ab");
    for _ in 0..30 {
        value = json!({"Fn::Sub": ["${v}${v}", {"v": value}]});
    }
    let mut resources = Map::new();
    resources.insert("R".into(), role(value));
    assert_expansion_refused(&template(resources, Map::new()));
}

/// A big `Default`, a big `Mappings` value: each reference copies it.
#[test]
fn many_references_to_a_big_value_are_refused() {
    let refs: Vec<Value> = (0..400).map(|_| json!({"Ref": "Big"})).collect();
    let text = json!({
        "Parameters": {"Big": {"Type": "String", "Default": "x".repeat(64 * 1024)}},
        "Resources": {"R": role(json!({"Fn::Join": ["", refs]}))}
    })
    .to_string();
    assert_expansion_refused(&text);

    let finds: Vec<Value> = (0..400)
        .map(|_| json!({"Fn::FindInMap": ["M", "a", "b"]}))
        .collect();
    let text = json!({
        "Mappings": {"M": {"a": {"b": vec!["y".repeat(1024); 64]}}},
        "Resources": {"R": role(json!({"Fn::Select": [0, finds]}))}
    })
    .to_string();
    assert_expansion_refused(&text);
}

/// Serverless `${self:…}` variables that use the next one sixteen times,
/// seven levels deep (the depth Serverless variables may reach): 16^7
/// expansions when each reference was expanded again.
#[test]
fn serverless_variables_fanned_out_at_every_level_are_refused() {
    let mut custom = String::new();
    for i in 0..7 {
        custom.push_str(&format!(
            "  v{i}: \"{}\"\n",
            format!("${{self:custom.v{}}}", i + 1).repeat(16)
        ));
    }
    custom.push_str("  v7: ab\n");
    let text = format!(
        "service: s\ncustom:\n{custom}resources:\n  Resources:\n    R:\n      Type: AWS::IAM::Role\n      Properties:\n        RoleName: ${{self:custom.v0}}\n        AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: []}}\n"
    );
    assert!(text.len() < 4_096, "a 4 KB template");
    assert_expansion_refused(&text);
}

#[test]
fn a_name_used_many_times_is_resolved_once_and_stays_within_the_budget() {
    // The story's names are used in many places; a template that uses one
    // name a thousand times is fine, and gives the same name every time.
    let mut resources = Map::new();
    resources.insert("Named".into(), role(json!("base")));
    let refs: Vec<Value> = (0..1_000).map(|_| json!({"Ref": "Named"})).collect();
    resources.insert("Joined".into(), role(json!({"Fn::Join": [",", refs]})));
    let stack = load(
        &template(resources, Map::new()),
        &TemplateOptions::default(),
    )
    .unwrap();
    assert!(stack.unresolved().is_empty(), "{:?}", stack.unresolved());
    let generated = stack
        .notes()
        .iter()
        .filter(|n| n.message.contains("generated placeholder"))
        .count();
    assert_eq!(generated, 0);
}

// ---- 3. YAML flow nesting ------------------------------------------------

fn assert_nesting_refused(text: &str) {
    let error = load(text, &TemplateOptions::default()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("MAX_YAML_FLOW_DEPTH")
            && message.contains(&MAX_YAML_FLOW_DEPTH.to_string()),
        "{message}"
    );
}

#[test]
fn deep_yaml_flow_nesting_is_refused_before_the_yaml_parser_runs() {
    // 100 KB each: 13 s and more in libyaml's scanner before.
    assert_nesting_refused(&"[".repeat(100_000));
    assert_nesting_refused(&format!("x: {}", "{a: ".repeat(25_000)));
    assert_nesting_refused(&format!("Resources:\n  R: {}", "{a: ".repeat(25_000)));
    assert_nesting_refused(&format!("x:\n {}", "{a:\n".repeat(25_000)));
    // Text that starts with `{` is read as JSON, by the crate's own reader,
    // whose depth limit applies as it reads.
    let error = load(&"{\"a\": ".repeat(25_000), &TemplateOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains("nested more than 128"),
        "{error}"
    );
    // Closing brackets inside strings, comments and tags close nothing.
    assert_nesting_refused(&"[ \"]\" ".repeat(20_000));
    assert_nesting_refused(&"[ ']' ".repeat(20_000));
    assert_nesting_refused(&"[ # ]]\n".repeat(20_000));
    assert_nesting_refused(&"[ !<]> ".repeat(20_000));
    // Nesting that closes again is deep all the same.
    assert_nesting_refused(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)));
}

#[test]
fn shallow_yaml_flow_nesting_and_brackets_in_text_are_read() {
    let within = format!(
        "Resources: {{}}\nDescription: {}x{}\n",
        "[".repeat(MAX_YAML_FLOW_DEPTH - 1),
        "]".repeat(MAX_YAML_FLOW_DEPTH - 1)
    );
    assert!(load(&within, &TemplateOptions::default()).is_ok());
    // Brackets in strings, comments and block scalars: a few unmatched
    // ones, and any number of matched ones, are read.
    let text = "Resources: {}\nMetadata:\n  A: \"[[[[ ${X}\" # [[[[\n  B: |\n    {\"a\": [1, {\"b\": [2]}]} [[[[\n";
    let many = format!(
        "{text}{}",
        (0..500)
            .map(|i| format!("  K{i}: \"[[[[ x ]]]] ${{Y}}\"\n  L{i}: |\n    [{{\"Effect\": [\"Deny\"]}}] # [x]\n"))
            .collect::<String>()
    );
    assert!(load(&many, &TemplateOptions::default()).is_ok());
    // The check does not know which `[` is inside a string: a template
    // whose strings, comments and block scalars leave more than
    // MAX_YAML_FLOW_DEPTH brackets unmatched is refused too (fail closed;
    // no template comes near).
    let in_string = format!("Resources: {{}}\nDescription: \"{}\"\n", "[".repeat(200));
    assert_nesting_refused(&in_string);
    for path in [STORY, "fixtures/templates/notes-app.serverless.yml"] {
        assert!(load(&read(path), &story_options()).is_ok(), "{path}");
    }
}

// ---- 6. unknown pieces fail closed -----------------------------------------

/// The story's template with the authenticated role given `extra` lines
/// after its name, and `resources` appended.
fn story_with(extra: &str, resources: &str) -> String {
    let text = read(STORY).replace(
        "      RoleName: Cognito_NotesAuth_Role\n",
        &format!("      RoleName: Cognito_NotesAuth_Role\n{extra}"),
    );
    format!("{text}{resources}")
}

#[test]
fn a_managed_policy_without_its_document_leaves_its_role_out_and_is_named() {
    let extra = format!("      ManagedPolicyArns: [{DENY_ALL}]\n");
    let stack = load(&story_with(&extra, ""), &story_options()).unwrap();
    assert!(stack.refused_roles()[AUTH_ROLE].contains(DENY_ALL));
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert!(!session.has_credentials());
    let refusal = session.refusal().unwrap();
    assert!(
        refusal.contains(DENY_ALL) && refusal.contains("--managed-policy"),
        "{refusal}"
    );
    // What the role's own policy allows is not allowed: AWSDenyAll denies it.
    assert_ne!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::Allow
    );

    // Given the document, it is evaluated: an explicit deny.
    let mut options = story_options();
    options.managed_policies.insert(
        DENY_ALL.into(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#
            .into(),
    );
    let stack = load(&story_with(&extra, ""), &options).unwrap();
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert!(session.has_credentials());
    assert_eq!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::ExplicitDeny
    );
}

#[test]
fn an_unresolved_managed_policy_arn_leaves_its_role_out() {
    let extra = "      ManagedPolicyArns: [!ImportValue shared-policy]\n";
    let stack = load(&story_with(extra, ""), &story_options()).unwrap();
    let why = &stack.refused_roles()[AUTH_ROLE];
    assert!(why.contains("ManagedPolicyArns[0]"), "{why}");
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert!(!session.has_credentials());
    assert_ne!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::Allow
    );
}

const DENY_UPLOADS: &str = "
  DenyUploads:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: deny-uploads
      Roles: [COGNITO_NOTESAUTH_ROLE]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Deny
            Action: s3:*
            Resource: '*'
";

#[test]
fn a_standalone_policy_naming_its_role_in_another_case_still_denies() {
    // IAM role names are unique without regard to case
    // ("Names are not distinguished by case",
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
    let stack = load(&story_with("", DENY_UPLOADS), &story_options()).unwrap();
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert_eq!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::ExplicitDeny
    );
    // Near miss: another role's name is not matched.
    let other = DENY_UPLOADS.replace("COGNITO_NOTESAUTH_ROLE", "Cognito_NotesAuth_Role2");
    let stack = load(&story_with("", &other), &story_options()).unwrap();
    assert!(stack
        .notes()
        .iter()
        .any(|n| n.subject == "DenyUploads"
            && n.message.contains("which the template does not define")));
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert_eq!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::Allow
    );
}

#[test]
fn a_standalone_policy_named_like_an_inline_one_leaves_the_role_out() {
    // Two inline policies of one name on one role: one replaces the other.
    let same_name = DENY_UPLOADS.replace("deny-uploads", "notes-app-auth");
    let stack = load(&story_with("", &same_name), &story_options()).unwrap();
    let why = &stack.refused_roles()[AUTH_ROLE];
    assert!(
        why.contains("DenyUploads") && why.contains("notes-app-auth"),
        "{why}"
    );
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert_ne!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::Allow
    );
    // Compared without regard to case (refusing more fails closed); a
    // different name is no collision, and its Deny applies.
    let upper = DENY_UPLOADS.replace("deny-uploads", "NOTES-APP-AUTH");
    let stack = load(&story_with("", &upper), &story_options()).unwrap();
    assert!(stack.refused_roles().contains_key(AUTH_ROLE));
    let other = DENY_UPLOADS.replace("deny-uploads", "notes-app-auth2");
    let stack = load(&story_with("", &other), &story_options()).unwrap();
    assert!(stack.refused_roles().is_empty());
    let session = stack.identity_pool().unwrap().sign_in(&alice()).unwrap();
    assert_eq!(
        session.check("s3:PutObject", ALICE_OWN, &[]).decision,
        Decision::ExplicitDeny
    );
}

// ---- 8. duplicate keys are refused everywhere ------------------------------

const DENY_THEN_ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

#[test]
fn json_templates_refuse_duplicate_keys() {
    let text = read("fixtures/templates/notes-app.json");
    let twice = text.replacen("\"Resources\"", "\"Resources\": {}, \"Resources\"", 1);
    let error = load(&twice, &story_options()).unwrap_err().to_string();
    assert!(
        error.contains("duplicate key `Resources`") && error.contains("line "),
        "{error}"
    );

    let deny_then_allow = format!(
        r#"{{"Resources": {{"R": {{"Type": "AWS::IAM::Policy", "Properties": {{"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {DENY_THEN_ALLOW}}}}}}}}}"#
    );
    let error = load(&deny_then_allow, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate key `Effect`"), "{error}");
}

#[test]
fn yaml_templates_refuse_duplicate_keys() {
    let error = load(
        "Resources: {}\nResources: {}\n",
        &TemplateOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("duplicate"), "{error}");
    // Different YAML keys, the same template key.
    let error = load("Resources: {}\n1: a\n'1': b\n", &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate key `1`"), "{error}");
    let error = load(
        "Resources:\n  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Deny\n            Effect: Allow\n",
        &TemplateOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("duplicate"), "{error}");
}

#[test]
fn a_policy_document_string_with_duplicate_keys_may_deny() {
    // The policy's name is unresolved, so the policy is left out; whether
    // leaving it out is safe depends on whether it may deny, and a
    // document whose `Effect` is written twice may.
    let document = serde_json::to_string(DENY_THEN_ALLOW).unwrap();
    let extra = format!(
        "      Policies:\n        - PolicyName: !ImportValue shared-name\n          PolicyDocument: {document}\n"
    );
    let text = story_with("", "").replace(
        "      Policies:\n        - PolicyName: notes-app-auth\n",
        &format!("{extra}        - PolicyName: notes-app-auth\n"),
    );
    let stack = load(&text, &story_options()).unwrap();
    let why = &stack.refused_roles()[AUTH_ROLE];
    assert!(why.contains("may deny"), "{why}");
}

#[test]
fn a_supplied_managed_policy_with_duplicate_keys_is_refused() {
    let extra = format!("      ManagedPolicyArns: [{DENY_ALL}]\n");
    let mut options = story_options();
    options
        .managed_policies
        .insert(DENY_ALL.into(), DENY_THEN_ALLOW.into());
    let stack = load(&story_with(&extra, ""), &options).unwrap();
    let error = stack.identity_pool().unwrap_err().to_string();
    assert!(error.contains("duplicate key `Effect`"), "{error}");
}

#[test]
fn pool_files_refuse_duplicate_keys() {
    let pool = read("fixtures/cognito/notes-app-pool.json");
    assert!(IdentityPoolSetup::from_json(&pool).is_ok());
    // The same role ARN twice: the second would replace the first.
    let role = format!("\"{AUTH_ROLE}\": {{");
    let twice = pool.replacen(
        &role,
        &format!("\"{AUTH_ROLE}\": {{\"AssumeRolePolicyDocument\": {{}}}},\n{role}"),
        1,
    );
    let error = IdentityPoolSetup::from_json(&twice)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!("duplicate key `{AUTH_ROLE}`")) && error.contains("line "),
        "{error}"
    );
    let twice = pool.replacen(
        "\"Effect\": \"Allow\"",
        "\"Effect\": \"Deny\", \"Effect\": \"Allow\"",
        1,
    );
    let error = IdentityPoolSetup::from_json(&twice)
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate key `Effect`"), "{error}");
}

#[test]
fn login_and_case_files_refuse_duplicate_keys() {
    let login = read("fixtures/cognito/login-alice.json");
    let twice = login.replacen("\"sub\":", "\"sub\": \"someone-else\", \"sub\":", 1);
    let error = Login::from_json(&twice).unwrap_err().to_string();
    assert!(error.contains("duplicate key `sub`"), "{error}");

    let case = r#"{"id": "c", "policies": [], "request": {"action": "s3:GetObject", "resource": "*", "context": {"aws:SourceIp": "10.0.0.1", "aws:SourceIp": "203.0.113.9"}}}"#;
    let error = Case::from_json(case).unwrap_err();
    assert!(error.contains("duplicate key `aws:SourceIp`"), "{error}");
    let once = case.replacen(r#""aws:SourceIp": "10.0.0.1", "#, "", 1);
    assert!(Case::from_json(&once).is_ok());
}

#[test]
fn cli_requests_files_refuse_duplicate_context_keys() {
    let dir = std::env::temp_dir().join(format!("iam-eval-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let requests = dir.join("requests.json");
    std::fs::write(
        &requests,
        r#"[{"action": "s3:GetObject", "resource": "*", "context": {"s3:prefix": "a", "s3:prefix": "b"}}]"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iam-eval"))
        .args([
            "cognito",
            "--pool",
            "fixtures/cognito/notes-app-pool.json",
            "--login",
            "fixtures/cognito/login-alice.json",
            "--requests",
            requests.to_str().unwrap(),
        ])
        .current_dir(DIR)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("duplicate context key `s3:prefix`"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
