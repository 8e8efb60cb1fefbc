//! Templates shaped like the ones users bring (issue 17, items 4 to 6): a
//! Serverless Framework service laid out as the popular tutorials lay it
//! out (`resources:` as `${file(…)}` includes, `${opt:stage, …}`,
//! `${sls:stage}`, `provider.region`, the generated `ApiGatewayRestApi`),
//! a SAM template as the SAM docs write one (Globals, policy templates),
//! and options that name nothing the template has. The fixtures were
//! written for these tests, in the users' shape, not copied.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on unexpected input"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{iam_eval, stdout};

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::template::{load, load_file, Stack, TemplateOptions, POLICY_TEMPLATES};
use iam_eval::{Decision, PolicySet, PolicyType, Request};
use serde_json::Value;

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const SERVERLESS: &str = "fixtures/templates/serverless-stack/serverless.yml";
const SAM: &str = "fixtures/templates/sam-notes.yaml";

fn fixture(path: &str) -> PathBuf {
    Path::new(DIR).join(path)
}

fn options(pins: &[(&str, &str)]) -> TemplateOptions {
    let mut options = TemplateOptions::default();
    for (logical, id) in pins {
        options
            .physical_ids
            .insert((*logical).to_owned(), (*id).to_owned());
    }
    options
}

/// The ids the deployed serverless-stack service has.
const SERVERLESS_PINS: &[(&str, &str)] = &[
    ("CognitoUserPool", "eu-west-1_NotesApi"),
    ("CognitoUserPoolClient", "notesapiclient1"),
    ("AttachmentsBucket", "notes-api-attachments"),
    ("ApiGatewayRestApi", "a1b2c3d4e5"),
];

const SAM_PINS: &[(&str, &str)] = &[
    ("NotesUserPool", "us-east-1_SamNotes"),
    ("NotesUserPoolClient", "samnotesclient"),
    ("ServerlessRestApi", "samapi1234"),
];

fn login(identity: &str, provider: &str, client: &str) -> Login {
    Login::from_json(&format!(
        r#"{{"identityId": "{identity}", "provider": "{provider}", "clientId": "{client}",
            "claims": {{"sub": "5f1c7a1e", "aud": "{client}", "token_use": "id"}}}}"#
    ))
    .unwrap()
}

fn decide(pool: &IdentityPoolSetup, who: &Login, action: &str, resource: &str) -> Decision {
    pool.sign_in(who)
        .unwrap()
        .check(action, resource, &[])
        .decision
}

