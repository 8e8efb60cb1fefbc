//! Request builders for the services of the Cognito story: what an S3,
//! DynamoDB or API Gateway call is, in IAM's terms (actions, ARNs and the
//! service's condition keys). No SDK and no I/O: callers pass the decoded
//! request, the builders say what AWS authorizes.

pub mod dynamodb;
pub mod execute_api;
pub mod s3;

use crate::request::{Context, ContextValue, Request};

/// One authorization AWS performs for a service call: an action on a
/// resource with the service's context keys. Some calls need several
/// (`CopyObject` reads the source and writes the destination).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authorization {
    /// The IAM action, e.g. `s3:GetObjectVersion`.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The service's condition keys for this call, e.g. `s3:prefix`.
    pub context: Vec<(String, ContextValue)>,
}

impl Authorization {
    pub(crate) fn new(action: &str, resource: String) -> Self {
        Authorization {
            action: action.to_owned(),
            resource,
            context: Vec::new(),
        }
    }

    pub(crate) fn with(mut self, key: &str, value: impl Into<ContextValue>) -> Self {
        self.context.push((key.to_owned(), value.into()));
        self
    }

    /// The request to evaluate: this authorization's keys over `base` (the
    /// session's keys, such as `cognito-identity.amazonaws.com:sub`).
    pub fn to_request(&self, principal: Option<&str>, base: &Context) -> Request {
        let mut context = base.clone();
        for (key, value) in &self.context {
            context.insert(key, value.clone());
        }
        let mut builder =
            Request::builder(self.action.as_str(), self.resource.as_str()).with_context(context);
        if let Some(p) = principal {
            builder = builder.principal(p);
        }
        builder.build()
    }
}
