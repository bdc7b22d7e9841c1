//! Commerce vocabulary shared with the UI: item kinds, record kinds, their statuses and the
//! transitions each workflow allows, and the cart a visitor carries in a cookie.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Product,
    Service,
    Donation,
}

impl ItemKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "product" => Some(Self::Product),
            "service" => Some(Self::Service),
            "donation" => Some(Self::Donation),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::Service => "service",
            Self::Donation => "donation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Product => "Product",
            Self::Service => "Service",
            Self::Donation => "Donation campaign",
        }
    }
}

/// The three kinds of conversion, each with its number prefix and workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Order,
    Donation,
    Pledge,
}

impl RecordKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "order" | "orders" => Some(Self::Order),
            "donation" | "donations" => Some(Self::Donation),
            "pledge" | "pledges" => Some(Self::Pledge),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Donation => "donation",
            Self::Pledge => "pledge",
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Self::Order => "ORD",
            Self::Donation => "DON",
            Self::Pledge => "PLG",
        }
    }

    /// `ORD-00001`.
    pub fn number(self, n: i32) -> String {
        format!("{}-{n:05}", self.prefix())
    }

    /// Every status a record of this kind can have, in workflow order.
    pub fn statuses(self) -> &'static [&'static str] {
        match self {
            Self::Order => &["pending", "confirmed", "fulfilled", "cancelled"],
            Self::Donation => &["pending", "received", "refunded"],
            Self::Pledge => &["open", "partially_fulfilled", "fulfilled", "cancelled"],
        }
    }

    /// The statuses a record may move to from `from`.
    pub fn next_statuses(self, from: &str) -> &'static [&'static str] {
        match (self, from) {
            (Self::Order, "pending") => &["confirmed", "cancelled"],
            (Self::Order, "confirmed") => &["fulfilled", "cancelled"],
            (Self::Donation, "pending") => &["received", "refunded"],
            (Self::Donation, "received") => &["refunded"],
            (Self::Pledge, "open") => &["partially_fulfilled", "fulfilled", "cancelled"],
            (Self::Pledge, "partially_fulfilled") => {
                &["partially_fulfilled", "fulfilled", "cancelled"]
            }
            _ => &[],
        }
    }
}

/// A phone number as people type it: up to 40 digits, spaces and `+ - ( ) .`; empty is allowed.
pub fn valid_phone(s: &str) -> bool {
    let s = s.trim();
    s.chars().count() <= 40
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// A visitor's cart: item ids and quantities, kept in a cookie as `id:qty,id:qty`. Only ids and
/// quantities travel; prices always come from the catalog on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cart {
    pub lines: Vec<(Uuid, i32)>,
}

impl Cart {
    pub const MAX_LINES: usize = 50;

    /// Reads the cookie value; malformed parts are dropped (it is the visitor's own cookie).
    pub fn parse(cookie: &str) -> Self {
        let mut lines: Vec<(Uuid, i32)> = Vec::new();
        for part in cookie.split(',').take(Self::MAX_LINES) {
            let Some((id, qty)) = part.split_once(':') else {
                continue;
            };
            let (Ok(id), Ok(qty)) = (Uuid::parse_str(id.trim()), qty.trim().parse::<i32>()) else {
                continue;
            };
            if (1..=1000).contains(&qty) && !lines.iter().any(|(i, _)| *i == id) {
                lines.push((id, qty));
            }
        }
        Cart { lines }
    }

    pub fn to_cookie(&self) -> String {
        self.lines
            .iter()
            .map(|(id, q)| format!("{id}:{q}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Adds to a line (or starts one), capped at 1000 of an item.
    pub fn add(&mut self, item: Uuid, qty: i32) {
        if let Some((_, q)) = self.lines.iter_mut().find(|(i, _)| *i == item) {
            *q = (*q + qty).clamp(1, 1000);
        } else if self.lines.len() < Self::MAX_LINES {
            self.lines.push((item, qty.clamp(1, 1000)));
        }
    }

    /// Sets a line's quantity; zero removes it.
    pub fn set(&mut self, item: Uuid, qty: i32) {
        if qty <= 0 {
            self.lines.retain(|(i, _)| *i != item);
        } else if let Some((_, q)) = self.lines.iter_mut().find(|(i, _)| *i == item) {
            *q = qty.min(1000);
        }
    }

    pub fn count(&self) -> i32 {
        self.lines.iter().map(|(_, q)| q).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_with_their_prefix() {
        assert_eq!(RecordKind::Order.number(1), "ORD-00001");
        assert_eq!(RecordKind::Pledge.number(123456), "PLG-123456");
    }

    #[test]
    fn workflows_allow_only_their_transitions() {
        assert_eq!(
            RecordKind::Order.next_statuses("pending"),
            ["confirmed", "cancelled"]
        );
        assert!(RecordKind::Order.next_statuses("fulfilled").is_empty());
        assert!(RecordKind::Order.next_statuses("cancelled").is_empty());
        assert!(RecordKind::Donation.next_statuses("refunded").is_empty());
        assert!(RecordKind::Pledge.next_statuses("fulfilled").is_empty());
    }

    #[test]
    fn a_tampered_cart_cookie_keeps_only_sane_lines() {
        let a = Uuid::from_u128(1);
        let cart = Cart::parse(&format!(
            "{a}:2,{a}:5,junk,{}:0,{}:-3,x:1",
            Uuid::from_u128(2),
            Uuid::from_u128(3)
        ));
        assert_eq!(cart.lines, vec![(a, 2)]);
        let mut c = Cart::default();
        c.add(a, 3);
        c.add(a, 2000);
        assert_eq!(c.lines, vec![(a, 1000)]);
        c.set(a, 0);
        assert!(c.lines.is_empty());
    }
}
