//! The checkout steps — contact, address, shipping, payment, review — each a plain form
//! posting to its server function, beside a summary of the order with the coupon form.

use crate::page::{AccountPage, Page};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{ShopFrame, TotalRow, continue_shopping, loaded};
use crate::components::address::{self, AddressInputs};
use crate::components::form::{
    Field, FormAlert, LangField, Submit, Typed, error_text, message_text, returned_error,
    with_typed,
};
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::server::account::AddressFields;
use crate::server::shop::{
    ApplyCoupon, CheckoutAddress, CheckoutContact, CheckoutDto, CheckoutPayment, CheckoutShipping,
    PlaceOrder, RemoveCoupon, STEPS, get_checkout,
};
use crate::tr;

#[component]
pub fn CheckoutPage(step: &'static str) -> impl IntoView {
    let checkout = OnceResource::new(get_checkout(use_locale().slug().to_string()));
    view! {
        <ShopFrame title=tr!("checkout.title")>
            {loaded(checkout, move |c: CheckoutDto| view! { <Checkout c step /> }.into_any())}
        </ShopFrame>
    }
}

fn position(step: &str) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(STEPS.len())
}

#[component]
fn Checkout(c: CheckoutDto, step: &'static str) -> impl IntoView {
    let locale = use_locale();
    if c.missing.as_deref() == Some("cart") {
        // The cart may have just been emptied (the last unit sold to someone else while
        // placing the order): say why.
        return view! {
            {c.cart.notices.iter().map(|n| view! { <p role="status" class="text-amber-800" data-testid="cart-notice">{n.clone()}</p> }).collect_view()}
            <p data-testid="empty">{tr!("cart.empty")}</p>
            {continue_shopping()}
        }
        .into_any();
    }
    // A later step asked for before an earlier one is answered shows the earlier one.
    let step = match c.missing.as_deref() {
        Some(missing) if position(missing) < position(step) => {
            STEPS.into_iter().find(|s| *s == missing).unwrap_or(step)
        }
        _ => step,
    };
    let reached = c.missing.as_deref().map_or(STEPS.len(), position);
    let form = match step {
        "contact" => view! { <ContactStep c=c.clone() /> }.into_any(),
        "address" => view! { <AddressStep c=c.clone() /> }.into_any(),
        "shipping" => view! { <ShippingStep c=c.clone() /> }.into_any(),
        "payment" => view! { <PaymentStep c=c.clone() /> }.into_any(),
        _ => view! { <ReviewStep c=c.clone() /> }.into_any(),
    };
    view! {
        <ol class="flex flex-wrap gap-3 text-sm" data-testid="steps">
            {STEPS.into_iter().enumerate().map(|(i, s)| {
                let label = crate::i18n::translate(&format!("checkout.step.{s}"));
                let current = s == step;
                if i <= reached && !current {
                    view! { <li><a href=Page::Checkout(s).at(locale) class="underline">{i + 1} ". " {label}</a></li> }.into_any()
                } else {
                    view! { <li class:font-semibold=current aria-current=current.then_some("step") class:text-stone-400=!current>{i + 1} ". " {label}</li> }.into_any()
                }
            }).collect_view()}
        </ol>
        <div class="grid gap-8 md:grid-cols-[1fr_20rem]">
            <div class="flex flex-col gap-4" data-testid=format!("step-{step}")>{form}</div>
            <Summary c step />
        </div>
    }
    .into_any()
}

