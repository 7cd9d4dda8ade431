//! The integration tests of `server`, in one binary so the suite links once.
//! Each module is one area; `common` holds the shared set-up.

mod account_security;
mod accounts;
mod admin;
mod admin_categories;
mod admin_home;
mod admin_products;
mod authorization;
mod cart_notices;
mod common;
mod hostile_input;
mod http;
mod images;
mod lifecycle;
mod pages;
mod permissions;
mod shop;
mod sitemap;
mod trust;
mod webhooks;
