//! The parts of the SAM transform (`Transform: AWS::Serverless-2016-10-31`)
//! that decide permissions: `Globals.Function`, the role SAM creates for
//! each `AWS::Serverless::Function` (its `Policies`: managed policy names
//! and ARNs, inline documents, and SAM policy templates), and the APIs it
//! creates for `Api` and `HttpApi` events.
//!
//! Sources: <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>,
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html>,
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html>,
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-template-list.html>.
//!
//! A policy template iam-eval does not know, or one given the wrong
//! parameters, is an unresolved piece of the function's role: the role is
//! left out (it may deny, or allow what the template does not say), and
//! the reason names the template and the function.

use serde_json::{json, Map, Value};

use super::resolve::MARKER;
use super::{Note, TemplateError, GENERATED_BY};

/// The transform that makes a template a SAM template.
pub(super) const TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Whether the template declares the SAM transform.
pub(super) fn is_sam(top: &Map<String, Value>) -> bool {
    match top.get("Transform") {
        Some(Value::String(t)) => t == TRANSFORM,
        Some(Value::Array(items)) => items.iter().any(|t| t.as_str() == Some(TRANSFORM)),
        _ => false,
    }
}

/// `Globals.Function` properties that SAM refuses (they are not in its list
/// of supported global properties) and that would change a role.
const NOT_GLOBAL: &[&str] = &["Policies", "Role", "FunctionName"];

/// AWS managed policies that live under `service-role/`, so that a SAM
/// `Policies` name becomes the right ARN.
const SERVICE_ROLE_POLICIES: &[&str] = &[
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaMSKExecutionRole",
    "AWSLambdaRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
];

/// The SAM policy templates iam-eval expands, with their parameters.
pub const POLICY_TEMPLATES: &[(&str, &[&str])] = &[
    ("DynamoDBCrudPolicy", &["TableName"]),
    ("DynamoDBReadPolicy", &["TableName"]),
    ("DynamoDBWritePolicy", &["TableName"]),
    ("S3ReadPolicy", &["BucketName"]),
    ("S3CrudPolicy", &["BucketName"]),
    ("S3WritePolicy", &["BucketName"]),
    ("SQSSendMessagePolicy", &["QueueName"]),
    ("SQSPollerPolicy", &["QueueName"]),
    ("SNSPublishMessagePolicy", &["TopicName"]),
    ("LambdaInvokePolicy", &["FunctionName"]),
    ("CloudWatchPutMetricPolicy", &[]),
];

/// `Fn::Sub` of `pattern` with `${var}` the parameter's value, as SAM's
/// policy templates write their resources.
fn sub(pattern: &str, var: &str, value: &Value) -> Value {
    json!({"Fn::Sub": [pattern, {var: value}]})
}

/// The statements of a policy template, its parameters given.
fn statements(name: &str, args: &Map<String, Value>) -> Option<Value> {
    let arg = |key: &str| args.get(key).cloned().unwrap_or(Value::Null);
    let table = |actions: &[&str]| {
        let t = arg("TableName");
        json!([{
            "Effect": "Allow",
            "Action": actions,
            "Resource": [
                sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}", "tableName", &t),
                sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*", "tableName", &t),
            ],
        }])
    };
    let bucket = |actions: &[&str]| {
        let b = arg("BucketName");
        json!([{
            "Effect": "Allow",
            "Action": actions,
            "Resource": [
                sub("arn:${AWS::Partition}:s3:::${bucketName}", "bucketName", &b),
                sub("arn:${AWS::Partition}:s3:::${bucketName}/*", "bucketName", &b),
            ],
        }])
    };
    let one = |actions: &[&str], pattern: &str, var: &str, param: &str| json!([{"Effect": "Allow", "Action": actions, "Resource": sub(pattern, var, &arg(param))}]);
    let sqs = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}";
    Some(match name {
        "DynamoDBCrudPolicy" => table(&[
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ]),
        "DynamoDBReadPolicy" => table(&[
            "dynamodb:GetItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
        ]),
        "DynamoDBWritePolicy" => table(&[
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
        ]),
        "S3ReadPolicy" => bucket(&[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:GetLifecycleConfiguration",
        ]),
        "S3CrudPolicy" => bucket(&[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:DeleteObject",
        ]),
        "S3WritePolicy" => bucket(&[
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:PutLifecycleConfiguration",
        ]),
        "SQSSendMessagePolicy" => one(&["sqs:SendMessage*"], sqs, "queueName", "QueueName"),
        "SQSPollerPolicy" => one(
            &[
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            sqs,
            "queueName",
            "QueueName",
        ),
        "SNSPublishMessagePolicy" => one(
            &["sns:Publish"],
            "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}",
            "topicName",
            "TopicName",
        ),
        "LambdaInvokePolicy" => one(
            &["lambda:InvokeFunction"],
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*",
            "functionName",
            "FunctionName",
        ),
        "CloudWatchPutMetricPolicy" => {
            json!([{"Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": "*"}])
        }
        _ => return None,
    })
}

