//! Import and export of the catalog as CSV: download the catalog, change it in a
//! spreadsheet, upload it, read what would change (every problem by line and column),
//! apply.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{FormAlert, LangField, Notice, message_text, returned_error};
use crate::i18n::use_locale;
use crate::pages::account::query;
use crate::server::admin::transfer::{
    ApplyCatalogImport, ImportPreview, UploadCatalogFile, get_import_preview,
};
use crate::tr;

/// Where the server streams the catalog's CSV (not a page: a download).
pub const EXPORT_PATH: &str = "/admin/export/products.csv";

#[component]
pub fn TransferPage() -> impl IntoView {
    let locale = use_locale();
    let error = returned_error::<UploadCatalogFile>().or_else(returned_error::<ApplyCatalogImport>);
    let applied = query("applied").map(|counts| {
        let n: Vec<String> = counts.split('.').map(str::to_string).collect();
        let at = |i: usize| n.get(i).cloned().unwrap_or_default();
        tr!(
            "admin.transfer.applied",
            products_created = at(0),
            products_changed = at(1),
            variants_created = at(2),
            variants_changed = at(3)
        )
    });
    let preview = query("import")
        .map(|id| OnceResource::new(get_import_preview(locale.slug().to_string(), id)));
    let button = "rounded-md bg-stone-900 px-4 py-2 text-white";
    view! {
        <AdminFrame title=tr!("admin.transfer.title") current=AdminSection::Transfer>
            {applied.map(|text| view! { <Notice text /> })}
            <FormAlert error=error fields=&[] />
            <section class="flex flex-col gap-2">
                <h2 class="text-lg font-semibold">{tr!("admin.transfer.export")}</h2>
                <p class="text-sm text-stone-600">{tr!("admin.transfer.export_hint")}</p>
                <a href=format!("{EXPORT_PATH}?lang={}", locale.slug()) class="self-start rounded-md border border-stone-300 px-4 py-2" download="products.csv" data-testid="export">
                    {tr!("admin.transfer.download")}
                </a>
            </section>
            <section class="flex flex-col gap-2">
                <h2 class="text-lg font-semibold">{tr!("admin.transfer.import")}</h2>
                <p class="text-sm text-stone-600">{tr!("admin.transfer.import_hint")}</p>
                <form method="post" action=UploadCatalogFile::url() enctype="multipart/form-data" class="flex flex-wrap items-end gap-2" data-testid="upload">
                    <LangField />
                    <label class="flex flex-col gap-1 text-sm">{tr!("admin.transfer.file")}
                        <input type="file" name="file" accept=".csv,text/csv" required class="text-sm" />
                    </label>
                    <button type="submit" class=button>{tr!("admin.transfer.check")}</button>
                </form>
            </section>
            {preview.map(|data| loaded(data, |preview: ImportPreview| preview_view(preview).into_any()))}
        </AdminFrame>
    }
}

fn preview_view(preview: ImportPreview) -> impl IntoView {
    let counts = tr!(
        "admin.transfer.counts",
        rows = preview.rows.to_string(),
        products_created = preview.products_created.to_string(),
        products_changed = preview.products_changed.to_string(),
        variants_created = preview.variants_created.to_string(),
        variants_changed = preview.variants_changed.to_string(),
        unchanged = preview.unchanged.to_string()
    );
    let can_apply = preview.error_count == 0 && !preview.applied;
    let nothing = preview.products_created
        + preview.products_changed
        + preview.variants_created
        + preview.variants_changed
        == 0;
    view! {
        <section class="flex flex-col gap-3 rounded-md border border-stone-200 bg-white p-4" data-testid="preview">
            <h2 class="text-lg font-semibold">{preview.file_name.clone()}</h2>
            <p data-testid="preview-counts">{counts}</p>
            {preview.applied.then(|| view! { <p class="text-green-800">{tr!("admin.transfer.was_applied")}</p> })}
            {(preview.error_count > 0).then(|| view! {
                <p role="alert" class="text-red-800" data-testid="preview-problems">
                    {tr!("admin.transfer.problems", count = preview.error_count.to_string())}
                </p>
                <table class="text-left text-sm" data-testid="problems">
                    <thead><tr>
                        <th class="pr-4">{tr!("admin.transfer.line")}</th>
                        <th class="pr-4">{tr!("admin.transfer.column")}</th>
                        <th>{tr!("admin.transfer.problem")}</th>
                    </tr></thead>
                    <tbody>
                        {preview.errors.iter().map(|(line, column, message)| view! {
                            <tr data-testid="problem">
                                <td class="pr-4">{*line}</td>
                                <td class="pr-4 font-mono">{column.clone()}</td>
                                <td>{message_text(message)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!preview.changes.is_empty()).then(|| view! {
                <table class="text-left text-sm" data-testid="changes">
                    <thead><tr>
                        <th class="pr-4">{tr!("admin.transfer.line")}</th>
                        <th class="pr-4">{tr!("admin.transfer.what")}</th>
                        <th>{tr!("admin.transfer.changes")}</th>
                    </tr></thead>
                    <tbody>
                        {preview.changes.iter().map(|(line, what, fields)| view! {
                            <tr data-testid="change">
                                <td class="pr-4">{*line}</td>
                                <td class="pr-4">{what.clone()}</td>
                                <td class="font-mono">{fields.join(", ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(can_apply && !nothing).then(|| view! {
                <form method="post" action=ApplyCatalogImport::url()>
                    <LangField />
                    <input type="hidden" name="id" value=preview.id.clone() />
                    <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white" data-testid="apply">{tr!("admin.transfer.apply")}</button>
                </form>
            })}
        </section>
    }
}
