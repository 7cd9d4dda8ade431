//! Security: password, two-factor sign-in, signed-in browsers, and the account's data.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::overview::{load_failed, use_account};
use super::{AccountFrame, AccountNav, loaded, query};
use crate::components::form::{
    Field, FormAlert, LangField, NewPasswordField, Notice, Submit, returned_error,
};
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::server::account::{
    AccountView, ChangePassword, ConfirmTwoFactor, DeleteAccount, DisableTwoFactor, EndSession,
    NewRecoveryCodes, SignOutEverywhere, StartTwoFactor, get_two_factor_setup, take_recovery_codes,
};
use crate::tr;

/// Errors about "the current password", for forms whose field is `password`.
fn as_password_field(error: Option<AppError>) -> Option<AppError> {
    error.map(|e| e.renamed("current_password", "password"))
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let account = use_account();
    let errors = (
        returned_error::<ChangePassword>(),
        as_password_field(returned_error::<DisableTwoFactor>()),
        as_password_field(returned_error::<NewRecoveryCodes>()),
        as_password_field(returned_error::<DeleteAccount>()),
        returned_error::<EndSession>(),
    );
    let changed = query("changed").is_some();
    view! {
        <AccountFrame title=tr!("account.security")>
            <AccountNav />
            {changed.then(|| view! { <Notice text=tr!("account.password_changed") /> })}
            {loaded(account, move |account| {
                view! { <SecuritySections account errors=errors.clone() /> }.into_any()
            })}
        </AccountFrame>
    }
}

type Errors = (
    Option<AppError>,
    Option<AppError>,
    Option<AppError>,
    Option<AppError>,
    Option<AppError>,
);

