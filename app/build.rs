// The interface's texts (`locales/ui`), compiled into sorted tables that
// `app::strings` looks keys up in (see there for why not `rust_i18n::i18n!`'s own
// loader). Naming the directory here rebuilds the app when any locale file changes or a
// new one appears (cargo watches a directory's files recursively).
use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=../locales/ui");
    let texts = rust_i18n_support::load_locales("../locales/ui", |_| false);
    let locales: Vec<&String> = texts.keys().collect();
    let mut code = String::new();
    writeln!(
        code,
        "pub static LOCALES: [&str; {}] = {locales:?};",
        locales.len()
    )
    .unwrap();
    // One table per language and part: the storefront's texts and the back office's
    // (`admin.…`), each a static of its own so the browser build can leave out what a
    // page does not use.
    for (part, back_office) in [("STOREFRONT", false), ("BACK_OFFICE", true)] {
        for locale in &locales {
            writeln!(code, "pub static {part}_{}: Table = &[", ident(locale)).unwrap();
            // BTreeMap: sorted by key, as the binary search needs.
            for (key, text) in &texts[*locale] {
                if key.starts_with("admin.") == back_office {
                    writeln!(code, "    ({key:?}, {text:?}),").unwrap();
                }
            }
            code.push_str("];\n");
        }
        let all: Vec<String> = locales
            .iter()
            .map(|l| format!("{part}_{}", ident(l)))
            .collect();
        // Every language's (the server's; the browser names each table on its own).
        writeln!(code, "#[allow(dead_code)]").unwrap();
        writeln!(
            code,
            "pub static {part}: [Table; {}] = [{}];",
            locales.len(),
            all.join(", ")
        )
        .unwrap();
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("strings.rs");
    std::fs::write(out, code).unwrap();
}

/// `pt-BR` → `PT_BR`.
fn ident(locale: &str) -> String {
    locale.replace('-', "_").to_uppercase()
}
