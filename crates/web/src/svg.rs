//! The two pictures of a subject, drawn by reckon itself as SVG: the timeline of its claims
//! and its conflict graph.
//!
//! Both are standalone SVG documents (namespace, `role="img"`, a `<title>` and `<desc>` for
//! screen readers) that are also placed inline in the subject page. Each claim is one
//! element of class `mark` (timeline) or `claim` (graph) carrying `data-seq`, and its
//! standing is told by shape and line style as well as colour.

use crate::html::esc;
use reckon_claim::{Interval, Period};
use reckon_reconcile::graph::{ConflictGraph, Edge, Node};
use reckon_reconcile::{Assessed, Relation, State, SubjectReport};
use reckon_render::recon::figure_text;
use std::fmt::Write as _;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 50.0;

fn num(n: reckon_claim::Num) -> f64 {
    // Only for placing marks: every label is written from the exact figure.
    n.millionths() as f64 / 1_000_000.0
}

/// Who a claim is by, for a label: its speaker, else its publisher, else its origin.
fn who(rec: &reckon_reconcile::Recorded<'_>) -> String {
    rec.full
        .and_then(|c| c.speaker.clone().or_else(|| c.publisher.clone()))
        .unwrap_or_else(|| rec.claim.origin.to_string())
}

/// How a claim stands, in the words and the shape used for it.
fn standing(a: &Assessed) -> (&'static str, &'static str) {
    if !a.counts() {
        return ("not counted", "hollow");
    }
    match a.relation {
        Some(Relation::Contradicts) => ("contradicts", "cross"),
        Some(Relation::OutOfOrder) => ("out of order", "cross"),
        Some(Relation::DiffersInTime) => ("differs in time", "diamond"),
        Some(Relation::Consistent) => ("consistent", "dot"),
        Some(Relation::Agrees) => ("agrees", "dot"),
        None => ("counted", "dot"),
    }
}

/// The day a claim is placed at: the middle of its `as_of`, else of when it was said.
fn day_of(p: &Period) -> f64 {
    let a = p.start().days_since_epoch() as f64;
    let b = p.end().days_since_epoch() as f64;
    (a + b) / 2.0
}

fn date_label(day: f64) -> String {
    reckon_claim::Date::from_days_since_epoch(day.round() as i64).map_or_else(String::new, |d| {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    })
}

