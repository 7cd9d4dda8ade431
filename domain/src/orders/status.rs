//! The order state machine: which status may follow which.
//!
//! ```text
//! pending_payment ─► paid ─► fulfilling ─► shipped ─► delivered
//!        │             └──────────┴────────────┴───────────┴─► (partially) refunded
//!        ▼
//!    cancelled
//! ```
//!
//! Only an unpaid order is cancelled; a paid one that will not ship is refunded in full
//! (and its stock comes back if it had not shipped yet). A partially refunded order can
//! still be fulfilled. Cancelled and refunded are final.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "order_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Fulfilling,
    Shipped,
    Delivered,
    Cancelled,
    PartiallyRefunded,
    Refunded,
}

use OrderStatus::*;

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        PendingPayment,
        Paid,
        Fulfilling,
        Shipped,
        Delivered,
        Cancelled,
        PartiallyRefunded,
        Refunded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PendingPayment => "pending_payment",
            Paid => "paid",
            Fulfilling => "fulfilling",
            Shipped => "shipped",
            Delivered => "delivered",
            Cancelled => "cancelled",
            PartiallyRefunded => "partially_refunded",
            Refunded => "refunded",
        }
    }

    pub fn parse(code: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether an order may go from `self` to `to`.
    pub fn can_become(self, to: OrderStatus) -> bool {
        matches!(
            (self, to),
            (PendingPayment, Paid | Cancelled)
                | (Paid, Fulfilling | Shipped | PartiallyRefunded | Refunded)
                | (Fulfilling, Shipped | PartiallyRefunded | Refunded)
                | (Shipped, Delivered | PartiallyRefunded | Refunded)
                | (Delivered, PartiallyRefunded | Refunded)
                | (
                    PartiallyRefunded,
                    PartiallyRefunded | Refunded | Fulfilling | Shipped | Delivered
                )
        )
    }

    /// Money has been taken for the order (and not all given back).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            Paid | Fulfilling | Shipped | Delivered | PartiallyRefunded
        )
    }

    /// Nothing more can happen to the order.
    pub fn is_final(self) -> bool {
        matches!(self, Cancelled | Refunded)
    }

    /// The statuses staff move an order along to by hand (refunds and payments have
    /// their own actions).
    pub fn next_steps(self) -> Vec<OrderStatus> {
        BY_HAND
            .into_iter()
            .filter(|to| self.can_become(*to))
            .collect()
    }

    /// Whether staff may move an order from `self` to `to` by hand. "Paid" comes only
    /// from a payment settling and "(partially) refunded" only from a refund, which move
    /// money and their records with the status.
    pub fn staff_may_set(self, to: OrderStatus) -> bool {
        BY_HAND.contains(&to) && self.can_become(to)
    }
}

/// The statuses that say where the goods are (or that an unpaid order is called off):
/// no money moves with them.
const BY_HAND: [OrderStatus; 4] = [Fulfilling, Shipped, Delivered, Cancelled];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_is_allowed_step_by_step() {
        let path = [PendingPayment, Paid, Fulfilling, Shipped, Delivered];
        for pair in path.windows(2) {
            assert!(pair[0].can_become(pair[1]), "{:?} → {:?}", pair[0], pair[1]);
        }
    }

    #[test]
    fn orders_never_move_backwards_or_out_of_a_final_status() {
        assert!(!Paid.can_become(PendingPayment));
        assert!(!Shipped.can_become(Paid));
        assert!(!Delivered.can_become(Shipped));
        assert!(!Shipped.can_become(Cancelled));
        assert!(!Paid.can_become(Cancelled));
        assert!(!PendingPayment.can_become(Shipped));
        assert!(!PendingPayment.can_become(Refunded));
        for to in OrderStatus::ALL {
            assert!(!Cancelled.can_become(to));
            assert!(!Refunded.can_become(to));
        }
    }

    #[test]
    fn codes_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.code()), Some(status));
        }
        assert_eq!(OrderStatus::parse("lost"), None);
    }

    #[test]
    fn staff_see_only_allowed_next_steps() {
        assert_eq!(Paid.next_steps(), vec![Fulfilling, Shipped]);
        assert_eq!(PendingPayment.next_steps(), vec![Cancelled]);
        assert_eq!(Shipped.next_steps(), vec![Delivered]);
        assert!(Refunded.next_steps().is_empty());
    }

    #[test]
    fn staff_never_set_paid_or_refunded_by_hand() {
        for from in OrderStatus::ALL {
            for to in [Paid, PartiallyRefunded, Refunded, PendingPayment] {
                assert!(!from.staff_may_set(to), "{from:?} → {to:?}");
            }
            for to in OrderStatus::ALL {
                assert_eq!(from.staff_may_set(to), from.next_steps().contains(&to));
            }
        }
    }
}
