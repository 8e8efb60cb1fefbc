//! Evaluate AWS IAM policies offline, exactly as AWS documents it, and
//! explain every decision.
//!
//! Policies are parsed and compiled once into a [`PolicySet`]; each
//! [`Request`] is then decided without allocating. A [`Response`] carries the
//! [`Decision`] and, on demand, an [`Explanation`]: the statements that
//! decided, why every other statement for the action did not apply (with
//! variables resolved and the request's values), and the context keys the
//! request lacked.
//!
//! ```
//! use iam_eval::{Decision, PolicySet, Request};
//!
//! // The Cognito identity-pool pattern: one policy confines every user to
//! // their own prefix.
//! let set = PolicySet::from_json(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Action": "s3:*",
//!     "Resource": "arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*"
//!   }]
//! }"#)?;
//!
//! let request = Request::builder("s3:PutObject", "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111/todo.txt")
//!     .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
//!     .build();
//! let response = set.evaluate(&request);
//! assert_eq!(response.decision(), Decision::Allow);
//! assert_eq!(response.explanation().decided_by[0].index, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The semantics follow AWS's documentation rule by rule; where AWS is silent
//! the crate takes the reading that fails closed and makes it an [`Options`]
//! switch. Rule ids (G1, V7, C3, …) in comments and tests refer to the
//! crate's rule book, `docs/rules.md`, which states each rule, cites the AWS
//! page behind it, names the `Options` switch where AWS is silent, and lists
//! the tests that pin it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod action_keys;
#[cfg(feature = "analysis")]
pub mod analysis;
mod arn;
pub mod case;
pub mod cognito;
mod compile;
mod condition;
mod condition_keys;
mod error;
mod eval;
mod explain;
mod hash;
mod index;
mod json;
mod limits;
#[cfg(feature = "lint")]
pub mod lint;
mod never_applies;
mod options;
mod origin;
mod parse;
mod pattern;
mod per_user;
mod policy;
mod principal;
mod request;
#[cfg(feature = "service-data")]
pub mod service_data;
mod service_rules;
pub mod services;
mod set;
pub mod simulator;
#[cfg(feature = "templates")]
pub mod template;
pub mod testing;
mod variable;

pub use compile::Position;
pub use error::{Location, PolicyError, PolicyErrorKind, Warning, WarningKind};
pub use eval::{Blocker, Decision};
pub use explain::{
    ConditionTrace, Explanation, NotApplied, Reason, StatementRef, UnresolvedVariable,
};
pub use limits::{IdentityAttachment, Limits, UnknownAttachment};
pub use options::{BareMultiValue, Options, UnresolvedNotResource};
pub use origin::TextOrigin;
pub use pattern::Wildcard;
pub use policy::{Effect, PolicyType, UnknownPolicyType};
pub use principal::PrincipalMatch;
pub use request::{Context, ContextValue, Request, RequestBuilder, RequestError, RequestPart};
pub use set::{validate, PolicySet, PolicySetBuilder, Report, Response};

/// The README's examples, compiled and run as doc tests (they use every
/// part of the crate).
#[cfg(all(
    doctest,
    feature = "templates",
    feature = "lint",
    feature = "service-data"
))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
