//! The dashboard: today's and the period's sales, orders and average order value beside
//! the previous ones, the sales chart (SVG drawn on the server, each day's bar with its
//! figures in a `<title>`, so it reads and hovers without JavaScript), what needs doing,
//! and the best sellers. A staff member sees the blocks their permissions open.

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use super::{AdminFrame, AdminSection};
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::server::admin::home::{
    BarDto, FigureDto, FiguresDto, HomeDto, SalesDto, StockDto, get_admin_home,
};
use crate::tr;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let lang = use_locale().slug().to_string();
    // Switching the period changes only the query string, and hydrated the router keeps
    // this page for it: the data follows the address.
    let queries = use_query_map();
    let data = Resource::new(
        move || queries.with(|q| q.get("period")),
        move |period| get_admin_home(lang.clone(), period),
    );
    view! {
        <AdminFrame title=tr!("admin.home.title") current=AdminSection::Home>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(home) => home_body(home),
                        Err(error) => crate::pages::account::overview::load_failed(error),
                    }
                })}
            </Suspense>
        </AdminFrame>
    }
}

fn home_body(home: HomeDto) -> AnyView {
    if home.sales.is_none() && home.stock.is_none() {
        return view! { <p class="text-stone-600">{tr!("admin.home.intro")}</p> }.into_any();
    }
    let can_edit = home.can_edit_products;
    view! {
        <ToDos sales=home.sales.clone() stock=home.stock />
        {home.sales.map(|sales| view! { <SalesBlock sales can_edit /> })}
    }
    .into_any()
}

#[component]
fn SalesBlock(sales: SalesDto, can_edit: bool) -> impl IntoView {
    let locale = use_locale();
    let home = Page::Admin(AdminPage::Home);
    let days = sales.days;
    let period_link = move |n: u32| {
        let here = n == days;
        let href = if n == 30 {
            home.at(locale)
        } else {
            home.at_with(locale, "period=90")
        };
        view! {
            <a href=href class="rounded-md border px-3 py-1" class:bg-stone-900=here class:text-white=here
               class:border-stone-300=!here aria-current=here.then_some("page") data-testid=format!("period-{n}")>
                {tr!("admin.dashboard.last_days", days = n.to_string())}
            </a>
        }
    };
    let previous = tr!("admin.dashboard.previous_days", days = days.to_string());
    view! {
        <nav class="flex gap-2 text-sm" aria-label=tr!("admin.dashboard.period")>
            {period_link(30)} {period_link(90)}
        </nav>
        <p class="text-xs text-stone-500">{tr!("admin.dashboard.in_currency", currency = sales.currency.clone())}</p>
        <section class="grid gap-4 lg:grid-cols-2" data-testid="figures">
            <Figures title=tr!("admin.dashboard.today") versus=tr!("admin.dashboard.yesterday") figures=sales.today.clone() testid="today" />
            <Figures title=tr!("admin.dashboard.last_days", days = days.to_string()) versus=previous figures=sales.period.clone() testid="period" />
        </section>
        <SalesChart bars=sales.bars.clone() best=sales.best_day.clone() />
        <TopProducts sales=sales can_edit />
    }
}

#[component]
fn Figures(
    title: String,
    versus: String,
    figures: FiguresDto,
    testid: &'static str,
) -> impl IntoView {
    let card = |label: String, figure: FigureDto, id: &'static str| {
        let trend = match figure.trend {
            1 => "text-green-700",
            -1 => "text-red-700",
            _ => "text-stone-500",
        };
        view! {
            <div class="flex flex-col gap-1" data-testid=id>
                <dt class="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
                <dd class="text-2xl font-semibold" data-testid="now">{figure.now}</dd>
                <dd class="text-xs text-stone-600">
                    {versus.clone()} ": " <span data-testid="before">{figure.before}</span>
                    {figure.change.map(|c| view! { " " <span class=trend data-testid="change">{c}</span> })}
                </dd>
            </div>
        }
    };
    view! {
        <div class="rounded-md border border-stone-200 bg-white p-4" data-testid=testid>
            <h2 class="mb-3 font-semibold">{title}</h2>
            <dl class="grid grid-cols-3 gap-4">
                {card(tr!("admin.dashboard.sales"), figures.sales, "sales")}
                {card(tr!("admin.dashboard.orders"), figures.orders, "orders")}
                {card(tr!("admin.dashboard.average"), figures.average, "average")}
            </dl>
        </div>
    }
}

/// Width of a day in the drawing's units; heights run to 1000.
const DAY: usize = 10;

