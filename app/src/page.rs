//! Every page of the shop as a value: what an address after its language means
//! ([`Page::parse`]) and the address of a page ([`Page::path`], [`Page::at`]). The
//! areas' routers match on it, links and redirects are built from it, so an address is
//! spelt once. (Leptos' route table needs literal patterns; a test below checks each of
//! them parses.) Wasm-safe: no server code.

use crate::i18n::Locale;

/// The checkout's steps, in order.
pub const CHECKOUT_STEPS: [&str; 5] = ["contact", "address", "shipping", "payment", "review"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Category(String),
    Product(String),
    Search,
    Cart,
    /// A checkout step (one of [`CHECKOUT_STEPS`]).
    Checkout(&'static str),
    Order(String),
    Account(AccountPage),
    StaffAccounts,
    StaffOrders,
    StaffOrder(String),
    /// The back office (`/admin/…`).
    Admin(AdminPage),
}

/// The back office's pages (the staff order and account pages predate it and keep
/// their own variants above).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminPage {
    /// Figures and what needs doing.
    Home,
    Products,
    /// One product's editor, by id (`new` for a new one).
    Product(String),
    /// One product's pictures, by the product's id.
    ProductImages(String),
    Categories,
    /// Attributes (material, brand) and option types (size, colour).
    Attributes,
    Inventory,
    /// CSV import and export of the catalog.
    Transfer,
    Audit,
}

impl AdminPage {
    const FIXED: [(AdminPage, &'static str); 7] = [
        (AdminPage::Home, ""),
        (AdminPage::Products, "/products"),
        (AdminPage::Categories, "/categories"),
        (AdminPage::Attributes, "/attributes"),
        (AdminPage::Inventory, "/inventory"),
        (AdminPage::Transfer, "/transfer"),
        (AdminPage::Audit, "/audit"),
    ];
}

/// The pages of a customer's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountPage {
    Overview,
    SignUp,
    SignIn,
    SecondFactor,
    Forgot,
    Reset,
    Verify,
    Profile,
    Security,
    TwoFactor,
    RecoveryCodes,
    Addresses,
    Address(String),
    Orders,
}

impl AccountPage {
    const FIXED: [(AccountPage, &'static str); 13] = [
        (AccountPage::Overview, ""),
        (AccountPage::SignUp, "/sign-up"),
        (AccountPage::SignIn, "/sign-in"),
        (AccountPage::SecondFactor, "/sign-in/code"),
        (AccountPage::Forgot, "/forgot"),
        (AccountPage::Reset, "/reset"),
        (AccountPage::Verify, "/verify"),
        (AccountPage::Profile, "/profile"),
        (AccountPage::Security, "/security"),
        (AccountPage::TwoFactor, "/security/two-factor"),
        (AccountPage::RecoveryCodes, "/security/recovery-codes"),
        (AccountPage::Addresses, "/addresses"),
        (AccountPage::Orders, "/orders"),
    ];
}

impl Page {
    /// The page at `rest`, the address after the language (`/account/sign-in`, `/c/hats`,
    /// `` for the home page); a query string is ignored. `None` for no page.
    pub fn parse(rest: &str) -> Option<Page> {
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let path = path.trim_end_matches('/');
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        // An id or slug is one non-empty segment.
        let one = |s: &&str| !s.is_empty();
        Some(match parts.as_slice() {
            [] => Page::Home,
            ["c", slug] if one(slug) => Page::Category(slug.to_string()),
            ["p", slug] if one(slug) => Page::Product(slug.to_string()),
            ["search"] => Page::Search,
            ["cart"] => Page::Cart,
            ["checkout"] => Page::Checkout(CHECKOUT_STEPS[0]),
            ["checkout", step] => Page::Checkout(CHECKOUT_STEPS.into_iter().find(|s| s == step)?),
            ["orders", id] if one(id) => Page::Order(id.to_string()),
            ["admin", "accounts"] => Page::StaffAccounts,
            ["admin", "orders"] => Page::StaffOrders,
            ["admin", "orders", id] if one(id) => Page::StaffOrder(id.to_string()),
            ["admin", "products", id] if one(id) => Page::Admin(AdminPage::Product(id.to_string())),
            ["admin", "products", id, "images"] if one(id) => {
                Page::Admin(AdminPage::ProductImages(id.to_string()))
            }
            ["admin", ..] => {
                let sub = &path["/admin".len()..];
                let (page, _) = AdminPage::FIXED.into_iter().find(|(_, p)| *p == sub)?;
                Page::Admin(page)
            }
            ["account", "addresses", id] if one(id) => {
                Page::Account(AccountPage::Address(id.to_string()))
            }
            ["account", ..] => {
                let sub = &path["/account".len()..];
                let (page, _) = AccountPage::FIXED.into_iter().find(|(_, p)| *p == sub)?;
                Page::Account(page)
            }
            _ => return None,
        })
    }