#[component]
fn Summary(c: CheckoutDto, step: &'static str) -> impl IntoView {
    let coupon_error = returned_error::<ApplyCoupon>();
    view! {
        <aside class="flex flex-col gap-3 rounded-md border border-stone-200 bg-white p-4 text-sm" data-testid="summary">
            <h2 class="font-semibold">{tr!("checkout.summary")}</h2>
            {c.cart.notices.iter().map(|n| view! { <p role="status" class="text-amber-800" data-testid="cart-notice">{n.clone()}</p> }).collect_view()}
            <ul class="flex flex-col gap-1">
                {c.cart.lines.iter().map(|l| view! {
                    <li class="flex justify-between gap-2"><span>{l.quantity} " × " {l.name.clone()}</span><span>{l.line_total.clone()}</span></li>
                }).collect_view()}
            </ul>
            <dl class="flex flex-col gap-1 border-t border-stone-200 pt-2">
                <TotalRow label=tr!("cart.subtotal") value=c.subtotal.clone() testid="subtotal" />
                {c.discount.clone().map(|d| view! { <TotalRow label=tr!("checkout.discount") value=format!("−{d}") testid="discount" /> })}
                {c.shipping.clone().map(|s| view! { <TotalRow label=tr!("checkout.shipping") value=s testid="shipping" /> })}
                {c.tax.clone().map(|t| {
                    let name = c.tax_name.clone().unwrap_or_else(|| tr!("checkout.tax"));
                    let label = if c.tax_included { tr!("checkout.tax_included", name = name) } else { name };
                    view! { <TotalRow label value=t testid="tax" /> }
                })}
                <TotalRow label=tr!("checkout.total") value=c.total.clone() strong=true testid="total" />
            </dl>
            {match c.coupon.clone() {
                Some(code) => view! {
                    <form method="post" action=RemoveCoupon::url() class="flex items-center justify-between gap-2">
                        <LangField />
                        <input type="hidden" name="back" value=step />
                        <span data-testid="coupon">{tr!("checkout.coupon_applied", code = code)}</span>
                        <button type="submit" class="underline">{tr!("checkout.remove_coupon")}</button>
                    </form>
                    {c.coupon_problem.clone().map(|p| view! { <p class="text-red-700" data-testid="coupon-problem">{message_text(&p)}</p> })}
                }.into_any(),
                None => view! {
                    <form method="post" action=ApplyCoupon::url() class="flex flex-col gap-1">
                        <LangField />
                        <input type="hidden" name="back" value=step />
                        <label for="coupon-code" class="font-medium">{tr!("checkout.coupon")}</label>
                        <div class="flex gap-2">
                            <input id="coupon-code" name="code" maxlength="40" autocomplete="off" class="min-w-0 flex-1 rounded-md border border-stone-300 px-2 py-1 uppercase" />
                            <button type="submit" class="rounded-md border border-stone-300 px-3 py-1">{tr!("checkout.apply")}</button>
                        </div>
                        {coupon_error.as_ref().map(|e| view! { <p class="text-red-700" data-testid="error-coupon">{error_text(e)}</p> })}
                    </form>
                }.into_any(),
            }}
        </aside>
    }
}

#[component]
fn ContactStep(c: CheckoutDto) -> impl IntoView {
    let locale = use_locale();
    let error = returned_error::<CheckoutContact>();
    let email = c.email.clone();
    with_typed::<CheckoutContact, _>(move |typed: Typed| {
        let value = typed.get("email").or(email.clone()).unwrap_or_default();
        view! {
            <form method="post" action=CheckoutContact::url() class="flex flex-col gap-4">
                <LangField />
                <FormAlert error=error.clone() fields=&["email"] />
                <Field name="email" label=tr!("checkout.email") kind="email" autocomplete="email" required=true maxlength=254 value=value error=error.clone() hint=tr!("checkout.email_hint") />
                <Submit label=tr!("checkout.continue") />
            </form>
            {(!c.signed_in).then(|| view! {
                <p class="text-sm">{tr!("checkout.have_account")} " " <a href=Page::Account(AccountPage::SignIn).at(locale) class="underline">{tr!("account.sign_in")}</a></p>
            })}
        }
        .into_any()
    })
}

#[component]
fn AddressStep(c: CheckoutDto) -> impl IntoView {
    let error = returned_error::<CheckoutAddress>();
    let saved = c.saved_addresses.clone();
    let current = c.address.clone();
    let countries = c.countries.clone();
    let form = with_typed::<CheckoutAddress, _>(move |typed: Typed| {
        let values = match typed.get("name") {
            Some(_) => {
                let f = |n| typed.get(n).unwrap_or_default();
                AddressFields {
                    name: f("name"),
                    line1: f("line1"),
                    line2: f("line2"),
                    city: f("city"),
                    region: f("region"),
                    postal_code: f("postal_code"),
                    country: f("country"),
                    phone: f("phone"),
                }
            }
            None => current.clone().unwrap_or_default(),
        };
        view! { <AddressForm values countries=countries.clone() error=error.clone() /> }.into_any()
    });
    view! {
        {(!saved.is_empty()).then(|| view! {
            <form method="post" action=CheckoutAddress::url() class="flex flex-col gap-2" data-testid="saved-addresses">
                <LangField />
                <p class="font-medium">{tr!("checkout.saved_addresses")}</p>
                {saved.iter().enumerate().map(|(i, (id, lines))| view! {
                    <label class="flex gap-2 rounded-md border border-stone-200 bg-white p-3 text-sm">
                        <input type="radio" name="saved" value=id.clone() checked=i == 0 />
                        <span>{lines.join(", ")}</span>
                    </label>
                }).collect_view()}
                <Submit label=tr!("checkout.use_address") />
            </form>
            <p class="text-sm text-stone-500">{tr!("checkout.or_new_address")}</p>
        })}
        {form}
    }
}

#[component]
fn AddressForm(
    values: AddressFields,
    countries: Vec<(String, String)>,
    error: Option<AppError>,
) -> impl IntoView {
    view! {
        <form method="post" action=CheckoutAddress::url() class="flex flex-col gap-4" data-testid="address-form">
            <LangField />
            <FormAlert error=error.clone() fields=address::FIELDS />
            <AddressInputs values countries error=error.clone() />
            <Submit label=tr!("checkout.continue") />
        </form>
    }
}