/// The period's sales per day as bars. Drawn in SVG by the server: each day is a group
/// whose `<title>` (its date, sales and orders) the browser shows on hover, and whose
/// full-height transparent strip makes even a day without sales easy to point at.
#[component]
fn SalesChart(bars: Vec<BarDto>, best: String) -> impl IntoView {
    let width = bars.len() * DAY;
    let first = bars.first().map(|b| b.day.clone()).unwrap_or_default();
    let last = bars.last().map(|b| b.day.clone()).unwrap_or_default();
    let drawn = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let x = i * DAY;
            let height = bar.height as usize;
            let title = tr!(
                "admin.dashboard.bar",
                day = bar.day.clone(),
                sales = bar.sales.clone(),
                orders = bar.orders.to_string()
            );
            view! {
                <g data-testid="chart-day" data-day=bar.day>
                    <title>{title}</title>
                    <rect x=x.to_string() y="0" width=DAY.to_string() height="1000" fill="transparent" />
                    <rect x=(x + 1).to_string() y=(1000 - height).to_string() width=(DAY - 2).to_string()
                          height=height.to_string() class="fill-stone-700" />
                </g>
            }
        })
        .collect_view();
    view! {
        <section class="rounded-md border border-stone-200 bg-white p-4" data-testid="sales-chart">
            <h2 class="mb-3 font-semibold">{tr!("admin.dashboard.chart")}</h2>
            <p class="mb-1 text-xs text-stone-500" data-testid="chart-top">{tr!("admin.dashboard.best_day", sales = best)}</p>
            <svg viewBox=format!("0 0 {width} 1000") preserveAspectRatio="none" role="img"
                 aria-label=tr!("admin.dashboard.chart") class="h-40 w-full border-b border-stone-300">
                {drawn}
            </svg>
            <div class="flex justify-between text-xs text-stone-500">
                <span>{first}</span>
                <span>{last}</span>
            </div>
        </section>
    }
}

#[component]
fn TopProducts(sales: SalesDto, can_edit: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="rounded-md border border-stone-200 bg-white p-4">
            <h2 class="mb-3 font-semibold">{tr!("admin.dashboard.top_products", days = sales.days.to_string())}</h2>
            {if sales.top.is_empty() {
                view! { <p class="text-sm text-stone-500">{tr!("admin.dashboard.no_sales")}</p> }.into_any()
            } else {
                view! {
                    <table class="w-full text-left text-sm" data-testid="top-products">
                        <thead class="border-b border-stone-300 text-stone-600">
                            <tr>
                                <th class="py-2 pr-4">{tr!("admin.dashboard.product")}</th>
                                <th class="py-2 pr-4 text-right">{tr!("admin.dashboard.units")}</th>
                                <th class="py-2 text-right">{tr!("admin.dashboard.revenue")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {sales.top.into_iter().map(|p| view! {
                                <tr class="border-b border-stone-200" data-testid="top-product">
                                    <td class="py-2 pr-4">
                                        {match p.product_id.filter(|_| can_edit) {
                                            Some(id) => view! { <a href=Page::Admin(AdminPage::Product(id)).at(locale) class="underline">{p.name}</a> }.into_any(),
                                            None => view! { <span>{p.name}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td class="py-2 pr-4 text-right">{p.units}</td>
                                    <td class="py-2 text-right">{p.revenue}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

/// What waits for someone, each count a link to the list it counts.
#[component]
fn ToDos(sales: Option<SalesDto>, stock: Option<StockDto>) -> impl IntoView {
    let locale = use_locale();
    let item = |count: i64, label: String, href: Option<String>, id: &'static str| {
        let text =
            view! { <span class="font-semibold" data-testid="count">{count}</span> " " {label} };
        view! {
            <li data-testid=id class:text-stone-500=count == 0>
                {match href {
                    Some(href) => view! { <a href=href class="underline">{text}</a> }.into_any(),
                    None => text.into_any(),
                }}
            </li>
        }
    };
    let orders = sales.map(|s| {
        view! {
            {item(s.to_fulfil, tr!("admin.dashboard.to_fulfil"), Some(Page::StaffOrders.at_with(locale, "status=paid")), "todo-fulfil")}
            {item(s.awaiting_payment, tr!("admin.dashboard.awaiting_payment"), Some(Page::StaffOrders.at_with(locale, "status=pending_payment")), "todo-payments")}
        }
    });
    let inventory = Page::Admin(AdminPage::Inventory);
    let stock = stock.map(|s| {
        let link = |filter: &str| s.can_open.then(|| inventory.at_with(locale, &format!("stock={filter}")));
        view! {
            {item(s.out, tr!("admin.dashboard.out_of_stock"), link("out"), "todo-out")}
            {item(s.low, tr!("admin.dashboard.low_stock", max = s.threshold.to_string()), link("low"), "todo-low")}
        }
    });
    view! {
        <section class="rounded-md border border-stone-200 bg-white p-4" data-testid="todos">
            <h2 class="mb-3 font-semibold">{tr!("admin.dashboard.todo")}</h2>
            <ul class="flex flex-col gap-1 text-sm">{orders}{stock}</ul>
        </section>
    }
}
