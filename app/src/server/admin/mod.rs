//! The back office's server functions. Each starts from `Request::of(&lang)` and
//! `request.allowed::<P>()` (the domain's permission check), calls one domain function with the proof, and returns
//! what the page shows; the page never decides what a staff member may do.

pub mod attributes;
pub mod audit;
pub mod categories;
pub mod home;
pub mod images;
pub mod inventory;
pub mod product;
pub mod products;
pub mod transfer;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};

/// Who is at the back office and which of its sections they may open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminMenu {
    pub email: String,
    pub is_admin: bool,
    /// Permission codes (`catalog`, `orders`, …): all of them for an admin.
    pub permissions: Vec<String>,
}

/// The back office's menu for the signed-in staff member (403 for customers, the
/// sign-in page for nobody).
#[server]
pub async fn get_admin_menu(lang: String) -> Result<AdminMenu, AppError> {
    request::answer(
        async {
            let request = Request::of(&lang).await?;
            if request.account().await?.is_none() {
                request.go(&crate::page::Page::Account(
                    crate::page::AccountPage::SignIn,
                ));
                return Err(AppError::Unauthorized);
            }
            let staff = request.staff().await?;
            crate::server::ssr::no_store();
            Ok(AdminMenu {
                email: request.signed_in().await?.email.clone(),
                is_admin: staff.is_admin(),
                permissions: staff
                    .permissions()
                    .into_iter()
                    .map(|p| p.code().to_string())
                    .collect(),
            })
        }
        .await,
    )
}
