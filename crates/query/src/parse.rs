//! The parser: nom 8 combinators over the query text, with errors in words at a position.

use crate::ast::{Expr, FIELDS, Field, Kind, Literal, Op, Query, Source, Step, Target};
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace0};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{Err, IResult, Parser};
use reckon_claim::suggest::nearest;
use reckon_claim::{Period, Value};
use std::fmt;

/// How deeply brackets and `not` may nest.
pub const MAX_DEPTH: usize = 64;

/// A query that could not be read: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the query text.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What was expected, in words.
    pub message: String,
}

impl SyntaxError {
    /// The message with the query line and a caret under the column.
    pub fn render(&self, text: &str) -> String {
        let line_text = text.lines().nth(self.line - 1).unwrap_or("");
        let gutter = self.line.to_string();
        let pad = " ".repeat(gutter.len());
        format!(
            "{}\n{pad} |\n{gutter} | {line_text}\n{pad} | {}^\n",
            self.message,
            " ".repeat(self.column - 1)
        )
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// The parser's error: the input where it happened, and what was expected there when known.
#[derive(Clone, Debug, PartialEq)]
pub struct PErr<'a> {
    input: &'a str,
    expected: Option<String>,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _: ErrorKind) -> Self {
        PErr {
            input,
            expected: None,
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Keep the error that got further into the text.
        if other.input.len() <= self.input.len() {
            other
        } else {
            self
        }
    }
}

type R<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<T>(input: &str, msg: impl Into<String>) -> R<'_, T> {
    Err(Err::Failure(PErr {
        input,
        expected: Some(msg.into()),
    }))
}

/// Runs `p` after white space; when it fails, fails for good with `msg` at that point.
fn expect<'a, T>(
    msg: impl Fn() -> String,
    mut p: impl Parser<&'a str, Output = T, Error = PErr<'a>>,
) -> impl FnMut(&'a str) -> R<'a, T> {
    move |i: &'a str| {
        let (i, _) = multispace0(i)?;
        match p.parse(i) {
            Ok(x) => Ok(x),
            Err(Err::Failure(e)) if e.expected.is_some() => Err(Err::Failure(e)),
            Err(_) => fail(i, msg()),
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A keyword: the word, not followed by another word character.
fn kw<'a>(word: &'static str) -> impl FnMut(&'a str) -> R<'a, &'a str> {
    move |i: &'a str| {
        let (i, _) = multispace0(i)?;
        let (rest, w) = tag(word)(i)?;
        if rest.starts_with(is_word) {
            return Err(Err::Error(PErr::from_error_kind(i, ErrorKind::Tag)));
        }
        Ok((rest, w))
    }
}

fn sym<'a>(s: &'static str) -> impl FnMut(&'a str) -> R<'a, &'a str> {
    move |i: &'a str| {
        let (i, _) = multispace0(i)?;
        tag(s)(i)
    }
}

/// A string in double or single quotes (handy inside a shell's double quotes), with `\"`,
/// `\'`, `\\`, `\n` and `\t` escapes.
fn quoted(i: &str) -> R<'_, String> {
    let (mut rest, q) = alt((char('"'), char('\''))).parse(i)?;
    let mut out = String::new();
    loop {
        let mut chars = rest.chars();
        match chars.next() {
            None => return fail(i, format!("expected a closing `{q}` to end this text")),
            Some(c) if c == q => return Ok((chars.as_str(), out)),
            Some('\\') => {
                match chars.next() {
                    Some('"') => out.push('"'),
                    Some('\'') => out.push('\''),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    _ => return fail(rest, "expected an escape: \\\" \\' \\\\ \\n or \\t"),
                }
                rest = chars.as_str();
            }
            Some(c) => {
                out.push(c);
                rest = chars.as_str();
            }
        }
    }
}

/// A bare word: letters, digits and `._/*?-` (subject paths, names without spaces, globs).
fn bare(i: &str) -> R<'_, &str> {
    take_while1(|c: char| c.is_alphanumeric() || "._/*?-".contains(c))(i)
}

