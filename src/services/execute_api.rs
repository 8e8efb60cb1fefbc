//! API Gateway `execute-api` method ARNs (AG1):
//! `arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/RESOURCE_PATH`,
//! and WebSocket routes `…:API_ID/STAGE/ROUTE_KEY`.
//!
//! Source: <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html>.
//!
//! ```
//! use iam_eval::services::execute_api::MethodArn;
//! let arn = MethodArn::parse("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/pets/42")?;
//! assert_eq!((arn.method(), arn.path()), (Some("GET"), "pets/42"));
//! let root = MethodArn::rest("us-east-1", "123456789012", "a1b2c3", "prod", "GET", "/");
//! assert_eq!(root.to_string(), "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/");
//! # Ok::<(), iam_eval::services::execute_api::MethodArnError>(())
//! ```

use std::fmt;

/// A method ARN, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodArn {
    region: String,
    account: String,
    api_id: String,
    stage: String,
    /// `GET`, `POST`, … for REST and HTTP APIs; `None` for WebSocket routes.
    method: Option<String>,
    /// The resource path without its leading `/`, or the WebSocket route key.
    path: String,
}

/// A string that is not an `execute-api` method ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an execute-api method ARN: {0}")]
pub struct MethodArnError(String);

const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY",
];

impl MethodArn {
    /// A REST or HTTP API method. `path` is the request path with actual
    /// values for `{param}` segments (`/pets/42`); the root resource is `/`.
    /// The method is upper-cased, as API Gateway writes it.
    pub fn rest(
        region: &str,
        account: &str,
        api_id: &str,
        stage: &str,
        method: &str,
        path: &str,
    ) -> Self {
        MethodArn {
            region: region.to_owned(),
            account: account.to_owned(),
            api_id: api_id.to_owned(),
            stage: stage.to_owned(),
            method: Some(method.to_ascii_uppercase()),
            path: path.strip_prefix('/').unwrap_or(path).to_owned(),
        }
    }

    /// A WebSocket route such as `$connect`, `$default` or `sendmessage`.
    pub fn websocket(
        region: &str,
        account: &str,
        api_id: &str,
        stage: &str,
        route_key: &str,
    ) -> Self {
        MethodArn {
            region: region.to_owned(),
            account: account.to_owned(),
            api_id: api_id.to_owned(),
            stage: stage.to_owned(),
            method: None,
            path: route_key.to_owned(),
        }
    }

    /// Parses a method ARN. A third resource segment that is an HTTP method
    /// (or `*`) makes a REST/HTTP ARN; otherwise it is a WebSocket route.
    pub fn parse(text: &str) -> Result<Self, MethodArnError> {
        let error = || MethodArnError(text.to_owned());
        let arn = crate::arn::Arn::parse(text).ok_or_else(error)?;
        let [_, service, region, account] = arn.head;
        if service != "execute-api" {
            return Err(error());
        }
        let mut parts = arn.resource.splitn(3, '/');
        let api_id = parts.next().filter(|p| !p.is_empty()).ok_or_else(error)?;
        let stage = parts.next().ok_or_else(error)?;
        let rest = parts.next().ok_or_else(error)?;
        let (method, path) = match rest.split_once('/') {
            Some((m, p)) if METHODS.contains(&m) || m == "*" => (Some(m.to_owned()), p.to_owned()),
            _ if METHODS.contains(&rest) || rest == "*" => (Some(rest.to_owned()), String::new()),
            _ => (None, rest.to_owned()),
        };
        Ok(MethodArn {
            region: region.to_owned(),
            account: account.to_owned(),
            api_id: api_id.to_owned(),
            stage: stage.to_owned(),
            method,
            path,
        })
    }

    /// The API id.
    pub fn api_id(&self) -> &str {
        &self.api_id
    }

    /// The stage.
    pub fn stage(&self) -> &str {
        &self.stage
    }

    /// The HTTP method; `None` for a WebSocket route.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    /// The resource path without its leading `/` (empty for the root), or the route key.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The same API and stage with another method and path: what an
    /// authorizer needs to build a policy covering every route.
    pub fn sibling(&self, method: &str, path: &str) -> Self {
        MethodArn::rest(
            &self.region,
            &self.account,
            &self.api_id,
            &self.stage,
            method,
            path,
        )
    }
}

impl fmt::Display for MethodArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:aws:execute-api:{}:{}:{}/{}/",
            self.region, self.account, self.api_id, self.stage
        )?;
        match &self.method {
            Some(m) => write!(f, "{m}/{}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AG1: the root resource keeps a trailing slash; `{param}` segments carry values.
    #[test]
    fn ag1_round_trips() {
        for text in [
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/",
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/POST/pets/42/toys",
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/$connect",
            "arn:aws:execute-api:us-east-1:*:a1b2c3/*/*/*",
        ] {
            assert_eq!(MethodArn::parse(text).unwrap().to_string(), text);
        }
        let ws = MethodArn::parse("arn:aws:execute-api:us-east-1:1:a/prod/$connect").unwrap();
        assert_eq!((ws.method(), ws.path()), (None, "$connect"));
        assert!(MethodArn::parse("arn:aws:s3:::b/k").is_err());
        assert!(MethodArn::parse("arn:aws:execute-api:us-east-1:1:a").is_err());
        let m = MethodArn::rest("us-east-1", "1", "a", "prod", "get", "/pets/7");
        assert_eq!(
            m.to_string(),
            "arn:aws:execute-api:us-east-1:1:a/prod/GET/pets/7"
        );
        assert_eq!(m.sibling("DELETE", "/pets/7").method(), Some("DELETE"));
    }
}
