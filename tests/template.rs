//! Simulating an identity pool from a CloudFormation / SAM / Serverless
//! template: the story's template gives the same roles and decisions as the
//! deployed pool file, and whatever cannot be resolved is named, never guessed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on unexpected input"
)]

mod common;

use common::{iam_eval, stdout};

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::template::{load, Stack, TemplateOptions};
use iam_eval::{ContextValue, Decision, PolicyType};
use serde_json::Value;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{path}")).unwrap()
}

/// The AWS managed policy the story's admin role attaches by ARN.
const COGNITO_READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonCognitoReadOnly";

/// The options the story needs: the managed policy's document, without
/// which the admin role is left out (it may deny).
fn story_options() -> TemplateOptions {
    let mut options = TemplateOptions::default();
    options.managed_policies.insert(
        COGNITO_READ_ONLY.into(),
        read("fixtures/templates/AmazonCognitoReadOnly.json"),
    );
    options
}

fn stack(path: &str) -> Stack {
    load(&read(path), &story_options()).unwrap()
}

fn stack_from(text: &str, options: &TemplateOptions) -> Stack {
    load(text, options).unwrap()
}

fn login(name: &str) -> Login {
    Login::from_json(&read(&format!("fixtures/cognito/login-{name}.json"))).unwrap()
}

/// The story requests as (action, resource, context).
/// Action, resource and extra context.
type Spec = (String, String, Vec<(String, ContextValue)>);

fn story_requests() -> Vec<Spec> {
    let requests: Vec<Value> =
        serde_json::from_str(&read("fixtures/cognito/story-requests.json")).unwrap();
    requests
        .iter()
        .map(|r| {
            let context = r
                .get("context")
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| {
                            let values = v
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|s| s.as_str().unwrap().to_owned())
                                .collect();
                            (k.clone(), ContextValue::Multi(values))
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                r["action"].as_str().unwrap().to_owned(),
                r["resource"].as_str().unwrap().to_owned(),
                context,
            )
        })
        .collect()
}

/// The role and the decision for every story request.
fn outcome(pool: &IdentityPoolSetup, who: &str) -> (Option<String>, Vec<Decision>) {
    let session = pool.sign_in(&login(who)).unwrap();
    let decisions = story_requests()
        .iter()
        .map(|(action, resource, context)| {
            let extra: Vec<(&str, ContextValue)> = context
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            session.check(action, resource, &extra).decision
        })
        .collect();
    (session.role().map(str::to_owned), decisions)
}

const TEMPLATES: [&str; 3] = [
    "fixtures/templates/notes-app.yaml",
    "fixtures/templates/notes-app.json",
    "fixtures/templates/notes-app.serverless.yml",
];

#[test]
fn yaml_json_and_serverless_give_the_same_pool() {
    let yaml = stack(TEMPLATES[0]);
    assert!(!yaml.is_serverless());
    assert_eq!(yaml.format(), iam_eval::template::Format::Yaml);
    let pool = yaml.pool_file().unwrap();
    for other in &TEMPLATES[1..] {
        let other = stack(other);
        assert_eq!(other.pool_file().unwrap(), pool);
        assert!(other.unresolved().is_empty(), "{:?}", other.unresolved());
    }
    assert!(stack(TEMPLATES[2]).is_serverless());
    assert!(yaml.unresolved().is_empty(), "{:?}", yaml.unresolved());
}

#[test]
fn the_template_builds_the_deployed_pool() {
    let built = stack(TEMPLATES[0]).pool_file().unwrap().clone();
    let deployed: Value =
        serde_json::from_str(&read("fixtures/cognito/notes-app-pool.json")).unwrap();
    assert_eq!(
        built["IdentityPool"]["IdentityPoolId"],
        deployed["IdentityPool"]["IdentityPoolId"]
    );
    assert_eq!(
        built["IdentityPool"]["AllowUnauthenticatedIdentities"],
        Value::Bool(true)
    );
    assert_eq!(
        built["IdentityPoolRoles"]["Roles"],
        deployed["IdentityPoolRoles"]["Roles"]
    );
    // CFN's RoleMappings entry is keyed by its IdentityProvider, as the API's is.
    assert_eq!(
        built["IdentityPoolRoles"]["RoleMappings"],
        deployed["IdentityPoolRoles"]["RoleMappings"]
    );
    let mut built_roles: Vec<&String> = built["Roles"].as_object().unwrap().keys().collect();
    let mut deployed_roles: Vec<&String> = deployed["Roles"].as_object().unwrap().keys().collect();
    built_roles.sort();
    deployed_roles.sort();
    assert_eq!(built_roles, deployed_roles);
    for provider in built["IdentityPool"]["CognitoIdentityProviders"]
        .as_array()
        .unwrap()
    {
        assert_eq!(
            provider["ProviderName"],
            "cognito-idp.us-east-1.amazonaws.com/us-east-1_NotesPool"
        );
    }
}