fn marker(reason: String) -> Value {
    json!({ MARKER: reason })
}

fn is_intrinsic(value: &Value) -> bool {
    value.as_object().is_some_and(is_intrinsic_map)
}

/// A managed policy written by name or ARN, as an ARN (or an intrinsic
/// that resolves to one).
fn managed_arn(written: &str) -> Value {
    if written.starts_with("arn:") {
        return json!(written);
    }
    let path = if SERVICE_ROLE_POLICIES.contains(&written) {
        "service-role/"
    } else {
        ""
    };
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::aws:policy/{path}{written}")})
}

/// One entry of a function's `Policies`: a managed policy (to the role's
/// `ManagedPolicyArns`) or a document (to its `Policies`).
enum Entry {
    Managed(Value),
    Document(Value),
}

fn entry(item: &Value, path: &str) -> Entry {
    match item {
        Value::String(s) => Entry::Managed(managed_arn(s)),
        Value::Object(map) if map.contains_key("Statement") => Entry::Document(item.clone()),
        Value::Object(map) if map.contains_key("Fn::If") => Entry::Document(marker(format!(
            "{path}: `Fn::If` in a SAM function's Policies is not modelled"
        ))),
        _ if is_intrinsic(item) => Entry::Managed(item.clone()),
        Value::Object(map) => {
            let Some((name, args)) = map.iter().next().filter(|_| map.len() == 1) else {
                return Entry::Document(marker(format!(
                    "{path}: a Policies entry is a managed policy, a policy document or one SAM policy template"
                )));
            };
            let Some((_, parameters)) = POLICY_TEMPLATES.iter().find(|(n, _)| n == name) else {
                let known: Vec<&str> = POLICY_TEMPLATES.iter().map(|(n, _)| *n).collect();
                return Entry::Document(marker(format!(
                    "{path}: SAM policy template `{name}` is not one iam-eval expands (it expands {}); the function's role is left out",
                    known.join(", ")
                )));
            };
            let empty = Map::new();
            let args = match args {
                Value::Object(args) => args,
                Value::Null => &empty,
                _ => {
                    return Entry::Document(marker(format!(
                        "{path}.{name}: the parameters of a policy template are a mapping"
                    )))
                }
            };
            let mut given: Vec<&str> = args.keys().map(String::as_str).collect();
            given.sort_unstable();
            let mut wanted: Vec<&str> = parameters.to_vec();
            wanted.sort_unstable();
            if given != wanted {
                return Entry::Document(marker(format!(
                    "{path}.{name}: SAM policy template `{name}` takes the parameters [{}], not [{}]",
                    wanted.join(", "),
                    given.join(", ")
                )));
            }
            match statements(name, args) {
                Some(statements) => Entry::Document(json!({ "Statement": statements })),
                None => Entry::Document(marker(format!("{path}: `{name}` is not expanded"))),
            }
        }
        _ => Entry::Document(marker(format!(
            "{path}: a Policies entry is a managed policy, a policy document or one SAM policy template"
        ))),
    }
}

/// `Globals.Function` laid under a function's own properties as SAM does:
/// mappings merged (the function's keys win), lists joined (globals
/// first), anything else the function's. An intrinsic is a value, not a
/// mapping to merge.
fn with_globals(global: &Value, local: Value) -> Value {
    match (global, local) {
        (Value::Object(g), Value::Object(mut l))
            if !is_intrinsic(global) && !is_intrinsic_map(&l) =>
        {
            for (key, value) in g {
                let merged = match l.remove(key) {
                    Some(mine) => with_globals(value, mine),
                    None => value.clone(),
                };
                l.insert(key.clone(), merged);
            }
            Value::Object(l)
        }
        (Value::Array(g), Value::Array(l)) => Value::Array(g.iter().cloned().chain(l).collect()),
        (_, local) => local,
    }
}