#[component]
fn SecuritySections(account: AccountView, errors: Errors) -> impl IntoView {
    let locale = use_locale();
    let (password_error, disable_error, codes_error, delete_error, session_error) = errors;
    view! {
        <section class="flex flex-col gap-4" aria-labelledby="password-heading">
            <h2 id="password-heading" class="text-lg font-semibold">{tr!("account.change_password")}</h2>
            <form method="post" action=ChangePassword::url() class="flex flex-col gap-4" data-testid="password-form">
                <LangField />
                <FormAlert error=password_error.clone() fields=&["current_password", "password"] />
                <Field name="current_password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=password_error.clone() />
                <NewPasswordField name="new_password" label=tr!("account.new_password") error=password_error.map(|e| e.renamed("password", "new_password")) />
                <Submit label=tr!("account.change_password") />
            </form>
        </section>
        <section class="flex flex-col gap-4" aria-labelledby="two-factor-heading" data-testid="two-factor">
            <h2 id="two-factor-heading" class="text-lg font-semibold">{tr!("account.two_factor")}</h2>
            {if account.two_factor {
                view! {
                    <p data-testid="two-factor-on">{tr!("account.two_factor_on")}</p>
                    <p class="text-sm text-stone-600">
                        {tr!("account.recovery_left", count = account.recovery_codes_left.to_string())}
                    </p>
                    <form method="post" action=NewRecoveryCodes::url() class="flex flex-col gap-2">
                        <LangField />
                        <FormAlert error=codes_error.clone() fields=&["password"] />
                        <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=codes_error />
                        <Submit label=tr!("account.recovery_new") />
                    </form>
                    <form method="post" action=DisableTwoFactor::url() class="flex flex-col gap-2" data-testid="two-factor-disable-form">
                        <LangField />
                        <FormAlert error=disable_error.clone() fields=&["password", "code"] />
                        <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=disable_error.clone() />
                        <Field name="code" label=tr!("account.code") autocomplete="one-time-code" required=true maxlength=20 error=disable_error />
                        <Submit label=tr!("account.two_factor_disable") />
                    </form>
                }
                    .into_any()
            } else {
                view! {
                    <p data-testid="two-factor-off">{tr!("account.two_factor_off")}</p>
                    <a href=Page::Account(AccountPage::TwoFactor).at(locale) class="underline" data-testid="two-factor-setup">
                        {tr!("account.two_factor_enable")}
                    </a>
                }
                    .into_any()
            }}
        </section>
        <section class="flex flex-col gap-4" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading" class="text-lg font-semibold">{tr!("account.sessions")}</h2>
            <FormAlert error=session_error fields=&[] />
            <ul class="flex flex-col gap-2 text-sm" data-testid="sessions">
                {account
                    .sessions
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 rounded-md border border-stone-200 bg-white p-3" data-testid="session">
                                <span>
                                    <span class="font-medium">{s.user_agent.clone()}</span>
                                    " · " {s.ip.clone()} " · " {tr!("account.since", when = s.since.clone())}
                                    {s.current.then(|| view! { " · " <strong>{tr!("account.this_browser")}</strong> })}
                                </span>
                                {(!s.current).then(|| view! {
                                    <form method="post" action=EndSession::url()>
                                        <LangField />
                                        <input type="hidden" name="id" value=s.id.clone() />
                                        <button type="submit" class="underline">{tr!("account.end_session")}</button>
                                    </form>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form method="post" action=SignOutEverywhere::url()>
                <LangField />
                <button type="submit" class="rounded-md border border-stone-300 px-4 py-2" data-testid="sign-out-everywhere">
                    {tr!("account.sign_out_everywhere")}
                </button>
            </form>
        </section>
        <section class="flex flex-col gap-4" aria-labelledby="data-heading">
            <h2 id="data-heading" class="text-lg font-semibold">{tr!("account.your_data")}</h2>
            <p class="text-sm text-stone-600">{tr!("account.export_body")}</p>
            <a href="/account/export.json" rel="external" download="my-data.json" class="underline" data-testid="export">
                {tr!("account.export")}
            </a>
            <h3 class="font-semibold">{tr!("account.delete_title")}</h3>
            <p class="text-sm text-stone-600">{tr!("account.delete_body")}</p>
            <form method="post" action=DeleteAccount::url() class="flex flex-col gap-2" data-testid="delete-form">
                <LangField />
                <FormAlert error=delete_error.clone() fields=&["password"] />
                <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=delete_error />
                <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-white">{tr!("account.delete_button")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let setup = OnceResource::new(get_two_factor_setup(use_locale().slug().to_string()));
    let error = as_password_field(returned_error::<ConfirmTwoFactor>());
    let start_error = as_password_field(returned_error::<StartTwoFactor>());
    view! {
        <AccountFrame title=tr!("account.two_factor_enable")>
            <AccountNav />
            <Suspense fallback=|| ()>
                {move || {
                    let error = error.clone();
                    let start_error = start_error.clone();
                    Suspend::new(async move {
                        let setup = match setup.await {
                            Ok(Some(setup)) => setup,
                            // The secret is shown only to someone who typed the password.
                            Ok(None) => {
                                return view! {
                                    <p class="text-stone-700">{tr!("account.two_factor_password")}</p>
                                    <form method="post" action=StartTwoFactor::url() class="flex flex-col gap-4" data-testid="two-factor-start">
                                        <LangField />
                                        <FormAlert error=start_error.clone() fields=&["password"] />
                                        <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=start_error />
                                        <Submit label=tr!("account.two_factor_start") />
                                    </form>
                                }
                                    .into_any();
                            }
                            Err(error) => return load_failed(error),
                        };
                        view! {
                            <p class="text-stone-700">{tr!("account.two_factor_scan")}</p>
                            // The SVG is drawn on the server from the otpauth address; no script.
                            <div class="w-52" data-testid="qr-code" inner_html=setup.qr_svg></div>
                            <p class="text-sm">
                                {tr!("account.two_factor_key")} ": "
                                <code class="break-all" data-testid="totp-secret">{setup.secret}</code>
                            </p>
                            <form method="post" action=ConfirmTwoFactor::url() class="flex flex-col gap-4" data-testid="two-factor-form">
                                <LangField />
                                <FormAlert error=error.clone() fields=&["password", "code"] />
                                <Field name="password" label=tr!("account.current_password") kind="password" autocomplete="current-password" required=true error=error.clone() />
                                <Field name="code" label=tr!("account.code") autocomplete="one-time-code" required=true maxlength=20 error=error />
                                <Submit label=tr!("account.two_factor_confirm") />
                            </form>
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        </AccountFrame>
    }
}

#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let locale = use_locale();
    let codes = OnceResource::new(take_recovery_codes(locale.slug().to_string()));
    view! {
        <AccountFrame title=tr!("account.recovery_title")>
            <p class="text-stone-700">{tr!("account.recovery_body")}</p>
            {loaded(codes, |codes: Vec<String>| {
                view! {
                    <ul class="grid grid-cols-2 gap-2 font-mono" data-testid="recovery-codes">
                        {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            })}
            <a href=Page::Account(AccountPage::Security).at(locale) class="underline">{tr!("account.done")}</a>
        </AccountFrame>
    }
}