/// A scratch directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "iam-eval-real-templates-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// A role of the pool file as a policy set: its inline and managed policies.
fn role_policies(stack: &Stack, role_part: &str) -> PolicySet {
    let roles = stack.pool_file().unwrap()["Roles"].as_object().unwrap();
    let (_, role) = roles
        .iter()
        .find(|(arn, _)| arn.contains(role_part))
        .unwrap_or_else(|| panic!("no role with {role_part}: {:?}", roles.keys()));
    let mut builder = PolicySet::builder();
    for (i, policy) in role["Policies"].as_array().unwrap().iter().enumerate() {
        let text = match &policy["PolicyDocument"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        builder
            .add(&format!("p{i}"), PolicyType::Identity, &text)
            .unwrap();
    }
    builder.build()
}

fn allowed(set: &PolicySet, action: &str, resource: &str) -> bool {
    set.evaluate(&Request::new(action, resource)).is_allowed()
}

// ---- item 4: the Serverless Framework as the tutorials write it ----

#[test]
fn serverless_stack_notes_app_simulates_end_to_end() {
    let stack = load_file(&fixture(SERVERLESS), &options(SERVERLESS_PINS)).unwrap();
    assert!(stack.is_serverless());
    assert!(stack.unresolved().is_empty(), "{:?}", stack.unresolved());
    assert!(
        stack.refused_roles().is_empty(),
        "{:?}",
        stack.refused_roles()
    );
    let pool = stack.identity_pool().unwrap();
    let alice = login(
        "eu-west-1:1111aaaa-0000-4000-8000-000000000001",
        "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NotesApi",
        "notesapiclient1",
    );
    let own = "arn:aws:s3:::notes-api-attachments/private/eu-west-1:1111aaaa-0000-4000-8000-000000000001/photo.jpg";
    let other = "arn:aws:s3:::notes-api-attachments/private/eu-west-1:2222bbbb-0000-4000-8000-000000000002/photo.jpg";
    assert_eq!(decide(&pool, &alice, "s3:PutObject", own), Decision::Allow);
    assert_eq!(
        decide(&pool, &alice, "s3:GetObject", other),
        Decision::ImplicitDeny
    );
    // The API the framework generates, in the template's region.
    let api = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/POST/notes";
    assert_eq!(
        decide(&pool, &alice, "execute-api:Invoke", api),
        Decision::Allow
    );
    let other_api = "arn:aws:execute-api:eu-west-1:123456789012:zzzzzzzzzz/dev/POST/notes";
    assert_eq!(
        decide(&pool, &alice, "execute-api:Invoke", other_api),
        Decision::ImplicitDeny
    );
    let other_region = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/notes";
    assert_eq!(
        decide(&pool, &alice, "execute-api:Invoke", other_region),
        Decision::ImplicitDeny
    );
    // A client the pool does not have is refused, naming the ones it has.
    let stranger = login(
        "eu-west-1:1111aaaa-0000-4000-8000-000000000001",
        "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NotesApi",
        "someoneelse",
    );
    let session = pool.sign_in(&stranger).unwrap();
    assert_eq!(session.role(), None);
    let refusal = session.refusal().unwrap();
    assert!(refusal.contains("notesapiclient1"), "{refusal}");
}

#[test]
fn cli_simulates_the_serverless_stack_service() {
    let out = iam_eval(&[
        "cognito",
        "--template",
        SERVERLESS,
        "--physical-id",
        "CognitoUserPool=eu-west-1_NotesApi",
        "--physical-id",
        "CognitoUserPoolClient=notesapiclient1",
        "--physical-id",
        "AttachmentsBucket=notes-api-attachments",
        "--physical-id",
        "ApiGatewayRestApi=a1b2c3d4e5",
        "--login",
        "fixtures/templates/serverless-stack/login-alice.json",
        "--requests",
        "fixtures/templates/serverless-stack/requests.json",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let decisions: Vec<&str> = json["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["Allow", "ImplicitDeny", "Allow"]);
    // The region came from the template, and the output says so.
    let notes = json["template"]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["subject"] == "AWS::Region"
        && n["message"]
            .as_str()
            .unwrap()
            .contains("`eu-west-1`, from the template's provider.region")));
}

#[test]
fn included_resources_carry_the_path_of_their_file() {
    let stack = load_file(&fixture(SERVERLESS), &options(SERVERLESS_PINS)).unwrap();
    let paths: Vec<&str> = stack.policies().iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.contains(&"resources/cognito-identity-pool.yml:Resources.CognitoAuthRole.Properties.Policies[0].PolicyDocument"),
        "{paths:?}"
    );
}

#[test]
fn the_lambda_execution_role_is_generated_with_the_provider_statements() {
    let stack = load_file(&fixture(SERVERLESS), &options(SERVERLESS_PINS)).unwrap();
    // `[service]-[stage]-[region]-lambdaRole`, the stage from
    // `${opt:stage, self:provider.stage}`.
    let role = role_policies(&stack, ":role/notes-api-dev-eu-west-1-lambdaRole");
    let table = "arn:aws:dynamodb:eu-west-1:123456789012:table/dev-notes";
    assert!(allowed(&role, "dynamodb:PutItem", table));
    assert!(!allowed(&role, "dynamodb:DeleteTable", table));
    assert!(!allowed(
        &role,
        "dynamodb:PutItem",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/prod-notes"
    ));
    assert!(stack
        .notes()
        .iter()
        .any(|n| n.subject == "IamRoleLambdaExecution"
            && n.message.contains("generated by the Serverless Framework")));
    // The stage from the command line changes the names.
    let mut prod = options(SERVERLESS_PINS);
    prod.parameters.insert("opt:stage".into(), "prod".into());
    let stack = load_file(&fixture(SERVERLESS), &prod).unwrap();
    let role = role_policies(&stack, ":role/notes-api-prod-eu-west-1-lambdaRole");
    assert!(allowed(
        &role,
        "dynamodb:PutItem",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/prod-notes"
    ));
}

#[test]
fn a_generated_api_without_a_pin_is_a_placeholder_and_said_so() {
    let pins: Vec<(&str, &str)> = SERVERLESS_PINS
        .iter()
        .copied()
        .filter(|(l, _)| *l != "ApiGatewayRestApi")
        .collect();
    let stack = load_file(&fixture(SERVERLESS), &options(&pins)).unwrap();
    let note = stack
        .notes()
        .iter()
        .find(|n| n.subject == "ApiGatewayRestApi" && n.message.contains("placeholder"))
        .unwrap_or_else(|| panic!("{:?}", stack.notes()));
    assert!(
        note.message.contains("--physical-id ApiGatewayRestApi=ID"),
        "{note}"
    );
    assert!(
        note.message
            .contains("generated by the Serverless Framework"),
        "{note}"
    );
}

const SLS_HEAD: &str = "service: svc\nprovider:\n  name: aws\n  stage: qa\n";

#[test]
fn a_ref_to_a_resource_the_framework_did_not_generate_is_named() {
    // No function has an `http` event: there is no ApiGatewayRestApi.
    let text = format!(
        "{SLS_HEAD}functions:\n  f:\n    handler: h.main\nresources:\n  Resources:\n    P:\n      Type: AWS::IAM::ManagedPolicy\n      Properties:\n        PolicyDocument:\n          Version: '2012-10-17'\n          Statement:\n            - Effect: Allow\n              Action: execute-api:Invoke\n              Resource: !Sub 'arn:aws:execute-api:*:*:${{ApiGatewayRestApi}}/*'\n"
    );
    let stack = load(&text, &TemplateOptions::default()).unwrap();
    let reasons: Vec<String> = stack.unresolved().iter().map(ToString::to_string).collect();
    assert!(
        reasons.iter().any(|r| r
            .contains("generates `ApiGatewayRestApi` only when a function has an `http` event")),
        "{reasons:?}"
    );
}

#[test]
fn sls_stage_opt_stage_and_provider_stage_resolve_as_the_framework_does() {
    // `${sls:stage}` is `${opt:stage, self:provider.stage, "dev"}`.
    let with_policy = |stage: Option<&str>| {
        let text = format!(
            "{SLS_HEAD}resources:\n  Resources:\n    R:\n      Type: AWS::IAM::ManagedPolicy\n      Properties:\n        PolicyDocument:\n          Version: '2012-10-17'\n          Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::${{sls:stage}}-${{opt:stage, 'dev'}}-${{self:provider.stage}}/*\n"
        );
        let mut options = TemplateOptions::default();
        if let Some(stage) = stage {
            options.parameters.insert("opt:stage".into(), stage.into());
        }
        let stack = load(&text, &options).unwrap();
        stack.policies()[0].document.clone().unwrap()
    };
    assert!(
        with_policy(None).contains("arn:aws:s3:::qa-dev-qa/*"),
        "{}",
        with_policy(None)
    );
    assert!(with_policy(Some("prod")).contains("arn:aws:s3:::prod-prod-qa/*"));
    // Without provider.stage either, `${sls:stage}` is `dev`, and said so.
    let bare = "service: svc\nprovider:\n  name: aws\nresources:\n  Resources:\n    R:\n      Type: AWS::IAM::ManagedPolicy\n      Properties:\n        PolicyDocument:\n          Version: '2012-10-17'\n          Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::${sls:stage}/*\n";
    let stack = load(bare, &TemplateOptions::default()).unwrap();
    assert!(stack.policies()[0]
        .document
        .as_deref()
        .unwrap()
        .contains("arn:aws:s3:::dev/*"));
    assert!(stack.notes().iter().any(|n| n.subject == "sls:stage"));
}

#[test]
fn a_missing_include_is_a_clear_error() {
    let dir = scratch("missing");
    let template = write(
        &dir,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(resources/here.yml)}\n  - ${file(resources/missing.yml)}\n",
    );
    write(&dir, "resources/here.yml", "Resources: {}\n");
    let error = load_file(&template, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("resources[1]"), "{error}");
    assert!(error.contains("resources/missing.yml"), "{error}");
    assert!(error.contains("cannot read"), "{error}");
    // The CLI says the same and exits 1.
    let out = iam_eval(&["lint", "--template", template.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("resources/missing.yml"));
}

#[test]
fn includes_outside_the_template_directory_are_refused() {
    let dir = scratch("escape");
    write(&dir, "secret.yml", "Resources: {}\n");
    write(&dir, "svc/resources/ok.yml", "Resources: {}\n");
    for include in [
        "../secret.yml",
        "/etc/hostname",
        "~/.aws/credentials",
        "resources/../../secret.yml",
    ] {
        let template = write(
            &dir,
            "svc/serverless.yml",
            &format!("service: s\nprovider:\n  name: aws\nresources:\n  - ${{file({include})}}\n"),
        );
        let error = load_file(&template, &TemplateOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("outside") || error.contains("not a relative path"),
            "{include}: {error}"
        );
    }
    // `..` that stays inside is not an escape.
    let template = write(
        &dir,
        "svc/serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(resources/../resources/ok.yml)}\n",
    );
    assert!(load_file(&template, &TemplateOptions::default()).is_ok());
    // A wider root, given explicitly, allows the file outside.
    let template = write(
        &dir,
        "svc/serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(../secret.yml)}\n",
    );
    let mut wider = TemplateOptions::default();
    wider.include_root = Some(dir.clone());
    assert!(load_file(&template, &wider).is_ok());
}

#[test]
fn a_file_that_includes_itself_is_refused() {
    let dir = scratch("cycle");
    let template = write(
        &dir,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(a.yml)}\n",
    );
    write(&dir, "a.yml", "Resources:\n  X: ${file(b.yml)}\n");
    write(&dir, "b.yml", "Type: ${file(a.yml)}\n");
    let error = load_file(&template, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("includes itself"), "{error}");
    // Itself, directly, from the template.
    write(
        &dir,
        "self.yml",
        "service: s\nprovider:\n  name: aws\nresources: ${file(self.yml)}\n",
    );
    let error = load_file(&dir.join("self.yml"), &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("includes itself"), "{error}");
}