/// The timeline of one subject in one unit: `as_of` (else the day said) across, the value up;
/// each claim's interval a bar (an arrow where it is open above), the figure a band, claims
/// that contradict it drawn as crosses.
pub fn timeline(state: &State<'_>, s: &SubjectReport) -> String {
    struct Mark<'a> {
        a: &'a Assessed,
        day: f64,
        lo: f64,
        hi: Option<f64>,
        label: String,
    }
    let marks: Vec<Mark<'_>> = s
        .claims
        .iter()
        .map(|a| {
            let rec = &state.claims[a.index];
            let period = a.as_of.or(rec.claim.as_of).unwrap_or(rec.claim.said_on);
            let who = who(rec);
            Mark {
                a,
                day: day_of(&period),
                lo: num(a.interval.lo().at),
                hi: a.interval.hi().map(|h| num(h.at)),
                label: format!(
                    "#{} {}: {} {} ({})",
                    a.seq,
                    who,
                    a.interval.words(),
                    s.unit,
                    standing(a).0
                ),
            }
        })
        .collect();
    let figure = s.figure.as_ref();
    // The value range shown: every finite end, the figure's included.
    let mut ends: Vec<f64> = marks
        .iter()
        .flat_map(|m| std::iter::once(m.lo).chain(m.hi))
        .collect();
    if let Some(f) = figure {
        ends.push(num(f.lo().at));
        ends.extend(f.hi().map(|h| num(h.at)));
    }
    let (mut y0, mut y1) = ends
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    let pad = ((y1 - y0) * 0.12).max(y1.abs() * 0.05).max(1.0);
    let (y0, y1) = (
        (y0 - pad).max(if y0 >= 0.0 { 0.0 } else { y0 - pad }),
        y1 + pad,
    );
    let (mut x0, mut x1) = marks
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), m| {
            (a.min(m.day), b.max(m.day))
        });
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    let xpad = ((x1 - x0) * 0.08).max(3.0);
    let (x0, x1) = (x0 - xpad, x1 + xpad);
    let px = |day: f64| LEFT + (day - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
    let py = |v: f64| TOP + (1.0 - (v - y0) / (y1 - y0)) * (HEIGHT - TOP - BOTTOM);

    let title = format!("Timeline of {} in {}", s.subject, s.unit);
    let desc = format!(
        "{} claims placed by the time they describe; the figure is {}.",
        marks.len(),
        figure_text(figure, &s.unit)
    );
    let mut out = open_svg(WIDTH, HEIGHT, "timeline", &title, &desc);
    // Axes, with the value range and first and last dates written out.
    let _ = writeln!(
        out,
        "<g class=\"axes\" stroke=\"#777\" stroke-width=\"1\">\
<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{yb}\"/>\
<line x1=\"{LEFT}\" y1=\"{yb}\" x2=\"{xr}\" y2=\"{yb}\"/></g>",
        yb = HEIGHT - BOTTOM,
        xr = WIDTH - RIGHT,
    );
    let whole = y1 - y0 >= 10.0;
    for v in [y0, (y0 + y1) / 2.0, y1] {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            LEFT - 6.0,
            py(v) + 4.0,
            esc(&axis_number(v, whole))
        );
    }
    let dates: Vec<f64> = if (x1 - x0) > 2.0 * xpad + 0.5 {
        vec![x0 + xpad, x1 - xpad]
    } else {
        vec![(x0 + x1) / 2.0]
    };
    for d in dates {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            px(d),
            HEIGHT - BOTTOM + 18.0,
            date_label(d)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">as of (else the day said) →</text>",
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 10.0
    );
    // The figure as a band across the whole chart.
    if let Some(f) = figure {
        let top = f.hi().map_or(TOP, |h| py(num(h.at)));
        let bottom = py(num(f.lo().at));
        let height = (bottom - top).max(3.0);
        let _ = writeln!(
            out,
            "<rect class=\"band\" x=\"{LEFT}\" y=\"{:.1}\" width=\"{}\" height=\"{height:.1}\" fill=\"#cfe3c6\" stroke=\"#1d5e20\" stroke-dasharray=\"4 3\"><title>{}</title></rect>",
            bottom - height,
            WIDTH - LEFT - RIGHT,
            esc(&format!(
                "figure: {} {}",
                figure_text(Some(f), &s.unit),
                s.unit
            ))
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1d5e20\">figure {}</text>",
            LEFT + 4.0,
            (bottom - height - 4.0).max(12.0),
            esc(&figure_text(Some(f), &s.unit))
        );
    }
    // Claims on the same day are spread a little so that each stays visible.
    let mut seen_days: Vec<(i64, usize)> = Vec::new();
    for m in &marks {
        let key = (m.day * 2.0).round() as i64;
        let k = match seen_days.iter_mut().find(|(d, _)| *d == key) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen_days.push((key, 0));
                0
            }
        };
        let x = px(m.day) + (k as f64) * 7.0;
        let (words, shape) = standing(m.a);
        let colour = match shape {
            "cross" => "#a4001d",
            "hollow" => "#777",
            "diamond" => "#6b4e00",
            _ => "#0b4f9c",
        };
        let y_lo = py(m.lo);
        let y_hi = m.hi.map_or(TOP, py);
        let _ = write!(
            out,
            "<g class=\"mark {shape}\" data-seq=\"{}\" data-standing=\"{}\"><title>{}</title>",
            m.a.seq,
            esc(words),
            esc(&m.label)
        );
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y_lo:.1}\" x2=\"{x:.1}\" y2=\"{y_hi:.1}\" stroke=\"{colour}\" stroke-width=\"3\"{}/>",
            if shape == "hollow" {
                " stroke-dasharray=\"3 2\""
            } else {
                ""
            }
        );
        if m.hi.is_none() {
            // Open above: an arrow head at the top.
            let _ = write!(
                out,
                "<path d=\"M{:.1} {TOP} l-5 9 h10 z\" fill=\"{colour}\"/>",
                x
            );
        }
        let y = match m.hi {
            Some(hi) => py((m.lo + hi) / 2.0),
            None => y_lo,
        };
        let _ = match shape {
            "cross" => write!(
                out,
                "<path d=\"M{a:.1} {b:.1} l10 10 m0 -10 l-10 10\" stroke=\"{colour}\" stroke-width=\"3\"/>",
                a = x - 5.0,
                b = y - 5.0
            ),
            "diamond" => write!(
                out,
                "<path d=\"M{x:.1} {a:.1} l6 6 l-6 6 l-6 -6 z\" fill=\"{colour}\"/>",
                a = y - 6.0
            ),
            "hollow" => write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"2\"/>"
            ),
            _ => write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{colour}\"/>"
            ),
        };
        out.push_str("</g>\n");
    }
    legend(
        &mut out,
        &[
            ("●", "#0b4f9c", "supports or is consistent"),
            ("✕", "#a4001d", "contradicts"),
            ("◆", "#6b4e00", "another time"),
            ("○", "#777", "not counted"),
        ],
    );
    out.push_str("</svg>\n");
    out
}

