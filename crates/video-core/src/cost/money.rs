//! [`Money`]: an exact amount in a named currency, as text people write (`2.50USD`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::VideoError;

/// Millionths of a unit: amounts are kept as whole millionths, so sums never drift.
const SCALE: i64 = 1_000_000;

/// The longest currency name accepted (`USD`, `CNY`, `KLING-UNITS`, `CREDITS`).
const MAX_CURRENCY: usize = 16;

/// An exact amount of money (or of a provider's billing units) in one currency: six
/// decimals, no rounding when added. Written and read as `2.50 USD` (also `2.50USD`,
/// `USD 2.50`, any case).
///
/// ```
/// use video_core::cost::Money;
/// let price: Money = "0.10USD".parse().unwrap();
/// let eight_seconds = price.times(8).unwrap();
/// assert_eq!(eight_seconds.to_string(), "0.80 USD");
/// assert_eq!(eight_seconds, "0.8 usd".parse().unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money {
    micros: i64,
    currency: String,
}

impl Money {
    /// `micros` millionths of `currency` (upper-cased; letters, digits, `-` and `_`).
    ///
    /// # Errors
    /// [`VideoError::InvalidRequest`] for an empty, too long or odd currency name, or a
    /// negative amount.
    pub fn from_micros(micros: i64, currency: &str) -> Result<Self, VideoError> {
        if micros < 0 {
            return Err(VideoError::invalid("cost", "cannot be negative"));
        }
        Ok(Self {
            micros,
            currency: currency_name(currency)?,
        })
    }

    /// Nothing, in `currency`.
    ///
    /// # Errors
    /// As [`from_micros`](Self::from_micros).
    pub fn zero(currency: &str) -> Result<Self, VideoError> {
        Self::from_micros(0, currency)
    }

    /// Nothing, in this amount's currency.
    pub fn zero_like(&self) -> Self {
        Self {
            micros: 0,
            currency: self.currency.clone(),
        }
    }

    /// The amount in millionths.
    pub fn micros(&self) -> i64 {
        self.micros
    }

    /// The currency (`USD`, `CNY`, `KLING-UNITS`, ...).
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// This amount `count` times (a price per second times seconds); `None` on overflow.
    pub fn times(&self, count: u32) -> Option<Self> {
        Some(Self {
            micros: self.micros.checked_mul(i64::from(count))?,
            currency: self.currency.clone(),
        })
    }

    /// The sum of two amounts; `None` when the currencies differ or it overflows.
    pub fn plus(&self, other: &Self) -> Option<Self> {
        if self.currency != other.currency {
            return None;
        }
        Some(Self {
            micros: self.micros.checked_add(other.micros)?,
            currency: self.currency.clone(),
        })
    }
}

/// A currency name checked and upper-cased.
fn currency_name(text: &str) -> Result<String, VideoError> {
    let name = text.trim().to_ascii_uppercase();
    let fine = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > MAX_CURRENCY || !name.chars().all(fine) {
        return Err(VideoError::invalid(
            "cost",
            format!("`{text}` is not a currency name (e.g. USD, CNY, KLING-UNITS)"),
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(VideoError::invalid(
            "cost",
            "a currency name starts with a letter",
        ));
    }
    Ok(name)
}

/// `12.345` as millionths.
fn parse_amount(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    if fraction.len() > 6 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let padded = format!("{fraction:0<6}");
    let fraction: i64 = padded.parse().ok()?;
    whole.checked_mul(SCALE)?.checked_add(fraction)
}

impl FromStr for Money {
    type Err = VideoError;

    fn from_str(text: &str) -> Result<Self, VideoError> {
        let text = text.trim();
        let bad = || {
            VideoError::invalid(
                "cost",
                format!("`{text}` is not an amount with its currency (e.g. 2.50USD)"),
            )
        };
        let starts_with_digit = text.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        let (amount, currency) = if starts_with_digit {
            let split = text
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(bad)?;
            text.split_at(split)
        } else {
            let split = text.find(|c: char| c.is_ascii_digit() || c == '.');
            let (currency, amount) = text.split_at(split.ok_or_else(bad)?);
            (amount, currency)
        };
        let micros = parse_amount(amount.trim()).ok_or_else(bad)?;
        Self::from_micros(micros, currency)
    }
}

impl fmt::Display for Money {
    /// At least two decimals, more only when they are not zero: `0.80 USD`, `0.125 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.micros / SCALE;
        let mut fraction = format!("{:06}", self.micros % SCALE);
        while fraction.len() > 2 && fraction.ends_with('0') {
            fraction.pop();
        }
        write!(f, "{whole}.{fraction} {}", self.currency)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_every_written_form() {
        let expected = Money::from_micros(2_500_000, "USD").unwrap();
        for text in ["2.50USD", "2.5 usd", "USD 2.50", " usd2.5 ", "2.500000USD"] {
            assert_eq!(text.parse::<Money>().unwrap(), expected, "{text}");
        }
        assert_eq!(".5CNY".parse::<Money>().unwrap().micros(), 500_000);
        assert_eq!(
            "3 kling-units".parse::<Money>().unwrap().to_string(),
            "3.00 KLING-UNITS"
        );
    }

    #[test]
    fn bad_amounts_are_refused() {
        for text in [
            "",
            "USD",
            "2.50",
            "-1USD",
            "1.2.3USD",
            "1.0000001USD",
            "2 $",
            "2 1USD",
        ] {
            assert!(text.parse::<Money>().is_err(), "{text}");
        }
        assert!("99999999999999999999USD".parse::<Money>().is_err());
    }

    #[test]
    fn sums_are_exact_and_need_one_currency() {
        let tenth: Money = "0.1USD".parse().unwrap();
        let mut total = Money::zero("USD").unwrap();
        for _ in 0..10 {
            total = total.plus(&tenth).unwrap();
        }
        assert_eq!(total, "1USD".parse().unwrap());
        assert!(tenth.plus(&"1CNY".parse().unwrap()).is_none());
        assert_eq!(tenth.times(3).unwrap().to_string(), "0.30 USD");
        assert_eq!(
            "0.125USD".parse::<Money>().unwrap().to_string(),
            "0.125 USD"
        );
        assert!(
            Money::from_micros(i64::MAX, "USD")
                .unwrap()
                .times(2)
                .is_none()
        );
    }

    #[test]
    fn money_round_trips_through_json() {
        let price: Money = "0.49USD".parse().unwrap();
        let text = serde_json::to_string(&price).unwrap();
        assert_eq!(text, "\"0.49 USD\"");
        assert_eq!(serde_json::from_str::<Money>(&text).unwrap(), price);
    }
}
