//! Turns the raw bytes of an imported file into a small, namespace-resolved element tree,
//! or into the one reading error the admin should see.
//!
//! This is the only place that looks at raw input. It exists to keep every safety rule in
//! one spot: the size cap is applied by the caller before anything here runs; encodings are
//! settled by hand (UTF-8 with or without BOM, UTF-16 LE/BE) so quick-xml only ever sees
//! UTF-8; any DOCTYPE is refused the moment the reader reports it (quick-xml never expands
//! entities or fetches anything, and we never hand it a resolver); nesting depth is capped;
//! and elements are identified by namespace URI + local name, never by prefix.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::XmlVersion;

use super::{codes, MetadataError};

/// SAML 2.0 metadata namespace.
pub(crate) const NS_MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// XML Signature namespace (ds:).
pub(crate) const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_XHTML: &str = "http://www.w3.org/1999/xhtml";

/// Real metadata nests about 8 levels deep; anything past this is not metadata and
/// would only make later tree walks expensive.
const MAX_DEPTH: usize = 64;

/// One element of the parsed document. Only what the metadata reader needs is kept.
#[derive(Debug, Default)]
pub(crate) struct Element {
    /// Namespace URI the element's name resolved to (`None` = no namespace).
    pub ns: Option<String>,
    pub local: String,
    /// Attributes that are not namespace declarations: (namespace URI, local name, value).
    pub attrs: Vec<(Option<String>, String, String)>,
    pub children: Vec<Element>,
    /// Concatenated character data directly inside this element (text and CDATA).
    pub text: String,
}

impl Element {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.local == local
    }

    /// An attribute without a namespace (the way SAML metadata writes all of its own).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, name, _)| ns.is_none() && name == local)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    pub fn child(&self, ns: &str, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, local))
    }
}

fn err(code: &str, message: impl Into<String>) -> MetadataError {
    MetadataError {
        code: code.to_string(),
        message: message.into(),
    }
}

const GET_ENTRA: &str = "In Microsoft Entra ID open Enterprise applications > your AWS IAM Identity Center app > Single sign-on > SAML Certificates and download \"Federation Metadata XML\"; from IAM Identity Center use Settings > Identity source > Actions > Change identity source > External identity provider > \"Download metadata file\".";

/// Decodes the file to text. Handles UTF-8 (with or without BOM) and UTF-16 LE/BE
/// (with BOM, or recognisable from a leading `<`). Anything else is not XML we accept.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, MetadataError> {
    if bytes.is_empty() {
        return Err(empty_error());
    }
    if looks_like_der_certificate(bytes) {
        return Err(certificate_not_xml(
            "the binary \"Certificate (Raw)\" download",
        ));
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        utf8(rest)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, false)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, true)?
    } else if bytes.starts_with(&[b'<', 0]) {
        utf16(bytes, false)?
    } else if bytes.starts_with(&[0, b'<']) {
        utf16(bytes, true)?
    } else {
        utf8(bytes)?
    };
    // A BOM that survived transcoding (e.g. a UTF-16 file that also carried U+FEFF twice).
    let text = text.trim_start_matches('\u{FEFF}');
    Ok(text.to_string())
}

fn utf8(bytes: &[u8]) -> Result<String, MetadataError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        // Starts like markup: XML saved in some other 8-bit encoding.
        Err(e) if bytes.trim_ascii_start().starts_with(b"<") => Err(err(
            codes::MALFORMED_XML,
            format!(
                "The file is not UTF-8 text (invalid byte at position {}). Metadata from Microsoft Entra ID and IAM Identity Center is UTF-8, so this copy was probably re-saved in another encoding. Download it again and import the file unchanged.",
                e.valid_up_to()
            ),
        )),
        Err(_) => Err(binary_not_xml()),
    }
}

fn utf16(bytes: &[u8], big_endian: bool) -> Result<String, MetadataError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(err(
            codes::MALFORMED_XML,
            "The file says it is UTF-16 but has an odd number of bytes, so it is damaged or cut off. Download the metadata again and import the file unchanged.",
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| {
            err(
                codes::MALFORMED_XML,
                "The file is UTF-16 text with invalid characters in it, so it is damaged. Download the metadata again and import the file unchanged.",
            )
        })
}

fn looks_like_der_certificate(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30) && x509_parser::parse_x509_certificate(bytes).is_ok()
}

fn empty_error() -> MetadataError {
    err(
        codes::EMPTY,
        format!("The file is empty. It may not have finished downloading. {GET_ENTRA}"),
    )
}

