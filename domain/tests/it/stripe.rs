//! The Stripe adapter talking HTTP to a local stand-in that answers in Stripe's format.

use crate::common;

use common::shop::*;
use domain::money::{Currency, Money};
use rust_decimal_macros::dec;

/// Answers one HTTP request with `body` and returns what was asked.
async fn stand_in(body: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = socket.read(&mut buffer).await.unwrap();
            request.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&request).to_string();
            if let Some((head, rest)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if rest.len() >= length {
                    break;
                }
            }
        }
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(reply.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&request).to_string()
    });
    (address, task)
}

#[tokio::test]
async fn the_stripe_adapter_speaks_stripes_api() {
    use domain::payments::stripe;
    let (address, asked) = stand_in(r#"{"id":"pi_3Abc","object":"payment_intent","client_secret":"pi_3Abc_secret_x","status":"requires_payment_method"}"#).await;
    let config = stripe::StripeConfig {
        secret_key: "sk_test_123".into(),
        publishable_key: "pk_test_123".into(),
        webhook_secret: "whsec_1".into(),
        api_base: address,
    };
    let intent = stripe::create_intent(
        &config,
        Money::new(dec!(3023), Currency::JPY),
        "pay-1",
        1042,
    )
    .await
    .unwrap();
    assert_eq!(
        intent,
        stripe::Intent {
            id: "pi_3Abc".into(),
            client_secret: "pi_3Abc_secret_x".into()
        }
    );
    let request = asked.await.unwrap();
    assert!(request.starts_with("POST /v1/payment_intents HTTP/1.1"));
    let lower = request.to_lowercase();
    assert!(lower.contains("authorization: bearer sk_test_123"));
    assert!(lower.contains("idempotency-key: pay-1"));
    assert!(lower.contains("content-type: application/x-www-form-urlencoded"));
    assert!(
        request.contains("amount=3023&currency=jpy&automatic_payment_methods%5Benabled%5D=true")
    );

    let (address, asked) =
        stand_in(r#"{"id":"re_9","object":"refund","status":"succeeded"}"#).await;
    let config = stripe::StripeConfig {
        api_base: address,
        ..config
    };
    let refund = stripe::refund(
        &config,
        "pi_3Abc",
        Money::new(dec!(12.50), Currency::EUR),
        "ref-1",
    )
    .await
    .unwrap();
    assert_eq!(refund, "re_9");
    let request = asked.await.unwrap();
    assert!(request.starts_with("POST /v1/refunds"));
    assert!(request.ends_with("payment_intent=pi_3Abc&amount=1250"));

    // Stripe unreachable: a clear "try again" for the shopper, not a crash.
    let config = stripe::StripeConfig {
        api_base: "http://127.0.0.1:9".into(),
        ..config
    };
    let error = stripe::create_intent(&config, Money::new(dec!(1), Currency::USD), "pay-2", 1)
        .await
        .unwrap_err();
    assert_eq!(message(&error), "payment.errors.provider_unavailable");
}
