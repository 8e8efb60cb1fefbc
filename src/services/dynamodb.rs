//! DynamoDB requests as IAM sees them: the action, the table or index ARN, and
//! the fine-grained access keys `dynamodb:LeadingKeys`, `dynamodb:Attributes`,
//! `dynamodb:Select` and `dynamodb:ReturnValues` (D1-D4).
//!
//! Source: <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html>.
//!
//! ```
//! use std::collections::BTreeMap;
//! use iam_eval::services::dynamodb::{DynamoDb, TableSchema};
//! let mut tables = BTreeMap::new();
//! tables.insert("notes".to_owned(), TableSchema::new("userId"));
//! let ddb = DynamoDb { region: "us-east-1", account: "123456789012", tables: &tables };
//! let body = serde_json::json!({
//!     "TableName": "notes",
//!     "KeyConditionExpression": "userId = :u AND noteId > :n",
//!     "ExpressionAttributeValues": {":u": {"S": "us-east-1:1111"}, ":n": {"S": "0"}}
//! });
//! let checks = ddb.authorizations("Query", &body)?;
//! assert_eq!(checks[0].action, "dynamodb:Query");
//! assert_eq!(checks[0].resource, "arn:aws:dynamodb:us-east-1:123456789012:table/notes");
//! # Ok::<(), iam_eval::services::dynamodb::DynamoDbError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Authorization;

/// What the builder must know about a table: its partition key and the
/// partition keys of its indexes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TableSchema {
    /// The table's partition (hash) key attribute.
    pub partition_key: String,
    /// Index name → the index's partition key attribute.
    pub indexes: BTreeMap<String, String>,
}

impl TableSchema {
    /// A table with this partition key and no indexes.
    pub fn new(partition_key: &str) -> Self {
        TableSchema {
            partition_key: partition_key.to_owned(),
            indexes: BTreeMap::new(),
        }
    }

    /// Adds an index with its partition key.
    pub fn with_index(mut self, name: &str, partition_key: &str) -> Self {
        self.indexes
            .insert(name.to_owned(), partition_key.to_owned());
        self
    }
}

/// Where the tables live, and their schemas.
#[derive(Debug, Clone, Copy)]
pub struct DynamoDb<'a> {
    /// The region.
    pub region: &'a str,
    /// The account.
    pub account: &'a str,
    /// Table name → schema.
    pub tables: &'a BTreeMap<String, TableSchema>,
}

/// A request body the builder cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DynamoDbError(String);

fn missing(what: &str) -> DynamoDbError {
    DynamoDbError(format!("the request has no {what}"))
}

/// `{"S": "x"}`, `{"N": "1"}`, `{"B": "…"}` → the value's text.
fn scalar(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    ["S", "N", "B"]
        .iter()
        .find_map(|t| map.get(*t).and_then(Value::as_str).map(str::to_owned))
}

fn object<'v>(body: &'v Value, field: &str) -> Option<&'v Map<String, Value>> {
    body.get(field).and_then(Value::as_object)
}

fn names(body: &Value) -> Option<&Map<String, Value>> {
    object(body, "ExpressionAttributeNames")
}

/// `#n` → its name from `ExpressionAttributeNames`; other names as written.
fn resolve_name(token: &str, body: &Value) -> String {
    match token.strip_prefix('#') {
        Some(_) => names(body)
            .and_then(|n| n.get(token))
            .and_then(Value::as_str)
            .unwrap_or(token)
            .to_owned(),
        None => token.to_owned(),
    }
}

/// The top-level attribute of a document path: `a.b[1]` → `a`.
fn top_level(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path).trim()
}

/// Attribute names a projection asks for (`ProjectionExpression` or `AttributesToGet`).
fn projected(body: &Value) -> Option<BTreeSet<String>> {
    if let Some(expr) = body.get("ProjectionExpression").and_then(Value::as_str) {
        return Some(
            expr.split(',')
                .map(|p| resolve_name(top_level(p), body))
                .collect(),
        );
    }
    body.get("AttributesToGet")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
}

