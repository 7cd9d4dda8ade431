pub mod address;
pub mod form;
pub mod layout;
pub mod product_card;
