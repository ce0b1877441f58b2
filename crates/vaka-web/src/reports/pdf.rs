//! Plain PDF documents of text (the logs a client asks for, the payment basis): A4, wrapped
//! lines, pages numbered "n / m".
//!
//! Text is set in DejaVu Sans (`assets/fonts`, its licence beside it), embedded as a Type 0
//! font over a CIDFontType2 with Identity-H encoding, so that every name prints as written —
//! å, ä, ö, and the Sámi letters (á č đ ŋ š ŧ ž) that the PDF base fonts cannot show. Only the
//! glyphs a document uses are embedded (a subset, made by typst's `subsetter`), with their
//! widths and a ToUnicode map so that the text can be searched and copied. Lines are wrapped by
//! their measured width.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use ttf_parser::Face;
use unicode_normalization::UnicodeNormalization;

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
const FOOTER_SIZE: f32 = 8.0;
const LEADING: f32 = 12.0;

static SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// A font of the documents: its file and its parsed tables.
struct Font {
    data: &'static [u8],
    /// PostScript name of the subset (a six-letter tag, as PDF asks of a subset).
    name: &'static [u8],
    /// Parsed once; `None` only if the bundled file were broken (a unit test holds it is not),
    /// in which case text prints as blank boxes rather than failing the download.
    face: Option<Face<'static>>,
}

static REGULAR: LazyLock<Font> = LazyLock::new(|| Font::new(SANS, b"VAKARG+DejaVuSans"));
static BOLD: LazyLock<Font> = LazyLock::new(|| Font::new(SANS_BOLD, b"VAKABD+DejaVuSans-Bold"));

impl Font {
    fn new(data: &'static [u8], name: &'static [u8]) -> Self {
        let face = Face::parse(data, 0).ok();
        if face.is_none() {
            tracing::error!("the bundled PDF font does not parse");
        }
        Self { data, name, face }
    }

    fn units_per_em(&self) -> f32 {
        self.face
            .as_ref()
            .map_or(1000.0, |f| f32::from(f.units_per_em()))
    }

    /// The glyph of a character: its own, else `?` (an emoji, a control character).
    fn glyph(&self, c: char) -> u16 {
        let Some(face) = &self.face else { return 0 };
        let c = if c.is_control() { ' ' } else { c };
        face.glyph_index(c)
            .or_else(|| face.glyph_index('?'))
            .map_or(0, |g| g.0)
    }

    /// A glyph's advance in thousandths of the font size.
    fn advance(&self, glyph: u16) -> f32 {
        let Some(face) = &self.face else { return 500.0 };
        let units = face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .map_or(0.0, f32::from);
        units * 1000.0 / self.units_per_em()
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// A value of the font's design in thousandths of the font size.
    fn scaled(&self, units: i16) -> f32 {
        f32::from(units) * 1000.0 / self.units_per_em()
    }
}

/// Splits a line at spaces so that no piece is wider than `max` points at `size` in `font` (a
/// longer word is cut).
fn wrap(font: &Font, text: &str, size: f32, max: f32) -> Vec<String> {
    let fits = |s: &str| font.width(s, size) <= max;
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let mut word = word.to_owned();
        while !fits(&word) {
            // The longest head of the word that fits (at least one character).
            let mut head = String::new();
            for c in word.chars() {
                head.push(c);
                if !fits(&head) && head.chars().count() > 1 {
                    head.pop();
                    break;
                }
            }
            word = word.chars().skip(head.chars().count()).collect();
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(head);
        }
        if !current.is_empty() && !fits(&format!("{current} {word}")) {
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

/// One printed line: bold or not, its size, its text.
type Printed = (bool, f32, String);

/// The glyphs of one font a document uses, and what each stands for.
#[derive(Default)]
struct Used {
    /// Glyph of the full font → the character it was used for (the first one).
    glyphs: BTreeMap<u16, char>,
}

impl Used {
    fn note(&mut self, font: &Font, text: &str) {
        for c in text.chars() {
            self.glyphs.entry(font.glyph(c)).or_insert(c);
        }
    }
}

/// A font as embedded in one document: the subset's glyph of each glyph of the full font.
struct Embedded {
    remapper: subsetter::GlyphRemapper,
}

impl Embedded {
    /// The text as the subset's glyph ids (two bytes each, Identity-H).
    fn encode(&self, font: &Font, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let g = self.remapper.get(font.glyph(c)).unwrap_or(0);
            out.extend_from_slice(&g.to_be_bytes());
        }
        out
    }
}

/// Writes `font` as a Type 0 font at `id` (and its CID font, descriptor, file and ToUnicode
/// map at the next four references), subset to the glyphs in `used`.
fn write_font(pdf: &mut Pdf, id: Ref, font: &Font, used: &Used) -> Embedded {
    let cid_id = Ref::new(id.get() + 1);
    let descriptor_id = Ref::new(id.get() + 2);
    let file_id = Ref::new(id.get() + 3);
    let cmap_id = Ref::new(id.get() + 4);
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in used.glyphs.keys() {
        remapper.remap(g);
    }
    // The whole font when subsetting fails: larger, still right.
    let file = subsetter::subset(font.data, 0, &remapper).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "subsetting the PDF font failed; embedding it whole");
        remapper = subsetter::GlyphRemapper::new();
        let count = font.face.as_ref().map_or(1, Face::number_of_glyphs);
        for g in 1..count {
            remapper.remap(g);
        }
        font.data.to_vec()
    });

    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(id)
        .base_font(Name(font.name))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let widths: Vec<f32> = remapper
        .remapped_gids()
        .map(|old| font.advance(old))
        .collect();
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(font.name))
        .system_info(system)
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"))
        .default_width(0.0);
    cid.widths().consecutive(0, widths);
    cid.finish();

    let (bbox, ascent, descent, cap) = font.face.as_ref().map_or(
        (Rect::new(0.0, -250.0, 1000.0, 1000.0), 800.0, -200.0, 700.0),
        |f| {
            let b = f.global_bounding_box();
            (
                Rect::new(
                    font.scaled(b.x_min),
                    font.scaled(b.y_min),
                    font.scaled(b.x_max),
                    font.scaled(b.y_max),
                ),
                font.scaled(f.ascender()),
                font.scaled(f.descender()),
                font.scaled(f.capital_height().unwrap_or(f.ascender())),
            )
        },
    );
    pdf.font_descriptor(descriptor_id)
        .name(Name(font.name))
        .flags(FontFlags::SYMBOLIC)
        .bbox(bbox)
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap)
        .stem_v(80.0)
        .font_file2(file_id);
    pdf.stream(file_id, &file);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Vaka-UTF16"), system);
    for (new, old) in remapper.remapped_gids().enumerate() {
        let Ok(new) = u16::try_from(new) else { break };
        if let Some(&c) = used.glyphs.get(&old) {
            cmap.pair(new, if c.is_control() { ' ' } else { c });
        }
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Embedded { remapper }
}