#[test]
fn includes_in_a_long_chain_stop_at_the_depth_budget() {
    let dir = scratch("chain");
    let template = write(
        &dir,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(f0.yml)}\n",
    );
    for i in 0..60 {
        write(
            &dir,
            &format!("f{i}.yml"),
            &format!("Resources: ${{file(f{}.yml)}}\n", i + 1),
        );
    }
    write(&dir, "f60.yml", "{}\n");
    let error = load_file(&template, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("nest more than") || error.contains("MAX_INCLUDES"),
        "{error}"
    );
}

#[test]
fn a_logical_id_defined_by_two_includes_is_an_error_naming_both() {
    let dir = scratch("twice");
    let template = write(
        &dir,
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(a.yml)}\n  - ${file(b.yml)}\n",
    );
    write(
        &dir,
        "a.yml",
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    );
    write(
        &dir,
        "b.yml",
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
    );
    let error = load_file(&template, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`Resources.Bucket` is defined twice: in a.yml and in b.yml"),
        "{error}"
    );
}

#[test]
fn an_include_needs_the_template_location() {
    let text = "service: s\nprovider:\n  name: aws\nresources:\n  - ${file(resources/a.yml)}\n";
    let error = load(text, &TemplateOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("load_file"), "{error}");
}

// ---- item 5: SAM ----

