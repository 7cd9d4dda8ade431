//! The integration tests of `domain`, in one binary so the suite links once.
//! Each module is one area; `common` holds the shared set-up.

mod access;
mod accounts;
mod admin_products;
mod attributes;
mod audit;
mod categories;
mod checkout;
mod common;
mod coupons;
mod data_rights;
mod images;
mod inventory;
mod jobs;
mod listing;
mod mail;
mod offers_and_cache;
mod payments;
mod permissions;
mod product;
mod reports;
mod shop_and_catalog;
mod sign_ins;
mod stock;
mod stripe;
mod transfer;
mod unpaid_orders;
