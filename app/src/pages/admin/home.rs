//! The back office's first page.

use leptos::prelude::*;

use super::{AdminFrame, AdminSection};
use crate::tr;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    view! {
        <AdminFrame title=tr!("admin.home.title") current=AdminSection::Home>
            <p class="text-stone-600">{tr!("admin.home.intro")}</p>
        </AdminFrame>
    }
}
