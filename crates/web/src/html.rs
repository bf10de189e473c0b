//! Escaping and the page shell every page shares.
//!
//! Every piece of text that comes from the log goes through [`esc`] (element text and
//! attribute values alike) and every address through [`safe_url`]: nothing in a claim can
//! open an element, close an attribute or become a script.

use std::fmt::Write as _;

/// The style sheet every page links to (`style.css` beside the pages).
pub const STYLE: &str = include_str!("../assets/style.css");
/// The subjects page's filter box (`filter.js`); the table is whole without it.
pub const FILTER_JS: &str = include_str!("../assets/filter.js");

/// What a page may load: its own style sheet and script, nothing else, and nothing inline.
/// Sent as a header by the server and repeated in each page's `<meta>` for a static host.
pub const CONTENT_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
img-src 'self'; form-action 'self'; base-uri 'none'";

/// `s` as HTML text or a quoted attribute value: `& < > " '` as character references, and
/// control characters (which no page should carry) as the visible `\u{…}` notation.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The address when it is one a reader may follow from a page: `http://` or `https://` with a
/// host. Anything else (`javascript:`, `data:`, a relative path) is shown as text instead.
pub fn safe_url(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let ok = !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(url)
}

/// A link to a source address, or the address as text when it is not one to follow.
pub fn source_link(url: &str, text: &str) -> String {
    match safe_url(url) {
        Some(u) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
            esc(u),
            esc(text)
        ),
        None => format!("<span class=\"muted\">{}</span>", esc(url)),
    }
}

/// The file name (and path after `subject/`) of a subject's page: the subject's segments
/// joined by `~`, a character no subject holds, so names never clash and never climb out of
/// the folder (a segment may be `..`, but never a whole path).
pub fn subject_file(subject: &str) -> String {
    format!("{}.html", subject.replace('/', "~"))
}

/// The subject a page file name stands for (the inverse of [`subject_file`]).
pub fn subject_of_file(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".html")?;
    let subject = stem.replace('~', "/");
    reckon_claim::Subject::parse(&subject).ok()?;
    Some(subject)
}

/// Where a page sits: the prefix that leads from it back to the site's top (`""` or `"../"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// A page at the top (`index.html`, `query.html`).
    Top,
    /// A page one folder down (`subject/…`, `entry/…`).
    Nested,
}

impl Depth {
    /// The prefix to the top.
    pub fn root(self) -> &'static str {
        match self {
            Depth::Top => "",
            Depth::Nested => "../",
        }
    }
}

/// What every page says it was made from: the log position and head hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MadeFrom {
    /// Entries folded in.
    pub position: u64,
    /// The head hash (hex), `None` for an empty log.
    pub head: Option<String>,
}

impl MadeFrom {
    /// The sentence at the top of every page.
    pub fn sentence(&self) -> String {
        match &self.head {
            Some(h) => format!("Made from log position {}, head {h}.", self.position),
            None => "Made from an empty log.".to_owned(),
        }
    }
}

/// A whole page: the shell (language, viewport, policy, style, navigation, basis) around
/// `body`, which must already be escaped. `script` adds `filter.js`.
pub fn page(title: &str, depth: Depth, made: &MadeFrom, body: &str, script: bool) -> String {
    let root = depth.root();
    let mut out = String::with_capacity(body.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<title>{title} · reckon</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body>\n\
<header><nav aria-label=\"Site\"><a class=\"home\" href=\"{root}index.html\">Figures</a> \
<a href=\"{root}query.html\">Query</a></nav></header>\n<main>\n",
        policy = esc(CONTENT_POLICY),
        title = esc(title),
    );
    out.push_str(body);
    let _ = write!(
        out,
        "</main>\n<footer><p class=\"basis\">{}</p></footer>\n",
        esc(&made.sentence())
    );
    if script {
        let _ = writeln!(out, "<script src=\"{root}filter.js\"></script>");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_in_text_stays_text() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(safe_url("https://kyivindependent.com/x").is_some());
        assert!(safe_url("HTTP://example.org").is_some());
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>",
            "//evil.example",
            "/local",
            "https://",
            "https:///x",
            "https://a b",
            "vbscript:x",
        ] {
            assert!(safe_url(bad).is_none(), "{bad} must not be a link");
        }
        assert!(source_link("javascript:alert(1)", "x").starts_with("<span"));
    }

    #[test]
    fn subject_files_round_trip_and_stay_in_their_folder() {
        for s in ["a", "exchange/2025-05-23/per-side", "../..", "a/../b"] {
            let f = subject_file(s);
            assert!(!f.contains('/'), "{f}");
            assert_eq!(subject_of_file(&f).as_deref(), Some(s));
        }
        assert_eq!(subject_of_file("Bad.html"), None);
        assert_eq!(subject_of_file("a"), None);
    }

    proptest! {
        /// Whatever the text, its escaped form holds no character that can start markup or
        /// end an attribute.
        #[test]
        fn escaped_text_has_no_markup(s in any::<String>()) {
            let e = esc(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            prop_assert!(!e.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        }
    }
}
