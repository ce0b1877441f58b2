//! Paging of long lists: where a page stands in the whole ("200 av 2 050") and the links to
//! the pages before and after it, which keep the list's filters.

use serde::Serialize;

use crate::i18n::{Arg, Lang, Tr};

/// A page number as a link gives it: 1 when missing or not a positive number (a link, not a
/// form field: nothing to answer beside).
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        .min(1_000_000)
}

/// A count with the page language's grouping: `2 050` (a no-break space) in Swedish, `2,050`
/// in English.
pub fn grouped(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Sv => '\u{a0}',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Where a page of a list stands, for the template.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// "200 av 2 050", "201–400 av 2 050"; empty for an empty list.
    pub count: String,
    /// The link to the page before, the list's filters kept.
    pub prev: Option<String>,
    /// The link to the page after, the list's filters kept.
    pub next: Option<String>,
}

impl Pager {
    /// A pager for page `page` (1-based, `size` a page) showing `shown` items from `offset` of
    /// `total`, the pages linked as `path?` the `filters` and `page=N`.
    pub fn new<F: Serialize>(
        t: Tr,
        path: &str,
        filters: &F,
        (page, size): (i64, i64),
        (offset, shown, total): (i64, usize, i64),
    ) -> Self {
        let shown = i64::try_from(shown).unwrap_or(i64::MAX);
        let link = |n: i64| {
            let q = serde_urlencoded::to_string(filters).unwrap_or_default();
            if q.is_empty() {
                format!("{path}?page={n}")
            } else {
                format!("{path}?{q}&page={n}")
            }
        };
        Self {
            count: counted(t, offset, shown, total),
            prev: (page > 1).then(|| link(page - 1)),
            next: (offset + shown < total && shown >= size).then(|| link(page + 1)),
        }
    }
}

/// "200 av 2 050" for the first page, "201–400 av 2 050" after it, "" when nothing is shown.
pub fn counted(t: Tr, offset: i64, shown: i64, total: i64) -> String {
    if shown == 0 {
        return String::new();
    }
    let range = if offset == 0 {
        grouped(t.lang, shown)
    } else {
        format!(
            "{}–{}",
            grouped(t.lang, offset + 1),
            grouped(t.lang, offset + shown)
        )
    };
    t.message(
        "paging-count",
        &[
            ("shown", Arg::from(range)),
            ("total", Arg::from(grouped(t.lang, total))),
        ],
    )
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_the_page_language_groups_them() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(counted(sv, 0, 200, 2050), "200 av 2\u{a0}050");
        assert_eq!(counted(en, 0, 200, 2050), "200 of 2,050");
        assert_eq!(counted(sv, 200, 200, 2050), "201–400 av 2\u{a0}050");
        assert_eq!(counted(sv, 0, 0, 0), "");
        assert_eq!(grouped(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(grouped(Lang::Sv, 999), "999");
    }

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        #[derive(Serialize)]
        struct F {
            q: &'static str,
        }
        let t = Tr::new(Lang::Sv);
        let first = Pager::new(t, "/clients", &F { q: "an na" }, (1, 200), (0, 200, 450));
        assert_eq!(first.prev, None);
        assert_eq!(first.next.as_deref(), Some("/clients?q=an+na&page=2"));
        let last = Pager::new(t, "/clients", &F { q: "" }, (3, 200), (400, 50, 450));
        assert_eq!(last.prev.as_deref(), Some("/clients?q=&page=2"));
        assert_eq!(last.next, None);
        assert_eq!(page_number(Some("x")), 1);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("3")), 3);
    }
}
