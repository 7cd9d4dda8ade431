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
    // The back office's texts (`admin.…`) in a table of their own, which only its code
    // reaches; everything else in the other.
    for (name, back_office) in [("STOREFRONT", false), ("BACK_OFFICE", true)] {
        writeln!(code, "pub static {name}: [Table; {}] = [", locales.len()).unwrap();
        for locale in &locales {
            code.push_str("    &[\n");
            // BTreeMap: sorted by key, as the binary search needs.
            for (key, text) in &texts[*locale] {
                if key.starts_with("admin.") == back_office {
                    writeln!(code, "        ({key:?}, {text:?}),").unwrap();
                }
            }
            code.push_str("    ],\n");
        }
        code.push_str("];\n");
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("strings.rs");
    std::fs::write(out, code).unwrap();
}
