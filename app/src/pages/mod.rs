pub mod account;
pub mod admin;
pub mod home;
pub mod listing;
pub mod not_found;
pub mod product;
pub mod shop;

use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_location, use_params_map};

/// The view of a lazy area (account, shop, back office): the page for the address,
/// following it as the shopper moves between the area's pages. The first render is of
/// the address the route matched (`matched`, read in the route's `data`), not of the
/// address now: a link followed while the area's code was still loading would otherwise
/// make the page hydrate as the next page, which panics the app. The address is
/// followed from an effect, which runs once hydration is done.
pub fn area_view(matched: String, page_at: fn(&str) -> AnyView) -> AnyView {
    let location = use_location();
    let shown = RwSignal::new(matched);
    Effect::new(move |_| {
        let now = location.pathname.get();
        if shown.with_untracked(|shown| *shown != now) {
            shown.set(now);
        }
    });
    (move || shown.with(|path| page_at(path))).into_any()
}

/// The address a lazy area's route matched, for [`area_view`].
pub fn matched_path() -> String {
    use_location().pathname.get_untracked()
}

/// A route parameter (`lang`, `slug`), empty when absent.
pub fn param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).unwrap_or_default()))
}

/// The address's query string, `?` included.
pub fn query_string() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| location.search.get())
}

/// `https://shop.example` from `https://shop.example/en/p/…`.
pub fn site_of(url: &str) -> String {
    url.split('/').take(3).collect::<Vec<_>>().join("/")
}

/// `<link rel="canonical">` and one `hreflang` alternate per language.
#[component]
pub fn PageLinks(canonical: String, alternates: Vec<(String, String)>) -> impl IntoView {
    let site = site_of(&canonical);
    view! {
        <Link rel="canonical" href=canonical />
        {alternates
            .into_iter()
            .map(|(tag, path)| view! { <Link rel="alternate" hreflang=tag href=format!("{site}{path}") /> })
            .collect_view()}
    }
}

/// The page's `<title>`. leptos_meta 0.8 writes the title into the server's HTML without
/// escaping it, so a search for `</title><img …>` would inject markup; escaping here,
/// on the server only, closes that (the browser decodes the entities back, and the client
/// sets `document.title`, which needs no escaping).
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = escape_html(&text);
    view! { <leptos_meta::Title text /> }
}

#[cfg(feature = "ssr")]
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn markup_in_titles_is_escaped() {
        assert_eq!(
            super::escape_html(r#"</title><img src=x onerror="a()"> & co"#),
            "&lt;/title&gt;&lt;img src=x onerror=&quot;a()&quot;&gt; &amp; co"
        );
    }
}