#[test]
fn every_login_gets_the_same_role_and_decisions_as_the_deployed_pool() {
    let deployed =
        IdentityPoolSetup::from_json(&read("fixtures/cognito/notes-app-pool.json")).unwrap();
    for template in TEMPLATES {
        let pool = stack(template).identity_pool().unwrap();
        for who in ["alice", "guest", "admin", "not-admin"] {
            assert_eq!(
                outcome(&pool, who),
                outcome(&deployed, who),
                "{template}: {who}"
            );
        }
    }
}

#[test]
fn alice_gets_the_authenticated_role_and_a_guest_the_unauthenticated_one() {
    let pool = stack(TEMPLATES[0]).identity_pool().unwrap();
    let (role, decisions) = outcome(&pool, "alice");
    assert_eq!(
        role.as_deref(),
        Some("arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role")
    );
    use Decision::{Allow, ImplicitDeny};
    // own prefix, another's prefix, the API, own partition, another's partition
    assert_eq!(decisions, [Allow, ImplicitDeny, Allow, Allow, ImplicitDeny]);
    let (role, decisions) = outcome(&pool, "guest");
    assert_eq!(
        role.as_deref(),
        Some("arn:aws:iam::123456789012:role/Cognito_NotesUnauth_Role")
    );
    assert_eq!(decisions, [ImplicitDeny; 5]);
    let (role, _) = outcome(&pool, "admin");
    assert_eq!(
        role.as_deref(),
        Some("arn:aws:iam::123456789012:role/Notes_Admin_Role")
    );
    // The admin client's Rules mapping with AmbiguousRoleResolution Deny.
    assert_eq!(outcome(&pool, "not-admin").0, None);
}

#[test]
fn sub_literals_become_iam_variables() {
    let built = stack(TEMPLATES[0]).pool_file().unwrap().clone();
    let auth = &built["Roles"]["arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role"];
    let statement = &auth["Policies"][0]["PolicyDocument"]["Statement"][1];
    assert_eq!(
        statement["Resource"],
        "arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*"
    );
    // `!Sub "cognito-identity.${AWS::URLSuffix}"` in the trust policy.
    assert_eq!(
        auth["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Federated"],
        "cognito-identity.amazonaws.com"
    );
}

#[test]
fn param_overrides_default() {
    let mut options = TemplateOptions::default();
    options
        .parameters
        .insert("UploadsBucketName".into(), "other-uploads".into());
    let pool = stack_from(&read(TEMPLATES[0]), &options)
        .identity_pool()
        .unwrap();
    let alice = login("alice");
    let session = pool.sign_in(&alice).unwrap();
    let id = alice.identity_id();
    let theirs = format!("arn:aws:s3:::other-uploads/private/{id}/todo.txt");
    let default = format!("arn:aws:s3:::notes-app-uploads/private/{id}/todo.txt");
    assert_eq!(
        session.check("s3:PutObject", &theirs, &[]).decision,
        Decision::Allow
    );
    assert_eq!(
        session.check("s3:PutObject", &default, &[]).decision,
        Decision::ImplicitDeny
    );

    // AllowedValues are enforced; a guest is refused once AllowGuests is false.
    options
        .parameters
        .insert("AllowGuests".into(), "false".into());
    let pool = stack_from(&read(TEMPLATES[0]), &options)
        .identity_pool()
        .unwrap();
    assert!(pool
        .sign_in(&login("guest"))
        .unwrap()
        .refusal()
        .unwrap()
        .contains("unauthenticated"));
    options
        .parameters
        .insert("AllowGuests".into(), "maybe".into());
    let refused = stack_from(&read(TEMPLATES[0]), &options);
    assert!(refused
        .unresolved()
        .iter()
        .any(|u| u.reason.contains("not one of its AllowedValues")));
}