fn text(i: &str) -> R<'_, String> {
    let (i, _) = multispace0(i)?;
    alt((quoted, bare.map(str::to_owned))).parse(i)
}

fn number(i: &str) -> R<'_, u64> {
    let (i, _) = multispace0(i)?;
    // Quoted too: a parameter's value arrives quoted.
    let (rest, d) = alt((
        nom::sequence::delimited(char('"'), digit1, char('"')),
        digit1,
    ))
    .parse(i)?;
    match d.parse() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(i, "a whole number small enough to be a sequence number"),
    }
}

fn field(i: &str) -> R<'_, Field> {
    let (i, _) = multispace0(i)?;
    let (rest, name) = take_while1(is_word)(i)?;
    match FIELDS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => Ok((rest, *f)),
        None => {
            let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
            let hint = match nearest(name, names.iter().copied(), 1).first() {
                Some(n) => format!("; did you mean `{n}`?"),
                None => format!(" (fields: {})", names.join(", ")),
            };
            fail(i, format!("unknown field `{name}`{hint}"))
        }
    }
}

fn op(i: &str) -> R<'_, Op> {
    let (i, _) = multispace0(i)?;
    alt((
        tag(">=").map(|_| Op::Ge),
        tag("<=").map(|_| Op::Le),
        tag("!=").map(|_| Op::Ne),
        tag("=").map(|_| Op::Eq),
        tag("~").map(|_| Op::Like),
        tag(">").map(|_| Op::Gt),
        tag("<").map(|_| Op::Lt),
        kw("overlaps").map(|_| Op::Overlaps),
        kw("contains").map(|_| Op::Contains),
    ))
    .parse(i)
}

fn allowed(kind: Kind) -> &'static [Op] {
    use Op::*;
    match kind {
        Kind::Text => &[Eq, Ne, Like, Contains],
        Kind::Number => &[Eq, Ne, Lt, Le, Gt, Ge],
        Kind::Date | Kind::Figure => &[Eq, Ne, Lt, Le, Gt, Ge, Overlaps, Contains],
    }
}

/// A date token: digits, `-` and `/`.
fn date_token(i: &str) -> R<'_, &str> {
    let (i, _) = multispace0(i)?;
    alt((
        recognize((char('"'), take_while(|c| c != '"'), char('"'))),
        recognize((char('\''), take_while(|c| c != '\''), char('\''))),
        take_while1(|c: char| c.is_ascii_digit() || c == '-' || c == '/'),
    ))
    .parse(i)
}

fn date(after: String) -> impl FnMut(&str) -> R<'_, Period> {
    move |i: &str| {
        let (j, _) = multispace0(i)?;
        let msg = format!(
            "expected a date like 2025-05-01 (or 2025, 2025-04, 2022-02-24/2025-05-23) after {after}"
        );
        let Ok((rest, tok)) = date_token(j) else {
            return fail(j, msg);
        };
        match Period::parse(tok.trim_matches(['"', '\''])) {
            Ok(p) => Ok((rest, p)),
            Err(e) => fail(j, format!("{msg}: {}", e.message)),
        }
    }
}

fn figure(after: String) -> impl FnMut(&str) -> R<'_, Value> {
    move |i: &str| {
        let (j, _) = multispace0(i)?;
        let msg =
            format!("expected a figure like 5000, 300..400 or \"at least 8,000\" after {after}");
        let tok = alt((
            quoted,
            take_while1(|c: char| c.is_ascii_digit() || ",.".contains(c)).map(str::to_owned),
        ))
        .parse(j);
        let Ok((rest, t)) = tok else {
            return fail(j, msg);
        };
        match Value::parse(&t) {
            Ok(v) => Ok((rest, v)),
            Err(e) => fail(j, format!("{msg}: {}", e.message)),
        }
    }
}

