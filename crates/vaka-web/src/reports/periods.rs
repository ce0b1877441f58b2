//! The periods a log or a statistics page is asked for, from `YYYY-MM-DD` / `YYYY-MM` query
//! values, with the defaults both the pages and the API use.

use jiff::civil::Date;
use vaka_domain::reason::SupervisionReason;

use crate::error::ApiError;

fn parse_date(field: &'static str, raw: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::invalid(field, SupervisionReason::DateFormat)),
    }
}

/// The nights asked for: the last 30 up to `today` unless given.
pub fn nights(today: Date, from: Option<&str>, to: Option<&str>) -> Result<(Date, Date), ApiError> {
    let to = parse_date("to", to, today)?;
    let from = parse_date(
        "from",
        from,
        to.checked_sub(jiff::Span::new().days(30)).unwrap_or(to),
    )?;
    Ok((from, to))
}

/// Parses `YYYY-MM` (or a whole date) as the first day of its month.
fn month(field: &'static str, raw: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => {
            let full = if s.len() == 7 {
                format!("{s}-01")
            } else {
                s.to_owned()
            };
            full.parse::<Date>()
                .map(jiff::civil::Date::first_of_month)
                .map_err(|_| ApiError::invalid(field, SupervisionReason::MonthFormat))
        }
    }
}

/// The months asked for: the last six up to this one unless given.
pub fn months(today: Date, from: Option<&str>, to: Option<&str>) -> Result<(Date, Date), ApiError> {
    let this = today.first_of_month();
    let to = month("to", to, this)?;
    let from = month(
        "from",
        from,
        to.checked_sub(jiff::Span::new().months(5)).unwrap_or(to),
    )?;
    Ok((from, to))
}
