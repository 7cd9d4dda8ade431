//! The back office: a shop owner's and staff's pages under `/<lang>/admin`. One lazy
//! route, like the account and shop areas, so none of its code reaches a shopper's
//! browser unless they open it. Every page is server-rendered with plain forms, so it
//! works without JavaScript; hydrated, the same forms post without a page load.
//!
//! Each page asks the server for its data; the server checks the permission in the
//! domain (a page the staff member may not use answers 403 whatever the menu showed).

pub mod attributes;
pub mod audit;
pub mod categories;
pub mod home;
pub mod images;
pub mod inventory;
pub mod product;
pub mod products;
pub mod transfer;

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::error::AppError;
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::pages::PageTitle;
use crate::server::admin::{AdminMenu, get_admin_menu};
use crate::tr;

/// The area, with the address its route matched.
pub struct AdminArea(String);

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for AdminArea {
    fn data() -> Self {
        AdminArea(crate::pages::matched_path())
    }

    fn view(this: Self) -> AnyView {
        // Here, so the back office's texts load with its code (see `strings`).
        crate::strings::load_back_office();
        crate::pages::area_view(this.0, page_at)
    }
}

fn page_at(path: &str) -> AnyView {
    let rest = path.splitn(3, '/').nth(2).unwrap_or_default();
    match Page::parse(&format!("/{rest}")) {
        Some(Page::Admin(page)) => match page {
            AdminPage::Home => view! { <home::AdminHomePage /> }.into_any(),
            AdminPage::Audit => view! { <audit::AuditPage /> }.into_any(),
            AdminPage::Products => view! { <products::ProductsPage /> }.into_any(),
            AdminPage::Product(id) => view! { <product::ProductEditorPage id /> }.into_any(),
            AdminPage::Transfer => view! { <transfer::TransferPage /> }.into_any(),
            AdminPage::Categories => view! { <categories::CategoriesPage /> }.into_any(),
            AdminPage::Attributes => view! { <attributes::AttributesPage /> }.into_any(),
            AdminPage::Inventory => view! { <inventory::InventoryPage /> }.into_any(),
            AdminPage::ProductImages(id) => view! { <images::ProductImagesPage id /> }.into_any(),
        },
        _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}

/// `render`ed once `data` has loaded, or what went wrong (signed out: to the sign-in
/// page; not allowed: a 403 message).
pub fn loaded<T, F>(data: OnceResource<Result<T, AppError>>, render: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    crate::pages::account::loaded(data, render)
}

/// The frame of every back-office page: its title, the menu of what this staff member
/// may use, and the page beside it. `current` marks the menu entry.
#[component]
pub fn AdminFrame(title: String, current: AdminSection, children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::ssr::no_store();
    let locale = use_locale();
    let menu = OnceResource::new(get_admin_menu(locale.slug().to_string()));
    view! {
        <PageTitle text=title.clone() />
        <Meta name="robots" content="noindex" />
        <div class="mx-auto flex max-w-7xl flex-col gap-6 md:flex-row" data-testid="admin">
            <nav class="md:w-48 md:shrink-0" aria-label=tr!("admin.nav.label")>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match menu.await {
                            Ok(menu) => menu_links(&menu, current).into_any(),
                            // Signed out: already sent to sign in; a customer or a
                            // staff member the shop refuses: the reason, with its status.
                            Err(error) => crate::pages::account::overview::load_failed(error),
                        }
                    })}
                </Suspense>
            </nav>
            <section class="flex min-w-0 flex-1 flex-col gap-6">
                <h1 class="text-2xl font-semibold">{title}</h1>
                {children()}
            </section>
        </div>
    }
}

/// A menu entry of the back office.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminSection {
    Home,
    Products,
    Categories,
    Attributes,
    Inventory,
    Transfer,
    Orders,
    Accounts,
    Audit,
}

impl AdminSection {
    /// Its address, label key, and the permission that opens it (`None`: any staff).
    fn entry(self) -> (Page, &'static str, Option<&'static str>) {
        match self {
            AdminSection::Home => (Page::Admin(AdminPage::Home), "admin.nav.home", None),
            AdminSection::Products => (
                Page::Admin(AdminPage::Products),
                "admin.nav.products",
                Some("catalog"),
            ),
            AdminSection::Categories => (
                Page::Admin(AdminPage::Categories),
                "admin.nav.categories",
                Some("catalog"),
            ),
            AdminSection::Attributes => (
                Page::Admin(AdminPage::Attributes),
                "admin.nav.attributes",
                Some("catalog"),
            ),
            AdminSection::Inventory => (
                Page::Admin(AdminPage::Inventory),
                "admin.nav.inventory",
                Some("inventory"),
            ),
            AdminSection::Transfer => (
                Page::Admin(AdminPage::Transfer),
                "admin.nav.transfer",
                Some("catalog"),
            ),
            AdminSection::Orders => (Page::StaffOrders, "admin.nav.orders", Some("orders")),
            AdminSection::Accounts => {
                (Page::StaffAccounts, "admin.nav.accounts", Some("customers"))
            }
            AdminSection::Audit => (
                Page::Admin(AdminPage::Audit),
                "admin.nav.audit",
                Some("audit"),
            ),
        }
    }

    const ALL: [AdminSection; 9] = [
        AdminSection::Home,
        AdminSection::Products,
        AdminSection::Categories,
        AdminSection::Attributes,
        AdminSection::Inventory,
        AdminSection::Transfer,
        AdminSection::Orders,
        AdminSection::Accounts,
        AdminSection::Audit,
    ];
}

fn menu_links(menu: &AdminMenu, current: AdminSection) -> impl IntoView + use<> {
    let locale = use_locale();
    let entries: Vec<_> = AdminSection::ALL
        .into_iter()
        .filter(|section| {
            section
                .entry()
                .2
                .is_none_or(|p| menu.permissions.iter().any(|m| m == p))
        })
        .map(|section| {
            let (page, key, _) = section.entry();
            let here = section == current;
            view! {
                <li>
                    <a
                        href=page.at(locale)
                        class="block rounded-md px-3 py-1.5 hover:bg-stone-100"
                        class:bg-stone-200=here
                        class:font-semibold=here
                        aria-current=here.then_some("page")
                    >
                        {crate::i18n::translate(key)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="px-3 pb-2 text-xs uppercase tracking-wide text-stone-500" data-testid="admin-who">{menu.email.clone()}</p>
        <ul class="flex flex-row flex-wrap gap-1 text-sm md:flex-col" data-testid="admin-menu">{entries}</ul>
    }
}
