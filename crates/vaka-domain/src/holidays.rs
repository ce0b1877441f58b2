//! The Swedish calendar of public holidays (Lag (1989:253) om allmänna helgdagar), computed
//! rather than listed: Easter by the Gregorian computus, and the holidays that move with it or
//! with the week. Used where a routine differs on weekends and holidays (the technical contact
//! checks technical alarms twice a day then).
//!
//! Public holidays: nyårsdagen (1 Jan), trettondedag jul (6 Jan), långfredagen, påskdagen,
//! annandag påsk, första maj, Kristi himmelsfärdsdag (Easter + 39), pingstdagen (Easter + 49),
//! Sveriges nationaldag (6 Jun), midsommardagen (the Saturday 20–26 Jun), alla helgons dag (the
//! Saturday 31 Oct – 6 Nov), juldagen (25 Dec), annandag jul (26 Dec). Every Sunday is a public
//! holiday too. The eves — påskafton, midsommarafton, julafton, nyårsafton — are not public
//! holidays in law but are days off in practice; they are listed apart so a municipality can
//! choose.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};

/// A named day of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    /// The Swedish name.
    pub name: &'static str,
}

/// Easter Sunday of a Gregorian year (the anonymous algorithm of Meeus, Jones and Butcher).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Month is 3 or 4 and day 1..=31 by construction.
    #[allow(clippy::cast_possible_truncation, reason = "month 3..=4, day 1..=31")]
    let (month, day) = (month as i8, day as i8);
    date(year, month, day)
}

/// The first `weekday` on or after `from`.
fn on_or_after(from: Date, weekday: Weekday) -> Date {
    let mut d = from;
    while d.weekday() != weekday {
        d = d.tomorrow().unwrap_or(d);
    }
    d
}

