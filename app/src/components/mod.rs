pub mod form;
pub mod layout;
pub mod product_card;