#[test]
fn sam_notes_simulates_end_to_end() {
    let stack = load_file(&fixture(SAM), &options(SAM_PINS)).unwrap();
    assert!(stack.unresolved().is_empty(), "{:?}", stack.unresolved());
    assert!(
        stack.refused_roles().is_empty(),
        "{:?}",
        stack.refused_roles()
    );
    let pool = stack.identity_pool().unwrap();
    let alice = login(
        "us-east-1:1111aaaa-0000-4000-8000-000000000001",
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_SamNotes",
        "samnotesclient",
    );
    let api = "arn:aws:execute-api:us-east-1:123456789012:samapi1234/Prod/GET/notes";
    assert_eq!(
        decide(&pool, &alice, "execute-api:Invoke", api),
        Decision::Allow
    );
    let own = "arn:aws:s3:::sam-notes-uploads/private/us-east-1:1111aaaa-0000-4000-8000-000000000001/a.txt";
    let other = "arn:aws:s3:::sam-notes-uploads/private/us-east-1:2222bbbb-0000-4000-8000-000000000002/a.txt";
    assert_eq!(decide(&pool, &alice, "s3:PutObject", own), Decision::Allow);
    assert_eq!(
        decide(&pool, &alice, "s3:PutObject", other),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&pool, &alice, "s3:DeleteObject", own),
        Decision::ImplicitDeny
    );
}

