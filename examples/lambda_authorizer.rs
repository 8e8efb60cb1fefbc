//! An API Gateway Lambda authorizer (REQUEST type) in Rust, built on iam-eval.
//!
//! Run: `cargo run --example lambda_authorizer -- fixtures/apigateway/request-event.json`
//!
//! It evaluates the caller's policies against every route of the API and
//! returns the policy document API Gateway expects. Covering every route is
//! the point: with authorizer caching on, API Gateway reuses the returned
//! policy for the caller's next requests to *any* method, so a policy naming
//! only the current `methodArn` would wrongly deny (or, if it were too broad,
//! wrongly allow) the next call. In a real function the caller's identity
//! comes from a verified token; here the event's headers stand in for it,
//! and the handler would be wrapped by a Lambda runtime crate.

use iam_eval::services::execute_api::MethodArn;
use iam_eval::{Decision, PolicySet, Request};
use serde_json::{json, Value};

/// The API's routes: the method ARN paths API Gateway sends, with `{id}`
/// written as `*` since any value may follow.
const ROUTES: [(&str, &str); 4] = [
    ("GET", "/notes"),
    ("POST", "/notes"),
    ("GET", "/notes/*"),
    ("DELETE", "/notes/*"),
];

/// The caller's policy: everyone reads and writes notes; only admins delete.
const API_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadWrite", "Effect": "Allow", "Action": "execute-api:Invoke",
     "Resource": ["arn:aws:execute-api:us-east-1:*:ly55wbovq4/*/GET/notes*", "arn:aws:execute-api:us-east-1:*:ly55wbovq4/*/POST/notes"]},
    {"Sid": "AdminsDelete", "Effect": "Allow", "Action": "execute-api:Invoke",
     "Resource": "arn:aws:execute-api:us-east-1:*:ly55wbovq4/*/DELETE/notes/*",
     "Condition": {"ForAnyValue:StringEquals": {"custom:groups": "admins"}}}
  ]
}"#;

fn authorize(set: &PolicySet, event: &Value) -> Result<Value, String> {
    let method_arn = event
        .get("methodArn")
        .and_then(Value::as_str)
        .ok_or("the event has no methodArn")?;
    let arn = MethodArn::parse(method_arn).map_err(|e| e.to_string())?;
    let identity = event
        .pointer("/headers/x-identity-id")
        .and_then(Value::as_str)
        .ok_or("no identity")?;
    let groups: Vec<String> = event
        .pointer("/headers/x-groups")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut allowed = Vec::new();
    let mut denied = Vec::new();
    for (method, path) in ROUTES {
        let route = arn.sibling(method, path).to_string();
        let request = Request::builder("execute-api:Invoke", route.as_str())
            .context("cognito-identity.amazonaws.com:sub", identity)
            .context("custom:groups", groups.clone())
            .build();
        match set.evaluate(&request).decision() {
            Decision::Allow => allowed.push(route),
            _ => denied.push(route),
        }
    }
    let mut statements = Vec::new();
    if !allowed.is_empty() {
        statements
            .push(json!({"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": allowed}));
    }
    if !denied.is_empty() {
        statements
            .push(json!({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": denied}));
    }
    Ok(json!({
        "principalId": identity,
        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
        "context": {"groups": groups.join(",")}
    }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/apigateway/request-event.json".to_owned());
    let event: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    // Compile once (at cold start), evaluate for every invocation.
    let set = PolicySet::from_json(API_POLICY)?;
    let response = authorize(&set, &event)?;
    println!("{}", serde_json::to_string_pretty(&response)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_covers_every_route_for_caching() {
        let set = PolicySet::from_json(API_POLICY).unwrap();
        let event: Value =
            serde_json::from_str(include_str!("../fixtures/apigateway/request-event.json"))
                .unwrap();
        let response = authorize(&set, &event).unwrap();
        let statements = response["policyDocument"]["Statement"].as_array().unwrap();
        let allowed = statements[0]["Resource"].as_array().unwrap();
        assert_eq!(
            allowed.len(),
            3,
            "GET and POST /notes and GET /notes/* for a plain user"
        );
        assert_eq!(statements[1]["Effect"], "Deny");
        assert_eq!(
            statements[1]["Resource"][0],
            "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/DELETE/notes/*"
        );
        let mut admin = event.clone();
        admin["headers"]["x-groups"] = json!("users,admins");
        let response = authorize(&set, &admin).unwrap();
        assert_eq!(
            response["policyDocument"]["Statement"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "admins may call every route"
        );
    }
}
