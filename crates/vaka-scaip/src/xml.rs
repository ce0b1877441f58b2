//! The XML underneath `<mrq>` and `<mrs>`: a small, bounded tree read with quick-xml, which has
//! no DTD support. A `<!DOCTYPE …>` is refused outright (so no entity can be declared, let
//! alone expanded or fetched); references other than the five predefined entities and
//! character references are refused too. Elements are matched by local name, so a namespace
//! prefix does not matter; attributes are ignored.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The largest SCAIP body accepted. Real messages are a few hundred bytes; the SIP layer's
/// body cap (16 KiB) is larger, so this is the one a device meets (`snu` 1).
pub const MAX_BODY_LEN: usize = 8 * 1024;

/// How many elements a body may hold, all levels together.
const MAX_ELEMENTS: usize = 128;

/// Root, its children, and theirs (`<lge><geo>`): nothing in SCAIP is deeper.
const MAX_DEPTH: usize = 3;

/// Why a body is not a usable SCAIP document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the body of {len} bytes exceeds {max}")]
    TooLong { len: usize, max: usize },
    #[error("the body is not UTF-8")]
    NotUtf8,
    #[error("the body is not XML")]
    NotXml,
    #[error("malformed XML: {0}")]
    Malformed(String),
    #[error("a DOCTYPE is not accepted (no DTDs, no entity declarations)")]
    Doctype,
    #[error("the entity reference &{0}; is not accepted")]
    Entity(String),
    #[error("the root element is <{found}>, not <{expected}>")]
    WrongRoot {
        expected: &'static str,
        found: String,
    },
    #[error("elements nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("the mandatory element <{0}> is missing")]
    Missing(&'static str),
    #[error("the element <{0}> appears more than once")]
    Duplicate(&'static str),
    #[error("the element <{0}> has an invalid value")]
    Invalid(&'static str),
}

/// An element: its local name, its text (trimmed), its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

/// Reads a document whose root element must be `root` (ASCII case-insensitive).
pub(crate) fn read_document(body: &[u8], root: &'static str) -> Result<Node, XmlError> {
    if body.len() > MAX_BODY_LEN {
        return Err(XmlError::TooLong {
            len: body.len(),
            max: MAX_BODY_LEN,
        });
    }
    let text = std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.trim_start().starts_with('<') {
        return Err(XmlError::NotXml);
    }
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut done: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if done.is_some() => {
                return Err(XmlError::Malformed("content after the root element".into()));
            }
            Event::Start(e) => {
                open(&mut stack, &mut count, e.name().as_ref())?;
            }
            Event::Empty(e) => {
                open(&mut stack, &mut count, e.name().as_ref())?;
                close(&mut stack, &mut done);
            }
            Event::End(_) => close(&mut stack, &mut done),
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let c = if let Some(c) = r
                    .resolve_char_ref()
                    .map_err(|_| XmlError::Entity(r.chars().take(32).collect()))?
                {
                    c
                } else {
                    match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => return Err(XmlError::Entity(other.chars().take(32).collect())),
                    }
                };
                push_text(&mut stack, c.encode_utf8(&mut [0; 4]))?;
            }
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed(
            "the document ends inside an element".into(),
        ));
    }
    let node = done.ok_or(XmlError::NotXml)?;
    if !node.name.eq_ignore_ascii_case(root) {
        return Err(XmlError::WrongRoot {
            expected: root,
            found: node.name.chars().take(32).collect(),
        });
    }
    Ok(node)
}

/// Opens an element by its qualified name (`prefix:local` or `local`); the node keeps the
/// local name.
fn open(stack: &mut Vec<Node>, count: &mut usize, qname: &str) -> Result<(), XmlError> {
    if stack.len() >= MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    // quick-xml takes any bytes up to `>`, `/` or whitespace as a name; XML does not.
    let name = match qname.split_once(':') {
        Some((prefix, local)) if is_name(prefix) && is_name(local) => local,
        None if is_name(qname) => qname,
        _ => return Err(XmlError::Malformed("invalid element name".into())),
    };
    *count += 1;
    if *count > MAX_ELEMENTS {
        return Err(XmlError::TooManyElements);
    }
    stack.push(Node {
        name: name.to_owned(),
        ..Node::default()
    });
    Ok(())
}

/// An XML name without `:` (simplified: a letter or `_`, then letters, digits, `-_.`).
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || "-_.".contains(c))
}

fn close(stack: &mut Vec<Node>, done: &mut Option<Node>) {
    // quick-xml checks that end tags match (`check_end_names`), so the stack is never empty
    // here; if it were, there is nothing to close.
    let Some(mut node) = stack.pop() else {
        return;
    };
    trim_in_place(&mut node.text);
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *done = Some(node),
    }
}

/// Trims leading and trailing whitespace without a new allocation.
pub(crate) fn trim_in_place(s: &mut String) {
    s.truncate(s.trim_end().len());
    let start = s.len() - s.trim_start().len();
    s.drain(..start);
}