/// The statements of the SAM policy template list
/// (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html).
#[test]
fn sam_policy_templates_expand_to_their_documented_statements() {
    let stack = load_file(&fixture(SAM), &options(SAM_PINS)).unwrap();
    let create = role_policies(&stack, "-CreateNoteFunctionRole-");
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/sam-notes";
    // DynamoDBCrudPolicy: items and indexes, not the table itself.
    assert!(allowed(&create, "dynamodb:PutItem", table));
    assert!(allowed(&create, "dynamodb:ConditionCheckItem", table));
    assert!(allowed(
        &create,
        "dynamodb:Query",
        &format!("{table}/index/byDate")
    ));
    assert!(!allowed(&create, "dynamodb:DeleteTable", table));
    assert!(!allowed(
        &create,
        "dynamodb:PutItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/sam-notes-archive"
    ));
    // S3ReadPolicy: read, never write.
    assert!(allowed(
        &create,
        "s3:GetObject",
        "arn:aws:s3:::sam-notes-uploads/a"
    ));
    assert!(allowed(
        &create,
        "s3:ListBucket",
        "arn:aws:s3:::sam-notes-uploads"
    ));
    assert!(!allowed(
        &create,
        "s3:PutObject",
        "arn:aws:s3:::sam-notes-uploads/a"
    ));
    // SQSSendMessagePolicy: `sqs:SendMessage*` on the queue.
    let queue = "arn:aws:sqs:us-east-1:123456789012:sam-notes-jobs";
    assert!(allowed(&create, "sqs:SendMessage", queue));
    assert!(allowed(&create, "sqs:SendMessageBatch", queue));
    assert!(!allowed(&create, "sqs:ReceiveMessage", queue));
    // AWSLambdaBasicExecutionRole, which SAM attaches to every function role.
    assert!(allowed(
        &create,
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*"
    ));

    let list = role_policies(&stack, "-ListNotesFunctionRole-");
    assert!(allowed(&list, "dynamodb:Query", table));
    assert!(!allowed(&list, "dynamodb:PutItem", table));
    // LambdaInvokePolicy: the function named by `!Ref`, its aliases and versions.
    let create_name = stack
        .notes()
        .iter()
        .find(|n| n.subject == "CreateNoteFunction")
        .and_then(|n| n.message.split('`').nth(1).map(str::to_owned))
        .unwrap();
    let function = format!("arn:aws:lambda:us-east-1:123456789012:function:{create_name}");
    assert!(allowed(&list, "lambda:InvokeFunction", &function));
    assert!(allowed(
        &list,
        "lambda:InvokeFunction",
        &format!("{function}:live")
    ));
    assert!(!allowed(
        &list,
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:other"
    ));
    // The inline document written in Policies.
    assert!(allowed(
        &list,
        "s3:ListBucket",
        "arn:aws:s3:::sam-notes-uploads"
    ));
}