/// Attribute names an `UpdateExpression` touches (SET, REMOVE, ADD, DELETE
/// targets and the names read by functions), or `AttributeUpdates` keys.
fn updated(body: &Value) -> BTreeSet<String> {
    if let Some(expr) = body.get("UpdateExpression").and_then(Value::as_str) {
        let mut out = BTreeSet::new();
        let mut token = String::new();
        let mut flush = |token: &mut String, next: Option<char>| {
            let t = std::mem::take(token);
            let keyword = ["SET", "REMOVE", "ADD", "DELETE"]
                .iter()
                .any(|k| t.eq_ignore_ascii_case(k));
            if !t.is_empty() && !t.starts_with(':') && !keyword && next != Some('(') {
                out.insert(resolve_name(top_level(&t), body));
            }
        };
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() || matches!(c, '_' | '#' | ':' | '.' | '[' | ']' | '-') {
                token.push(c);
            } else {
                let mut next = Some(c);
                if c.is_whitespace() {
                    while chars.peek().is_some_and(|n| n.is_whitespace()) {
                        chars.next();
                    }
                    next = chars.peek().copied();
                }
                flush(&mut token, next);
            }
        }
        flush(&mut token, None);
        return out;
    }
    object(body, "AttributeUpdates")
        .map(|u| u.keys().cloned().collect())
        .unwrap_or_default()
}

