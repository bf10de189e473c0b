//! The pages, as HTML text, from a reconciliation, an entry or a query's answer.
//!
//! A page says nothing the log does not: every figure is the reconciler's, every word of a
//! claim is the claim's, escaped, and every page names the log position and head it was made
//! from. How the state was read (the whole log, or one subject through the index) is the
//! caller's business.

use crate::html::{Depth, MadeFrom, esc, page, source_link, subject_file};
use crate::svg;
use reckon_ledger::Entry;
use reckon_reconcile::{Reconciliation, State, Status, SubjectReport};
use reckon_render::recon::{status_sentence, summary_cells};
use std::fmt::Write as _;

/// The link from a page at `depth` to a subject's page.
pub fn subject_href(depth: Depth, subject: &str) -> String {
    format!("{}subject/{}", depth.root(), subject_file(subject))
}

/// The link from a page at `depth` to an entry's page.
pub fn entry_href(depth: Depth, seq: u64) -> String {
    format!("{}entry/{seq}.html", depth.root())
}

fn status_class(s: Status) -> String {
    format!("status-{}", s.as_str().replace(' ', "-"))
}

/// The order of the subjects page: conflicts first (contested, then unresolved), then the
/// rest by subject.
fn conflict_rank(s: Status) -> u8 {
    match s {
        Status::Contested => 0,
        Status::Unresolved => 1,
        _ => 2,
    }
}