/// Renders the lines as a PDF.
pub fn render(title: &str, lines: &[Line]) -> Vec<u8> {
    let regular: &Font = &REGULAR;
    let bold: &Font = &BOLD;
    let text_width = WIDTH - 2.0 * MARGIN;
    // Lay the lines out on pages first. Text is composed (NFC) so that a letter typed as a base
    // and a combining accent prints as the one glyph the font has for it.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "constants: a small positive count"
    )]
    let per_page = ((HEIGHT - 2.0 * MARGIN - LEADING) / LEADING) as usize;
    let mut printed: Vec<Printed> = Vec::new();
    for l in lines {
        match l {
            Line::Title(t) => {
                for w in wrap(bold, &t.nfc().collect::<String>(), 14.0, text_width) {
                    printed.push((true, 14.0, w));
                }
            }
            Line::Heading(t) => {
                for w in wrap(bold, &t.nfc().collect::<String>(), 10.5, text_width) {
                    printed.push((true, 10.5, w));
                }
            }
            Line::Text(t) => {
                for w in wrap(regular, &t.nfc().collect::<String>(), TEXT_SIZE, text_width) {
                    printed.push((false, TEXT_SIZE, w));
                }
            }
            Line::Blank => printed.push((false, TEXT_SIZE, String::new())),
        }
    }
    let pages: Vec<&[Printed]> = if printed.is_empty() {
        vec![&[]]
    } else {
        printed.chunks(per_page).collect()
    };
    let total = pages.len();
    let title: String = title.nfc().collect();
    let footers: Vec<String> = (1..=total)
        .map(|i| format!("{title} · {i} / {total}"))
        .collect();

    let (mut used_regular, mut used_bold) = (Used::default(), Used::default());
    for (is_bold, _, text) in &printed {
        if *is_bold {
            used_bold.note(bold, text);
        } else {
            used_regular.note(regular, text);
        }
    }
    for f in &footers {
        used_regular.note(regular, f);
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let regular_id = Ref::new(4);
    let bold_id = Ref::new(9);
    let first_page = 14;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "a report has far fewer than 2^30 pages"
    )]
    let page_count = total as i32;
    let page_ids: Vec<Ref> = (0..page_count)
        .map(|i| Ref::new(first_page + 2 * i))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_count);
    let embedded_regular = write_font(&mut pdf, regular_id, regular, &used_regular);
    let embedded_bold = write_font(&mut pdf, bold_id, bold, &used_bold);
    pdf.document_info(info)
        .title(TextStr(&title))
        .creator(TextStr("Vaka"));
    for (i, lines) in pages.iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .parent(tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular_id)
            .pair(Name(b"F2"), bold_id);
        page.finish();
        let mut c = Content::new();
        let mut y = HEIGHT - MARGIN;
        for (is_bold, size, text) in *lines {
            if !text.is_empty() {
                let bytes = if *is_bold {
                    embedded_bold.encode(bold, text)
                } else {
                    embedded_regular.encode(regular, text)
                };
                c.begin_text()
                    .set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size)
                    .next_line(MARGIN, y)
                    .show(Str(&bytes))
                    .end_text();
            }
            y -= LEADING;
        }
        c.begin_text()
            .set_font(Name(b"F1"), FOOTER_SIZE)
            .next_line(MARGIN, MARGIN / 2.0)
            .show(Str(&embedded_regular.encode(regular, &footers[i])))
            .end_text();
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ToUnicode map's pairs of a document: subset glyph → text.
    fn to_unicode_pairs(pdf: &[u8]) -> Vec<(u16, String)> {
        let text = String::from_utf8_lossy(pdf);
        let mut out = Vec::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix('<') else {
                continue;
            };
            let Some((glyph, unicode)) = rest.split_once("> <") else {
                continue;
            };
            let Some(unicode) = unicode.strip_suffix('>') else {
                continue;
            };
            let (Ok(g), true) = (u16::from_str_radix(glyph, 16), unicode.len() % 4 == 0) else {
                continue;
            };
            let units: Vec<u16> = (0..unicode.len() / 4)
                .filter_map(|i| u16::from_str_radix(&unicode[i * 4..i * 4 + 4], 16).ok())
                .collect();
            out.push((g, String::from_utf16_lossy(&units)));
        }
        out
    }

    #[test]
    fn the_bundled_fonts_parse_and_have_every_letter_of_a_sami_name() {
        for font in [&*REGULAR, &*BOLD] {
            assert!(font.face.is_some());
            for c in "Áŋŋá Čuđđá Ŧŧ Ŋŋ Šš Žž Đđ Čč Ǥǥ Ǧǧ Ǩǩ Ʒʒ Ǯǯ åäöÅÄÖ".chars()
            {
                if c != ' ' {
                    assert_ne!(font.glyph(c), 0, "{c} has a glyph");
                }
            }
        }
        // A character the font lacks prints as `?`, not as the empty .notdef box.
        assert_eq!(REGULAR.glyph('中'), REGULAR.glyph('?'));
    }

    #[test]
    fn lines_wrap_by_their_measured_width() {
        let font = &*REGULAR;
        let max = WIDTH - 2.0 * MARGIN;
        let w = wrap(font, &"ord ".repeat(60), TEXT_SIZE, max);
        assert!(w.len() >= 2);
        assert!(w.iter().all(|l| font.width(l, TEXT_SIZE) <= max));
        // Narrow letters fit more on a line than wide ones.
        let narrow = wrap(font, &"il ".repeat(200), TEXT_SIZE, max);
        let wide = wrap(font, &"MW ".repeat(200), TEXT_SIZE, max);
        assert!(narrow[0].len() > wide[0].len() * 2);
        // A word longer than the line is cut.
        let long = wrap(font, &"x".repeat(400), TEXT_SIZE, max);
        assert!(long.len() >= 2 && long.iter().all(|l| font.width(l, TEXT_SIZE) <= max));
        assert_eq!(long.concat(), "x".repeat(400));
    }

    #[test]
    fn a_sami_name_is_embedded_with_its_glyphs_and_its_unicode() {
        let name = "Áŋŋá Čuđđá";
        let lines = vec![
            Line::Title(format!("Logg – {name}")),
            Line::Text(format!("{name} · Ŧ ŋ š ž đ č · Åsa Öberg")),
        ];
        let pdf = render("Logg", &lines);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Identity-H"));
        assert!(text.contains("/CIDFontType2"));
        assert!(text.contains("/FontFile2"));
        assert!(!text.contains("/Helvetica"));
        let pairs = to_unicode_pairs(&pdf);
        for c in format!("{name}Ŧŋšžđč ÅsaÖberg·/1").chars() {
            let hits: Vec<u16> = pairs
                .iter()
                .filter(|(_, u)| u.chars().eq([c]))
                .map(|(g, _)| *g)
                .collect();
            assert!(!hits.is_empty(), "{c:?} is in a ToUnicode map");
            assert!(hits.iter().all(|&g| g != 0), "{c:?} is not .notdef");
        }
        // Composed (NFC): a decomposed á prints as the one glyph of á.
        let decomposed = render("x", &[Line::Text("a\u{301}".into())]);
        assert!(to_unicode_pairs(&decomposed).iter().any(|(_, u)| u == "á"));
        assert!(text.trim_end().ends_with("%%EOF"));
    }

    #[test]
    fn a_document_has_its_pages_and_stays_small() {
        let mut lines = vec![Line::Title("Tillsynslogg".into()), Line::Text("Åsa".into())];
        for i in 0..150 {
            lines.push(Line::Text(format!("Rad {i}: Sett, OK - Lina Jour")));
        }
        let pdf = render("Tillsynslogg", &lines);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "152 lines make three pages");
        // The fonts are subset: far smaller than the 1.4 MB of the two files.
        assert!(pdf.len() < 150_000, "{} bytes", pdf.len());
        let empty = render("Tom", &[]);
        assert!(String::from_utf8_lossy(&empty).contains("/Count 1"));
    }
}
