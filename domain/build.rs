// The `rust_i18n::i18n!` macro reads `locales/mail` while compiling, which cargo cannot
// see: naming the directory here rebuilds the domain when a mail text changes.
fn main() {
    println!("cargo:rerun-if-changed=../locales/mail");
}
