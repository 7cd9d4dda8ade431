//! The shop's e-mails, written from the locale files (`mail.*`) in the recipient's
//! language, each with a plain-text part and a simple HTML part.

use rust_i18n::t;

use super::{Email, Links};

/// Confirms an e-mail address (new account or changed address).
pub fn verify_email(locale: &str, links: &Links, to: &str, token: &str) -> Email {
    let link = format!("{}?token={token}", links.page(locale, "/account/verify"));
    let shop = &links.shop_name;
    build(
        locale,
        to,
        t!("mail.verify.subject", locale = locale, shop = shop).into(),
        &[t!("mail.verify.body", locale = locale, shop = shop).into()],
        Some((t!("mail.verify.action", locale = locale).into(), link)),
        t!("mail.verify.expires", locale = locale).into(),
    )
}

/// Someone registered with an address that already has an account.
pub fn already_registered(locale: &str, links: &Links, to: &str) -> Email {
    let shop = &links.shop_name;
    build(
        locale,
        to,
        t!("mail.exists.subject", locale = locale, shop = shop).into(),
        &[t!("mail.exists.body", locale = locale, shop = shop).into()],
        Some((
            t!("mail.exists.action", locale = locale).into(),
            links.page(locale, "/account/forgot"),
        )),
        t!("mail.ignore", locale = locale).into(),
    )
}

pub fn reset_password(locale: &str, links: &Links, to: &str, token: &str) -> Email {
    let link = format!("{}?token={token}", links.page(locale, "/account/reset"));
    let shop = &links.shop_name;
    build(
        locale,
        to,
        t!("mail.reset.subject", locale = locale, shop = shop).into(),
        &[t!("mail.reset.body", locale = locale, shop = shop).into()],
        Some((t!("mail.reset.action", locale = locale).into(), link)),
        t!("mail.reset.expires", locale = locale).into(),
    )
}

/// Tells the old address that a change to another address was asked for.
pub fn email_change_requested(locale: &str, links: &Links, to: &str) -> Email {
    let shop = &links.shop_name;
    build(
        locale,
        to,
        t!("mail.email_change.subject", locale = locale, shop = shop).into(),
        &[t!("mail.email_change.body", locale = locale, shop = shop).into()],
        Some((
            t!("mail.email_change.action", locale = locale).into(),
            links.page(locale, "/account/security"),
        )),
        t!("mail.ignore", locale = locale).into(),
    )
}

pub(crate) fn build(
    locale: &str,
    to: &str,
    subject: String,
    paragraphs: &[String],
    action: Option<(String, String)>,
    footer: String,
) -> Email {
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;color:#1c1917;max-width:560px\">",
        escape(locale),
        escape(&subject)
    );
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(p)));
    }
    if let Some((label, link)) = action {
        text.push_str(&format!("{label}:\n{link}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;\
             background:#1c1917;color:#fff;text-decoration:none;border-radius:6px\">{}</a></p>\
             <p style=\"font-size:12px;color:#57534e\">{}</p>",
            escape(&link),
            escape(&label),
            escape(&link)
        ));
    }
    text.push_str(&footer);
    text.push('\n');
    html.push_str(&format!(
        "<p style=\"font-size:12px;color:#57534e\">{}</p></body></html>",
        escape(&footer)
    ));
    Email {
        to: to.to_string(),
        locale: crate::locale::supported_or_default(locale).to_string(),
        subject,
        text,
        html,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            base_url: "https://shop.example/".into(),
            shop_name: "Loja <Teste>".into(),
        }
    }

    #[test]
    fn a_verification_mail_is_in_the_recipients_language_with_both_parts() {
        let mail = verify_email("pt-BR", &links(), "ana@example.com", "abc123");
        assert_eq!(mail.locale, "pt-BR");
        assert!(mail.subject.contains("Loja <Teste>"), "{}", mail.subject);
        let link = "https://shop.example/pt-br/account/verify?token=abc123";
        assert!(mail.text.contains(link), "{}", mail.text);
        assert!(mail.html.contains(link));
        // The shop's name is escaped in HTML.
        assert!(mail.html.contains("Loja &lt;Teste&gt;"));
        let english = verify_email("en", &links(), "ana@example.com", "abc123");
        assert_ne!(english.subject, mail.subject);
    }

    #[test]
    fn every_language_has_every_mail() {
        for locale in crate::locale::SUPPORTED {
            for mail in [
                verify_email(locale, &links(), "a@example.com", "t"),
                already_registered(locale, &links(), "a@example.com"),
                reset_password(locale, &links(), "a@example.com", "t"),
                email_change_requested(locale, &links(), "a@example.com"),
            ] {
                // A missing string shows as its key, e.g. `mail.verify.subject`.
                for part in [&mail.subject, &mail.text] {
                    let missing = [
                        "mail.verify",
                        "mail.exists",
                        "mail.reset",
                        "mail.email_change",
                        "mail.ignore",
                    ];
                    assert!(
                        !missing.iter().any(|key| part.contains(key)),
                        "{locale}: {part}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_unknown_language_falls_back_to_english() {
        let mail = reset_password("xx", &links(), "ana@example.com", "t");
        assert_eq!(mail.locale, "en");
        assert!(
            mail.text
                .contains("https://shop.example/en/account/reset?token=t")
        );
    }
}