fn sam_function(policies: &str, extra: &str) -> String {
    format!(
        "Transform: AWS::Serverless-2016-10-31\n{extra}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Policies:\n{policies}"
    )
}

fn function_role(stack: &Stack) -> Option<(String, Value)> {
    stack.pool_file().and_then(|file| {
        file["Roles"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(arn, _)| arn.contains("-FnRole-"))
            .map(|(arn, role)| (arn.clone(), role.clone()))
    })
}

/// The template needs an identity pool for a pool file; the roles are what
/// the tests read.
const POOL: &str = "  Pool:\n    Type: AWS::Cognito::IdentityPool\n    Properties:\n      AllowUnauthenticatedIdentities: false\n";

#[test]
fn every_supported_policy_template_expands_and_a_near_miss_is_named() {
    for (name, parameters) in POLICY_TEMPLATES {
        let args: String = parameters
            .iter()
            .map(|p| format!("            {p}: thing\n"))
            .collect();
        let args = if args.is_empty() {
            " {}\n".to_owned()
        } else {
            format!("\n{args}")
        };
        let text = format!(
            "{}{POOL}",
            sam_function(&format!("        - {name}:{args}"), "")
        );
        let stack = load(&text, &TemplateOptions::default()).unwrap();
        assert!(
            stack.unresolved().is_empty(),
            "{name}: {:?}",
            stack.unresolved()
        );
        assert!(
            stack.refused_roles().is_empty(),
            "{name}: {:?}",
            stack.refused_roles()
        );
        let (_, role) = function_role(&stack).unwrap();
        assert_eq!(role["Policies"].as_array().unwrap().len(), 2, "{name}");
        // A parameter missing or misspelt: the role is left out, named.
        if let Some(first) = parameters.first() {
            let wrong = text.replace(&format!("{first}: thing"), &format!("{first}x: thing"));
            let stack = load(&wrong, &TemplateOptions::default()).unwrap();
            assert!(
                stack.unresolved().iter().any(|u| u
                    .reason
                    .contains(&format!("`{name}` takes the parameters [{first}]"))),
                "{name}: {:?}",
                stack.unresolved()
            );
            assert_eq!(stack.refused_roles().len(), 1, "{name}");
        }
    }
}

#[test]
fn an_unknown_policy_template_refuses_the_function_role_and_is_named() {
    let policies = "        - DynamoDBCrudPolicy:\n            TableName: t\n        - DynamoDBCrudPolicyV3:\n            TableName: t\n";
    let stack = load(
        &format!("{}{POOL}", sam_function(policies, "")),
        &TemplateOptions::default(),
    )
    .unwrap();
    let reasons: Vec<String> = stack.unresolved().iter().map(ToString::to_string).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("Resources.Fn.Properties.Policies[1]")
                && r.contains(
                    "SAM policy template `DynamoDBCrudPolicyV3` is not one iam-eval expands"
                )),
        "{reasons:?}"
    );
    let (arn, why) = stack
        .refused_roles()
        .iter()
        .next()
        .map(|(a, w)| (a.clone(), w.clone()))
        .unwrap();
    assert!(arn.contains("-FnRole-"), "{arn}");
    assert!(why.contains("may deny"), "{why}");
}

