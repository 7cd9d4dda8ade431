//! A burst of simultaneous sign-ins (issue 11, item 10): password checks past the short
//! queue are turned away at once with 503 and `Retry-After`, never queued without end.
//! A test binary of its own (the hashing queue is one per process), so no other test's
//! sign-in meets the full queue.

#[path = "it/common/mod.rs"]
mod common;

use axum::http::StatusCode;
use leptos::server_fn::ServerFn;

use app::server::account as fns;
use common::accounts::*;
use common::app_and_pool;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_beyond_the_hashing_queue_is_answered_busy_with_retry_after() {
    let (app, _pool) = app_and_pool().await;
    // Different e-mails, so no per-account throttle stops them before the hashing.
    let tries: Vec<_> = (0..48)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let email = format!("nobody{i}@example.com");
                post(
                    &app,
                    fns::SignIn::PATH,
                    &[("lang", "en"), ("email", &email), ("password", PASSWORD)],
                    &[],
                )
                .await
            })
        })
        .collect();
    let mut busy = 0;
    for attempt in tries {
        let (response, body) = attempt.await.unwrap();
        match response.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                let retry = response.headers().get("retry-after").expect("Retry-After");
                assert!(retry.to_str().unwrap().parse::<u64>().unwrap() >= 1);
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(busy > 0, "48 checks at once all ran");
}
