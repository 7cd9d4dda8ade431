//! Checkout under load: `buyers` guests at once, each buying again and again through the
//! same plain forms a shopper without JavaScript uses (add to cart, cart page, contact,
//! address, shipping, payment, review, place order with the test card). Prints orders
//! per second and latency percentiles per step. Run by `scripts/bench.sh`:
//!
//!     cargo run --release -p server --example bench_checkout -- http://127.0.0.1:3500 10 32

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::Mutex;

type Timings = Arc<Mutex<BTreeMap<&'static str, Vec<Duration>>>>;

struct Shop {
    base: String,
    client: reqwest::Client,
    actions: BTreeMap<&'static str, String>,
    variants: Vec<String>,
}

fn attribute<'a>(html: &'a str, before: &str) -> Option<&'a str> {
    let start = html.find(before)? + before.len();
    let end = html[start..].find('"')?;
    Some(&html[start..start + end])
}

impl Shop {
    async fn get(
        &self,
        path: &str,
        cookie: &str,
    ) -> reqwest::Result<(reqwest::StatusCode, String)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    /// Posts a form as a browser does; returns where it was sent (an error sends the
    /// browser back with `__err`).
    async fn post(
        &self,
        action: &str,
        form: &[(&str, &str)],
        cookie: &mut String,
    ) -> reqwest::Result<String> {
        let response = self
            .client
            .post(format!("{}{}", self.base, self.actions[action]))
            .header("cookie", cookie.as_str())
            .header("accept", "text/html")
            .header("referer", format!("{}/en/checkout/review", self.base))
            .form(form)
            .send()
            .await?;
        if let Some(set) = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            && set.starts_with("vitrine=")
        {
            *cookie = set.split(';').next().unwrap_or_default().to_string();
        }
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok(location)
    }
}

async fn timed<T>(timings: &Timings, step: &'static str, work: impl Future<Output = T>) -> T {
    let start = Instant::now();
    let out = work.await;
    timings
        .lock()
        .await
        .entry(step)
        .or_default()
        .push(start.elapsed());
    out
}

/// One guest's purchase: placed, or the step that refused it.
async fn buy(
    shop: &Shop,
    timings: &Timings,
    n: usize,
) -> reqwest::Result<Result<(), &'static str>> {
    let mut cookie = String::new();
    let variant = &shop.variants[n % shop.variants.len()];
    let added = timed(
        timings,
        "add to cart",
        shop.post(
            "add",
            &[("lang", "en"), ("variant", variant), ("quantity", "1")],
            &mut cookie,
        ),
    )
    .await?;
    if added.contains("__err") {
        // Sold out (or fewer left than wanted) since the list was read.
        return Ok(Err("add to cart"));
    }
    timed(timings, "cart page", shop.get("/en/cart", &cookie)).await?;
    shop.post(
        "contact",
        &[("lang", "en"), ("email", "buyer@example.com")],
        &mut cookie,
    )
    .await?;
    let address = [
        ("lang", "en"),
        ("name", "Bench Buyer"),
        ("line1", "5 Main St"),
        ("line2", ""),
        ("city", "New York"),
        ("region", "NY"),
        ("postal_code", "10001"),
        ("country", "US"),
        ("phone", ""),
    ];
    shop.post("address", &address, &mut cookie).await?;
    let (_, page) = timed(
        timings,
        "checkout page",
        shop.get("/en/checkout/shipping", &cookie),
    )
    .await?;
    let Some(method) = attribute(&page, "name=\"method\" value=\"") else {
        return Ok(Err("shipping"));
    };
    let method = method.to_string();
    shop.post(
        "shipping",
        &[("lang", "en"), ("method", &method)],
        &mut cookie,
    )
    .await?;
    shop.post(
        "payment",
        &[("lang", "en"), ("payment", "test_card")],
        &mut cookie,
    )
    .await?;
    let (_, review) = timed(
        timings,
        "checkout page",
        shop.get("/en/checkout/review", &cookie),
    )
    .await?;
    let (Some(cart), Some(total)) = (
        attribute(&review, "name=\"cart\" value=\""),
        attribute(&review, "name=\"total\" value=\""),
    ) else {
        return Ok(Err("review"));
    };
    let form = [
        ("lang", "en"),
        ("cart", cart),
        ("total", total),
        ("card_number", "4242424242424242"),
    ];
    let placed = timed(
        timings,
        "place order",
        shop.post("place", &form, &mut cookie),
    )
    .await?;
    Ok(if placed.contains("/orders/") {
        Ok(())
    } else {
        Err("place order")
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let buyers: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);
    let mut headers = HeaderMap::new();
    headers.insert("origin", HeaderValue::from_str(&base)?);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .pool_max_idle_per_host(buyers)
        .build()?;

    // Products in stock, read from the pages themselves.
    let page = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move { client.get(url).send().await?.text().await }
    };
    let mut variants = Vec::new();
    for listing in 1..=25 {
        let html = page(format!("/en/c/clothing?page={listing}")).await?;
        for piece in html.split("href=\"/en/p/").skip(1).take(40) {
            let slug = &piece[..piece.find('"').unwrap_or(0)];
            let product = page(format!("/en/p/{slug}")).await?;
            // Sold out: its stock line says so (and the button is disabled).
            if product.contains(">Out of stock<") {
                continue;
            }
            if let Some(variant) = attribute(&product, "name=\"variant\" value=\"") {
                variants.push(variant.to_string());
            }
        }
    }
    use app::server::shop as fns;
    use leptos::server_fn::ServerFn;
    let actions = BTreeMap::from([
        ("add", fns::AddToCart::PATH.to_string()),
        ("contact", fns::CheckoutContact::PATH.to_string()),
        ("address", fns::CheckoutAddress::PATH.to_string()),
        ("shipping", fns::CheckoutShipping::PATH.to_string()),
        ("payment", fns::CheckoutPayment::PATH.to_string()),
        ("place", fns::PlaceOrder::PATH.to_string()),
    ]);
    if variants.is_empty() {
        return Err("found no product in stock on the clothing listing".into());
    }
    println!("{} products in stock to buy from", variants.len());
    let shop = Arc::new(Shop {
        base,
        client,
        actions,
        variants,
    });
    let timings: Timings = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..buyers)
        .map(|buyer| {
            let (shop, timings) = (shop.clone(), timings.clone());
            tokio::spawn(async move {
                let (mut placed, mut refused, mut n) = (0u64, BTreeMap::new(), buyer * 7919);
                while Instant::now() < deadline {
                    match buy(&shop, &timings, n).await {
                        Ok(Ok(())) => placed += 1,
                        Ok(Err(step)) => *refused.entry(step).or_insert(0u64) += 1,
                        Err(_) => *refused.entry("network").or_insert(0) += 1,
                    }
                    n += buyers;
                }
                (placed, refused)
            })
        })
        .collect();
    let (mut placed, mut refused) = (0, BTreeMap::new());
    for task in tasks {
        let (p, r) = task.await?;
        placed += p;
        for (step, n) in r {
            *refused.entry(step).or_insert(0) += n;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "orders placed {placed} in {elapsed:.1} s = {:.1} orders/s",
        placed as f64 / elapsed
    );
    println!("not placed, by the step that refused: {refused:?}");
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>8}",
        "step", "count", "p50 ms", "p95 ms", "p99 ms"
    );
    for (step, mut times) in timings.lock().await.clone() {
        times.sort();
        println!(
            "{step:<14} {:>8} {:>8.1} {:>8.1} {:>8.1}",
            times.len(),
            percentile(&times, 0.50),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
    }
    Ok(())
}