fn certificate_not_xml(what: &str) -> MetadataError {
    err(
        codes::NOT_XML,
        format!(
            "This looks like a certificate file ({what}), not SAML metadata. Gatehouse needs the Federation Metadata XML, which contains the certificate plus the sign-in URL and entity ID. In Microsoft Entra ID open Enterprise applications > your AWS IAM Identity Center app > Single sign-on > SAML Certificates and download \"Federation Metadata XML\" instead."
        ),
    )
}

fn binary_not_xml() -> MetadataError {
    err(
        codes::NOT_XML,
        format!("This is a binary file, not XML. SAML metadata is a text file that starts with \"<?xml\" or \"<EntityDescriptor\". {GET_ENTRA}"),
    )
}

/// Refuses text that is not XML at all, with a message that says what it looks like.
fn check_looks_like_xml(text: &str) -> Result<(), MetadataError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(empty_error());
    }
    if trimmed.starts_with("-----BEGIN CERTIFICATE-----") {
        return Err(certificate_not_xml(
            "the PEM \"Certificate (Base64)\" download",
        ));
    }
    if trimmed.starts_with("-----BEGIN") {
        return Err(err(
            codes::NOT_XML,
            format!("This is a PEM file (a key or certificate), not SAML metadata. {GET_ENTRA}"),
        ));
    }
    if looks_like_bare_base64_certificate(trimmed) {
        return Err(certificate_not_xml("base64 certificate text"));
    }
    if !trimmed.starts_with('<') {
        return Err(err(
            codes::NOT_XML,
            format!("This file is not XML: SAML metadata starts with \"<?xml\" or \"<EntityDescriptor\". {GET_ENTRA}"),
        ));
    }
    Ok(())
}

fn looks_like_bare_base64_certificate(s: &str) -> bool {
    // DER certificates start with 0x30 0x82, which base64-encodes to "MII".
    s.starts_with("MII")
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\r' | b'\n' | b'\t')
        })
}

fn web_page_error() -> MetadataError {
    err(
        codes::WRONG_ROOT,
        format!("This is a web page (HTML), not SAML metadata: probably a sign-in page that was saved instead of the file. {GET_ENTRA}"),
    )
}

fn unsafe_error() -> MetadataError {
    err(
        codes::UNSAFE_XML,
        "The file contains a DOCTYPE or ENTITY declaration. Real SAML metadata never has one, and Gatehouse refuses such files without processing them, because declarations like these can be used to read files from this computer or to exhaust its memory. Download the metadata again from Microsoft Entra ID or IAM Identity Center and import it unchanged.",
    )
}

/// Converts a byte offset in `text` into a 1-based (line, column) for messages.
fn line_col(text: &str, pos: u64) -> (usize, usize) {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    let before = text.as_bytes().get(..pos).unwrap_or_default();
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn malformed(text: &str, pos: u64, what: &str) -> MetadataError {
    let (line, col) = line_col(text, pos);
    err(
        codes::MALFORMED_XML,
        format!(
            "The file is not well-formed XML ({what}, near line {line}, column {col}). It may be incomplete or edited by hand. Download the metadata again and import the file unchanged."
        ),
    )
}

fn name_of(res: &ResolveResult<'_>) -> Result<Option<String>, String> {
    match res {
        ResolveResult::Bound(ns) => Ok(Some(AsRef::<str>::as_ref(ns).to_string())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(format!(
            "the prefix \"{prefix}:\" is used but never declared"
        )),
    }
}

fn build_element(
    reader: &NsReader<&[u8]>,
    ns: Option<String>,
    start: &BytesStart<'_>,
) -> Result<Element, String> {
    let mut el = Element {
        ns,
        local: AsRef::<str>::as_ref(&start.local_name()).to_string(),
        ..Element::default()
    };
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        let key: &str = attr.key.as_ref();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (ans, local) = reader.resolver().resolve_attribute(attr.key);
        let ans = name_of(&ans)?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        el.attrs.push((
            ans,
            AsRef::<str>::as_ref(&local).to_string(),
            value.into_owned(),
        ));
    }
    Ok(el)
}

/// Parses `bytes` into the root `md:EntityDescriptor` element tree.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, MetadataError> {
    let text = decode(bytes)?;
    check_looks_like_xml(&text)?;
    parse_text(&text)
}

