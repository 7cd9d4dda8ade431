//! The shop's jobs: every periodic task, in one list. Each job is defined next to the
//! rule it runs; a new job is one function there and one line here.

use lettre::message::Mailbox;

use super::Job;
use crate::mail::Links;
use crate::mail::delivery::Transport;

/// What the shop's jobs need besides the pool.
pub struct Needs {
    /// For e-mails jobs send (an expired order's notice): the same links as requests use.
    pub links: Links,
    pub mail: Transport,
    pub sender: Mailbox,
}

pub fn all(needs: Needs) -> Vec<Job> {
    vec![
        crate::mail::delivery::job(needs.mail, needs.sender),
        crate::orders::expiry_job(needs.links),
        crate::cart::abandoned_carts_job(),
        crate::accounts::sweep_job(),
        super::history_job(),
    ]
}
