//! Accounts over HTTP for the tests: posting forms to server functions as a program
//! would, reading the session cookie, and making verified customers.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use leptos::server_fn::ServerFn;
use sqlx::PgPool;

use super::send;
use app::server::account as fns;

pub const PASSWORD: &str = "purple elephant dances quietly";

/// A form's fields as (name, value) pairs.
pub type Form<'a> = Vec<(&'a str, &'a str)>;

/// Posts a form to a server function, as a program would (no browser headers) unless
/// `headers` add some.
pub async fn post(
    app: &axum::Router,
    path: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> (Response<Body>, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request =
        Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

/// The session cookie the response sets, as `name=value`.
pub fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vitrine="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

/// A verified customer, made through the domain.
pub async fn customer(pool: &PgPool, email: &str) -> uuid::Uuid {
    let links = domain::mail::Links {
        base_url: "http://localhost".into(),
        shop_name: "Shop".into(),
    };
    let new = domain::accounts::NewAccount {
        email,
        password: PASSWORD,
        name: "Test",
        locale: "en",
        currency: None,
    };
    let client = domain::accounts::Client::default();
    domain::accounts::register(pool, new, &client, &links)
        .await
        .unwrap();
    let token = token_in_mail(pool, email, "/account/verify").await;
    domain::accounts::verify_email(pool, &token)
        .await
        .unwrap()
        .id
}

/// The token in the newest e-mail to `to` whose link contains `path`.
pub async fn token_in_mail(pool: &PgPool, to: &str, path: &str) -> String {
    let text: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox_emails WHERE to_address = $1 AND text_body LIKE $2
         ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .bind(format!("%{path}?token=%"))
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("no mail to {to} with {path}: {e}"));
    let at = text.find("token=").unwrap() + 6;
    text[at..at + 64].to_string()
}

/// Signs in over HTTP; returns the session cookie.
pub async fn signed_in(app: &axum::Router, email: &str) -> String {
    signed_in_with(app, email, PASSWORD).await
}

/// Signs in over HTTP with `password`; returns the session cookie.
pub async fn signed_in_with(app: &axum::Router, email: &str, password: &str) -> String {
    let (response, body) = post(
        app,
        fns::SignIn::PATH,
        &[("lang", "en"), ("email", email), ("password", password)],
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    session_cookie(&response).expect("a session cookie")
}
