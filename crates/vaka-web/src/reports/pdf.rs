//! Plain PDF documents of text (the supervision log a client asks for): A4, Helvetica from the
//! PDF base fonts (no font files), Windows-1252 text so that å, ä and ö print, wrapped lines,
//! pages numbered "n / m".

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Title(String),
    Heading(String),
    Text(String),
    Blank,
}

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const TEXT_SIZE: f32 = 9.0;
const LEADING: f32 = 12.0;
/// Characters of body text per line (Helvetica at 9 pt over the text width).
const WRAP: usize = 100;

/// The text as Windows-1252 bytes; characters outside it print as `?`.
fn win1252(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        if unmappable || bytes.len() != 1 || c.is_control() {
            out.push(b'?');
        } else {
            out.push(bytes[0]);
        }
    }
    out
}

/// Splits a line at spaces so that no piece is longer than `width` characters (a longer word
/// is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(head);
        }
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    lines.push(current);
    lines
}

/// Renders the lines as a PDF.
pub fn render(title: &str, lines: &[Line]) -> Vec<u8> {
    // Lay the lines out on pages first: (font, size, text) per printed line.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "constants: a small positive count"
    )]
    let per_page = ((HEIGHT - 2.0 * MARGIN - LEADING) / LEADING) as usize;
    let mut printed: Vec<(bool, f32, String)> = Vec::new();
    for l in lines {
        match l {
            Line::Title(t) => printed.push((true, 14.0, t.clone())),
            Line::Heading(t) => printed.push((true, 10.5, t.clone())),
            Line::Text(t) => {
                for w in wrap(t, WRAP) {
                    printed.push((false, TEXT_SIZE, w));
                }
            }
            Line::Blank => printed.push((false, TEXT_SIZE, String::new())),
        }
    }
    let pages: Vec<&[(bool, f32, String)]> = if printed.is_empty() {
        vec![&[]]
    } else {
        printed.chunks(per_page).collect()
    };

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "a report has far fewer than 2^30 pages"
    )]
    let page_count = pages.len() as i32;
    let page_ids: Vec<Ref> = (0..page_count)
        .map(|i| Ref::new(first_page + 2 * i))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_count);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(title))
        .creator(TextStr("Vaka"));
    let total = pages.len();
    for (i, lines) in pages.iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .parent(tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let mut c = Content::new();
        let mut y = HEIGHT - MARGIN;
        for (is_bold, size, text) in *lines {
            if !text.is_empty() {
                c.begin_text()
                    .set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size)
                    .next_line(MARGIN, y)
                    .show(Str(&win1252(text)))
                    .end_text();
            }
            y -= LEADING;
        }
        let footer = format!("{title} · {} / {total}", i + 1);
        c.begin_text()
            .set_font(Name(b"F1"), 8.0)
            .next_line(MARGIN, MARGIN / 2.0)
            .show(Str(&win1252(&footer)))
            .end_text();
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_windows_1252_and_wraps() {
        assert_eq!(win1252("Åsa ö"), vec![0xC5, b's', b'a', b' ', 0xF6]);
        assert_eq!(win1252("a\u{1F600}b\n"), b"a?b?".to_vec());
        let w = wrap(&"ord ".repeat(60), 100);
        assert!(w.len() >= 3 && w.iter().all(|l| l.chars().count() <= 100));
        assert_eq!(wrap(&"x".repeat(250), 100).len(), 3);
    }

    #[test]
    fn a_document_has_its_pages_and_text() {
        let mut lines = vec![Line::Title("Tillsynslogg".into()), Line::Text("Åsa".into())];
        for i in 0..150 {
            lines.push(Line::Text(format!("Rad {i}: Sett, OK - Lina Jour")));
        }
        let pdf = render("Tillsynslogg", &lines);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "152 lines make three pages");
        assert!(text.contains("(Rad 149: Sett, OK - Lina Jour)"));
        // Non-ASCII text is written as Windows-1252 bytes (a hex string).
        assert!(
            text.to_lowercase().contains("<c57361>"),
            "Åsa in Windows-1252"
        );
        assert!(text.trim_end().ends_with("%%EOF"));
    }
}
