//! Deciding a request must not allocate: a fresh `String` per decision
//! costs more than the whole decision.
//!
//! This test binary installs a counting global allocator, so it holds a
//! single `#[test]`: the harness runs tests on threads of its own, and a
//! second test allocating concurrently would disturb the count.

#![allow(
    unsafe_code,
    reason = "a counting global allocator needs `unsafe impl GlobalAlloc`"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use iam_eval::{Decision, Options, PolicySet, PolicySetBuilder, PolicyType, Request};

/// Forwards to the system allocator and counts every allocation.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees for `layout` carry over.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` came from this allocator, that is from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const NOTES_APP: &str = include_str!("../fixtures/policies/notes-app-auth-role.json");

const SUB: &str = "cognito-identity.amazonaws.com:sub";
const OWN_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";

/// A policy whose every statement has conditions of the kinds asked about.
const CONDITIONS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::notes-app-uploads",
      "Condition": {
        "StringLike": {"s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/*"]},
        "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}
      }
    },
    {
      "Effect": "Allow",
      "Action": ["dynamodb:GetItem", "dynamodb:Query"],
      "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
      "Condition": {
        "ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]
        }
      }
    }
  ]
}"#;

/// Allocations made by one `evaluate(..).decision()`, after a warm-up call.
fn allocations(set: &PolicySet, request: &Request) -> (Decision, usize) {
    let warm = set.evaluate(request).decision();
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let decision = std::hint::black_box(set.evaluate(std::hint::black_box(request))).decision();
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(warm, decision);
    (decision, after - before)
}

fn notes_request(action: &str, resource: &str) -> Request {
    Request::builder(action, resource)
        .principal("arn:aws:sts::123456789012:assumed-role/Cognito_notesAuth_Role/CognitoIdentityCredentials")
        .context(SUB, OWN_ID)
        .build()
}