#[test]
fn defaulted_pseudo_parameters_are_reported() {
    let defaulted = stack(TEMPLATES[0]);
    let subjects: Vec<&str> = defaulted
        .notes()
        .iter()
        .map(|n| n.subject.as_str())
        .collect();
    assert!(subjects.contains(&"AWS::AccountId"), "{subjects:?}");
    assert!(subjects.contains(&"AWS::Region"), "{subjects:?}");

    let mut options = TemplateOptions::default();
    options.account_id = Some("210987654321".into());
    options.region = Some("eu-west-1".into());
    let given = stack_from(&read(TEMPLATES[0]), &options);
    assert!(!given
        .notes()
        .iter()
        .any(|n| n.subject == "AWS::AccountId" || n.subject == "AWS::Region"));
    let roles = given.pool_file().unwrap()["IdentityPoolRoles"]["Roles"].clone();
    assert_eq!(
        roles["authenticated"],
        "arn:aws:iam::210987654321:role/Cognito_NotesAuth_Role"
    );
}

#[test]
fn generated_names_are_placeholders_and_said_so() {
    let text = read(TEMPLATES[0])
        .replace("      RoleName: Cognito_NotesAuth_Role\n", "")
        .replace(
            "        PhysicalId: us-east-1_NotesPool\n",
            "        Other: x\n",
        );
    let generated = stack_from(&text, &TemplateOptions::default());
    let roles = &generated.pool_file().unwrap()["IdentityPoolRoles"]["Roles"];
    let auth = roles["authenticated"].as_str().unwrap();
    assert!(
        auth.starts_with("arn:aws:iam::123456789012:role/iam-eval-stack-AuthRole-"),
        "{auth}"
    );
    let notes: Vec<String> = generated.notes().iter().map(ToString::to_string).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("AuthRole: role name") && n.contains("generated")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("NotesPool: user pool id `us-east-1_")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("AWS::StackName: defaulted")),
        "{notes:?}"
    );
    // The story's logins name the deployed pool, which the placeholder is not.
    let pool = generated.identity_pool().unwrap();
    assert!(pool
        .sign_in(&login("alice"))
        .unwrap()
        .refusal()
        .unwrap()
        .contains("not a provider"));
    // --physical-id pins it again.
    let mut options = TemplateOptions::default();
    options
        .physical_ids
        .insert("NotesPool".into(), "us-east-1_NotesPool".into());
    let pinned = stack_from(&text, &options).identity_pool().unwrap();
    assert!(pinned.sign_in(&login("alice")).unwrap().has_credentials());
}

const SMALL: &str = r#"
Parameters:
  Bucket:
    Type: String
  Names:
    Type: CommaDelimitedList
    Default: "alpha,beta,gamma"
  Env:
    Type: String
    Default: prod
Mappings:
  Regions:
    us-east-1:
      Suffix: use1
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition NotProd, !Equals [a, a]]]
Resources:
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: true
  Attach:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Pool
      Roles:
        unauthenticated: !GetAtt [Guest, Arn]
  Guest:
    Type: AWS::IAM::Role
    Properties:
      RoleName: guest
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Federated: cognito-identity.amazonaws.com}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: {"cognito-identity.amazonaws.com:aud": !Ref Pool}
      Policies:
        - PolicyName: functions
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
                  - !Join ["", ["arn:aws:s3:::", !Select [1, !Ref Names], "/*"]]
                  - !Sub
                    - "arn:aws:s3:::${Second}-${Suffix}/*"
                    - Second: !Select [2, !Split [",", "x,y,z"]]
                      Suffix: !FindInMap [Regions, !Ref "AWS::Region", Suffix]
                  - !If [Both, "arn:aws:s3:::prod-only/*", !Ref "AWS::NoValue"]
                  - !If [NotProd, "arn:aws:s3:::dev-only/*", !Ref "AWS::NoValue"]
        - PolicyName: needs-bucket
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:PutObject
                Resource: !Sub "arn:aws:s3:::${Bucket}/*"
"#;