fn push_text(stack: &mut [Node], text: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(node) => {
            node.text.push_str(text);
            Ok(())
        }
        // Whitespace around the root is fine; anything else is not XML we know.
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::NotXml),
    }
}

impl Node {
    /// The only child of that name (ASCII case-insensitive), if any; two is an error.
    pub(crate) fn child(&self, name: &'static str) -> Result<Option<&Node>, XmlError> {
        let mut found = self
            .children
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case(name));
        let first = found.next();
        if found.next().is_some() {
            return Err(XmlError::Duplicate(name));
        }
        Ok(first)
    }

    /// The text of the only child of that name; an empty element counts as absent.
    pub(crate) fn text_of(&self, name: &'static str) -> Result<Option<&str>, XmlError> {
        Ok(self
            .child(name)?
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty()))
    }
}

/// Appends `<tag>text</tag>`, the text escaped (CR as a character reference, which end-of-line
/// normalisation would otherwise turn into LF).
pub(crate) fn push_element(out: &mut String, tag: &str, text: &str) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    out.push_str(&quick_xml::escape::escape(text).replace('\r', "&#13;"));
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_tree() {
        let n = read_document(
            b"<?xml version=\"1.0\"?>\n<mrq><ref> a&amp;b&#65; </ref><lge><geo>1.5</geo></lge><x/></mrq>",
            "mrq",
        )
        .unwrap();
        assert_eq!(n.children.len(), 3);
        assert_eq!(n.text_of("ref").unwrap(), Some("a&bA"));
        assert_eq!(n.child("lge").unwrap().unwrap().children[0].text, "1.5");
        assert_eq!(n.text_of("x").unwrap(), None);
    }

    #[test]
    fn refuses_doctype_and_unknown_entities() {
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><mrq><ref>&lol2;</ref></mrq>"#;
        assert_eq!(read_document(bomb, "mrq"), Err(XmlError::Doctype));
        let xxe = br#"<!DOCTYPE mrq [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mrq><ref>&xxe;</ref></mrq>"#;
        assert_eq!(read_document(xxe, "mrq"), Err(XmlError::Doctype));
        assert_eq!(
            read_document(b"<mrq><ref>&xxe;</ref></mrq>", "mrq"),
            Err(XmlError::Entity("xxe".into()))
        );
        assert!(matches!(
            read_document(b"<mrq><ref>&#0;</ref></mrq>", "mrq"),
            Err(XmlError::Entity(_))
        ));
    }

    #[test]
    fn refuses_what_is_not_a_scaip_document() {
        assert_eq!(read_document(b"", "mrq"), Err(XmlError::NotXml));
        assert_eq!(read_document(b"hello", "mrq"), Err(XmlError::NotXml));
        assert_eq!(read_document(b"{\"ref\":1}", "mrq"), Err(XmlError::NotXml));
        assert_eq!(
            read_document(b"<mrq>\xff</mrq>", "mrq"),
            Err(XmlError::NotUtf8)
        );
        assert!(matches!(
            read_document(b"<mrq><ref>1</ref>", "mrq"),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(
            read_document(b"<mrq><ref>1</cid></mrq>", "mrq"),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(
            read_document(b"<mrq/><mrq/>", "mrq"),
            Err(XmlError::Malformed(_))
        ));
        assert_eq!(
            read_document(b"<mrq/>trailing", "mrq"),
            Err(XmlError::NotXml)
        );
        for bad in [
            &b"<mrq><ch:/\x1e/></mrq>"[..],
            b"<mrq><crdcg:m<:s/></mrq>",
            b"<mrq><a:b:c/></mrq>",
            b"<1mrq/>",
        ] {
            assert!(
                matches!(read_document(bad, "mrq"), Err(XmlError::Malformed(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            read_document(b"<mrs/>", "mrq"),
            Err(XmlError::WrongRoot {
                expected: "mrq",
                found: "mrs".into()
            })
        );
        assert_eq!(
            read_document(b"<mrq><a><b><c/></b></a></mrq>", "mrq"),
            Err(XmlError::TooDeep)
        );
        let many = format!("<mrq>{}</mrq>", "<x/>".repeat(200));
        assert_eq!(
            read_document(many.as_bytes(), "mrq"),
            Err(XmlError::TooManyElements)
        );
        let long = format!("<mrq><ref>{}</ref></mrq>", "a".repeat(MAX_BODY_LEN));
        assert!(matches!(
            read_document(long.as_bytes(), "mrq"),
            Err(XmlError::TooLong { .. })
        ));
    }

    #[test]
    fn namespaces_bom_comments_and_cdata_are_fine() {
        let n = read_document(
            "\u{feff}<s:mrq xmlns:s=\"urn:x\"><!-- c --><s:ref><![CDATA[12]]></s:ref></s:mrq>"
                .as_bytes(),
            "mrq",
        )
        .unwrap();
        assert_eq!(n.text_of("ref").unwrap(), Some("12"));
    }

    #[test]
    fn escapes_what_it_writes() {
        let mut s = String::new();
        push_element(&mut s, "ste", "a<b&c");
        assert_eq!(s, "<ste>a&lt;b&amp;c</ste>");
    }
}