fn comparison(i: &str) -> R<'_, Expr> {
    let (i, f) = expect(
        || "expected a field such as subject, speaker, value or said_on".to_owned(),
        field,
    )(i)?;
    let (i, _) = multispace0(i)?;
    let Ok((rest, o)) = op(i) else {
        return fail(
            i,
            format!(
                "expected an operator after `{}`: {}",
                f.name(),
                ops_list(f.kind())
            ),
        );
    };
    if !allowed(f.kind()).contains(&o) {
        return fail(
            i,
            format!(
                "`{}` does not apply to `{}`; use {}",
                o.text(),
                f.name(),
                ops_list(f.kind())
            ),
        );
    }
    let after = format!("`{} {}`", f.name(), o.text());
    let (rest, lit) = match f.kind() {
        Kind::Number => expect(
            || format!("expected a whole number after {after}"),
            number.map(Literal::Number),
        )(rest)?,
        Kind::Date => date(after).map(Literal::Date).parse(rest)?,
        Kind::Figure => figure(after).map(Literal::Figure).parse(rest)?,
        Kind::Text => expect(
            || {
                format!(
                    "expected text in double quotes (\"Rustem Umerov\") or a single word after {after}"
                )
            },
            text.map(Literal::Text),
        )(rest)?,
    };
    // A hash is written in lowercase; one copied in capitals is the same hash (as after
    // `provenance`), so it is held in lowercase for every way of answering.
    let lit = match (f, lit) {
        (Field::Hash, Literal::Text(t)) => Literal::Text(t.to_ascii_lowercase()),
        (_, lit) => lit,
    };
    Ok((rest, Expr::Cmp(f, o, lit)))
}

fn ops_list(kind: Kind) -> String {
    let ops: Vec<&str> = allowed(kind).iter().map(|o| o.text()).collect();
    ops.join(", ")
}

fn unary(i: &str, depth: usize) -> R<'_, Expr> {
    if depth > MAX_DEPTH {
        return fail(
            i,
            format!("the expression nests deeper than {MAX_DEPTH} levels of brackets and `not`"),
        );
    }
    if let Ok((rest, _)) = kw("not")(i) {
        let (rest, e) = unary(rest, depth + 1)?;
        return Ok((rest, Expr::Not(Box::new(e))));
    }
    if let Ok((rest, _)) = sym("(")(i) {
        let (rest, e) = or_expr(rest, depth + 1)?;
        let (rest, _) = expect(|| "expected `)` to close the bracket".to_owned(), tag(")"))(rest)?;
        return Ok((rest, e));
    }
    comparison(i)
}

/// One term, or a chain of them joined by `word`, read in a loop (never by recursion).
fn chain<'a>(
    i: &'a str,
    word: &'static str,
    term: impl Fn(&'a str) -> R<'a, Expr>,
    node: fn(Vec<Expr>) -> Expr,
) -> R<'a, Expr> {
    let (mut i, first) = term(i)?;
    let mut terms = vec![first];
    while let Ok((rest, _)) = kw(word)(i) {
        let (rest, t) = term(rest)?;
        terms.push(t);
        i = rest;
    }
    Ok((
        i,
        if terms.len() == 1 {
            terms.remove(0)
        } else {
            node(terms)
        },
    ))
}

fn and_expr(i: &str, depth: usize) -> R<'_, Expr> {
    chain(i, "and", |j| unary(j, depth), Expr::And)
}

fn or_expr(i: &str, depth: usize) -> R<'_, Expr> {
    chain(i, "or", |j| and_expr(j, depth), Expr::Or)
}

fn pattern(i: &str) -> R<'_, Option<String>> {
    let (j, _) = multispace0(i)?;
    if j.is_empty()
        || j.starts_with('|')
        || ["where", "at", "known", "valid"]
            .iter()
            .any(|k| kw(k)(j).is_ok())
    {
        return Ok((i, None));
    }
    alt((quoted, bare.map(str::to_owned))).map(Some).parse(j)
}

