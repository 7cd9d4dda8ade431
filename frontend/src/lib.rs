//! The browser entry point: hydrates the server-rendered page, nothing else. Lazy routes
//! (split off with `cargo leptos build --split`) are loaded before their page hydrates.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