fn is_intrinsic_map(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.keys().any(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// Expands the SAM transform in `section` (the whole template).
pub(super) fn expand(
    section: &mut Map<String, Value>,
    notes: &mut Vec<Note>,
) -> Result<(), TemplateError> {
    let globals = section
        .get("Globals")
        .and_then(|g| g.get("Function"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let Value::Object(global_map) = &globals else {
        return Err(TemplateError::new(
            "`Globals.Function` is a mapping of function properties".into(),
        ));
    };
    if let Some(key) = NOT_GLOBAL.iter().find(|k| global_map.contains_key(**k)) {
        return Err(TemplateError::new(format!(
            "`Globals.Function.{key}`: SAM does not accept `{key}` in Globals (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html)"
        )));
    }
    let Some(Value::Object(resources)) = section.get_mut("Resources") else {
        return Ok(());
    };
    let functions: Vec<String> = resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::Serverless::Function"))
        .map(|(k, _)| k.clone())
        .collect();
    let mut added: Vec<(String, Value)> = Vec::new();
    let (mut rest_api, mut http_api) = (false, false);
    for logical in functions {
        let Some(resource) = resources.get_mut(&logical) else {
            continue;
        };
        let local = resource
            .get("Properties")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let properties = if global_map.is_empty() {
            local
        } else {
            with_globals(&globals, local)
        };
        if let Some(object) = resource.as_object_mut() {
            object.insert("Properties".into(), properties.clone());
        }
        let mut other_events = false;
        if let Some(Value::Object(events)) = properties.get("Events") {
            for event in events.values() {
                let has = |key: &str| event.get("Properties").and_then(|p| p.get(key)).is_some();
                match event.get("Type").and_then(Value::as_str) {
                    Some("Api") if !has("RestApiId") => rest_api = true,
                    Some("HttpApi") if !has("ApiId") => http_api = true,
                    Some("Api" | "HttpApi") => {}
                    _ => other_events = true,
                }
            }
        }
        if properties.get("Role").is_some() {
            continue;
        }
        let base = format!("Resources.{logical}.Properties");
        let mut managed = vec![managed_arn("AWSLambdaBasicExecutionRole")];
        if properties.get("Tracing").and_then(Value::as_str) == Some("Active") {
            managed.push(managed_arn("AWSXrayWriteOnlyAccess"));
        }
        let mut documents = Vec::new();
        let items: Vec<(String, Value)> = match properties.get("Policies") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{base}.Policies[{i}]"), item.clone()))
                .collect(),
            Some(one) => vec![(format!("{base}.Policies"), one.clone())],
        };
        for (path, item) in items {
            match entry(&item, &path) {
                Entry::Managed(arn) => managed.push(arn),
                Entry::Document(document) => documents.push(document),
            }
        }
        let policies: Vec<Value> = documents
            .into_iter()
            .enumerate()
            .map(|(i, document)| {
                json!({"PolicyName": format!("{logical}RolePolicy{i}"), "PolicyDocument": document})
            })
            .collect();
        let trust = properties
            .get("AssumeRolePolicyDocument")
            .cloned()
            .unwrap_or_else(|| {
                json!({"Version": "2012-10-17", "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}}]})
            });
        let mut role = Map::new();
        role.insert("AssumeRolePolicyDocument".into(), trust);
        role.insert("ManagedPolicyArns".into(), Value::Array(managed));
        role.insert("Policies".into(), Value::Array(policies));
        for (from, to) in [
            ("PermissionsBoundary", "PermissionsBoundary"),
            ("RolePath", "Path"),
        ] {
            if let Some(v) = properties.get(from) {
                role.insert(to.into(), v.clone());
            }
        }
        let role_logical = format!("{logical}Role");
        let by = format!("by SAM for function `{logical}` (from {base}.Policies)");
        let mut message = format!("the role of function `{logical}`, generated by SAM from its Policies (AWSLambdaBasicExecutionRole attached)");
        if other_events {
            message.push_str("; the policies SAM adds for its event sources are not modelled (they only allow, so leaving them out can only deny more)");
        }
        notes.push(Note {
            subject: role_logical.clone(),
            message,
        });
        added.push((
            role_logical,
            json!({
                "Type": "AWS::IAM::Role",
                "Metadata": {"iam-eval": {GENERATED_BY: by}},
                "Properties": role,
            }),
        ));
    }
    if rest_api {
        added.push((
            "ServerlessRestApi".into(),
            json!({"Type": "AWS::ApiGateway::RestApi", "Metadata": {"iam-eval": {GENERATED_BY: "by SAM for the functions' `Api` events"}}}),
        ));
    }
    if http_api {
        added.push((
            "ServerlessHttpApi".into(),
            json!({"Type": "AWS::ApiGatewayV2::Api", "Metadata": {"iam-eval": {GENERATED_BY: "by SAM for the functions' `HttpApi` events"}}}),
        ));
    }
    for (logical, resource) in added {
        if resources.contains_key(&logical) {
            return Err(TemplateError::new(format!(
                "`Resources.{logical}`: SAM generates a resource of this logical id, and the template defines one too"
            )));
        }
        resources.insert(logical, resource);
    }
    Ok(())
}