fn parse_text(text: &str) -> Result<Element, MetadataError> {
    // `NsReader::from_str` reads UTF-8 only; the `encoding` feature is off, so an
    // `encoding="utf-16"` declaration left over from transcoding is ignored.
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = false;
    reader.config_mut().check_end_names = true;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;

    loop {
        let event = reader.read_resolved_event();
        let (ns, event) = match event {
            // Own the namespace now: the resolver borrows the reader.
            Ok((ns, event)) => (name_of(&ns), event),
            Err(e) => {
                if text.contains("<!ENTITY") || text.contains("<!DOCTYPE") {
                    return Err(unsafe_error());
                }
                let pos = reader.error_position();
                return Err(malformed(text, pos, &describe_error(&e)));
            }
        };
        match event {
            Event::DocType(dt) => {
                let body: &str = dt.as_ref();
                let body = body.trim_start();
                let name = body
                    .split(|c: char| c.is_whitespace() || c == '[')
                    .next()
                    .unwrap_or_default();
                if name.eq_ignore_ascii_case("html") && !body.contains('[') {
                    return Err(web_page_error());
                }
                return Err(unsafe_error());
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                let ns = ns.map_err(|what| malformed(text, reader.buffer_position(), &what))?;
                if stack.is_empty() {
                    if root.is_some() {
                        return Err(malformed(
                            text,
                            reader.buffer_position(),
                            "there is more than one top-level element",
                        ));
                    }
                    check_root(ns.as_deref(), start)?;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        codes::MALFORMED_XML,
                        format!("The file nests elements more than {MAX_DEPTH} levels deep, which SAML metadata never does. Download the metadata again and import the file unchanged."),
                    ));
                }
                let el = build_element(&reader, ns, start)
                    .map_err(|what| malformed(text, reader.buffer_position(), &what))?;
                if is_empty {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => match stack.pop() {
                Some(el) => attach(&mut stack, &mut root, el),
                None => {
                    return Err(malformed(
                        text,
                        reader.buffer_position(),
                        "a closing tag has no matching opening tag",
                    ))
                }
            },
            Event::Text(t) => {
                let content = t.xml10_content();
                push_text(text, &reader, &mut stack, &content)?;
            }
            Event::CData(c) => {
                let content = c.xml10_content();
                push_text(text, &reader, &mut stack, &content)?;
            }
            Event::GeneralRef(r) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => match resolve_predefined_entity(r.as_ref()) {
                        Some(s) => s.to_string(),
                        None => {
                            // Only a DTD could declare it, and DTDs are refused: never resolved.
                            return Err(malformed(
                                text,
                                reader.buffer_position(),
                                "it refers to an entity that is not defined",
                            ));
                        }
                    },
                    Err(_) => {
                        return Err(malformed(
                            text,
                            reader.buffer_position(),
                            "it contains an invalid character reference",
                        ))
                    }
                };
                push_text(text, &reader, &mut stack, &resolved)?;
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(malformed(
                        text,
                        text.len() as u64,
                        "the file ends before all elements are closed; it looks cut off",
                    ));
                }
                return match root {
                    Some(r) => Ok(r),
                    None => Err(err(
                        codes::MALFORMED_XML,
                        format!("The file has an XML declaration or comments but no content (no EntityDescriptor element). {GET_ENTRA}"),
                    )),
                };
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}