#[test]
fn deciding_allocates_nothing() {
    let notes = PolicySet::from_json(NOTES_APP).unwrap();
    let conditions = PolicySet::from_json(CONDITIONS).unwrap();
    // Several policy types: decided by the general walker, not the
    // identity-only path.
    let mut builder = PolicySet::builder();
    builder
        .add("role", PolicyType::Identity, NOTES_APP)
        .unwrap()
        .add("boundary", PolicyType::Boundary, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#)
        .unwrap()
        .add_at_level("root-scp", PolicyType::Scp, 0, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)
        .unwrap();
    let layered = builder.build();
    // The opt-in mode of rule R4, where a star ending a head segment runs across
    // colons: matching must not rebuild the pattern per request.
    let mut options = Options::default();
    options.arn_star_crosses_colons = true;
    let mut builder = PolicySetBuilder::with_options(options);
    builder
        .add("api", PolicyType::Identity, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:ly55wbovq4/*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:ly55wbovq4/*/DELETE/*"}]}"#)
        .unwrap();
    let crossing = builder.build();
    let cases = [
        (
            "notes-app: PutObject on own prefix",
            &notes,
            notes_request(
                "s3:PutObject",
                &format!("arn:aws:s3:::notes-app-uploads/private/{OWN_ID}/note.txt"),
            ),
            Decision::Allow,
        ),
        (
            "notes-app: GetObject on another user's prefix",
            &notes,
            notes_request(
                "s3:GetObject",
                "arn:aws:s3:::notes-app-uploads/private/us-east-1:99999999-8888-7777-6666-555555555555/note.txt",
            ),
            Decision::ImplicitDeny,
        ),
        (
            "notes-app: execute-api Invoke",
            &notes,
            notes_request(
                "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
            ),
            Decision::Allow,
        ),
        (
            "conditions: StringLike with a variable + IpAddress",
            &conditions,
            Request::builder("s3:ListBucket", "arn:aws:s3:::notes-app-uploads")
                .context(SUB, OWN_ID)
                .context("s3:prefix", format!("private/{OWN_ID}/drafts/"))
                .context("aws:SourceIp", "192.0.2.17")
                .build(),
            Decision::Allow,
        ),
        (
            "conditions: StringLike false (other prefix)",
            &conditions,
            Request::builder("s3:ListBucket", "arn:aws:s3:::notes-app-uploads")
                .context(SUB, OWN_ID)
                .context("s3:prefix", "private/someone-else/")
                .context("aws:SourceIp", "2001:db8::1")
                .build(),
            Decision::ImplicitDeny,
        ),
        (
            "conditions: ForAllValues:StringEquals on dynamodb:LeadingKeys",
            &conditions,
            Request::builder(
                "dynamodb:Query",
                "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
            )
            .context(SUB, OWN_ID)
            .context("dynamodb:LeadingKeys", vec![OWN_ID])
            .build(),
            Decision::Allow,
        ),
        (
            "conditions: ForAllValues:StringEquals, a foreign key",
            &conditions,
            Request::builder(
                "dynamodb:Query",
                "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
            )
            .context(SUB, OWN_ID)
            .context("dynamodb:LeadingKeys", vec![OWN_ID, "us-east-1:other"])
            .build(),
            Decision::ImplicitDeny,
        ),
        (
            "layered: identity, boundary and SCP allow",
            &layered,
            notes_request(
                "s3:PutObject",
                &format!("arn:aws:s3:::notes-app-uploads/private/{OWN_ID}/note.txt"),
            ),
            Decision::Allow,
        ),
        (
            "layered: the boundary denies",
            &layered,
            notes_request(
                "s3:DeleteObject",
                &format!("arn:aws:s3:::notes-app-uploads/private/{OWN_ID}/note.txt"),
            ),
            Decision::ExplicitDeny,
        ),
        (
            "layered: the boundary does not allow execute-api",
            &layered,
            notes_request(
                "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
            ),
            Decision::ImplicitDeny,
        ),
        (
            "crossing stars: allowed",
            &crossing,
            notes_request(
                "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
            ),
            Decision::Allow,
        ),
        (
            "crossing stars: denied",
            &crossing,
            notes_request(
                "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/DELETE/notes",
            ),
            Decision::ExplicitDeny,
        ),
    ];
    let mut failures = Vec::new();
    for (name, set, request, expected) in &cases {
        let (decision, count) = allocations(set, request);
        assert_eq!(decision, *expected, "{name}");
        if count != 0 {
            failures.push(format!("{name}: {count} allocation(s)"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The counter works: an explanation allocates.
    let (_, _, request, _) = &cases[1];
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    drop(std::hint::black_box(notes.evaluate(request).explanation()));
    assert!(ALLOCATIONS.load(Ordering::SeqCst) > before);

    reusing_a_request_allocates_nothing(&notes, &conditions);
}

/// One request kept and changed for caller after caller (`set_resource`,
/// `Context::set`, …): once its buffers have grown to fit, neither the
/// changes nor the decisions allocate.
fn reusing_a_request_allocates_nothing(notes: &PolicySet, conditions: &PolicySet) {
    let other = "us-east-1:99999999-8888-7777-6666-555555555555";
    let callers = [(OWN_ID, Decision::Allow), (other, Decision::Allow)];
    let mut request = notes_request("s3:GetObject", "arn:aws:s3:::notes-app-uploads/public/x");
    let mut keys = Request::builder(
        "dynamodb:Query",
        "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
    )
    .context(SUB, OWN_ID)
    .context("dynamodb:LeadingKeys", vec![OWN_ID])
    .build();
    let mut resource = String::new();
    let round = |request: &mut Request, keys: &mut Request, resource: &mut String| {
        let mut decisions = Vec::with_capacity(8);
        for (id, expected) in callers {
            resource.clear();
            resource.push_str("arn:aws:s3:::notes-app-uploads/private/");
            resource.push_str(id);
            resource.push_str("/note.txt");
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            request.set_action("s3:PutObject");
            request.set_resource(resource);
            request.set_principal(Some("arn:aws:sts::123456789012:assumed-role/Cognito_notesAuth_Role/CognitoIdentityCredentials"));
            request
                .context_mut()
                .set("Cognito-Identity.amazonaws.com:SUB", id);
            let decision = notes.evaluate(request).decision();
            keys.context_mut().set(SUB, id);
            keys.context_mut().set_values("dynamodb:LeadingKeys", &[id]);
            let own_keys = conditions.evaluate(keys).decision();
            let after = ALLOCATIONS.load(Ordering::SeqCst);
            decisions.push((decision, expected, own_keys, after - before));
        }
        decisions
    };
    // The first round grows the buffers; the second must not allocate.
    round(&mut request, &mut keys, &mut resource);
    for (decision, expected, own_keys, count) in round(&mut request, &mut keys, &mut resource) {
        assert_eq!(decision, expected);
        assert_eq!(own_keys, Decision::Allow);
        assert_eq!(count, 0, "reusing a request allocated");
    }
}
