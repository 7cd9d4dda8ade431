//! The browser entry point: hydrates the server-rendered page, nothing else. Lazy routes
//! (split off with `cargo leptos build --split`) are loaded before their page hydrates,
//! and so are the texts in the page's language (`app::strings`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The executor first: the texts load on it, then the page hydrates with them.
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        app::strings::load_page_language().await;
        leptos::mount::hydrate_lazy(app::App);
    });
}