fn target(i: &str) -> R<'_, Target> {
    let (i, _) = multispace0(i)?;
    if let Ok((rest, _)) = char::<&str, PErr<'_>>('#')(i) {
        return expect(
            || "expected a sequence number after `#`".to_owned(),
            number.map(Target::Seq),
        )(rest);
    }
    if let Ok((rest, s)) = quoted(i) {
        return Ok((rest, Target::Subject(s)));
    }
    match bare(i) {
        // Hex digits in either case (no subject has capitals): held in lowercase, as hashes
        // are written.
        Ok((rest, w)) if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok((rest, Target::Hash(w.to_ascii_lowercase())))
        }
        Ok((rest, w)) => Ok((rest, Target::Subject(w.to_owned()))),
        Err(_) => fail(
            i,
            "expected a claim (#12 or a hash prefix) or a subject after `provenance`",
        ),
    }
}

fn source(i: &str) -> R<'_, Source> {
    let (i, _) = multispace0(i)?;
    if let Ok((rest, _)) = kw("claims")(i) {
        return Ok((rest, Source::Claims));
    }
    if let Ok((rest, _)) = alt((kw("figures"), kw("figure"))).parse(i) {
        let (rest, p) = pattern(rest)?;
        return Ok((rest, Source::Figures(p)));
    }
    if let Ok((rest, _)) = kw("conflicts")(i) {
        let (rest, p) = pattern(rest)?;
        return Ok((rest, Source::Conflicts(p)));
    }
    if let Ok((rest, _)) = kw("provenance")(i) {
        let (rest, t) = target(rest)?;
        return Ok((rest, Source::Provenance(t)));
    }
    let word: String = i.chars().take_while(|c| is_word(*c)).collect();
    let hint = match nearest(&word, ["claims", "figures", "conflicts", "provenance"], 1).first() {
        Some(n) if !word.is_empty() => format!("; did you mean `{n}`?"),
        _ => String::new(),
    };
    fail(
        i,
        format!(
            "expected `claims`, `figures`, `conflicts` or `provenance` at the start of the query{hint}"
        ),
    )
}

fn step(i: &str) -> R<'_, Step> {
    let (i, _) = multispace0(i)?;
    if let Ok((rest, _)) = kw("sort")(i) {
        let (rest, f) = expect(
            || "expected a field to sort by after `sort`".to_owned(),
            field,
        )(rest)?;
        let (rest, dir) = opt(alt((kw("desc"), kw("asc")))).parse(rest)?;
        return Ok((rest, Step::Sort(f, dir == Some("desc"))));
    }
    if let Ok((rest, _)) = kw("limit")(i) {
        let (rest, n) = expect(
            || "expected how many to keep after `limit`".to_owned(),
            number,
        )(rest)?;
        return Ok((rest, Step::Limit(n)));
    }
    if let Ok((rest, _)) = kw("show")(i) {
        let (mut rest, f) =
            expect(|| "expected a field to show after `show`".to_owned(), field)(rest)?;
        let mut fields = vec![f];
        while let Ok((r, _)) = sym(",")(rest) {
            let (r, f) = expect(|| "expected a field after `,`".to_owned(), field)(r)?;
            fields.push(f);
            rest = r;
        }
        return Ok((rest, Step::Show(fields)));
    }
    if let Ok((rest, _)) = kw("count")(i) {
        return Ok((rest, Step::Count));
    }
    if let Ok((rest, _)) = kw("group")(i) {
        let Ok((rest, _)) = kw("by")(rest) else {
            return fail(rest, "expected `by` after `group`");
        };
        let (rest, f) = expect(
            || "expected a field to group by after `group by`".to_owned(),
            field,
        )(rest)?;
        return Ok((rest, Step::Group(f)));
    }
    fail(
        i,
        "expected a step after `|`: sort FIELD [desc], limit N, show FIELD, …, count, or group by FIELD",
    )
}