/// Found by the `readers` fuzzer: a generated role name is cut to 64
/// characters, and a non-ASCII logical id (CloudFormation allows only
/// letters and digits, but the reader must not panic on it) must not be
/// cut inside a character.
#[test]
fn generated_role_names_are_cut_at_a_character() {
    let logical = "é".repeat(60);
    let text = SMALL
        .replace("      RoleName: guest\n", "")
        .replace("Guest", &logical);
    let stack = stack_from(&text, &TemplateOptions::default());
    let roles = &stack.pool_file().unwrap()["IdentityPoolRoles"]["Roles"];
    let arn = roles["unauthenticated"].as_str().unwrap();
    let name = arn.rsplit('/').next().unwrap();
    assert_eq!(name.chars().count(), 64, "{name}");
    assert!(name.starts_with("iam-eval-stack-é"), "{name}");
}

fn guest_check(stack: &Stack, action: &str, resource: &str) -> Decision {
    let pool = stack.identity_pool().unwrap();
    let session = pool.sign_in(&login("guest")).unwrap();
    assert!(session.has_credentials(), "{:?}", session.refusal());
    session.check(action, resource, &[]).decision
}

#[test]
fn join_select_split_if_findinmap_and_conditions_resolve() {
    let stack = stack_from(SMALL, &TemplateOptions::default());
    let allowed = |r: &str| guest_check(&stack, "s3:GetObject", r);
    assert_eq!(allowed("arn:aws:s3:::beta/k"), Decision::Allow);
    assert_eq!(allowed("arn:aws:s3:::z-use1/k"), Decision::Allow);
    assert_eq!(allowed("arn:aws:s3:::prod-only/k"), Decision::Allow);
    assert_eq!(allowed("arn:aws:s3:::dev-only/k"), Decision::ImplicitDeny);

    let mut options = TemplateOptions::default();
    options.parameters.insert("Env".into(), "dev".into());
    let dev = stack_from(SMALL, &options);
    assert_eq!(
        guest_check(&dev, "s3:GetObject", "arn:aws:s3:::dev-only/k"),
        Decision::Allow
    );
    assert_eq!(
        guest_check(&dev, "s3:GetObject", "arn:aws:s3:::prod-only/k"),
        Decision::ImplicitDeny
    );
}

#[test]
fn a_missing_parameter_is_named_and_its_policy_left_out() {
    let stack = stack_from(SMALL, &TemplateOptions::default());
    let unresolved: Vec<String> = stack.unresolved().iter().map(ToString::to_string).collect();
    assert_eq!(
        unresolved,
        ["Resources.Guest.Properties.Policies[1].PolicyDocument.Statement[0].Resource.Fn::Sub: parameter `Bucket` has no value and no Default: give --param Bucket=VALUE"]
    );
    // The allow-only policy is left out (it can only deny more), and said so.
    assert!(stack
        .notes()
        .iter()
        .any(|n| n.message.contains("Policies[1] is left out")));
    let lint_view = stack
        .policies()
        .iter()
        .find(|p| p.path == "Resources.Guest.Properties.Policies[1].PolicyDocument")
        .unwrap();
    assert_eq!(lint_view.document, None);
    assert_eq!(lint_view.policy_type, PolicyType::Identity);
    assert_eq!(
        guest_check(&stack, "s3:PutObject", "arn:aws:s3:::anything/k"),
        Decision::ImplicitDeny
    );

    let mut options = TemplateOptions::default();
    options.parameters.insert("Bucket".into(), "given".into());
    let given = stack_from(SMALL, &options);
    assert!(given.unresolved().is_empty());
    assert_eq!(
        guest_check(&given, "s3:PutObject", "arn:aws:s3:::given/k"),
        Decision::Allow
    );
}