/// The subjects page: every subject with its figure, status, support and dissent, conflicts
/// first, with a filter box.
pub fn subjects(r: &Reconciliation, made: &MadeFrom) -> String {
    let mut order: Vec<&SubjectReport> = r.subjects.iter().collect();
    order.sort_by(|a, b| {
        conflict_rank(a.status)
            .cmp(&conflict_rank(b.status))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    let conflicts = order.iter().filter(|s| conflict_rank(s.status) < 2).count();
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Figures</h1>\n<p>{} subject{} in {} unit{}; {} in conflict, listed first.</p>\n\
<label for=\"filter\">Filter subjects</label>\n\
<input type=\"search\" id=\"filter\" placeholder=\"words in the subject, figure or status\" autocomplete=\"off\">\n\
<p class=\"muted\" id=\"shown\" aria-live=\"polite\"></p>\n\
<div class=\"table-wrap\"><table id=\"subjects\">\n<caption class=\"muted\">Each figure describes the latest as_of of its claims.</caption>\n\
<thead><tr><th scope=\"col\">Subject</th><th scope=\"col\">Unit</th><th scope=\"col\">Figure</th><th scope=\"col\">Status</th><th scope=\"col\">Support</th><th scope=\"col\">Dissent</th></tr></thead>\n<tbody>\n",
        distinct_subjects(&order),
        plural(distinct_subjects(&order)),
        order.len(),
        plural(order.len()),
        conflicts
    );
    for s in order {
        let cells = summary_cells(s);
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td>",
            esc(&subject_href(Depth::Top, s.subject.as_str())),
            esc(s.subject.as_str())
        );
        for (k, cell) in cells.iter().enumerate().skip(1) {
            let class = match k {
                2 => " class=\"num\"".to_owned(),
                3 => format!(" class=\"{}\"", status_class(s.status)),
                _ => String::new(),
            };
            let _ = write!(body, "<td{class}>{}</td>", esc(cell));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table></div>\n");
    page("Figures", Depth::Top, made, &body, true)
}

fn distinct_subjects(order: &[&SubjectReport]) -> usize {
    let mut names: Vec<&str> = order.iter().map(|s| s.subject.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A subject's page: for each unit it is counted in, the figure and its status in words, the
/// timeline, the conflict graph, every claim with its provenance, and the reconciler's own
/// account (relations, parts, derivations, origin weights). `reports` are the subject's
/// reports from `r`'s reconciliation of `state`.
pub fn subject(state: &State<'_>, r: &Reconciliation, subject: &str, made: &MadeFrom) -> String {
    let reports: Vec<&SubjectReport> = r
        .subjects
        .iter()
        .filter(|s| s.subject.as_str() == subject)
        .collect();
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", esc(subject));
    if let Some(label) = reports.iter().find_map(|s| s.label.as_deref()) {
        let _ = writeln!(body, "<p>{}</p>", esc(label));
    }
    if let Some(s) = reports.first()
        && !s.aliases.is_empty()
    {
        let names: Vec<&str> = s.aliases.iter().map(|a| a.as_str()).collect();
        let _ = writeln!(
            body,
            "<p class=\"muted\">Also recorded as: {}</p>",
            esc(&names.join(", "))
        );
    }
    for s in &reports {
        unit_section(state, r, s, &mut body);
    }
    page(subject, Depth::Nested, made, &body, false)
}

fn unit_section(state: &State<'_>, r: &Reconciliation, s: &SubjectReport, body: &mut String) {
    let _ = writeln!(body, "<section>\n<h2>In {}</h2>", esc(&s.unit));
    // This unit's report alone, for the graph and the account in words.
    let one = Reconciliation {
        position: r.position,
        head: r.head,
        subjects: vec![s.clone()],
        records: Default::default(),
    };
    // The table's figure: every tied value, and a sum of parts that cannot hold beside it.
    let cells = summary_cells(s);
    let _ = writeln!(
        body,
        "<p class=\"figure\">Figure: <strong>{}</strong> {}</p>\n<p class=\"{}\">{}</p>",
        esc(&cells[2]),
        esc(&s.unit),
        status_class(s.status),
        esc(&capitalised(&status_sentence(s)))
    );
    let _ = writeln!(
        body,
        "<p class=\"muted\">Status: {}. Support: {}. Dissent: {}.</p>",
        esc(&cells[3]),
        esc(none_for_dash(&cells[4])),
        esc(none_for_dash(&cells[5]))
    );
    if !s.claims.is_empty() {
        let _ = writeln!(
            body,
            "<figure>\n{}<figcaption>Timeline: each claim's interval at the time it describes (else the day it was said); the band is the figure; crosses contradict it.</figcaption>\n</figure>",
            svg::timeline(state, s)
        );
        let g = reckon_reconcile::graph::build(&one);
        let _ = writeln!(
            body,
            "<figure>\n{}<figcaption>Conflict graph: claims (left) grouped by the value they state (middle), each value's relation to the figure (right) written on its edge; dashed arcs join claims of the same origin.</figcaption>\n</figure>",
            svg::graph(state, &g, &s.unit)
        );
    }
    claims_table(state, s, body);
    // The reconciler's own account, as `reckon explain` prints it.
    let text = reckon_render::recon::explain(state, &one, reckon_render::Format::Human);
    let text = text
        .split_once('\n')
        .map_or(text.as_str(), |(_, rest)| rest);
    let _ = writeln!(
        body,
        "<h3>In words</h3>\n<p class=\"muted\">Relations, parts and derivations, and each origin's weight, as <code>reckon explain</code> gives them.</p>\n<pre>{}</pre>\n</section>",
        esc(text.trim_matches('\n'))
    );
}

/// The table's `-` (nothing) in words.
fn none_for_dash(cell: &str) -> &str {
    if cell == "-" { "none" } else { cell }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn claims_table(state: &State<'_>, s: &SubjectReport, body: &mut String) {
    let _ = writeln!(
        body,
        "<h3>Claims</h3>\n<div class=\"table-wrap\"><table class=\"claims\">\n<thead><tr><th scope=\"col\">Entry</th><th scope=\"col\">Value</th><th scope=\"col\">Standing</th><th scope=\"col\">Who</th><th scope=\"col\">Where</th><th scope=\"col\">Said on</th><th scope=\"col\">As of</th><th scope=\"col\">Scope</th><th scope=\"col\">Quote</th></tr></thead>\n<tbody>"
    );
    for a in &s.claims {
        let rec = &state.claims[a.index];
        let full = rec.full;
        let standing = if a.counts() {
            a.relation.map_or("counted", |r| r.as_str()).to_owned()
        } else {
            format!("not counted: {}", s.reason(a))
        };
        let standing_class = match a.relation {
            Some(r) if a.counts() => format!("rel-{}", r.as_str().replace(' ', "-")),
            _ if !a.counts() => "excluded".to_owned(),
            _ => String::new(),
        };
        let mut who = full
            .and_then(|c| c.speaker.as_deref())
            .map(esc)
            .unwrap_or_else(|| "<span class=\"muted\">no speaker named</span>".to_owned());
        if let Some(role) = full.and_then(|c| c.role.as_deref()) {
            let _ = write!(who, "<br><span class=\"muted\">{}</span>", esc(role));
        }
        if let Some(cites) = full.and_then(|c| c.cites.as_deref()) {
            let _ = write!(who, "<br>citing {}", esc(cites));
        }
        let mut place = full
            .and_then(|c| c.publisher.as_deref())
            .map(esc)
            .unwrap_or_default();
        if let Some(url) = full.and_then(|c| c.url.as_deref()) {
            let text = full.and_then(|c| c.title.as_deref()).unwrap_or("source");
            if !place.is_empty() {
                place.push_str("<br>");
            }
            place.push_str(&source_link(url, text));
        }
        if let Some(doc) = full.and_then(|c| c.document.as_deref()) {
            let _ = write!(
                place,
                "<br><span class=\"muted\">document {}</span>",
                esc(doc)
            );
        }
        let quote = full
            .and_then(|c| c.quote.as_deref())
            .map(|q| format!("<blockquote>{}</blockquote>", esc(q)))
            .unwrap_or_default();
        let hash = rec.hash.to_hex();
        let _ = writeln!(
            body,
            "<tr data-seq=\"{seq}\"><td class=\"num\" data-label=\"Entry\"><a href=\"{href}\">#{seq}</a><br><code>{short}</code></td><td class=\"num\" data-label=\"Value\">{value}</td><td class=\"{standing_class}\" data-label=\"Standing\">{standing}</td><td data-label=\"Who\">{who}</td><td data-label=\"Where\">{place}</td><td class=\"num\" data-label=\"Said on\">{said}</td><td class=\"num\" data-label=\"As of\">{as_of}</td><td data-label=\"Scope\">{scope}</td><td data-label=\"Quote\">{quote}</td></tr>",
            seq = a.seq,
            href = esc(&entry_href(Depth::Nested, a.seq)),
            short = esc(&hash[..12]),
            value = esc(rec.claim.value.stated()),
            standing = esc(&standing),
            said = esc(&rec.claim.said_on.to_string()),
            as_of = rec
                .claim
                .as_of
                .map_or_else(|| "-".to_owned(), |p| esc(&p.to_string())),
            scope = rec.claim.scope.as_deref().map(esc).unwrap_or_default(),
        );
    }
    body.push_str("</tbody>\n</table></div>\n");
}

/// How an entry's page describes its check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The log position the whole read checked up to.
    pub upto: u64,
    /// The head hash (hex) it checked against.
    pub head: String,
}

/// An entry's page: its fields, what became of it, its check, and a link to its inclusion
/// proof when one can be made (`proof`).
pub fn entry(
    e: &Entry,
    fate: &reckon_reconcile::state::Fate,
    checked: &Checked,
    proof: bool,
    made: &MadeFrom,
) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>Entry #{}</h1>", e.seq);
    let _ = writeln!(
        body,
        "<p>{}</p>",
        esc(&reckon_render::event_summary(&e.event))
    );
    if let reckon_claim::Event::Claim(c) = &e.event {
        let _ = writeln!(
            body,
            "<p>About <a href=\"{}\">{}</a>.</p>",
            esc(&subject_href(Depth::Nested, c.subject.as_str())),
            esc(c.subject.as_str())
        );
        if let Some(url) = &c.url {
            let _ = writeln!(
                body,
                "<p>Source: {}</p>",
                source_link(url, c.title.as_deref().unwrap_or(url))
            );
        }
    }
    let _ = writeln!(
        body,
        "<h2>Verification</h2>\n<p class=\"status-corroborated\">Checked: its bytes hash to <code>{}</code> and it links to the entry before it (<code>{}</code>), in a read that checked every entry of the log up to position {} (head <code>{}</code>).</p>",
        esc(&e.hash.to_hex()),
        esc(&e.prev.to_hex()),
        checked.upto,
        esc(&checked.head)
    );
    if proof {
        let _ = writeln!(
            body,
            "<p><a href=\"{seq}.proof.json\" download=\"entry-{seq}.proof.json\">Download its inclusion proof</a> against the checkpoint this site was made with; check it with <code>reckon verify-proof</code>.</p>",
            seq = e.seq
        );
    } else {
        body.push_str("<p class=\"muted\">No checkpoint was given, so no inclusion proof is offered (<code>--checkpoint</code>).</p>\n");
    }
    let shown = reckon_render::show(e, fate, reckon_render::Format::Human);
    let _ = writeln!(
        body,
        "<h2>Fields</h2>\n<pre>{}</pre>",
        esc(shown.trim_end())
    );
    page(
        &format!("Entry #{}", e.seq),
        Depth::Nested,
        made,
        &body,
        false,
    )
}

/// What a question asked on the query page came to.
#[derive(Debug)]
pub enum Asked<'a> {
    /// No question yet.
    Nothing,
    /// The answer.
    Answer(&'a reckon_query::Answer),
    /// The question does not parse: the message with its caret under the place.
    Syntax(String),
    /// It parsed but cannot be answered.
    Refused(String),
    /// A static copy: questions need `reckon serve`.
    Static,
}

/// The query page: a box for a question in the query language and its answer as a table.
pub fn query(text: &str, asked: &Asked<'_>, made: &MadeFrom) -> String {
    let mut body = String::from("<h1>Query</h1>\n");
    if matches!(asked, Asked::Static) {
        body.push_str(
            "<p>This is a static copy of the log's pages: questions are answered by <code>reckon serve</code>, or on the command line with <code>reckon query</code>.</p>\n",
        );
    } else {
        let _ = writeln!(
            body,
            "<form method=\"get\" action=\"query.html\">\n<label for=\"q\">A question in reckon's query language</label>\n\
<textarea id=\"q\" name=\"q\" rows=\"3\" spellcheck=\"false\" placeholder=\"figures exchange/ | sort figure desc\">{}</textarea>\n\
<button type=\"submit\">Ask</button>\n</form>",
            esc(text)
        );
    }
    body.push_str("<p class=\"muted\">For example: <code>figures exchange/</code>, <code>claims where subject ~ \"exchange/*\" | show seq, value, origin, said_on</code>, <code>conflicts</code>, <code>provenance exchange/2025-05-23/agreed-per-side</code>.</p>\n");
    match asked {
        Asked::Nothing | Asked::Static => {}
        Asked::Syntax(msg) => {
            let _ = writeln!(
                body,
                "<h2>Not understood</h2>\n<pre class=\"error\" role=\"alert\">{}</pre>",
                esc(msg.trim_end())
            );
        }
        Asked::Refused(msg) => {
            let _ = writeln!(
                body,
                "<h2>Not answered</h2>\n<p class=\"status-contested\" role=\"alert\">{}</p>",
                esc(msg)
            );
        }
        Asked::Answer(a) => answer_table(a, &mut body),
    }
    page("Query", Depth::Top, made, &body, false)
}

fn answer_table(a: &reckon_query::Answer, body: &mut String) {
    let _ = writeln!(
        body,
        "<h2>Answer</h2>\n<p class=\"muted\">{}</p>\n<p><code>{}</code></p>",
        esc(&reckon_render::query::basis_line(a, false)),
        esc(&a.query)
    );
    for n in &a.notes {
        let _ = writeln!(body, "<p>{}</p>", esc(n));
    }
    let _ = writeln!(
        body,
        "<div class=\"table-wrap\"><table class=\"answer\">\n<thead><tr>{}</tr></thead>\n<tbody>",
        a.columns
            .iter()
            .map(|c| format!("<th scope=\"col\">{}</th>", esc(c)))
            .collect::<String>()
    );
    let subject_col = a.columns.iter().position(|c| c == "subject");
    let seq_col = a.columns.iter().position(|c| c == "seq");
    for row in &a.rows {
        body.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            let text = cell.to_string();
            let inner = if Some(k) == subject_col && reckon_claim::Subject::parse(&text).is_ok() {
                format!(
                    "<a href=\"{}\">{}</a>",
                    esc(&subject_href(Depth::Top, &text)),
                    esc(&text)
                )
            } else if Some(k) == seq_col && text.parse::<u64>().is_ok() {
                format!("<a href=\"entry/{0}.html\">{0}</a>", esc(&text))
            } else {
                esc(&text)
            };
            let _ = write!(body, "<td>{inner}</td>");
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table></div>\n");
}

/// A page for a name that is not in the log.
pub fn not_found(what: &str, depth: Depth, made: &MadeFrom) -> String {
    let body = format!(
        "<h1>Not in this log</h1>\n<p>{}</p>\n<p><a href=\"{}index.html\">All figures</a></p>\n",
        esc(what),
        depth.root()
    );
    page("Not found", depth, made, &body, false)
}