impl DynamoDb<'_> {
    fn schema(&self, table: &str) -> Result<&TableSchema, DynamoDbError> {
        self.tables
            .get(table)
            .ok_or_else(|| DynamoDbError(format!("no key schema given for table `{table}`")))
    }

    /// `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/index/INDEX]`.
    pub fn arn(&self, table: &str, index: Option<&str>) -> String {
        let base = format!(
            "arn:aws:dynamodb:{}:{}:table/{table}",
            self.region, self.account
        );
        match index {
            Some(i) => format!("{base}/index/{i}"),
            None => base,
        }
    }

    /// The authorizations for a DynamoDB API call, from its operation name
    /// (`GetItem`, `Query`, `BatchWriteItem`, …) and its JSON request body.
    pub fn authorizations(
        &self,
        operation: &str,
        body: &Value,
    ) -> Result<Vec<Authorization>, DynamoDbError> {
        let table = || {
            body.get("TableName")
                .and_then(Value::as_str)
                .ok_or_else(|| missing("TableName"))
        };
        match operation {
            "GetItem" => Ok(vec![self.item_read("dynamodb:GetItem", table()?, body)?]),
            "PutItem" => Ok(vec![self.item_write("dynamodb:PutItem", table()?, body)?]),
            "UpdateItem" => Ok(vec![self.item_write(
                "dynamodb:UpdateItem",
                table()?,
                body,
            )?]),
            "DeleteItem" => Ok(vec![self.item_write(
                "dynamodb:DeleteItem",
                table()?,
                body,
            )?]),
            "Query" => Ok(vec![self.query(table()?, body)?]),
            "Scan" => Ok(vec![self.scan(table()?, body)?]),
            "BatchGetItem" => self.batch_get(body),
            "BatchWriteItem" => self.batch_write(body),
            "TransactGetItems" | "TransactWriteItems" => self.transact(body),
            other => Err(DynamoDbError(format!(
                "unsupported DynamoDB operation `{other}`"
            ))),
        }
    }

    fn partition_value(&self, table: &str, key: &Value) -> Result<String, DynamoDbError> {
        let pk = &self.schema(table)?.partition_key;
        key.get(pk)
            .and_then(scalar)
            .ok_or_else(|| DynamoDbError(format!("the key has no partition key `{pk}`")))
    }

    /// GetItem: LeadingKeys from `Key`, Attributes from the projection (absent
    /// when all attributes are read).
    fn item_read(
        &self,
        action: &str,
        table: &str,
        body: &Value,
    ) -> Result<Authorization, DynamoDbError> {
        let key = body.get("Key").ok_or_else(|| missing("Key"))?;
        let mut auth = Authorization::new(action, self.arn(table, None)).with(
            "dynamodb:LeadingKeys",
            vec![self.partition_value(table, key)?],
        );
        if let Some(attrs) = projected(body) {
            auth = auth.with("dynamodb:Attributes", attrs.into_iter().collect::<Vec<_>>());
        }
        Ok(auth)
    }

    /// PutItem, UpdateItem, DeleteItem: LeadingKeys, the attributes written
    /// (with the key attributes), and ReturnValues (default `NONE`, D4).
    fn item_write(
        &self,
        action: &str,
        table: &str,
        body: &Value,
    ) -> Result<Authorization, DynamoDbError> {
        let (key, mut attrs): (&Value, BTreeSet<String>) = if action == "dynamodb:PutItem" {
            let item = body.get("Item").ok_or_else(|| missing("Item"))?;
            let attrs = item
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            (item, attrs)
        } else {
            let key = body.get("Key").ok_or_else(|| missing("Key"))?;
            (
                key,
                key.as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default(),
            )
        };
        if action == "dynamodb:UpdateItem" {
            attrs.extend(updated(body));
        }
        let return_values = body
            .get("ReturnValues")
            .and_then(Value::as_str)
            .unwrap_or("NONE");
        Ok(Authorization::new(action, self.arn(table, None))
            .with(
                "dynamodb:LeadingKeys",
                vec![self.partition_value(table, key)?],
            )
            .with("dynamodb:Attributes", attrs.into_iter().collect::<Vec<_>>())
            .with("dynamodb:ReturnValues", return_values))
    }

    /// `dynamodb:Select`: as given; else `SPECIFIC_ATTRIBUTES` with a
    /// projection, `ALL_PROJECTED_ATTRIBUTES` on an index, `ALL_ATTRIBUTES`
    /// on a table (D4: it "always has a value").
    fn select(body: &Value) -> String {
        if let Some(s) = body.get("Select").and_then(Value::as_str) {
            return s.to_owned();
        }
        if projected(body).is_some() {
            "SPECIFIC_ATTRIBUTES".into()
        } else if body.get("IndexName").is_some() {
            "ALL_PROJECTED_ATTRIBUTES".into()
        } else {
            "ALL_ATTRIBUTES".into()
        }
    }

    fn read_keys(auth: Authorization, body: &Value) -> Authorization {
        let auth = auth.with("dynamodb:Select", Self::select(body));
        match projected(body) {
            Some(attrs) => auth.with("dynamodb:Attributes", attrs.into_iter().collect::<Vec<_>>()),
            None => auth,
        }
    }

    /// Query: the partition key's equality in the key condition gives
    /// LeadingKeys; on an index the resource is the index ARN.
    fn query(&self, table: &str, body: &Value) -> Result<Authorization, DynamoDbError> {
        let schema = self.schema(table)?;
        let index = body.get("IndexName").and_then(Value::as_str);
        let pk = match index {
            Some(i) => schema.indexes.get(i).ok_or_else(|| {
                DynamoDbError(format!(
                    "no partition key given for index `{i}` of `{table}`"
                ))
            })?,
            None => &schema.partition_key,
        };
        let value = if let Some(expr) = body.get("KeyConditionExpression").and_then(Value::as_str) {
            key_condition_value(expr, pk, body)
        } else {
            object(body, "KeyConditions")
                .and_then(|c| c.get(pk))
                .and_then(|c| c.get("AttributeValueList"))
                .and_then(Value::as_array)
                .and_then(|l| l.first())
                .and_then(scalar)
        };
        let value = value
            .ok_or_else(|| DynamoDbError(format!("the key condition has no equality on `{pk}`")))?;
        let auth = Authorization::new("dynamodb:Query", self.arn(table, index))
            .with("dynamodb:LeadingKeys", vec![value]);
        Ok(Self::read_keys(auth, body))
    }

    /// Scan carries no LeadingKeys: `ForAllValues` on it is vacuously true (D2).
    fn scan(&self, table: &str, body: &Value) -> Result<Authorization, DynamoDbError> {
        self.schema(table)?;
        let index = body.get("IndexName").and_then(Value::as_str);
        Ok(Self::read_keys(
            Authorization::new("dynamodb:Scan", self.arn(table, index)),
            body,
        ))
    }

    fn batch_get(&self, body: &Value) -> Result<Vec<Authorization>, DynamoDbError> {
        let items = object(body, "RequestItems").ok_or_else(|| missing("RequestItems"))?;
        items
            .iter()
            .map(|(table, request)| {
                let keys = request
                    .get("Keys")
                    .and_then(Value::as_array)
                    .ok_or_else(|| missing("Keys"))?;
                let leading = keys
                    .iter()
                    .map(|k| self.partition_value(table, k))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut auth = Authorization::new("dynamodb:BatchGetItem", self.arn(table, None))
                    .with("dynamodb:LeadingKeys", leading);
                if let Some(attrs) = projected(request) {
                    auth = auth.with("dynamodb:Attributes", attrs.into_iter().collect::<Vec<_>>());
                }
                Ok(auth)
            })
            .collect()
    }

    fn batch_write(&self, body: &Value) -> Result<Vec<Authorization>, DynamoDbError> {
        let items = object(body, "RequestItems").ok_or_else(|| missing("RequestItems"))?;
        items
            .iter()
            .map(|(table, requests)| {
                let mut leading = Vec::new();
                let mut attrs = BTreeSet::new();
                for request in requests
                    .as_array()
                    .ok_or_else(|| missing("write requests"))?
                {
                    let item = request
                        .get("PutRequest")
                        .and_then(|p| p.get("Item"))
                        .or_else(|| request.get("DeleteRequest").and_then(|d| d.get("Key")))
                        .ok_or_else(|| missing("PutRequest.Item or DeleteRequest.Key"))?;
                    leading.push(self.partition_value(table, item)?);
                    attrs.extend(
                        item.as_object()
                            .map(|m| m.keys().cloned())
                            .into_iter()
                            .flatten(),
                    );
                }
                Ok(
                    Authorization::new("dynamodb:BatchWriteItem", self.arn(table, None))
                        .with("dynamodb:LeadingKeys", leading)
                        .with("dynamodb:Attributes", attrs.into_iter().collect::<Vec<_>>()),
                )
            })
            .collect()
    }

    /// Each transaction item is authorized as its single-item action.
    fn transact(&self, body: &Value) -> Result<Vec<Authorization>, DynamoDbError> {
        let items = body
            .get("TransactItems")
            .and_then(Value::as_array)
            .ok_or_else(|| missing("TransactItems"))?;
        let mut out = Vec::new();
        for item in items {
            let (kind, inner) = item
                .as_object()
                .and_then(|m| m.iter().next())
                .ok_or_else(|| missing("a transaction item"))?;
            let table = inner
                .get("TableName")
                .and_then(Value::as_str)
                .ok_or_else(|| missing("TableName"))?;
            out.push(match kind.as_str() {
                "Get" => self.item_read("dynamodb:GetItem", table, inner)?,
                "Put" => self.item_write("dynamodb:PutItem", table, inner)?,
                "Update" => self.item_write("dynamodb:UpdateItem", table, inner)?,
                "Delete" => self.item_write("dynamodb:DeleteItem", table, inner)?,
                "ConditionCheck" => {
                    let key = inner.get("Key").ok_or_else(|| missing("Key"))?;
                    Authorization::new("dynamodb:ConditionCheckItem", self.arn(table, None)).with(
                        "dynamodb:LeadingKeys",
                        vec![self.partition_value(table, key)?],
                    )
                }
                other => return Err(DynamoDbError(format!("unknown transaction item `{other}`"))),
            });
        }
        Ok(out)
    }
}