#[test]
fn an_unknown_ref_is_named_and_a_policy_that_may_deny_refuses_the_role() {
    let text = read(TEMPLATES[0]).replace(
        "              - Effect: Allow\n                Action: execute-api:Invoke",
        "              - Effect: Deny\n                Action: s3:DeleteObject\n                Resource: !Ref ArchiveBucket\n              - Effect: Allow\n                Action: execute-api:Invoke",
    );
    let stack = stack_from(&text, &TemplateOptions::default());
    let unresolved = stack.unresolved();
    assert_eq!(unresolved.len(), 1, "{unresolved:?}");
    assert_eq!(
        unresolved[0].path,
        "Resources.AuthRole.Properties.Policies[0].PolicyDocument.Statement[2].Resource.Ref"
    );
    assert!(unresolved[0]
        .reason
        .contains("unknown `Ref` to `ArchiveBucket`"));
    // Leaving out a policy with a Deny would allow more: the role is left out.
    let auth = "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role";
    assert!(stack.refused_roles()[auth].contains("may deny"));
    let pool = stack.identity_pool().unwrap();
    let session = pool.sign_in(&login("alice")).unwrap();
    assert_eq!(session.role(), None);
    assert_eq!(session.chosen_role(), Some(auth));
    // The guest's role does not depend on it.
    assert!(pool.sign_in(&login("guest")).unwrap().has_credentials());
}

#[test]
fn an_unresolvable_trust_policy_refuses_the_role() {
    let text = read(TEMPLATES[0]).replace(
        "                cognito-identity.amazonaws.com:amr: unauthenticated",
        "                cognito-identity.amazonaws.com:amr: !ImportValue shared-amr",
    );
    let stack = stack_from(&text, &TemplateOptions::default());
    assert!(stack.unresolved().iter().any(|u| u.path
        == "Resources.UnauthRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ForAnyValue:StringLike.cognito-identity.amazonaws.com:amr.Fn::ImportValue"
        && u.reason.contains("another stack")));
    let pool = stack.identity_pool().unwrap();
    assert_eq!(pool.sign_in(&login("guest")).unwrap().role(), None);
    assert!(pool.sign_in(&login("alice")).unwrap().has_credentials());
}

#[test]
fn unsupported_functions_and_runaway_nesting_are_named() {
    let mut nested = String::from("x");
    for _ in 0..40 {
        nested = format!(
            "{{\"Fn::Join\": [\"\", [{nested_json}]]}}",
            nested_json = if nested == "x" {
                "\"x\"".to_owned()
            } else {
                nested.clone()
            }
        );
    }
    let text = format!(
        r#"{{"Resources": {{"R": {{"Type": "AWS::IAM::Role", "Properties": {{
            "RoleName": {nested},
            "AssumeRolePolicyDocument": {{"Fn::Base64": "x"}}}}}}}}}}"#
    );
    let stack = stack_from(&text, &TemplateOptions::default());
    assert!(
        stack
            .unresolved()
            .iter()
            .any(|u| u.reason.contains("nest more than 32 deep")),
        "{:?}",
        stack.unresolved()
    );
    assert!(stack.identity_pool().is_err());

    let text = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "r", "AssumeRolePolicyDocument": {"Fn::Base64": "x"}}}}}"#;
    let stack = stack_from(text, &TemplateOptions::default());
    assert_eq!(
        stack.unresolved()[0].to_string(),
        "Resources.R.Properties.AssumeRolePolicyDocument.Fn::Base64: unsupported intrinsic function `Fn::Base64`"
    );
}

#[test]
fn managed_policies_are_evaluated_only_when_supplied() {
    // Without its document, a managed policy may deny anything: the role
    // is left out, and the refusal names the policy.
    let stack = stack_from(&read(TEMPLATES[0]), &TemplateOptions::default());
    assert!(stack.notes().iter().any(|n| n.subject == COGNITO_READ_ONLY
        && n.message
            .contains("is not supplied (--managed-policy ARN=FILE)")));
    let refused = &stack.refused_roles()["arn:aws:iam::123456789012:role/Notes_Admin_Role"];
    assert!(refused.contains(COGNITO_READ_ONLY), "{refused}");
    let admin = stack
        .identity_pool()
        .unwrap()
        .sign_in(&login("admin"))
        .unwrap();
    assert!(!admin.has_credentials());
    assert!(admin.refusal().unwrap().contains(COGNITO_READ_ONLY));
    assert_eq!(
        admin.check("cognito-idp:ListUsers", "*", &[]).decision,
        Decision::ImplicitDeny
    );

    let supplied = stack_from(&read(TEMPLATES[0]), &story_options());
    assert!(!supplied
        .notes()
        .iter()
        .any(|n| n.subject == COGNITO_READ_ONLY));
    assert!(supplied.refused_roles().is_empty());
    let admin = supplied
        .identity_pool()
        .unwrap()
        .sign_in(&login("admin"))
        .unwrap();
    assert_eq!(
        admin.check("cognito-idp:ListUsers", "*", &[]).decision,
        Decision::Allow
    );
}