    /// The address after the language: `/account/security`, `/c/hats`, `` for home.
    pub fn path(&self) -> String {
        match self {
            Page::Home => String::new(),
            Page::Category(slug) => format!("/c/{slug}"),
            Page::Product(slug) => format!("/p/{slug}"),
            Page::Search => "/search".into(),
            Page::Cart => "/cart".into(),
            Page::Checkout(step) => format!("/checkout/{step}"),
            Page::Order(id) => format!("/orders/{id}"),
            Page::StaffAccounts => "/admin/accounts".into(),
            Page::StaffOrders => "/admin/orders".into(),
            Page::StaffOrder(id) => format!("/admin/orders/{id}"),
            Page::Admin(AdminPage::Product(id)) => format!("/admin/products/{id}"),
            Page::Admin(AdminPage::ProductImages(id)) => format!("/admin/products/{id}/images"),
            Page::Admin(page) => {
                let sub = AdminPage::FIXED
                    .into_iter()
                    .find(|(p, _)| p == page)
                    .map_or("", |(_, sub)| sub);
                format!("/admin{sub}")
            }
            Page::Account(AccountPage::Address(id)) => format!("/account/addresses/{id}"),
            Page::Account(page) => {
                let sub = AccountPage::FIXED
                    .into_iter()
                    .find(|(p, _)| p == page)
                    .map_or("", |(_, sub)| sub);
                format!("/account{sub}")
            }
        }
    }

    /// The page's address in `locale`: `/pt-br/c/camisetas`.
    pub fn at(&self, locale: Locale) -> String {
        locale.path(&self.path())
    }

    /// [`Page::path`] with a query string (`saved=1`), already encoded.
    pub fn path_with(&self, query: &str) -> String {
        format!("{}?{query}", self.path())
    }

    /// [`Page::at`] with a query string (`saved=1`), already encoded.
    pub fn at_with(&self, locale: Locale, query: &str) -> String {
        format!("{}?{query}", self.at(locale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_page() -> Vec<Page> {
        let mut pages = vec![
            Page::Home,
            Page::Category("hats".into()),
            Page::Product("red-hat".into()),
            Page::Search,
            Page::Cart,
            Page::Order("5f0c".into()),
            Page::StaffAccounts,
            Page::StaffOrders,
            Page::StaffOrder("5f0c".into()),
            Page::Account(AccountPage::Address("a1".into())),
            Page::Admin(AdminPage::Product("new".into())),
            Page::Admin(AdminPage::ProductImages("5f0c".into())),
        ];
        pages.extend(AdminPage::FIXED.map(|(p, _)| Page::Admin(p)));
        pages.extend(CHECKOUT_STEPS.map(Page::Checkout));
        pages.extend(AccountPage::FIXED.map(|(p, _)| Page::Account(p)));
        pages
    }

    #[test]
    fn every_page_reads_back_from_its_address() {
        for page in every_page() {
            assert_eq!(Page::parse(&page.path()), Some(page.clone()), "{page:?}");
            assert_eq!(Page::parse(&format!("{}/?x=1", page.path())), Some(page));
        }
    }

    #[test]
    fn addresses_that_are_no_page_are_none() {
        for rest in [
            "/c",
            "/c/",
            "/c/a/b",
            "/checkout/pay",
            "/account/nope",
            "/account/addresses/a/b",
            "/admin/nope",
            "/admin/products/a/b",
            "/admin/products/a/pictures",
            "/admin/products//images",
            "/admin/products/a/images/b",
            "/orders",
            "/x",
        ] {
            assert_eq!(Page::parse(rest), None, "{rest}");
        }
    }

    #[test]
    fn the_route_tables_patterns_are_pages() {
        // The literal patterns in `lib.rs`'s route table, with their parameters filled.
        for rest in [
            "",
            "/c/x",
            "/p/x",
            "/search",
            "/account",
            "/account/sign-in",
            "/admin/accounts",
            "/cart",
            "/checkout",
            "/checkout/review",
            "/orders/x",
            "/admin/orders",
            "/admin/orders/x",
            "/admin",
            "/admin/products",
            "/admin/products/x",
            "/admin/products/x/images",
            "/admin/categories",
            "/admin/attributes",
            "/admin/inventory",
            "/admin/transfer",
            "/admin/audit",
        ] {
            assert!(Page::parse(rest).is_some(), "{rest}");
        }
    }

    #[test]
    fn addresses_carry_the_language() {
        assert_eq!(Page::Home.at(Locale::PtBr), "/pt-br");
        assert_eq!(
            Page::Category("camisetas".into()).at(Locale::PtBr),
            "/pt-br/c/camisetas"
        );
        assert_eq!(
            Page::Account(AccountPage::SignIn).at_with(Locale::En, "reset=1"),
            "/en/account/sign-in?reset=1"
        );
    }
}
