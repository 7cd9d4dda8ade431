//! Hostile bytes in addresses and forms answer 4xx, never 5xx.

use crate::common;

use common::get;

/// A NUL byte (which PostgreSQL refuses in text) and other control characters, in every
/// address and form a browser can send, answer 4xx: never a server error.
#[tokio::test]
async fn nul_bytes_anywhere_in_addresses_or_forms_never_answer_5xx() {
    use leptos::server_fn::ServerFn;
    let (app, pool) = common::app_and_pool().await;
    let order = uuid::Uuid::new_v4();
    let pages = [
        "/en/search?q=%00".to_string(),
        "/en/search?q=a%00b&sort=%00&page=%00".to_string(),
        "/en/p/%00".to_string(),
        "/en/p/aurora-classic-t-shirt%00".to_string(),
        "/en/p/aurora-classic-t-shirt?variant=%00".to_string(),
        "/en/c/%00".to_string(),
        "/en/c/t-shirts?min_price=%00&max_price=%00&sort=%00&page=%00".to_string(),
        "/en/c/t-shirts?color=%00&size=%00&in_stock=%00".to_string(),
        "/en/c/t-shirts%00/more".to_string(),
        "/%00".to_string(),
        "/en%00".to_string(),
        "/en/cart?added=%00".to_string(),
        "/en/checkout/%00".to_string(),
        format!("/en/orders/{order}?key=%00"),
        "/en/orders/%00".to_string(),
        "/en/account/verify?token=%00".to_string(),
        "/en/account/reset?token=%00".to_string(),
        "/en/account/email?token=%00".to_string(),
        "/en/account/sign-in?__err=%00".to_string(),
        "/language?to=es&from=/en/p/%00".to_string(),
        "/language?to=es&from=/en/c/%00".to_string(),
        "/language?to=%00&from=%00".to_string(),
        "/currency?code=%00&back=/en%00".to_string(),
        "/media/demo/%00".to_string(),
        "/pkg/%00".to_string(),
        "/account/export.json?%00".to_string(),
    ];
    for path in &pages {
        let (response, body) = get(&app, path).await;
        assert!(
            !response.status().is_server_error(),
            "{path}: {} {body:.300}",
            response.status()
        );
    }
    // The search box answers a page, not an error (the shopper typed something odd).
    let (response, _) = get(&app, "/en/search?q=%00").await;
    assert!(response.status().is_client_error() || response.status().is_success());

    // Every form, once as a guest and once signed in, with NUL in each field in turn.
    let variant = common::shop::a_variant(&pool).await.to_string();
    common::accounts::customer(&pool, "nul@example.com").await;
    let cookie = common::accounts::signed_in(&app, "nul@example.com").await;
    // A cart with something in it, so checkout steps reach the database.
    let (added, _) = common::accounts::post(
        &app,
        app::server::shop::AddToCart::PATH,
        &[("lang", "en"), ("variant", &variant), ("quantity", "1")],
        &[("cookie", cookie.as_str())],
    )
    .await;
    assert!(!added.status().is_server_error());
    use app::server::account as a;
    use app::server::shop as s;
    let order = order.to_string();
    let forms: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            s::AddToCart::PATH,
            vec![("variant", &variant), ("quantity", "1")],
        ),
        (
            s::UpdateCartLine::PATH,
            vec![("variant", &variant), ("quantity", "1")],
        ),
        (s::RemoveCartLine::PATH, vec![("variant", &variant)]),
        (s::GetCart::PATH, vec![]),
        (s::GetCheckout::PATH, vec![]),
        (s::CheckoutContact::PATH, vec![("email", "a@example.com")]),
        (
            s::CheckoutAddress::PATH,
            vec![
                ("name", "Ana"),
                ("line1", "Rua A, 1"),
                ("line2", ""),
                ("city", "Recife"),
                ("region", "PE"),
                ("postal_code", "50000-000"),
                ("country", "BR"),
                ("phone", "+55 81 5555 5555"),
            ],
        ),
        (s::CheckoutShipping::PATH, vec![("method", &order)]),
        (s::CheckoutPayment::PATH, vec![("payment", "test_card")]),
        (
            s::ApplyCoupon::PATH,
            vec![("code", "WELCOME10"), ("back", "review")],
        ),
        (s::RemoveCoupon::PATH, vec![("back", "review")]),
        (
            s::PlaceOrder::PATH,
            vec![("cart", &order), ("total", "1"), ("card_number", "4242")],
        ),
        (s::GetOrder::PATH, vec![("id", &order), ("key", "k")]),
        (
            s::ConfirmTestPayment::PATH,
            vec![("id", &order), ("key", "k"), ("approve", "yes")],
        ),
        (s::RetryPayment::PATH, vec![("id", &order), ("key", "k")]),
        (s::GetMyOrders::PATH, vec![]),
        (
            a::SignUp::PATH,
            vec![("email", "x@example.com"), ("password", "p"), ("name", "X")],
        ),
        (
            a::SignIn::PATH,
            vec![("email", "x@example.com"), ("password", "p")],
        ),
        (a::ForgotPassword::PATH, vec![("email", "x@example.com")]),
        (
            a::ResetPassword::PATH,
            vec![("token", "t"), ("password", "p")],
        ),
        (a::VerifyEmail::PATH, vec![("token", "t")]),
        (a::SignInCode::PATH, vec![("code", "123456")]),
        (
            a::UpdateProfile::PATH,
            vec![("name", "N"), ("locale", "en"), ("currency", "USD")],
        ),
        (
            a::ChangeEmail::PATH,
            vec![("password", "p"), ("email", "y@example.com")],
        ),
        (
            a::SaveAddress::PATH,
            vec![
                ("id", ""),
                ("kind", "shipping"),
                ("name", "Ana"),
                ("line1", "Rua A, 1"),
                ("line2", ""),
                ("city", "Recife"),
                ("region", "PE"),
                ("postal_code", "50000-000"),
                ("country", "BR"),
                ("phone", ""),
            ],
        ),
        (a::DeleteAddress::PATH, vec![("id", &order)]),
        (a::EndSession::PATH, vec![("id", &order)]),
        (a::GetTyped::PATH, vec![("path", "/")]),
    ];
    for (path, fields) in &forms {
        for who in ["", cookie.as_str()] {
            let headers: Vec<(&str, &str)> = if who.is_empty() {
                vec![]
            } else {
                vec![("cookie", who)]
            };
            // Each field in turn carries the NUL, the language included.
            let mut all = vec![("lang", "en")];
            all.extend(fields.iter().copied());
            for spoiled in 0..all.len() {
                let with_nul: Vec<String> = all
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| {
                        if i == spoiled {
                            format!("{v}\0x")
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                let form: Vec<(&str, &str)> = all
                    .iter()
                    .zip(&with_nul)
                    .map(|((n, _), v)| (*n, v.as_str()))
                    .collect();
                for accept in ["application/json", "text/html"] {
                    let mut headers = headers.clone();
                    headers.push(("accept", accept));
                    // A browser's form post names the page it came from.
                    headers.push(("referer", "http://localhost/en/checkout/review"));
                    let (response, body) =
                        common::accounts::post(&app, path, &form, &headers).await;
                    assert!(
                        !response.status().is_server_error(),
                        "{path} with NUL in {}: {} {body:.300}",
                        all[spoiled].0,
                        response.status()
                    );
                }
            }
        }
    }
}