#[test]
fn every_policy_is_listed_with_its_template_path() {
    let stack = stack(TEMPLATES[0]);
    let listed: Vec<(&str, PolicyType)> = stack
        .policies()
        .iter()
        .map(|p| (p.path.as_str(), p.policy_type))
        .collect();
    for expected in [
        (
            "Resources.AuthRole.Properties.AssumeRolePolicyDocument",
            PolicyType::Trust,
        ),
        (
            "Resources.AuthRole.Properties.Policies[0].PolicyDocument",
            PolicyType::Identity,
        ),
        (
            "Resources.NotesTablePolicy.Properties.PolicyDocument",
            PolicyType::Identity,
        ),
        (
            "Resources.AdminUploadsPolicy.Properties.PolicyDocument",
            PolicyType::Identity,
        ),
    ] {
        assert!(listed.contains(&expected), "{expected:?} in {listed:?}");
    }
    let serverless = stack_from(&read(TEMPLATES[2]), &TemplateOptions::default());
    assert!(serverless
        .policies()
        .iter()
        .any(|p| p.path == "resources.Resources.AuthRole.Properties.Policies[0].PolicyDocument"));
}

#[test]
fn serverless_variables_without_a_value_are_named() {
    let text = read(TEMPLATES[2]).replace("${self:custom.uploadsBucket}", "uploads-${env:STAGE}");
    let stack = stack_from(&text, &TemplateOptions::default());
    assert!(
        stack
            .unresolved()
            .iter()
            .any(|u| u.reason.contains("`${env:STAGE}`")),
        "{:?}",
        stack.unresolved()
    );
    let mut options = TemplateOptions::default();
    options.parameters.insert("env:STAGE".into(), "dev".into());
    let given = stack_from(&text, &options);
    assert!(given.unresolved().is_empty());
    let pool = given.identity_pool().unwrap();
    let alice = login("alice");
    let own = format!("arn:aws:s3:::uploads-dev/private/{}/a", alice.identity_id());
    assert_eq!(
        pool.sign_in(&alice)
            .unwrap()
            .check("s3:GetObject", &own, &[])
            .decision,
        Decision::Allow
    );
}

#[test]
fn hostile_input_is_refused_cheaply() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nResources: {}\n";
    assert!(load(bomb, &TemplateOptions::default()).is_err());
    // Found by the `readers` fuzzer: mapping keys that are mappings (`? …`),
    // nested, were serialized into each other's quoted text, doubling at
    // every level (forty levels tried to allocate gigabytes). They are refused.
    let nested_keys = format!("{}null\n", "? ".repeat(40));
    let error = load(&nested_keys, &TemplateOptions::default()).unwrap_err();
    assert!(error.to_string().contains("mapping key"), "{error}");
    assert!(load("[1, 2]", &TemplateOptions::default()).is_err());
    assert!(load("Description: no resources", &TemplateOptions::default()).is_err());
    let cycle = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "${R}"}}}},
                    "Conditions": {"A": {"Condition": "B"}, "B": {"Condition": "A"}}}"#;
    let stack = stack_from(cycle, &TemplateOptions::default());
    assert!(stack
        .unresolved()
        .iter()
        .any(|u| u.reason.contains("depends on itself")));
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = iam_eval(args);
    (
        out.status.code().unwrap(),
        stdout(&out),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn cli_cognito_template_gives_the_story() {
    let (code, stdout, stderr) = run(&[
        "cognito",
        "--template",
        "fixtures/templates/notes-app.yaml",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--requests",
        "fixtures/cognito/story-requests.json",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out["role"],
        "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role"
    );
    assert_eq!(out["trust"], "Allow");
    let decisions: Vec<&str> = out["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        decisions,
        ["Allow", "ImplicitDeny", "Allow", "Allow", "ImplicitDeny"]
    );
    let notes = out["template"]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["subject"] == "AWS::AccountId"));
    assert_eq!(out["template"]["unresolved"], Value::Array(Vec::new()));

    // The same output shape as --pool, plus `template`.
    let (_, pool_stdout, _) = run(&[
        "cognito",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--requests",
        "fixtures/cognito/story-requests.json",
        "--json",
    ]);
    let mut from_pool: Value = serde_json::from_str(&pool_stdout).unwrap();
    let mut from_template = out.clone();
    from_template.as_object_mut().unwrap().remove("template");
    for v in [&mut from_pool, &mut from_template] {
        // Policy positions differ: the pool file's policies have lines,
        // the template's (written out again as JSON) have none.
        for d in v["decisions"].as_array_mut().unwrap() {
            d.as_object_mut()
                .unwrap()
                .retain(|k, _| k == "decision" || k == "summary");
            let summary = d["summary"].as_str().unwrap();
            let without_line = match summary.split_once(", line ") {
                Some((before, _)) => format!("{before}]"),
                None => summary.to_owned(),
            };
            d["summary"] = Value::String(without_line);
        }
        v.as_object_mut().unwrap().remove("trustExplanation");
    }
    assert_eq!(from_template, from_pool);
}