fn push_text(
    text: &str,
    reader: &NsReader<&[u8]>,
    stack: &mut [Element],
    content: &str,
) -> Result<(), MetadataError> {
    match stack.last_mut() {
        Some(top) => {
            top.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err(malformed(
            text,
            reader.buffer_position(),
            "there is text outside the top-level element",
        )),
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

/// The root must be `EntityDescriptor` in the SAML metadata namespace. Checked on the
/// root's start tag, before the rest is read, so an HTML page is named as such even when
/// it is not well-formed XML.
fn check_root(ns_uri: Option<&str>, start: &BytesStart<'_>) -> Result<(), MetadataError> {
    let local_name = start.local_name();
    let local: &str = local_name.as_ref();
    if local.eq_ignore_ascii_case("html") && (ns_uri.is_none() || ns_uri == Some(NS_XHTML)) {
        return Err(web_page_error());
    }
    if ns_uri == Some(NS_MD) && local == "EntityDescriptor" {
        return Ok(());
    }
    if ns_uri == Some(NS_MD) && local == "EntitiesDescriptor" {
        return Err(err(
            codes::WRONG_ROOT,
            "This is a metadata aggregate (EntitiesDescriptor) that describes many entities. Gatehouse needs the metadata of exactly one entity: the Federation Metadata XML of your Entra ID app, or the SP metadata file of IAM Identity Center.",
        ));
    }
    if local == "EntityDescriptor" {
        return Err(err(
            codes::WRONG_ROOT,
            format!("The file has an EntityDescriptor element, but not in the SAML 2.0 metadata namespace ({NS_MD}), so it is not SAML 2.0 metadata. {GET_ENTRA}"),
        ));
    }
    let shown: String = local.chars().take(64).collect();
    let ns_note = ns_uri.map(|n| {
        let n: String = n.chars().take(128).collect();
        format!(" in namespace {n}")
    });
    Err(err(
        codes::WRONG_ROOT,
        format!(
            "This XML file is not SAML metadata: its top-level element is <{shown}>{}, but SAML metadata starts with <EntityDescriptor>. {GET_ENTRA}",
            ns_note.unwrap_or_default()
        ),
    ))
}

fn describe_error(e: &quick_xml::Error) -> String {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        quick_xml::Error::Syntax(s) => match s {
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue => {
                "the file ends in the middle of a tag; it looks cut off".to_string()
            }
            other => other.to_string(),
        },
        quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            let expected: String = expected.chars().take(64).collect();
            let found: String = found.chars().take(64).collect();
            format!("</{found}> closes <{expected}>")
        }
        other => {
            let s = other.to_string();
            s.chars().take(200).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(bytes: &[u8]) -> String {
        match parse(bytes) {
            Ok(_) => "ok".into(),
            Err(e) => e.code,
        }
    }

    #[test]
    fn minimal_entity_descriptor_parses() {
        let xml = br#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x&amp;y"><a:IDPSSODescriptor xmlns:a="urn:oasis:names:tc:SAML:2.0:metadata">t&#65;<![CDATA[<z>]]></a:IDPSSODescriptor></EntityDescriptor>"#;
        let root = parse(xml).expect("parses");
        assert!(root.is(NS_MD, "EntityDescriptor"));
        assert_eq!(root.attr("entityID"), Some("x&y"));
        let idp = root.child(NS_MD, "IDPSSODescriptor").expect("child");
        assert_eq!(idp.text, "tA<z>");
    }

    #[test]
    fn prefix_does_not_matter_namespace_does() {
        let wrong_ns = br#"<md:EntityDescriptor xmlns:md="urn:example" entityID="x"/>"#;
        assert_eq!(code(wrong_ns), codes::WRONG_ROOT);
        let any_prefix = br#"<zz:EntityDescriptor xmlns:zz="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>"#;
        assert_eq!(code(any_prefix), "ok");
    }

    #[test]
    fn reading_errors() {
        assert_eq!(code(b""), codes::EMPTY);
        assert_eq!(code(b"\xEF\xBB\xBF \r\n\t"), codes::EMPTY);
        assert_eq!(code(b"{\"json\": true}"), codes::NOT_XML);
        assert_eq!(code(b"\x00\x01\xFF\xFE\xFD"), codes::NOT_XML);
        assert_eq!(
            code(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9</a>"),
            codes::MALFORMED_XML
        );
        assert_eq!(code(b"MIIC8DCCAdigAwIBAgIQ"), codes::NOT_XML);
        assert_eq!(code(b"<?xml version=\"1.0\"?>"), codes::MALFORMED_XML);
        assert_eq!(
            code(b"<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"><a>"),
            codes::MALFORMED_XML
        );
        assert_eq!(code(b"<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"><a></b></EntityDescriptor>"), codes::MALFORMED_XML);
        assert_eq!(
            code(b"<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/><x/>"),
            codes::MALFORMED_XML
        );
        assert_eq!(code(b"<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">&foo;</EntityDescriptor>"), codes::MALFORMED_XML);
        assert_eq!(code(b"<x:EntityDescriptor/>"), codes::MALFORMED_XML);
        assert_eq!(
            code(b"<!DOCTYPE html><html><body><p>hi</body></html>"),
            codes::WRONG_ROOT
        );
        assert_eq!(
            code(b"<!doctype html>\n<html lang=en><meta charset=utf-8>"),
            codes::WRONG_ROOT
        );
        assert_eq!(code(b"<HTML><BODY>unclosed"), codes::WRONG_ROOT);
        assert_eq!(
            code(b"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"),
            codes::UNSAFE_XML
        );
        assert_eq!(
            code(b"<!DOCTYPE html [<!ENTITY a \"b\">]><html/>"),
            codes::UNSAFE_XML
        );
        assert_eq!(code(b"<!ENTITY a \"b\"><x/>"), codes::UNSAFE_XML);
    }

    #[test]
    fn depth_is_capped() {
        let mut s =
            String::from("<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">");
        s.push_str(&"<a>".repeat(10_000));
        let e = parse(s.as_bytes()).expect_err("too deep");
        assert_eq!(e.code, codes::MALFORMED_XML);
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let xml =
            "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"é\"/>";
        let le: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(parse(&le).expect("le").attr("entityID"), Some("é"));
        assert_eq!(parse(&be).expect("be").attr("entityID"), Some("é"));
        assert_eq!(code(&le[..le.len() - 1]), codes::MALFORMED_XML);
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
