//! Staff's order pages: the latest orders (by status), and one order with its actions.
//! Plain for now; the admin dashboard will build on the same server functions.

use crate::page::Page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::order::{OrderBody, order_list};
use super::{ShopFrame, loaded, status_label};
use crate::components::form::{FormAlert, LangField, Notice, returned_error};
use crate::i18n::use_locale;
use crate::pages::account::query;
use crate::server::shop::{
    OrderDto, OrderSummaryDto, StaffConfirmPayment, StaffMoveOrder, StaffRefund, get_staff_order,
    get_staff_orders,
};
use crate::tr;

const FILTERS: [&str; 6] = [
    "pending_payment",
    "paid",
    "fulfilling",
    "shipped",
    "delivered",
    "cancelled",
];

#[component]
pub fn StaffOrdersPage() -> impl IntoView {
    let locale = use_locale();
    let status = query("status");
    let orders = OnceResource::new(get_staff_orders(locale.slug().to_string(), status.clone()));
    view! {
        <ShopFrame title=tr!("staff.orders")>
            <nav class="flex flex-wrap gap-3 text-sm" aria-label=tr!("order.status_heading")>
                <a href=Page::StaffOrders.at(locale) class="underline" class:font-semibold=status.is_none()>{tr!("staff.all")}</a>
                {FILTERS.into_iter().map(|s| view! {
                    <a href=Page::StaffOrders.at_with(locale, &format!("status={s}")) class="underline" class:font-semibold=status.as_deref() == Some(s)>{status_label(s)}</a>
                }).collect_view()}
            </nav>
            {loaded(orders, |orders: Vec<OrderSummaryDto>| order_list(orders, Page::StaffOrder))}
        </ShopFrame>
    }
}

#[component]
pub fn StaffOrderPage(id: String) -> impl IntoView {
    let order = OnceResource::new(get_staff_order(use_locale().slug().to_string(), id));
    let error = returned_error::<StaffMoveOrder>()
        .or_else(returned_error::<StaffConfirmPayment>)
        .or_else(returned_error::<StaffRefund>);
    let saved = query("saved").is_some();
    view! {
        <ShopFrame title=tr!("staff.order")>
            {saved.then(|| view! { <Notice text=tr!("account.saved") /> })}
            <FormAlert error=error fields=&[] />
            {loaded(order, move |order: OrderDto| view! {
                <StaffActions order=order.clone() />
                <OrderBody order />
            }.into_any())}
        </ShopFrame>
    }
}

#[component]
fn StaffActions(order: OrderDto) -> impl IntoView {
    let Some(actions) = order.staff.clone() else {
        return ().into_any();
    };
    let id = order.id.clone();
    let field = "rounded-md border border-stone-300 px-2 py-1";
    view! {
        <section class="flex flex-col gap-3 rounded-md border border-stone-200 bg-white p-4 text-sm" data-testid="staff-actions">
            <p class="text-stone-500">{tr!("staff.rate", currency = actions.currency.clone(), rate = actions.exchange_rate.clone())}</p>
            {actions.can_confirm_payment.then(|| view! {
                <form method="post" action=StaffConfirmPayment::url()>
                    <LangField />
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white" data-testid="confirm-payment">{tr!("staff.confirm_payment")}</button>
                </form>
            })}
            {(!actions.next_steps.is_empty()).then(|| view! {
                <form method="post" action=StaffMoveOrder::url() class="flex flex-wrap items-end gap-2" data-testid="move-order">
                    <LangField />
                    <input type="hidden" name="id" value=id.clone() />
                    <label class="flex flex-col gap-1">{tr!("staff.move_to")}
                        <select name="to" class=field>
                            {actions.next_steps.iter().map(|s| view! { <option value=s.clone()>{status_label(s)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="flex flex-1 flex-col gap-1">{tr!("staff.reason")}
                        <input name="reason" maxlength="500" class=field />
                    </label>
                    <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5">{tr!("staff.move")}</button>
                </form>
            })}
            {actions.refundable.clone().map(|left| view! {
                <form method="post" action=StaffRefund::url() class="flex flex-wrap items-end gap-2" data-testid="refund">
                    <LangField />
                    <input type="hidden" name="id" value=id.clone() />
                    <label class="flex flex-col gap-1">{tr!("staff.refund_amount", currency = actions.currency.clone())}
                        <input name="amount" value=left inputmode="decimal" class=field />
                    </label>
                    <label class="flex flex-1 flex-col gap-1">{tr!("staff.reason")}
                        <input name="reason" maxlength="500" class=field />
                    </label>
                    <button type="submit" class="rounded-md border border-red-300 px-4 py-1.5 text-red-800">{tr!("staff.refund")}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}
