//! The generated policy sets the scale benches share (`evaluate.rs` times
//! them, `instructions.rs` counts their instructions), and the guardrail
//! Deny statements added to them.

#![allow(dead_code, reason = "each bench target uses part of it")]

/// Statements per generated policy: a 10,000-statement set is 100 policies,
/// as an account with many roles' policies loaded together would be.
pub const PER_POLICY: usize = 100;

/// One generated statement. Eight services in turn; per-user resources with
/// a variable; every 5th statement has a condition, every 10th is a Deny
/// (on `DeleteObject`/`DeleteItem`/… only, so the hit below stays allowed).
pub fn statement(i: usize) -> String {
    let effect = if is_deny(i) { "Deny" } else { "Allow" };
    let (actions, resource) = actions_and_resource(i);
    let condition = match i % 5 {
        0 => r#","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}"#,
        2 => r#","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
        4 => {
            r#","Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:username}"]}}"#
        }
        _ => "",
    };
    format!(
        r#"{{"Sid":"S{i}","Effect":"{effect}","Action":[{actions}],"Resource":"{resource}"{condition}}}"#
    )
}

fn is_deny(i: usize) -> bool {
    i % 10 == 9
}

/// The `Action` list (as JSON) and `Resource` of generated statement `i`.
pub fn actions_and_resource(i: usize) -> (String, String) {
    let deny = is_deny(i);
    match i % 8 {
        0 => (
            if deny {
                r#""s3:DeleteObject""#.to_owned()
            } else {
                r#""s3:GetObject","s3:PutObject","s3:List*""#.to_owned()
            },
            format!("arn:aws:s3:::bucket-{i}/home/${{aws:username}}/*"),
        ),
        1 => (
            r#""dynamodb:GetItem","dynamodb:Query","dynamodb:DeleteItem""#.to_owned(),
            format!("arn:aws:dynamodb:us-east-1:123456789012:table/t{i}"),
        ),
        2 => (
            r#""sqs:SendMessage","sqs:ReceiveMessage""#.to_owned(),
            format!("arn:aws:sqs:*:123456789012:queue-{i}-${{aws:username}}"),
        ),
        3 => (
            r#""sns:Publish""#.to_owned(),
            format!("arn:aws:sns:us-east-1:123456789012:topic-{i}"),
        ),
        4 => (
            r#""lambda:InvokeFunction","lambda:Get*""#.to_owned(),
            format!("arn:aws:lambda:us-east-1:123456789012:function:fn-{i}*"),
        ),
        5 => (
            r#""ec2:StartInstances","ec2:StopInstances","ec2:Describe*""#.to_owned(),
            format!("arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}"),
        ),
        6 => (
            r#""kms:Decrypt","kms:Encrypt""#.to_owned(),
            format!("arn:aws:kms:us-east-1:123456789012:key/{i:08}-*"),
        ),
        _ => (
            r#""execute-api:Invoke""#.to_owned(),
            format!("arn:aws:execute-api:us-east-1:*:api{i}/*/GET/users/${{aws:username}}/*"),
        ),
    }
}

/// `n` generated statements as policy texts of `PER_POLICY` statements each.
pub fn generated_policies(n: usize) -> Vec<String> {
    (0..n)
        .step_by(PER_POLICY)
        .map(|start| {
            let statements: Vec<String> =
                (start..n.min(start + PER_POLICY)).map(statement).collect();
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                statements.join(",")
            )
        })
        .collect()
}

/// The index of the last S3 Allow statement among the first `n`: every S3
/// statement before it matches the action and is rejected on the resource.
pub fn last_s3_allow(n: usize) -> usize {
    (0..n)
        .rev()
        .find(|i| i % 8 == 0 && !is_deny(*i))
        .unwrap_or(0)
}

/// The organization the guardrails require.
pub const ORG_ID: &str = "o-a1b2c3d4e5";

/// Account-wide guardrail Denies, one a statement, as an organization
/// applies to every role: each names every action and resource, so every
/// request reaches its condition, and a well-formed request fails each.
pub const GUARDRAILS: [(&str, &str); 3] = [
    (
        "secure-transport",
        r#"{"Sid":"DenyInsecureTransport","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
    ),
    (
        "principal-org-id",
        r#"{"Sid":"DenyOutsideOrg","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}"#,
    ),
    (
        "null-username",
        r#"{"Sid":"DenyWithoutUsername","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:username":"true"}}}"#,
    ),
];

/// The given guardrail statements as one policy text.
pub fn guardrail_policy(statements: &[&str]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}
