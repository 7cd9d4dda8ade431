//! The audit log: every change staff make, with who, when, what, and the values before
//! and after.
//!
//! A staff function records its change with [`record`] on the same connection (inside
//! the same transaction) as the change, so the two commit together or not at all. Only a
//! checked staff member ([`crate::accounts::staff::StaffId`], handed out by a `Staff` or
//! an `Allowed<P>`) can be named as the actor. The table refuses updates and deletes
//! (see its migration); reading it takes `Allowed<can::Audit>`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::DomainResult;
use crate::accounts::staff::{Allowed, StaffId, can};

/// One change, as the function that made it describes it.
#[derive(Clone, Debug)]
pub struct Change {
    /// Area then verb: `product.update`, `staff.permissions`, `order.refund`.
    pub action: &'static str,
    /// The kind of thing changed: `product`, `account`, `order`.
    pub subject: &'static str,
    pub subject_id: String,
    /// How a person recognises the thing (a product's name, an e-mail, an order number).
    pub label: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn new(action: &'static str, subject: &'static str, subject_id: impl ToString) -> Change {
        Change {
            action,
            subject,
            subject_id: subject_id.to_string(),
            label: String::new(),
            before: None,
            after: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Change {
        self.label = label.into().chars().take(300).collect();
        self
    }

    /// The values before and after, as JSON (any `Serialize` value: a row, a map of the
    /// fields that changed).
    pub fn values(
        mut self,
        before: Option<impl Serialize>,
        after: Option<impl Serialize>,
    ) -> Change {
        self.before = before.and_then(|v| serde_json::to_value(v).ok());
        self.after = after.and_then(|v| serde_json::to_value(v).ok());
        self
    }
}

/// Writes `change` by `by` on `conn`: call it inside the transaction that makes the
/// change. The actor's e-mail is kept as it is now, so the record reads the same after
/// the account changes or is erased.
pub async fn record(conn: &mut PgConnection, by: StaffId, change: Change) -> DomainResult<()> {
    sqlx::query!(
        "INSERT INTO audit_log (actor_id, actor, action, subject, subject_id, label, before, after)
         VALUES ($1, COALESCE((SELECT email FROM accounts WHERE id = $1), $1::text),
                 $2, $3, $4, $5, $6, $7)",
        by.get(),
        change.action,
        change.subject,
        change.subject_id,
        change.label,
        change.before,
        change.after,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A record, as the audit page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub subject_id: String,
    pub label: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What to show: every field optional; `older_than` pages back from a record's id.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Part of the actor's e-mail or name.
    pub actor: Option<String>,
    /// An action or its area (`product` matches `product.update`).
    pub action: Option<String>,
    pub subject: Option<String>,
    pub subject_id: Option<String>,
    pub older_than: Option<i64>,
}

/// The newest records matching `filter`, at most `limit` (1 to 500).
pub async fn list(
    pool: &PgPool,
    _by: &Allowed<can::Audit>,
    filter: &Filter,
    limit: i64,
) -> DomainResult<Vec<Entry>> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let actor = blank(&filter.actor).map(|a| format!("%{}%", like_escape(&a)));
    let action = blank(&filter.action);
    let rows = sqlx::query_as!(
        Entry,
        r#"SELECT id, at AS "at: DateTime<Utc>", actor_id, actor, action, subject, subject_id, label, before, after
           FROM audit_log
           WHERE ($1::text IS NULL OR actor ILIKE $1)
             AND ($2::text IS NULL OR action = $2 OR action LIKE $2 || '.%')
             AND ($3::text IS NULL OR subject = $3)
             AND ($4::text IS NULL OR subject_id = $4)
             AND ($5::bigint IS NULL OR id < $5)
           ORDER BY id DESC
           LIMIT $6"#,
        actor,
        action,
        blank(&filter.subject),
        blank(&filter.subject_id),
        filter.older_than,
        limit.clamp(1, 500),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// `text` matched literally inside a LIKE pattern.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The fields whose values differ between `before` and `after` (two JSON objects), for
/// showing a change compactly: `(field, before, after)`.
pub fn differences(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, Value, Value)> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => map.clone(),
        _ => empty.clone(),
    };
    let (before, after) = (object(before), object(after));
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let old = before.get(field).cloned().unwrap_or(Value::Null);
            let new = after.get(field).cloned().unwrap_or(Value::Null);
            (old != new).then(|| (field.clone(), old, new))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_only_what_changed() {
        let before = json!({"price": "10.00", "stock": 3, "sku": "A"});
        let after = json!({"price": "12.00", "stock": 3, "sku": "A", "weight": 200});
        assert_eq!(
            differences(Some(&before), Some(&after)),
            vec![
                ("price".into(), json!("10.00"), json!("12.00")),
                ("weight".into(), Value::Null, json!(200)),
            ]
        );
        // A creation: everything is new.
        assert_eq!(differences(None, Some(&json!({"a": 1}))).len(), 1);
    }

    #[test]
    fn like_patterns_match_literally() {
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
    }
}