#[component]
fn ShippingStep(c: CheckoutDto) -> impl IntoView {
    let error = returned_error::<CheckoutShipping>();
    if c.methods.is_empty() {
        return view! { <p role="alert" data-testid="no-methods">{tr!("checkout.no_methods")}</p> }
            .into_any();
    }
    let any_chosen = c.methods.iter().any(|m| m.chosen);
    view! {
        <p class="text-sm text-stone-600">{tr!("checkout.ship_to")} ": " {c.address_lines.join(", ")}</p>
        <form method="post" action=CheckoutShipping::url() class="flex flex-col gap-2" data-testid="methods">
            <LangField />
            <FormAlert error=error fields=&[] />
            {c.methods.into_iter().enumerate().map(|(i, m)| view! {
                <label class="flex items-center justify-between gap-3 rounded-md border border-stone-200 bg-white p-3">
                    <span class="flex items-center gap-2">
                        <input type="radio" name="method" value=m.id checked=m.chosen || (!any_chosen && i == 0) />
                        <span>{m.name} <span class="text-sm text-stone-500">" · " {tr!("checkout.days", days = m.days)}</span></span>
                    </span>
                    <span class="font-medium">{m.price}</span>
                </label>
            }).collect_view()}
            <Submit label=tr!("checkout.continue") />
        </form>
    }
    .into_any()
}

#[component]
fn PaymentStep(c: CheckoutDto) -> impl IntoView {
    let error = returned_error::<CheckoutPayment>();
    let chosen = c.payment.clone().or_else(|| c.payments.first().cloned());
    view! {
        <form method="post" action=CheckoutPayment::url() class="flex flex-col gap-2" data-testid="payments">
            <LangField />
            <FormAlert error=error fields=&[] />
            {c.payments.into_iter().map(|p| {
                let checked = chosen.as_deref() == Some(p.as_str());
                let label = crate::i18n::translate(&format!("payment.method.{p}"));
                let hint = crate::i18n::translate(&format!("payment.hint.{p}"));
                view! {
                    <label class="flex items-start gap-2 rounded-md border border-stone-200 bg-white p-3">
                        <input type="radio" name="payment" value=p checked=checked class="mt-1" />
                        <span><span class="font-medium">{label}</span><br /><span class="text-sm text-stone-500">{hint}</span></span>
                    </label>
                }
            }).collect_view()}
            <Submit label=tr!("checkout.continue") />
        </form>
    }
}

#[component]
fn ReviewStep(c: CheckoutDto) -> impl IntoView {
    let error = returned_error::<PlaceOrder>();
    let payment = c.payment.clone().unwrap_or_default();
    // Nothing to pay: no card asked for, whatever method was picked.
    let card = payment == "test_card" && !c.free;
    let paid_with = if c.free {
        tr!("checkout.nothing_to_pay")
    } else {
        crate::i18n::translate(&format!("payment.method.{payment}"))
    };
    let card_error = error.as_ref().and_then(|e| e.for_field("card"));
    view! {
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="review">
            <dt class="text-stone-500">{tr!("checkout.email")}</dt><dd>{c.email.clone()}</dd>
            <dt class="text-stone-500">{tr!("checkout.step.address")}</dt><dd>{c.address_lines.join(", ")}</dd>
            <dt class="text-stone-500">{tr!("checkout.step.shipping")}</dt><dd>{c.method.clone()}</dd>
            <dt class="text-stone-500">{tr!("checkout.step.payment")}</dt><dd data-testid="review-payment">{paid_with}</dd>
        </dl>
        <form method="post" action=PlaceOrder::url() class="flex flex-col gap-4" data-testid="place-order">
            <LangField />
            <input type="hidden" name="cart" value=c.cart_id.clone() />
            <input type="hidden" name="total" value=c.total_value.clone() />
            <FormAlert error=error.clone() fields=&["card"] />
            {card.then(|| view! {
                <Field name="card_number" label=tr!("payment.card_number") autocomplete="cc-number" required=true maxlength=23 error=error.clone().map(|e| e.renamed("card", "card_number")) />
                <details class="text-sm text-stone-600" data-testid="test-cards">
                    <summary class="cursor-pointer">{tr!("payment.test_cards")}</summary>
                    <ul class="mt-1 font-mono">
                        <li>"4242 4242 4242 4242 — " {tr!("payment.test.succeeds")}</li>
                        <li>"4000 0027 6000 3184 — " {tr!("payment.test.confirm")}</li>
                        <li>"4000 0000 0000 0002 — " {tr!("payment.test.declined")}</li>
                        <li>"4000 0000 0000 9995 — " {tr!("payment.test.funds")}</li>
                    </ul>
                </details>
            })}
            {(!card).then(|| card_error.map(|m| view! { <p class="text-red-700">{message_text(&m)}</p> }))}
            <p class="text-lg font-semibold">{tr!("checkout.total")} ": " <span data-testid="review-total">{c.total.clone()}</span></p>
            <button type="submit" class="rounded-md bg-stone-900 px-5 py-3 font-medium text-white" data-testid="place">
                {tr!("checkout.place")}
            </button>
        </form>
    }
}