fn shift(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// The public holidays of a year (Sundays aside), in date order.
pub fn public_holidays(year: i16) -> Vec<Holiday> {
    let e = easter(year);
    let mut v = vec![
        Holiday {
            date: date(year, 1, 1),
            name: "Nyårsdagen",
        },
        Holiday {
            date: date(year, 1, 6),
            name: "Trettondedag jul",
        },
        Holiday {
            date: shift(e, -2),
            name: "Långfredagen",
        },
        Holiday {
            date: e,
            name: "Påskdagen",
        },
        Holiday {
            date: shift(e, 1),
            name: "Annandag påsk",
        },
        Holiday {
            date: date(year, 5, 1),
            name: "Första maj",
        },
        Holiday {
            date: shift(e, 39),
            name: "Kristi himmelsfärdsdag",
        },
        Holiday {
            date: shift(e, 49),
            name: "Pingstdagen",
        },
        Holiday {
            date: date(year, 6, 6),
            name: "Sveriges nationaldag",
        },
        Holiday {
            date: on_or_after(date(year, 6, 20), Weekday::Saturday),
            name: "Midsommardagen",
        },
        Holiday {
            date: on_or_after(date(year, 10, 31), Weekday::Saturday),
            name: "Alla helgons dag",
        },
        Holiday {
            date: date(year, 12, 25),
            name: "Juldagen",
        },
        Holiday {
            date: date(year, 12, 26),
            name: "Annandag jul",
        },
    ];
    v.sort_by_key(|h| h.date);
    v
}

/// The eves that are days off in practice, though not public holidays in law.
pub fn eves(year: i16) -> Vec<Holiday> {
    vec![
        Holiday {
            date: shift(easter(year), -1),
            name: "Påskafton",
        },
        Holiday {
            date: on_or_after(date(year, 6, 19), Weekday::Friday),
            name: "Midsommarafton",
        },
        Holiday {
            date: date(year, 12, 24),
            name: "Julafton",
        },
        Holiday {
            date: date(year, 12, 31),
            name: "Nyårsafton",
        },
    ]
}

/// The public holiday on `d`, if any (Sundays are holidays but not named here).
pub fn holiday_on(d: Date) -> Option<Holiday> {
    public_holidays(d.year()).into_iter().find(|h| h.date == d)
}

/// Whether a day follows the weekend routine: a Saturday or Sunday, a public holiday, or —
/// when the municipality counts them — one of the eves.
pub fn is_weekend_or_holiday(d: Date, count_eves: bool) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        || holiday_on(d).is_some()
        || (count_eves && eves(d.year()).iter().any(|h| h.date == d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn easter_matches_the_almanac() {
        for (y, m, d) in [
            (2000, 4, 23),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter(y), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn the_holidays_of_2026() {
        let h: Vec<(Date, &str)> = public_holidays(2026)
            .iter()
            .map(|h| (h.date, h.name))
            .collect();
        let expect = [
            (date(2026, 1, 1), "Nyårsdagen"),
            (date(2026, 1, 6), "Trettondedag jul"),
            (date(2026, 4, 3), "Långfredagen"),
            (date(2026, 4, 5), "Påskdagen"),
            (date(2026, 4, 6), "Annandag påsk"),
            (date(2026, 5, 1), "Första maj"),
            (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
            (date(2026, 5, 24), "Pingstdagen"),
            (date(2026, 6, 6), "Sveriges nationaldag"),
            (date(2026, 6, 20), "Midsommardagen"),
            (date(2026, 10, 31), "Alla helgons dag"),
            (date(2026, 12, 25), "Juldagen"),
            (date(2026, 12, 26), "Annandag jul"),
        ];
        assert_eq!(h, expect);
        let e: Vec<Date> = eves(2026).iter().map(|h| h.date).collect();
        assert_eq!(
            e,
            [
                date(2026, 4, 4),
                date(2026, 6, 19),
                date(2026, 12, 24),
                date(2026, 12, 31)
            ]
        );
    }

    #[test]
    fn the_weekend_routine() {
        // Tuesday 1 December 2026: an ordinary weekday.
        assert!(!is_weekend_or_holiday(date(2026, 12, 1), true));
        assert!(
            is_weekend_or_holiday(date(2026, 12, 5), false),
            "a Saturday"
        );
        assert!(
            is_weekend_or_holiday(date(2026, 5, 14), false),
            "Ascension, a Thursday"
        );
        // Julafton 2026 is a Thursday: only when eves count.
        assert!(!is_weekend_or_holiday(date(2026, 12, 24), false));
        assert!(is_weekend_or_holiday(date(2026, 12, 24), true));
        assert_eq!(
            holiday_on(date(2027, 6, 26)).map(|h| h.name),
            Some("Midsommardagen")
        );
    }

    proptest! {
        #[test]
        fn movable_days_keep_their_rules(year in 1900i16..2300) {
            let e = easter(year);
            prop_assert_eq!(e.weekday(), Weekday::Sunday);
            prop_assert!(e >= date(year, 3, 22) && e <= date(year, 4, 25));
            let h = public_holidays(year);
            prop_assert_eq!(h.len(), 13);
            let mid = h.iter().find(|x| x.name == "Midsommardagen").unwrap().date;
            prop_assert_eq!(mid.weekday(), Weekday::Saturday);
            prop_assert!(mid >= date(year, 6, 20) && mid <= date(year, 6, 26));
            let saints = h.iter().find(|x| x.name == "Alla helgons dag").unwrap().date;
            prop_assert_eq!(saints.weekday(), Weekday::Saturday);
            prop_assert!(saints >= date(year, 10, 31) && saints <= date(year, 11, 6));
            let asc = h.iter().find(|x| x.name == "Kristi himmelsfärdsdag").unwrap().date;
            prop_assert_eq!(asc.weekday(), Weekday::Thursday);
            // In order; two may fall on one day (1 May 2008 was also Ascension Day).
            prop_assert!(h.windows(2).all(|w| w[0].date <= w[1].date));
            let eve = eves(year)[1].date;
            prop_assert_eq!(eve.tomorrow().unwrap(), mid);
        }
    }
}
