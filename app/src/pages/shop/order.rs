//! An order's page: what was bought, how to pay (PIX code, boleto line, the test bank's
//! confirmation), the totals, the address, and how the order moved along. Also the
//! customer's list of orders.

use crate::page::Page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{ShopFrame, TotalRow, loaded, nothing, status_label};
use crate::components::form::{FormAlert, LangField, returned_error};
use crate::i18n::use_locale;
use crate::pages::account::query;
use crate::server::shop::{
    ConfirmTestPayment, OrderDto, OrderSummaryDto, PaymentDto, RetryPayment, get_my_orders,
    get_order,
};
use crate::tr;

#[component]
pub fn OrderPage(id: String) -> impl IntoView {
    let key = query("key");
    let order = OnceResource::new(get_order(use_locale().slug().to_string(), id, key));
    let error = returned_error::<ConfirmTestPayment>().or_else(returned_error::<RetryPayment>);
    view! {
        <ShopFrame title=tr!("order.title")>
            <FormAlert error=error fields=&[] />
            {loaded(order, move |order: OrderDto| view! { <OrderBody order /> }.into_any())}
        </ShopFrame>
    }
}

#[component]
pub fn OrderBody(order: OrderDto) -> impl IntoView {
    let payment = order.payment.clone();
    let id = order.id.clone();
    let key = order.key.clone();
    view! {
        <div class="flex flex-wrap items-baseline gap-3">
            <p class="text-xl font-semibold" data-testid="order-number">{tr!("order.number", number = order.number.to_string())}</p>
            <p class="rounded-full bg-stone-200 px-3 py-0.5 text-sm" data-testid="order-status" data-status=order.status.clone()>
                {status_label(&order.status)}
            </p>
            <p class="text-sm text-stone-500">{order.placed_at.clone()}</p>
        </div>
        {(order.status == "pending_payment").then(|| payment.clone().map(|p| view! { <PayNow p id=id.clone() key=key.clone() /> }))}
        {payment.filter(|p| p.status == "succeeded").map(|p| view! {
            <p data-testid="payment-done">{tr!("order.paid_with", method = crate::i18n::translate(&format!("payment.method.{}", p.provider)))}
                {p.card_last4.map(|d| format!(" ···· {d}"))}</p>
        })}
        <table class="w-full text-sm" data-testid="order-lines">
            <thead><tr class="text-left text-stone-500"><th>{tr!("order.item")}</th><th>{tr!("cart.quantity")}</th><th class="text-right">{tr!("order.price")}</th><th class="text-right">{tr!("order.line_total")}</th></tr></thead>
            <tbody>
                {order.lines.iter().map(|l| view! {
                    <tr class="border-t border-stone-200"><td class="py-2">{l.name.clone()} <span class="text-xs text-stone-500">" · " {l.sku.clone()}</span></td><td>{l.quantity}</td><td class="text-right">{l.unit_price.clone()}</td><td class="text-right">{l.line_total.clone()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <dl class="ml-auto flex w-full max-w-sm flex-col gap-1 text-sm">
            <TotalRow label=tr!("cart.subtotal") value=order.subtotal.clone() testid="order-subtotal" />
            {order.discount.clone().map(|d| view! { <TotalRow label=format!("{} ({})", tr!("checkout.discount"), order.coupon.clone().unwrap_or_default()) value=format!("−{d}") testid="order-discount" /> })}
            <TotalRow label=format!("{} ({})", tr!("checkout.shipping"), order.shipping_method) value=order.shipping.clone() testid="order-shipping" />
            {order.tax.clone().map(|t| {
                let name = order.tax_name.clone().unwrap_or_else(|| tr!("checkout.tax"));
                let label = if order.tax_included { tr!("checkout.tax_included", name = name) } else { name };
                view! { <TotalRow label value=t testid="order-tax" /> }
            })}
            <TotalRow label=tr!("checkout.total") value=order.total.clone() strong=true testid="order-total" />
            {order.refunded.clone().map(|r| view! { <TotalRow label=tr!("order.refunded") value=format!("−{r}") testid="order-refunded" /> })}
        </dl>
        <section class="text-sm">
            <h2 class="font-semibold">{tr!("order.ship_to")}</h2>
            {order.address_lines.iter().map(|l| view! { <p>{l.clone()}</p> }).collect_view()}
            <p class="mt-1 text-stone-500">{order.email.clone()}</p>
        </section>
        <section class="text-sm">
            <h2 class="font-semibold">{tr!("order.history")}</h2>
            <ol class="mt-1 flex flex-col gap-1" data-testid="order-history">
                {order.history.iter().map(|h| view! {
                    <li>{h.at.clone()} " — " {status_label(&h.to)}
                        {(!h.reason.is_empty()).then(|| format!(" · {} · {}", h.actor, h.reason))}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// How to pay an order still waiting for its money.
#[component]
fn PayNow(p: PaymentDto, id: String, key: Option<String>) -> impl IntoView {
    let key = key.unwrap_or_default();
    let body = match p.provider.as_str() {
        "pix" => view! {
            <p>{tr!("order.pix_instructions")}</p>
            {p.pix_qr_svg.clone().map(|svg| view! { <div class="w-56" data-testid="pix-qr" inner_html=svg></div> })}
            <label class="flex flex-col gap-1 text-sm font-medium">{tr!("order.pix_code")}
                <textarea readonly rows="4" class="rounded-md border border-stone-300 p-2 font-mono text-xs" data-testid="pix-code">{p.pix_code.clone()}</textarea>
            </label>
        }.into_any(),
        "boleto" => view! {
            <p>{tr!("order.boleto_instructions", due = p.boleto_due.clone().unwrap_or_default())}</p>
            <p class="font-mono text-lg" data-testid="boleto-line">{p.boleto_line.clone()}</p>
        }.into_any(),
        "test_card" if p.status == "requires_action" => view! {
            <p>{tr!("order.confirm_card")}</p>
            <div class="flex gap-3">
                {["yes", "no"].into_iter().map(|answer| view! {
                    <form method="post" action=ConfirmTestPayment::url()>
                        <LangField />
                        <input type="hidden" name="id" value=id.clone() />
                        <input type="hidden" name="key" value=key.clone() />
                        <input type="hidden" name="approve" value=answer />
                        <button type="submit" class="rounded-md border border-stone-300 px-4 py-2" class:bg-stone-900=answer == "yes" class:text-white=answer == "yes" data-testid=format!("confirm-{answer}")>
                            {if answer == "yes" { tr!("order.confirm_yes") } else { tr!("order.confirm_no") }}
                        </button>
                    </form>
                }).collect_view()}
            </div>
        }.into_any(),
        "stripe" => view! {
            <p>{tr!("order.stripe_pending")}</p>
            {match (p.stripe_client_secret.clone(), p.stripe_publishable_key.clone()) {
                (Some(secret), Some(key)) => Some(view! { <StripeCard secret key /> }),
                _ => None,
            }}
            {p.stripe_client_secret.is_none().then(|| view! {
                <form method="post" action=RetryPayment::url()>
                    <LangField />
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="key" value=key.clone() />
                    <button type="submit" class="underline">{tr!("order.retry_payment")}</button>
                </form>
            })}
        }.into_any(),
        _ => ().into_any(),
    };
    view! {
        <section class="flex flex-col gap-3 rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="pay-now">
            <h2 class="font-semibold">{tr!("order.awaiting_payment", amount = p.amount.clone())}</h2>
            {body}
        </section>
    }
}

/// The signed-in customer's orders.
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let orders = OnceResource::new(get_my_orders(use_locale().slug().to_string()));
    view! {
        <crate::pages::account::AccountFrame title=tr!("order.my_orders")>
            <crate::pages::account::AccountNav />
            {loaded(orders, move |orders: Vec<OrderSummaryDto>| order_list(orders, Page::Order))}
        </crate::pages::account::AccountFrame>
    }
}

/// A list of orders, each linking to its page (`page` of its id: the customer's or the
/// staff's).
pub fn order_list(orders: Vec<OrderSummaryDto>, page: fn(String) -> Page) -> AnyView {
    let locale = use_locale();
    if orders.is_empty() {
        return nothing(tr!("order.none"));
    }
    view! {
        <table class="w-full text-sm" data-testid="orders">
            <thead><tr class="text-left text-stone-500"><th>{tr!("order.order")}</th><th>{tr!("order.date")}</th><th>{tr!("order.status_heading")}</th><th class="text-right">{tr!("checkout.total")}</th></tr></thead>
            <tbody>
                {orders.into_iter().map(|o| view! {
                    <tr class="border-t border-stone-200" data-testid="order-row">
                        <td class="py-2"><a href=page(o.id.clone()).at(locale) class="underline">"#" {o.number}</a>
                            <span class="block text-xs text-stone-500">{o.email}</span></td>
                        <td>{o.placed_at}</td>
                        <td data-status=o.status.clone()>{status_label(&o.status)}</td>
                        <td class="text-right">{o.total}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Stripe's Payment Element: the card form is Stripe's own (in its frame), confirmed in
/// the browser with the PaymentIntent's client secret; Stripe's webhook then marks the
/// order paid. It needs JavaScript, which the page says when it is off.
#[component]
fn StripeCard(secret: String, key: String) -> impl IntoView {
    use leptos::nonce::use_nonce;
    #[cfg(feature = "ssr")]
    crate::security::allow_stripe();
    // Values go in as JSON strings, so nothing in them can end the script.
    let quote = |v: &str| {
        let escaped: String = v
            .chars()
            .map(|c| match c {
                c if c.is_ascii_alphanumeric() || c == '_' => c.to_string(),
                c => format!("\\u{:04x}", u32::from(c).min(0xfffd)),
            })
            .collect();
        format!("\"{escaped}\"")
    };
    let script = format!(
        "window.addEventListener('load',function(){{if(!window.Stripe)return;\
         var s=Stripe({key}),e=s.elements({{clientSecret:{secret}}}),f=document.getElementById('stripe-form');\
         e.create('payment').mount('#stripe-element');\
         f.addEventListener('submit',function(ev){{ev.preventDefault();\
         s.confirmPayment({{elements:e,confirmParams:{{return_url:location.href}}}}).then(function(r){{\
         if(r.error)document.getElementById('stripe-error').textContent=r.error.message;}});}});}});",
        key = quote(&key),
        secret = quote(&secret),
    );
    view! {
        <form id="stripe-form" class="flex flex-col gap-3" data-testid="stripe-form">
            <div id="stripe-element"></div>
            <p id="stripe-error" role="alert" class="text-sm text-red-700"></p>
            <button type="submit" class="rounded-md bg-stone-900 px-5 py-2 text-white">{tr!("order.pay")}</button>
            <noscript><p>{tr!("order.stripe_needs_js")}</p></noscript>
        </form>
        <script src="https://js.stripe.com/v3/" nonce=use_nonce()></script>
        <script nonce=use_nonce() inner_html=script></script>
    }
}