/// The value of `<pk> = :v` in a key condition expression.
fn key_condition_value(expr: &str, pk: &str, body: &Value) -> Option<String> {
    let upper = expr.to_ascii_uppercase();
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in upper.match_indices(" AND ") {
        parts.push(expr.get(start..i)?);
        start = i + 5;
    }
    parts.push(expr.get(start..)?);
    parts.into_iter().find_map(|part| {
        let (lhs, rhs) = part.split_once('=')?;
        let (lhs, rhs) = (lhs.trim(), rhs.trim());
        let (name, placeholder) = if rhs.starts_with(':') {
            (lhs, rhs)
        } else {
            (rhs, lhs)
        };
        (resolve_name(name, body) == pk)
            .then(|| {
                object(body, "ExpressionAttributeValues")?
                    .get(placeholder)
                    .and_then(scalar)
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::ContextValue;
    use serde_json::json;

    fn ddb(tables: &BTreeMap<String, TableSchema>) -> DynamoDb<'_> {
        DynamoDb {
            region: "us-east-1",
            account: "1",
            tables,
        }
    }

    fn tables() -> BTreeMap<String, TableSchema> {
        let mut t = BTreeMap::new();
        t.insert(
            "notes".into(),
            TableSchema::new("userId").with_index("byDate", "userId"),
        );
        t
    }

    fn value<'a>(auth: &'a Authorization, key: &str) -> Option<&'a ContextValue> {
        auth.context.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// D1: LeadingKeys is the partition key's value, multi-valued even for one item.
    #[test]
    fn d1_get_item_leading_keys_and_projection() {
        let t = tables();
        let body = json!({"TableName": "notes", "Key": {"userId": {"S": "u1"}, "noteId": {"S": "n"}},
            "ProjectionExpression": "#t, body.text", "ExpressionAttributeNames": {"#t": "title"}});
        let auth = &ddb(&t).authorizations("GetItem", &body).unwrap()[0];
        assert_eq!(
            value(auth, "dynamodb:LeadingKeys"),
            Some(&ContextValue::Multi(vec!["u1".into()]))
        );
        assert_eq!(
            value(auth, "dynamodb:Attributes"),
            Some(&ContextValue::Multi(vec!["body".into(), "title".into()]))
        );
    }

    /// D4: Select defaults and ReturnValues default to NONE.
    #[test]
    fn d4_select_and_return_values_defaults() {
        let t = tables();
        let q = json!({"TableName": "notes", "IndexName": "byDate", "KeyConditionExpression": "#u = :u",
            "ExpressionAttributeNames": {"#u": "userId"}, "ExpressionAttributeValues": {":u": {"S": "u1"}}});
        let auth = &ddb(&t).authorizations("Query", &q).unwrap()[0];
        assert_eq!(
            auth.resource,
            "arn:aws:dynamodb:us-east-1:1:table/notes/index/byDate"
        );
        assert_eq!(
            value(auth, "dynamodb:Select"),
            Some(&ContextValue::from("ALL_PROJECTED_ATTRIBUTES"))
        );
        let put = json!({"TableName": "notes", "Item": {"userId": {"S": "u1"}, "noteId": {"S": "n"}, "body": {"S": "x"}}});
        let auth = &ddb(&t).authorizations("PutItem", &put).unwrap()[0];
        assert_eq!(
            value(auth, "dynamodb:ReturnValues"),
            Some(&ContextValue::from("NONE"))
        );
        assert_eq!(
            value(auth, "dynamodb:Attributes"),
            Some(&ContextValue::Multi(vec![
                "body".into(),
                "noteId".into(),
                "userId".into()
            ]))
        );
    }

    /// D2: Scan carries no LeadingKeys.
    #[test]
    fn d2_scan_has_no_leading_keys() {
        let t = tables();
        let auth = &ddb(&t)
            .authorizations("Scan", &json!({"TableName": "notes"}))
            .unwrap()[0];
        assert!(value(auth, "dynamodb:LeadingKeys").is_none());
        assert_eq!(
            value(auth, "dynamodb:Select"),
            Some(&ContextValue::from("ALL_ATTRIBUTES"))
        );
    }

    #[test]
    fn update_expression_names_are_collected() {
        let t = tables();
        let body = json!({"TableName": "notes", "Key": {"userId": {"S": "u1"}, "noteId": {"S": "n"}},
            "UpdateExpression": "SET #b = :b, tags = list_append(tags, :t) REMOVE draft",
            "ExpressionAttributeNames": {"#b": "body"}, "ReturnValues": "ALL_NEW"});
        let auth = &ddb(&t).authorizations("UpdateItem", &body).unwrap()[0];
        assert_eq!(
            value(auth, "dynamodb:Attributes"),
            Some(&ContextValue::Multi(vec![
                "body".into(),
                "draft".into(),
                "noteId".into(),
                "tags".into(),
                "userId".into()
            ]))
        );
        assert_eq!(
            value(auth, "dynamodb:ReturnValues"),
            Some(&ContextValue::from("ALL_NEW"))
        );
    }

    #[test]
    fn batch_and_transact_items() {
        let t = tables();
        let get = json!({"RequestItems": {"notes": {"Keys": [{"userId": {"S": "a"}}, {"userId": {"S": "b"}}]}}});
        let auth = &ddb(&t).authorizations("BatchGetItem", &get).unwrap()[0];
        assert_eq!(
            value(auth, "dynamodb:LeadingKeys"),
            Some(&ContextValue::Multi(vec!["a".into(), "b".into()]))
        );
        let tx = json!({"TransactItems": [
            {"Put": {"TableName": "notes", "Item": {"userId": {"S": "a"}}}},
            {"ConditionCheck": {"TableName": "notes", "Key": {"userId": {"S": "a"}}, "ConditionExpression": "x"}}]});
        let auths = ddb(&t).authorizations("TransactWriteItems", &tx).unwrap();
        assert_eq!(auths[0].action, "dynamodb:PutItem");
        assert_eq!(auths[1].action, "dynamodb:ConditionCheckItem");
        assert!(ddb(&t)
            .authorizations("GetItem", &json!({"TableName": "other", "Key": {}}))
            .is_err());
    }
}