fn axis_number(v: f64, whole: bool) -> String {
    if whole {
        let n = v.round() as i64;
        reckon_claim::Num::from_int(n).grouped()
    } else {
        format!("{v:.1}")
    }
}

fn open_svg(w: f64, h: f64, class: &str, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {w} {h}\" \
width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{class}-title {class}-desc\" \
font-family=\"system-ui, sans-serif\">\n<title id=\"{class}-title\">{}</title>\n<desc id=\"{class}-desc\">{}</desc>\n\
<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
        esc(title),
        esc(desc)
    )
}

fn legend(out: &mut String, items: &[(&str, &str, &str)]) {
    let mut x = LEFT;
    out.push_str("<g class=\"legend\" font-size=\"12\">");
    for (sym, colour, words) in items {
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"16\"><tspan fill=\"{colour}\">{sym}</tspan> {}</text>",
            esc(words)
        );
        x += 30.0 + 7.2 * words.len() as f64;
    }
    out.push_str("</g>\n");
}

/// The conflict graph of the subjects of `g` (built from their reconciliation), laid out in
/// three columns: claims on the left, grouped by the value they state (clusters, in the
/// middle), figures on the right. Edges: a claim to its cluster (thin), a cluster's relation
/// to the figure (solid for agrees, dashed for consistent, dotted and thick for contradicts,
/// each labelled), same origin (an arc on the left), part of (between figures).
pub fn graph(state: &State<'_>, g: &ConflictGraph, unit: &str) -> String {
    use petgraph::graph::NodeIndex;
    use petgraph::visit::EdgeRef;
    let figures: Vec<NodeIndex> = g
        .node_indices()
        .filter(|n| matches!(g[*n], Node::Figure(_)))
        .collect();
    // Clusters in the order of their values; claims in the order of their clusters.
    let mut clusters: Vec<NodeIndex> = g
        .node_indices()
        .filter(|n| matches!(g[*n], Node::Cluster(_)))
        .collect();
    let interval_of = |n: NodeIndex| match &g[n] {
        Node::Cluster(c) => Some(c.interval),
        _ => None,
    };
    clusters.sort_by(|a, b| {
        let (ia, ib) = (interval_of(*a), interval_of(*b));
        ia.map(|i| i.lo().at)
            .cmp(&ib.map(|i| i.lo().at))
            .then(a.index().cmp(&b.index()))
    });
    let mut claims: Vec<(NodeIndex, usize)> = Vec::new();
    for (k, c) in clusters.iter().enumerate() {
        let mut members: Vec<NodeIndex> = g
            .edges_directed(*c, petgraph::Direction::Incoming)
            .filter(|e| *e.weight() == Edge::Agrees)
            .map(|e| e.source())
            .collect();
        members.sort_by_key(|n| match g[*n] {
            Node::Claim { seq, .. } => seq,
            _ => 0,
        });
        claims.extend(members.into_iter().map(|m| (m, k)));
    }
    let row = 34.0;
    let rows = claims.len().max(clusters.len()).max(figures.len()).max(1);
    let h = TOP + 20.0 + row * rows as f64 + 20.0;
    let w = 900.0;
    let (xc, xk, xf) = (20.0, 380.0, 680.0);
    let mut pos: std::collections::HashMap<NodeIndex, (f64, f64)> =
        std::collections::HashMap::new();
    let y_at = |i: usize, n: usize| TOP + 30.0 + (rows as f64 * row) * (i as f64 + 0.5) / n as f64;
    for (i, (n, _)) in claims.iter().enumerate() {
        pos.insert(*n, (xc, y_at(i, claims.len())));
    }
    for (i, n) in clusters.iter().enumerate() {
        pos.insert(*n, (xk, y_at(i, clusters.len())));
    }
    for (i, n) in figures.iter().enumerate() {
        pos.insert(*n, (xf, y_at(i, figures.len())));
    }
    let title = "Conflict graph".to_owned();
    let desc = format!(
        "{} claims grouped into {} values, related to {} figure(s).",
        claims.len(),
        clusters.len(),
        figures.len()
    );
    let mut out = open_svg(w, h, "graph", &title, &desc);
    let _ = writeln!(
        out,
        "<g font-size=\"12\" fill=\"#555\"><text x=\"{xc}\" y=\"{TOP}\">claims</text><text x=\"{xk}\" y=\"{TOP}\">values stated</text><text x=\"{xf}\" y=\"{TOP}\">figure</text></g>"
    );
    let claim_w = 300.0;
    let cluster_w = 160.0;
    // Edges first, so that nodes are drawn over them.
    for e in g.edge_references() {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&e.source()), pos.get(&e.target()))
        else {
            continue;
        };
        let kind = *e.weight();
        match kind {
            Edge::Agrees => {
                let _ = writeln!(
                    out,
                    "<line class=\"edge agrees\" x1=\"{:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#999\" stroke-width=\"1\"/>",
                    x1 + claim_w
                );
            }
            Edge::Relation(rel) => {
                let (stroke, dash, width) = match rel {
                    Relation::Agrees => ("#1d5e20", "", 2.5),
                    Relation::Consistent => ("#1d5e20", " stroke-dasharray=\"8 4\"", 2.0),
                    Relation::Contradicts | Relation::OutOfOrder => {
                        ("#a4001d", " stroke-dasharray=\"2 3\"", 3.5)
                    }
                    Relation::DiffersInTime => ("#6b4e00", " stroke-dasharray=\"10 3 2 3\"", 2.0),
                };
                let _ = writeln!(
                    out,
                    "<g class=\"edge relation\" data-relation=\"{r}\"><line x1=\"{:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{stroke}\">{r}</text></g>",
                    x1 + cluster_w,
                    (x1 + cluster_w + x2) / 2.0,
                    (y1 + y2) / 2.0 - 4.0,
                    r = rel.as_str()
                );
            }
            Edge::SameOrigin => {
                let bulge = 14.0 + (y1 - y2).abs() * 0.15;
                let _ = writeln!(
                    out,
                    "<path class=\"edge same-origin\" d=\"M{x1:.1} {y1:.1} C{a:.1} {y1:.1} {a:.1} {y2:.1} {x2:.1} {y2:.1}\" fill=\"none\" stroke=\"#6a3d9a\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>same origin</title></path>",
                    a = x1 - bulge
                );
            }
            Edge::PartOf => {
                let _ = writeln!(
                    out,
                    "<line class=\"edge part-of\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#333\" stroke-width=\"1.5\" stroke-dasharray=\"1 3\"><title>part of</title></line>"
                );
            }
        }
    }
    for (n, _) in &claims {
        let Node::Claim { seq, index } = g[*n] else {
            continue;
        };
        let (x, y) = pos[n];
        let rec = &state.claims[index];
        let who = who(rec);
        let text = clip(
            &format!("#{seq} {}: {}", clip(&who, 18), rec.claim.value.stated()),
            44,
        );
        let _ = writeln!(
            out,
            "<g class=\"claim\" data-seq=\"{seq}\"><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{claim_w}\" height=\"24\" rx=\"4\" fill=\"#eef3fa\" stroke=\"#0b4f9c\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text></g>",
            y - 12.0,
            x + 6.0,
            y + 4.0,
            esc(&text)
        );
    }
    for n in &clusters {
        let Node::Cluster(c) = &g[*n] else {
            continue;
        };
        let (interval, counted) = (&c.interval, &c.counted);
        let (x, y) = pos[n];
        let text = format!(
            "{}{}",
            value_words(interval, unit),
            if *counted { "" } else { " (not counted)" }
        );
        let _ = writeln!(
            out,
            "<g class=\"cluster\"><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{cluster_w}\" height=\"24\" rx=\"12\" fill=\"#fff\" stroke=\"#333\"{}/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text></g>",
            y - 12.0,
            if *counted {
                ""
            } else {
                " stroke-dasharray=\"3 2\""
            },
            x + 8.0,
            y + 4.0,
            esc(&text)
        );
    }
    for n in &figures {
        let Node::Figure(f) = &g[*n] else {
            continue;
        };
        let (subject, unit, interval, status) = (&f.subject, &f.unit, &f.interval, &f.status);
        let (x, y) = pos[n];
        let figure = format!("{} {}", figure_text(interval.as_ref(), unit), unit);
        let _ = writeln!(
            out,
            "<g class=\"figure\"><title>{}</title><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"200\" height=\"40\" rx=\"2\" fill=\"#cfe3c6\" stroke=\"#1d5e20\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text></g>",
            esc(subject.as_str()),
            y - 20.0,
            x + 8.0,
            y - 3.0,
            esc(&clip(&figure, 27)),
            x + 8.0,
            y + 13.0,
            esc(status.as_str())
        );
    }
    out.push_str("</svg>\n");
    out
}

fn value_words(iv: &Interval, unit: &str) -> String {
    clip(&figure_text(Some(iv), unit), 24)
}

/// At most `n` characters, with `…` when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