#[test]
fn globals_apply_to_every_function_and_sam_refuses_policies_there() {
    // A permissions boundary from Globals reaches the function's role (and
    // the identity-pool model does not apply boundaries: the role is left out).
    let globals = "Globals:\n  Function:\n    Timeout: 3\n    PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary\n";
    let policies = "        - CloudWatchPutMetricPolicy: {}\n";
    let stack = load(
        &format!("{}{POOL}", sam_function(policies, globals)),
        &TemplateOptions::default(),
    )
    .unwrap();
    let refused: Vec<&String> = stack.refused_roles().values().collect();
    assert!(
        refused.iter().any(|w| w.contains("PermissionsBoundary")),
        "{refused:?}"
    );
    // Without it, the same function's role is kept.
    let plain = "Globals:\n  Function:\n    Timeout: 3\n";
    let stack = load(
        &format!("{}{POOL}", sam_function(policies, plain)),
        &TemplateOptions::default(),
    )
    .unwrap();
    assert!(
        stack.refused_roles().is_empty(),
        "{:?}",
        stack.refused_roles()
    );
    // SAM does not accept Policies in Globals.
    let bad = "Globals:\n  Function:\n    Policies: [AWSLambdaExecute]\n";
    let error = load(
        &format!("{}{POOL}", sam_function(policies, bad)),
        &TemplateOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("Globals.Function.Policies"), "{error}");
}

#[test]
fn managed_policy_names_become_arns_and_need_their_documents() {
    let policies = "        - AmazonDynamoDBReadOnlyAccess\n";
    let text = format!("{}{POOL}", sam_function(policies, ""));
    let stack = load(&text, &TemplateOptions::default()).unwrap();
    let refused: Vec<&String> = stack.refused_roles().values().collect();
    assert!(
        refused
            .iter()
            .any(|w| w.contains("arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess")),
        "{refused:?}"
    );
    let mut given = TemplateOptions::default();
    given.managed_policies.insert(
        "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess".into(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}"#.into(),
    );
    let stack = load(&text, &given).unwrap();
    assert!(
        stack.refused_roles().is_empty(),
        "{:?}",
        stack.refused_roles()
    );
}

#[test]
fn a_function_with_its_own_role_gets_no_generated_role() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/mine\n  Pool:\n    Type: AWS::Cognito::IdentityPool\n    Properties:\n      AllowUnauthenticatedIdentities: false\n";
    let stack = load(text, &TemplateOptions::default()).unwrap();
    assert!(function_role(&stack).is_none());
    // Without the transform, nothing is generated either.
    let plain = sam_function("        - CloudWatchPutMetricPolicy: {}\n", "")
        .replace("Transform: AWS::Serverless-2016-10-31\n", "");
    let stack = load(&format!("{plain}{POOL}"), &TemplateOptions::default()).unwrap();
    assert!(function_role(&stack).is_none());
}

#[test]
fn a_ref_to_an_api_sam_did_not_generate_is_named() {
    let text = format!(
        "{}  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: execute-api:Invoke\n            Resource: !Sub 'arn:aws:execute-api:*:*:${{ServerlessRestApi}}/*'\n",
        sam_function("        - CloudWatchPutMetricPolicy: {}\n", "")
    );
    let stack = load(&text, &TemplateOptions::default()).unwrap();
    assert!(
        stack.unresolved().iter().any(|u| u
            .reason
            .contains("SAM generates `ServerlessRestApi` only for functions with an `Api` event")),
        "{:?}",
        stack.unresolved()
    );
}

// ---- item 6: nothing silently ignored ----

