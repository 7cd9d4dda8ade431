//! Signing up, confirming the e-mail, signing in (with its second step), and resetting
//! a forgotten password.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AccountFrame, query};
use crate::components::form::{
    Field, FormAlert, LangField, NewPasswordField, Notice, Submit, Typed, returned_error,
    with_typed,
};
use crate::i18n::use_locale;
use crate::server::account::{
    ForgotPassword, ResetPassword, SignIn, SignInCode, SignUp, VerifyEmail,
};
use crate::tr;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let locale = use_locale();
    let error = returned_error::<SignUp>();
    let sent = query("sent").is_some();
    view! {
        <AccountFrame title=tr!("account.sign_up")>
            {if sent {
                view! {
                    <div data-testid="check-email">
                        <h2 class="text-lg font-semibold">{tr!("account.check_email_title")}</h2>
                        <p class="mt-2 text-stone-700">{tr!("account.check_email_body")}</p>
                    </div>
                }
                    .into_any()
            } else {
                let form = move |typed: Typed| {
                    view! {
                        <form method="post" action=SignUp::url() class="flex flex-col gap-4" data-testid="sign-up-form">
                            <LangField />
                            <FormAlert error=error.clone() fields=&["email", "password", "name"] />
                            <Field name="name" label=tr!("account.name") autocomplete="name" maxlength=200 value=typed.get("name").unwrap_or_default() error=error.clone() />
                            <Field name="email" label=tr!("account.email") kind="email" autocomplete="email" required=true value=typed.get("email").unwrap_or_default() error=error.clone() />
                            <NewPasswordField name="password" label=tr!("account.password") error=error.clone() />
                            <Submit label=tr!("account.sign_up") />
                        </form>
                    }
                        .into_any()
                };
                view! {
                    {with_typed::<SignUp, _>(form)}
                    <p class="text-sm">
                        {tr!("account.have_account")} " "
                        <a href=Page::Account(AccountPage::SignIn).at(locale) class="underline">{tr!("account.sign_in")}</a>
                    </p>
                }
                    .into_any()
            }}
        </AccountFrame>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    let error = returned_error::<SignIn>();
    let notice = [
        ("verified", "account.verified"),
        ("reset", "account.reset_done"),
        ("deleted", "account.deleted"),
    ]
    .into_iter()
    .find(|(name, _)| query(name).is_some())
    .map(|(_, key)| crate::i18n::translate(key));
    view! {
        <AccountFrame title=tr!("account.sign_in")>
            {notice.map(|text| view! { <Notice text /> })}
            {with_typed::<SignIn, _>(move |typed: Typed| {
                view! {
                    <form method="post" action=SignIn::url() class="flex flex-col gap-4" data-testid="sign-in-form">
                        <LangField />
                        <FormAlert error=error.clone() fields=&["email", "password"] />
                        <Field name="email" label=tr!("account.email") kind="email" autocomplete="email" required=true value=typed.get("email").unwrap_or_default() error=error.clone() />
                        <Field name="password" label=tr!("account.password") kind="password" autocomplete="current-password" required=true error=error.clone() />
                        <Submit label=tr!("account.sign_in") />
                    </form>
                }
                    .into_any()
            })}
            <p class="flex flex-wrap gap-4 text-sm">
                <a href=Page::Account(AccountPage::Forgot).at(locale) class="underline">{tr!("account.forgot")}</a>
                <span>
                    {tr!("account.no_account")} " "
                    <a href=Page::Account(AccountPage::SignUp).at(locale) class="underline">{tr!("account.sign_up")}</a>
                </span>
            </p>
        </AccountFrame>
    }
}

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let error = returned_error::<SignInCode>();
    view! {
        <AccountFrame title=tr!("account.two_factor_title")>
            <p class="text-stone-700">{tr!("account.two_factor_body")}</p>
            <form method="post" action=SignInCode::url() class="flex flex-col gap-4" data-testid="code-form">
                <LangField />
                <FormAlert error=error.clone() fields=&["code"] />
                <Field name="code" label=tr!("account.code") autocomplete="one-time-code" required=true maxlength=20 error=error.clone() />
                <Submit label=tr!("account.verify_code") />
            </form>
        </AccountFrame>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let error = returned_error::<ForgotPassword>();
    let sent = query("sent").is_some();
    view! {
        <AccountFrame title=tr!("account.forgot_title")>
            {sent.then(|| view! { <Notice text=tr!("account.forgot_sent") /> })}
            <p class="text-stone-700">{tr!("account.forgot_body")}</p>
            {with_typed::<ForgotPassword, _>(move |typed: Typed| {
                view! {
                    <form method="post" action=ForgotPassword::url() class="flex flex-col gap-4" data-testid="forgot-form">
                        <LangField />
                        <FormAlert error=error.clone() fields=&["email"] />
                        <Field name="email" label=tr!("account.email") kind="email" autocomplete="email" required=true value=typed.get("email").unwrap_or_default() error=error.clone() />
                        <Submit label=tr!("account.forgot_button") />
                    </form>
                }
                    .into_any()
            })}
        </AccountFrame>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let error = returned_error::<ResetPassword>();
    let token = query("token").unwrap_or_default();
    view! {
        <AccountFrame title=tr!("account.reset_title")>
            <form method="post" action=ResetPassword::url() class="flex flex-col gap-4" data-testid="reset-form">
                <LangField />
                <input type="hidden" name="token" value=token />
                <FormAlert error=error.clone() fields=&["password"] />
                <NewPasswordField name="password" label=tr!("account.new_password") error=error.clone() />
                <Submit label=tr!("account.reset_button") />
            </form>
        </AccountFrame>
    }
}

/// Following the e-mailed link shows a button rather than confirming at once: mail
/// scanners open links, and must not use them up.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let error = returned_error::<VerifyEmail>();
    let token = query("token").unwrap_or_default();
    view! {
        <AccountFrame title=tr!("account.verify_title")>
            <p class="text-stone-700">{tr!("account.verify_body")}</p>
            <form method="post" action=VerifyEmail::url() class="flex flex-col gap-4" data-testid="verify-form">
                <LangField />
                <input type="hidden" name="token" value=token />
                <FormAlert error=error fields=&[] />
                <Submit label=tr!("account.verify_button") />
            </form>
        </AccountFrame>
    }
}
