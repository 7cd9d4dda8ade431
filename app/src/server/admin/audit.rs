//! The audit log page's data: the newest records matching a filter, with what changed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// Records per page.
pub const PAGE: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub subject_id: String,
    pub label: String,
    /// What changed: field, value before, value after (as JSON text; empty for none).
    pub changes: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageDto {
    pub rows: Vec<AuditRow>,
    /// The id to page back from, when there may be older records.
    pub older: Option<i64>,
}

/// The audit log, newest first, for staff with the `audit` permission.
#[server]
pub async fn get_audit_log(
    lang: String,
    actor: Option<String>,
    action: Option<String>,
    subject: Option<String>,
    subject_id: Option<String>,
    older_than: Option<String>,
) -> Result<AuditPageDto, AppError> {
    use domain::accounts::staff::can;
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            let allowed = request.allowed::<can::Audit>().await?;
            crate::server::ssr::no_store();
            let older_than = match older_than.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(
                    text.parse::<i64>()
                        .map_err(|_| AppError::NotFound("page".into()))?,
                ),
            };
            let filter = domain::audit::Filter {
                actor,
                action,
                subject,
                subject_id,
                older_than,
            };
            let entries = domain::audit::list(&request.pool, &allowed, &filter, PAGE).await?;
            let older = (entries.len() as i64 == PAGE)
                .then(|| entries.last().map(|e| e.id))
                .flatten();
            let rows = entries.into_iter().map(row).collect();
            Ok(AuditPageDto { rows, older })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn row(entry: domain::audit::Entry) -> AuditRow {
    let shown = |v: serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let changes = domain::audit::differences(entry.before.as_ref(), entry.after.as_ref())
        .into_iter()
        .map(|(field, old, new)| (field, shown(old), shown(new)))
        .collect();
    AuditRow {
        id: entry.id,
        at: entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        subject_id: entry.subject_id,
        label: entry.label,
        changes,
    }
}