#[test]
fn cli_cognito_template_text_and_flags() {
    let (code, stdout, stderr) = run(&[
        "cognito",
        "--template",
        "fixtures/templates/notes-app.json",
        "--account",
        "123456789012",
        "--region",
        "us-east-1",
        "--param",
        "AllowGuests=false",
        "--login",
        "fixtures/cognito/login-guest.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::notes-app-uploads/public/banner.png",
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("== template fixtures/templates/notes-app.json\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("AWS::AccountId: defaulted"), "{stdout}");
    assert!(
        stdout.contains("does not allow unauthenticated identities"),
        "{stdout}"
    );

    let (code, _, stderr) = run(&[
        "cognito",
        "--template",
        "fixtures/templates/notes-app.yaml",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-guest.json",
        "--requests",
        "fixtures/cognito/story-requests.json",
    ]);
    assert_eq!(code, 1, "usage errors exit 1, never 2 (denied): {stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn cli_lint_template_reports_template_paths() {
    let (code, stdout, stderr) = run(&["lint", "--template", "fixtures/templates/notes-app.yaml"]);
    assert!(code == 0 || code == 2, "{stderr}");
    assert!(stdout.contains(
        "fixtures/templates/notes-app.yaml:Resources.AuthRole.Properties.Policies[0].PolicyDocument.Statement[0].Action[1]: "
    ), "{stdout}");
    assert!(stdout.contains(
        "fixtures/templates/notes-app.yaml:Resources.AuthRole.Properties.AssumeRolePolicyDocument: no findings (trust policy)"
    ), "{stdout}");
    assert!(
        stdout.contains("Resources.NotesTablePolicy.Properties.PolicyDocument"),
        "{stdout}"
    );

    let dir = std::env::temp_dir().join(format!("iam-eval-template-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.yaml");
    std::fs::write(
        &broken,
        read(TEMPLATES[0]).replace("Resource: \"*\"\n", "Resource: !ImportValue shared\n"),
    )
    .unwrap();
    let (code, stdout, _) = run(&["lint", "--template", broken.to_str().unwrap(), "--json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 2);
    let line = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["notLinted"] == "unresolved")
        .unwrap();
    assert_eq!(
        line["templatePath"],
        "Resources.AuthRole.Properties.Policies[0].PolicyDocument"
    );
}

/// A template's policies are written out again before they are compiled:
/// no line of that text is one the user has, so explanations and errors
/// give none (they name the policy and its JSON path instead).
#[test]
fn template_policies_give_no_line() {
    let pool = stack(TEMPLATES[0]).identity_pool().unwrap();
    let alice = login("alice");
    let session = pool.sign_in(&alice).unwrap();
    let own = format!(
        "arn:aws:s3:::notes-app-uploads/private/{}/todo.txt",
        alice.identity_id()
    );
    let explanation = session.check("s3:PutObject", &own, &[]);
    assert_eq!(explanation.decision, Decision::Allow);
    assert_eq!(explanation.decided_by[0].start, None);
    assert!(explanation.to_string().contains("[Allow]"), "{explanation}");

    let bad = read(TEMPLATES[0]).replacen("Action: s3:*", r#"Action: "s3::bad""#, 1);
    let err = stack_from(&bad, &TemplateOptions::default())
        .identity_pool()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Statement[1].Action: invalid action `s3::bad`"),
        "{err}"
    );
}