#[test]
fn an_unknown_physical_id_is_an_error_listing_the_resources() {
    let mut wrong = options(SAM_PINS);
    wrong.physical_ids.insert("UserPool".into(), "x".into());
    let error = load_file(&fixture(SAM), &wrong).unwrap_err().to_string();
    assert!(error.contains("--physical-id `UserPool`"), "{error}");
    assert!(error.contains("NotesUserPool"), "{error}");
    // Generated resources are names the template has.
    assert!(
        error.contains("ServerlessRestApi") && error.contains("CreateNoteFunctionRole"),
        "{error}"
    );
    let out = iam_eval(&[
        "cognito",
        "--template",
        SAM,
        "--physical-id",
        "UserPool=x",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`UserPool`") && stderr.contains("NotesUserPool"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_param_is_an_error_listing_the_parameters() {
    let mut wrong = TemplateOptions::default();
    wrong
        .parameters
        .insert("UploadBucketName".into(), "x".into());
    let error = load_file(&fixture(SAM), &wrong).unwrap_err().to_string();
    assert!(error.contains("--param `UploadBucketName`"), "{error}");
    assert!(
        error.contains("its parameters: UploadsBucketName"),
        "{error}"
    );
    // A Serverless file: its parameters and the variables it uses.
    let mut wrong = options(SERVERLESS_PINS);
    wrong.parameters.insert("opt:stag".into(), "prod".into());
    let error = load_file(&fixture(SERVERLESS), &wrong)
        .unwrap_err()
        .to_string();
    assert!(error.contains("--param `opt:stag`"), "{error}");
    assert!(error.contains("opt:stage"), "{error}");
    let out = iam_eval(&["lint", "--template", SERVERLESS, "--param", "opt:stag=prod"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("opt:stage"));
    // A variable the file uses is accepted.
    let mut right = options(SERVERLESS_PINS);
    right.parameters.insert("opt:stage".into(), "prod".into());
    assert!(load_file(&fixture(SERVERLESS), &right).is_ok());
}

#[test]
fn a_managed_policy_no_role_attaches_is_an_error() {
    let mut wrong = options(SAM_PINS);
    wrong.managed_policies.insert(
        "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
    );
    let error = load_file(&fixture(SAM), &wrong).unwrap_err().to_string();
    assert!(error.contains("ReadOnlyAccess"), "{error}");
    assert!(error.contains("AWSLambdaBasicExecutionRole"), "{error}");
}

#[test]
fn a_sign_in_from_an_unknown_provider_lists_the_pools_providers() {
    let stack = load_file(&fixture(SAM), &options(SAM_PINS)).unwrap();
    let pool = stack.identity_pool().unwrap();
    let facebook = Login::from_json(
        r#"{"identityId": "us-east-1:1111aaaa-0000-4000-8000-000000000001", "provider": "graph.facebook.com", "claims": {"sub": "1"}}"#,
    )
    .unwrap();
    let session = pool.sign_in(&facebook).unwrap();
    assert_eq!(session.role(), None);
    let error = session.refusal().unwrap();
    assert!(
        error.contains("`graph.facebook.com` is not a provider of this pool"),
        "{error}"
    );
    assert!(
        error.contains(
            "`cognito-idp.us-east-1.amazonaws.com/us-east-1_SamNotes` with client `samnotesclient`"
        ),
        "{error}"
    );
}

#[test]
fn the_template_region_wins_over_the_default_and_is_reported() {
    let stack = load_file(&fixture(SERVERLESS), &options(SERVERLESS_PINS)).unwrap();
    let region = stack
        .notes()
        .iter()
        .find(|n| n.subject == "AWS::Region")
        .unwrap();
    assert!(
        region
            .message
            .contains("`eu-west-1`, from the template's provider.region"),
        "{region}"
    );
    // The user pool's provider name is in that region.
    assert_eq!(
        stack.pool_file().unwrap()["IdentityPool"]["CognitoIdentityProviders"][0]["ProviderName"],
        "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_NotesApi"
    );
    // --region wins over the template, and says which it replaced.
    let mut given = options(SERVERLESS_PINS);
    given.region = Some("eu-central-1".into());
    let stack = load_file(&fixture(SERVERLESS), &given).unwrap();
    let region = stack
        .notes()
        .iter()
        .find(|n| n.subject == "AWS::Region")
        .unwrap();
    assert!(
        region
            .message
            .contains("`eu-central-1` (--region), not the template's provider.region `eu-west-1`"),
        "{region}"
    );
    // In the text output too.
    let out = iam_eval(&[
        "cognito",
        "--template",
        SERVERLESS,
        "--physical-id",
        "CognitoUserPool=eu-west-1_NotesApi",
        "--physical-id",
        "CognitoUserPoolClient=notesapiclient1",
        "--login",
        "fixtures/templates/serverless-stack/login-alice.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::x/y",
    ]);
    assert!(
        stdout(&out)
            .contains("note: AWS::Region: `eu-west-1`, from the template's provider.region"),
        "{}",
        stdout(&out)
    );
}