fn query(i: &str) -> R<'_, Query> {
    let (mut i, source) = source(i)?;
    let mut q = Query {
        source,
        filter: None,
        at: None,
        known: None,
        valid: None,
        steps: Vec::new(),
    };
    if let Ok((rest, _)) = kw("where")(i) {
        let (rest, e) = or_expr(rest, 0)?;
        q.filter = Some(e);
        i = rest;
    }
    loop {
        if let Ok((rest, _)) = kw("at")(i) {
            let (rest, n) = expect(
                || "expected a log sequence number after `at`".to_owned(),
                number,
            )(rest)?;
            q.at = Some(n);
            i = rest;
        } else if let Ok((rest, _)) = kw("known")(i) {
            let (rest, d) = date("`known`".to_owned())(rest)?;
            q.known = Some(d);
            i = rest;
        } else if let Ok((rest, _)) = kw("valid")(i) {
            let (rest, d) = date("`valid`".to_owned())(rest)?;
            q.valid = Some(d);
            i = rest;
        } else {
            break;
        }
    }
    while let Ok((rest, _)) = sym("|")(i) {
        let (rest, s) = step(rest)?;
        q.steps.push(s);
        i = rest;
    }
    let (i, _) = multispace0(i)?;
    if !i.is_empty() {
        let what = if q.filter.is_none() && matches!(q.source, Source::Claims) {
            "`where`, `at`, `known`, `valid`, `|` or the end of the query"
        } else {
            "`and`, `or`, `at`, `known`, `valid`, `|` or the end of the query"
        };
        return fail(i, format!("expected {what}"));
    }
    Ok((i, q))
}

/// Strips `#` comment lines (outside strings, at the start of a line) from a query file.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with('#') {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Puts, for each `$name` outside quotes in `text`, the value of the parameter of that name
/// as a double-quoted literal (so a value is always one literal, never query syntax: a
/// parameter cannot inject a clause); an unknown name is an error at its place. A name is a
/// letter or `_`, then letters, digits and `_`.
pub fn substitute(text: &str, params: &[(String, String)]) -> Result<String, SyntaxError> {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '$') => {
                let name_start = at + 1;
                let mut end = name_start;
                while let Some(&(i, ch)) = chars.peek() {
                    let ok = ch == '_'
                        || ch.is_ascii_alphabetic()
                        || (i > name_start && ch.is_ascii_digit());
                    if !ok {
                        break;
                    }
                    end = i + ch.len_utf8();
                    chars.next();
                }
                let name = &text[name_start..end];
                let Some((_, value)) = params.iter().find(|(n, _)| n == name) else {
                    let before = &text[..at];
                    let given: Vec<String> = params.iter().map(|(n, _)| format!("${n}")).collect();
                    return Err(SyntaxError {
                        offset: at,
                        line: before.matches('\n').count() + 1,
                        column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                        message: if name.is_empty() {
                            "expected a parameter's name after `$`".to_owned()
                        } else {
                            format!(
                                "no parameter `${name}` was given (--param {name}=VALUE){}",
                                if given.is_empty() {
                                    String::new()
                                } else {
                                    format!("; given: {}", given.join(", "))
                                }
                            )
                        },
                    });
                };
                out.push('"');
                for ch in value.chars() {
                    match ch {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        ch => out.push(ch),
                    }
                }
                out.push('"');
            }
            (_, c) => out.push(c),
        }
    }
    Ok(out)
}

/// Reads a query. Lines starting with `#` are comments.
pub fn parse(text: &str) -> Result<Query, SyntaxError> {
    let src = without_comments(text);
    match query(&src) {
        Ok((_, q)) => Ok(q),
        Err(Err::Error(e) | Err::Failure(e)) => {
            let offset = src.len() - e.input.len();
            let before = &src[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(SyntaxError {
                offset,
                line,
                column,
                message: e
                    .expected
                    .unwrap_or_else(|| "the query could not be read here".to_owned()),
            })
        }
        Err(Err::Incomplete(_)) => Err(SyntaxError {
            offset: src.len(),
            line: src.lines().count().max(1),
            column: 1,
            message: "the query ends too soon".to_owned(),
        }),
    }
}
