//! The audit log: who changed what, when, with the values before and after. Read-only:
//! nothing in the shop edits or deletes a record.

use leptos::prelude::*;

use super::{AdminFrame, AdminSection, loaded};
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::pages::account::query;
use crate::server::admin::audit::{AuditPageDto, AuditRow, get_audit_log};
use crate::tr;

/// The filters the page's form sends (GET, so a filtered view is a link).
const FILTERS: [(&str, &str); 4] = [
    ("actor", "admin.audit.actor"),
    ("action", "admin.audit.action"),
    ("subject", "admin.audit.subject"),
    ("subject_id", "admin.audit.subject_id"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let locale = use_locale();
    let values: Vec<(&str, &str, Option<String>)> = FILTERS
        .iter()
        .map(|(name, key)| (*name, *key, query(name)))
        .collect();
    let get = |name: &str| {
        values
            .iter()
            .find(|v| v.0 == name)
            .and_then(|v| v.2.clone())
    };
    let data = OnceResource::new(get_audit_log(
        locale.slug().to_string(),
        get("actor"),
        get("action"),
        get("subject"),
        get("subject_id"),
        query("older_than"),
    ));
    // The filter as a query string, for the "older" link.
    let kept: String = values
        .iter()
        .filter_map(|(name, _, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={}&", crate::url::encode(v)))
        })
        .collect();
    let field = "rounded-md border border-stone-300 px-2 py-1";
    view! {
        <AdminFrame title=tr!("admin.audit.title") current=AdminSection::Audit>
            <form method="get" action=Page::Admin(AdminPage::Audit).at(locale) class="flex flex-wrap items-end gap-2 text-sm" data-testid="audit-filter">
                {values.iter().map(|(name, key, value)| view! {
                    <label class="flex flex-col gap-1">{crate::i18n::translate(key)}
                        <input name=*name value=value.clone().unwrap_or_default() maxlength="200" class=field />
                    </label>
                }).collect_view()}
                <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5">{tr!("admin.audit.filter")}</button>
            </form>
            {loaded(data, move |page: AuditPageDto| {
                let kept = kept.clone();
                view! {
                    {if page.rows.is_empty() {
                        view! { <p class="text-stone-500" data-testid="empty">{tr!("admin.audit.empty")}</p> }.into_any()
                    } else {
                        audit_table(page.rows).into_any()
                    }}
                    {page.older.map(|id| view! {
                        <a href=Page::Admin(AdminPage::Audit).at_with(locale, &format!("{kept}older_than={id}")) class="underline" data-testid="audit-older">{tr!("admin.audit.older")}</a>
                    })}
                }.into_any()
            })}
        </AdminFrame>
    }
}

fn audit_table(rows: Vec<AuditRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="w-full text-left text-sm" data-testid="audit-log">
                <thead class="border-b border-stone-300 text-stone-600">
                    <tr>
                        <th class="py-2 pr-4">{tr!("admin.audit.when")}</th>
                        <th class="py-2 pr-4">{tr!("admin.audit.actor")}</th>
                        <th class="py-2 pr-4">{tr!("admin.audit.action")}</th>
                        <th class="py-2 pr-4">{tr!("admin.audit.subject")}</th>
                        <th class="py-2">{tr!("admin.audit.changes")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr class="border-b border-stone-200 align-top" data-testid="audit-row">
                            <td class="py-2 pr-4 whitespace-nowrap">{row.at}</td>
                            <td class="py-2 pr-4">{row.actor}</td>
                            <td class="py-2 pr-4 font-mono" data-testid="audit-action">{row.action}</td>
                            <td class="py-2 pr-4">
                                <span>{row.label}</span>
                                <span class="block text-xs text-stone-500">{row.subject} " " {row.subject_id}</span>
                            </td>
                            <td class="py-2">
                                <ul>
                                    {row.changes.into_iter().map(|(field, old, new)| view! {
                                        <li data-testid="audit-change">
                                            <span class="font-mono">{field}</span> ": "
                                            <del class="text-red-800">{old}</del> " → "
                                            <ins class="text-green-800 no-underline">{new}</ins>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
