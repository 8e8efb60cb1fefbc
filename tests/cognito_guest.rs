//! CG3: what Cognito's enhanced flow lets a guest do. The scope-down session
//! policies (`fixtures/cognito/guest-session-policy.json`: the Cognito
//! Developer Guide's inline session policy and the
//! `AmazonCognitoUnAuthedIdentitiesSessionPolicy` managed policy) are tested
//! service by service against a guest role that allows everything, so only
//! the scope-down decides.
//! Sources: <https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html>,
//! <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoUnAuthedIdentitiesSessionPolicy.html>.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::cognito::{IdentityPoolSetup, Login, Session};
use iam_eval::{Blocker, Decision};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/fixtures/cognito/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The notes-app pool with both roles allowing every action, and the flow given.
fn wide_pool(enhanced: bool) -> IdentityPoolSetup {
    let mut pool: serde_json::Value =
        serde_json::from_str(&fixture("notes-app-pool.json")).unwrap();
    let everything = serde_json::json!([
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    ]);
    for role in [
        "arn:aws:iam::123456789012:role/Cognito_NotesUnauth_Role",
        "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role",
    ] {
        pool["Roles"][role]["Policies"] = everything.clone();
    }
    pool["EnhancedFlow"] = serde_json::json!(enhanced);
    IdentityPoolSetup::from_json(&pool.to_string()).unwrap()
}

fn sign_in(pool: &IdentityPoolSetup, login: &str) -> Session {
    let session = pool
        .sign_in(&Login::from_json(&fixture(login)).unwrap())
        .unwrap();
    assert!(session.refusal().is_none(), "{:?}", session.refusal());
    session
}

const ACCOUNT: &str = "123456789012";

/// One request per service the guide or the managed policy lists for guests.
fn allowed_for_guests() -> Vec<(&'static str, String)> {
    let arn = |service: &str, rest: &str| format!("arn:aws:{service}:us-east-1:{ACCOUNT}:{rest}");
    vec![
        // The guide's inline session policy.
        (
            "execute-api:Invoke",
            arn("execute-api", "a1b2c3/prod/GET/notes"),
        ),
        ("iot:Publish", arn("iot", "topic/notes")),
        ("cloudwatch:PutMetricData", "*".into()),
        (
            "logs:PutLogEvents",
            arn("logs", "log-group:app:log-stream:s"),
        ),
        ("cognito-identity:GetId", "*".into()),
        ("cognito-idp:GetUser", "*".into()),
        ("ses:SendEmail", arn("ses", "identity/example.com")),
        (
            "s3:GetObject",
            "arn:aws:s3:::notes-app-uploads/public/a.txt".into(),
        ),
        ("dynamodb:GetItem", arn("dynamodb", "table/notes")),
        ("lambda:InvokeFunction", arn("lambda", "function:notes")),
        ("kinesis:PutRecord", arn("kinesis", "stream/clicks")),
        ("sns:Publish", arn("sns", "topic")),
        ("sqs:SendMessage", arn("sqs", "queue")),
        ("mobileanalytics:PutEvents", "*".into()),
        ("machinelearning:Predict", "*".into()),
        ("gamelift:CreateGameSession", "*".into()),
        ("lex:RecognizeText", "*".into()),
        (
            "appsync:GraphQL",
            arn("appsync", "apis/x/types/Query/fields/notes"),
        ),
        ("cognito-sync:ListRecords", "*".into()),
        ("codewhisperer:GenerateRecommendations", "*".into()),
        ("sdb:Select", "*".into()),
        ("textract:AnalyzeDocument", "*".into()),
        ("textract:DetectDocumentText", "*".into()),
        // In both.
        ("sagemaker:InvokeEndpoint", arn("sagemaker", "endpoint/e")),
        ("polly:SynthesizeSpeech", "*".into()),
        ("comprehend:DetectSentiment", "*".into()),
        ("translate:TranslateText", "*".into()),
        ("transcribe:StartStreamTranscription", "*".into()),
        ("rekognition:DetectLabels", "*".into()),
        ("mobiletargeting:PutEvents", "*".into()),
        ("firehose:PutRecord", arn("firehose", "deliverystream/d")),
        ("personalize:GetRecommendations", "*".into()),
        // The managed policy only.
        ("rum:PutRumEvents", arn("rum", "appmonitor/app")),
        ("geo:GetMapTile", arn("geo", "map/m")),
        ("geo:SearchPlaceIndexForText", arn("geo", "place-index/p")),
        ("geo:GetPlace", arn("geo", "place-index/p")),
        ("geo:CalculateRouteMatrix", arn("geo", "route-calculator/r")),
        ("geo:BatchPutGeofence", arn("geo", "geofence-collection/c")),
        ("geo:BatchUpdateDevicePosition", arn("geo", "tracker/t")),
        // A key ARN would also need the key's own policy (K1); `*` tests the
        // scope-down alone.
        ("kms:Decrypt", "*".into()),
        ("kms:GenerateDataKeyWithoutPlaintext", "*".into()),
    ]
}

/// Services and actions neither list names: near misses included (other
/// SageMaker, Textract, KMS and Location actions).
fn withheld_from_guests() -> Vec<(&'static str, String)> {
    vec![
        ("iam:CreateUser", format!("arn:aws:iam::{ACCOUNT}:user/x")),
        ("ec2:RunInstances", "*".into()),
        ("secretsmanager:GetSecretValue", "*".into()),
        ("sagemaker:CreateModel", "*".into()),
        ("textract:StartDocumentAnalysis", "*".into()),
        ("kms:CreateKey", "*".into()),
        ("kms:ScheduleKeyDeletion", "*".into()),
        ("geo:CreateMap", "*".into()),
        ("rum:CreateAppMonitor", "*".into()),
        ("cloudformation:CreateStack", "*".into()),
    ]
}

#[test]
fn cg3_guest_reaches_every_service_the_guide_lists() {
    let session = sign_in(&wide_pool(true), "login-guest.json");
    assert!(session.is_scoped_down());
    for (action, resource) in allowed_for_guests() {
        let result = session.check(action, &resource, &[]);
        assert_eq!(
            result.decision,
            Decision::Allow,
            "{action} on {resource}: {}",
            result.summary
        );
    }
}

#[test]
fn cg3_guest_scope_down_withholds_the_rest() {
    let session = sign_in(&wide_pool(true), "login-guest.json");
    for (action, resource) in withheld_from_guests() {
        let result = session.check(action, &resource, &[]);
        assert_eq!(result.decision, Decision::ImplicitDeny, "{action}");
        assert_eq!(result.blocked_by, Some(Blocker::Session), "{action}");
    }
}

/// Signed-in users and the basic flow are not scoped down.
#[test]
fn cg3_no_scope_down_for_users_or_the_basic_flow() {
    let user = sign_in(&wide_pool(true), "login-alice.json");
    assert!(!user.is_scoped_down());
    let basic = sign_in(&wide_pool(false), "login-guest.json");
    assert!(!basic.is_scoped_down());
    for session in [user, basic] {
        for (action, resource) in withheld_from_guests() {
            assert_eq!(
                session.check(action, &resource, &[]).decision,
                Decision::Allow,
                "{action}"
            );
        }
    }
}
