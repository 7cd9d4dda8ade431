//! Form pieces for plain HTML forms posted to server functions. They work without
//! JavaScript: a failed post comes back to the same page with the error in the address
//! (Leptos puts it there), and each field shows its own message.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;
use crate::message::Message;
use crate::tr;

/// The error the last post of server function `S` came back with, if any: Leptos sends
/// a failed plain-form post back to its page with `__path` and `__err` in the address.
/// Read from there directly (not through a `ServerAction`), so the browser bundle does not
/// carry a client for server functions that only plain forms ever call.
pub fn returned_error<S>() -> Option<AppError>
where
    S: ServerFn<Error = AppError>,
{
    use_query_map().with_untracked(|query| {
        let path = query.get("__path")?;
        let error = query.get("__err")?;
        (path == S::PATH).then(|| decode_error(&error))
    })
}

/// The error Leptos wrote into the address (URL-safe base64 of the error's encoding).
fn decode_error(text: &str) -> AppError {
    use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
    match crate::url::base64url_decode(text) {
        Some(bytes) => AppError::de(bytes.into()),
        None => {
            AppError::from_server_fn_error(ServerFnErrorErr::Deserialization("not base64".into()))
        }
    }
}

/// What was typed into a form before its post failed (empty otherwise).
#[derive(Clone, Debug, Default)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// Renders `form` filled in with what was typed before a failed post of `S` (the server
/// kept it in the session); asks the server only when the post did fail.
pub fn with_typed<S, F>(form: F) -> AnyView
where
    S: ServerFn<Error = AppError>,
    F: Fn(Typed) -> AnyView + Clone + Send + Sync + 'static,
{
    if returned_error::<S>().is_none() {
        return form(Typed::default());
    }
    let lang = crate::i18n::use_locale().slug().to_string();
    let typed = OnceResource::new(crate::server::account::get_typed(lang, S::PATH.to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let form = form.clone();
                Suspend::new(async move { form(Typed(typed.await.unwrap_or_default())) })
            }}
        </Suspense>
    }
    .into_any()
}

/// A message from the server (`account.errors.email`, or `cart.errors.only_left` with
/// its `count`) in the page's language.
pub fn message_text(message: &Message) -> String {
    crate::i18n::message(message)
}

/// What to tell the person about an error that is not about one field.
pub fn error_text(error: &AppError) -> String {
    match error {
        AppError::Validation { message, .. } => message_text(message),
        AppError::Conflict(message) => message_text(message),
        // Shown only when none of the form's own fields is named: the first problem.
        AppError::Fields(fields) => fields
            .first()
            .map(|(_, message)| message_text(message))
            .unwrap_or_else(|| tr!("error.bad_request")),
        AppError::BadCredentials => tr!("account.errors.credentials"),
        AppError::TooMany { minutes } => {
            tr!("account.errors.too_many", minutes = minutes.to_string())
        }
        AppError::Unauthorized => tr!("account.errors.sign_in_required"),
        AppError::Forbidden => tr!("account.errors.forbidden"),
        AppError::NotFound(_) => tr!("account.errors.not_found"),
        AppError::Busy => tr!("error.busy_body"),
        AppError::Internal | AppError::Transport(_) => tr!("error.body"),
    }
}

/// The form's own message: shown unless the error belongs to one of `fields`.
#[component]
pub fn FormAlert(error: Option<AppError>, fields: &'static [&'static str]) -> impl IntoView {
    let shown = error.filter(|e| !fields.iter().any(|f| e.for_field(f).is_some()));
    shown.map(|error| {
        view! {
            <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">
                {error_text(&error)}
            </p>
        }
    })
}

/// A good-news line ("Saved.").
#[component]
pub fn Notice(text: String) -> impl IntoView {
    view! {
        <p role="status" class="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900" data-testid="notice">
            {text}
        </p>
    }
}

/// A labelled input with its error message underneath (and tied to it for screen readers).
#[component]
pub fn Field(
    name: &'static str,
    label: String,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    error: Option<AppError>,
) -> impl IntoView {
    let message = error
        .as_ref()
        .and_then(|e| e.for_field(name))
        .map(|m| message_text(&m));
    let invalid = message.is_some();
    let described = format!("{name}-message");
    view! {
        <div class="flex flex-col gap-1">
            <label for=name class="text-sm font-medium">{label}</label>
            <input
                id=name
                name=name
                type=kind.unwrap_or("text")
                autocomplete=autocomplete
                value=value
                required=required
                maxlength=maxlength.unwrap_or(300)
                aria-invalid=invalid.then_some("true")
                aria-describedby=described.clone()
                class="rounded-md border px-3 py-2"
                class=("border-red-500", invalid)
                class=("border-stone-300", !invalid)
            />
            {hint.map(|h| view! { <p class="text-xs text-stone-500">{h}</p> })}
            <p id=described class="text-sm text-red-700" data-testid=format!("error-{name}")>
                {message}
            </p>
        </div>
    }
}

/// A field for choosing a password, with the advice on what makes a strong one.
#[component]
pub fn NewPasswordField(
    name: &'static str,
    label: String,
    error: Option<AppError>,
) -> impl IntoView {
    view! {
        <Field
            name=name
            label=label
            kind="password"
            autocomplete="new-password"
            required=true
            hint=tr!("account.password_hint")
            error=error
        />
    }
}

/// The hidden `lang` field every account form sends.
#[component]
pub fn LangField() -> impl IntoView {
    view! { <input type="hidden" name="lang" value=crate::i18n::use_locale().slug() /> }
}

#[component]
pub fn Submit(label: String) -> impl IntoView {
    view! {
        <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white hover:bg-stone-700">
            {label}
        </button>
    }
}
