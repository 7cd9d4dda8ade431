// The `rust_i18n::i18n!` macro reads `locales/ui` while compiling, which cargo cannot
// see: naming the directory here rebuilds the app when any locale file changes or a new
// one appears (cargo watches a directory's files recursively).
fn main() {
    println!("cargo:rerun-if-changed=../locales/ui");
}
