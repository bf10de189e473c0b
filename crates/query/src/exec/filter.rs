//! Which claims and figures a `where` selects, and the names to suggest when none is.

use super::*;

pub(super) fn text_matches(value: Option<&str>, op: Op, lit: &str, subject: bool) -> bool {
    let Some(v) = value else { return op == Op::Ne };
    match op {
        Op::Eq => v == lit,
        Op::Ne => v != lit,
        Op::Like if subject => Pattern::new(lit).matches(v),
        Op::Like => Pattern::new(&lit.to_lowercase()).matches(&v.to_lowercase()),
        Op::Contains => v.to_lowercase().contains(&lit.to_lowercase()),
        _ => false,
    }
}

pub(super) fn interval_matches(v: &Interval, op: Op, lit: &Interval) -> bool {
    let below = |a: &Interval, b: &Interval| match a.hi() {
        Some(h) => h.at < b.lo().at || (h.at == b.lo().at && (h.open || b.lo().open)),
        None => false,
    };
    match op {
        Op::Eq => v == lit,
        Op::Ne => v != lit,
        Op::Ge => v.lo().at >= lit.lo().at,
        Op::Gt => below(lit, v),
        Op::Le => match (v.hi(), lit.hi()) {
            (Some(a), Some(b)) => a.at <= b.at,
            (_, None) => true,
            (None, Some(_)) => false,
        },
        Op::Lt => below(v, lit),
        Op::Overlaps => v.overlaps(lit),
        Op::Contains => v.contains(lit),
        Op::Like => false,
    }
}

pub(super) fn period_matches(v: Option<&Period>, op: Op, lit: &Period) -> bool {
    let Some(p) = v else { return op == Op::Ne };
    // `=` is "within": said on 2025-05-16 is `= 2025-05` (in May 2025) and `= 2025`.
    let within = lit.start() <= p.start() && p.end() <= lit.end();
    match op {
        Op::Eq => within,
        Op::Ne => !within,
        Op::Ge => p.start() >= lit.start(),
        Op::Gt => p.start() > lit.end(),
        Op::Le => p.end() <= lit.end(),
        Op::Lt => p.end() < lit.start(),
        Op::Overlaps => p.overlaps(lit),
        Op::Contains => p.start() <= lit.start() && lit.end() <= p.end(),
        Op::Like => false,
    }
}

pub(super) fn number_matches(v: u64, op: Op, n: u64) -> bool {
    match op {
        Op::Eq => v == n,
        Op::Ne => v != n,
        Op::Ge => v >= n,
        Op::Gt => v > n,
        Op::Le => v <= n,
        Op::Lt => v < n,
        _ => false,
    }
}

pub(super) fn literal_interval(lit: &Literal) -> Option<Interval> {
    match lit {
        Literal::Figure(v) => v.interval(Tolerance::DEFAULT),
        _ => None,
    }
}

pub(super) fn eval_claim(state: &State<'_>, r: &Recorded<'_>, e: &Expr) -> bool {
    eval_claim_words(state, r, e, None)
}

/// [`eval_claim`] with the claim's words given (`words`) when the state does not hold them
/// (a lean fold's claim, its words read again from its line).
pub(super) fn eval_claim_words(
    state: &State<'_>,
    r: &Recorded<'_>,
    e: &Expr,
    words: Option<&reckon_claim::ClaimWords<'_>>,
) -> bool {
    match e {
        Expr::And(terms) => terms.iter().all(|t| eval_claim_words(state, r, t, words)),
        Expr::Or(terms) => terms.iter().any(|t| eval_claim_words(state, r, t, words)),
        Expr::Not(a) => !eval_claim_words(state, r, a, words),
        Expr::Cmp(f, op, lit) => cmp_claim(state, r, (*f, *op, lit), words),
    }
}

/// Whether claim `r` meets the comparison (field, operator, literal); its words from
/// `words` when the state does not hold them.
pub(super) fn cmp_claim(
    state: &State<'_>,
    r: &Recorded<'_>,
    (f, op, lit): (Field, Op, &Literal),
    words: Option<&reckon_claim::ClaimWords<'_>>,
) -> bool {
    let c = &r.claim;
    let words = match r.full {
        Some(_) => None,
        None => words,
    };
    match (f, lit) {
        (Field::Subject, Literal::Text(t)) => subject_holds(
            c.subject.as_str(),
            state.canonical(&c.subject).as_str(),
            op,
            t,
        ),
        (Field::Tag, Literal::Text(t)) => {
            let hit = |tag: &str| {
                text_matches(Some(tag), if op == Op::Ne { Op::Eq } else { op }, t, false)
            };
            let any = r.full.iter().flat_map(|d| &d.tags).any(|tag| hit(tag))
                || words.iter().flat_map(|w| &w.tags).any(|tag| hit(tag));
            if op == Op::Ne { !any } else { any }
        }
        (Field::Seq, Literal::Number(n)) => number_matches(r.seq, op, *n),
        (Field::Value, lit) => match (
            c.value.value().interval(tolerance_of(state, r)),
            literal_interval(lit),
        ) {
            (Some(v), Some(l)) => interval_matches(&v, op, &l),
            _ => false,
        },
        (Field::SaidOn, Literal::Date(d)) => period_matches(Some(&c.said_on), op, d),
        (Field::AsOf, Literal::Date(d)) => period_matches(c.as_of.as_ref(), op, d),
        (_, Literal::Text(t)) => {
            let cell = match words {
                Some(w) if super::WORD_FIELDS.contains(&f) => word_cell(Some(w), f),
                _ => claim_cell(state, r, f),
            };
            let v = match &cell {
                Cell::Empty => None,
                other => Some(other.to_string()),
            };
            text_matches(v.as_deref(), op, t, false)
        }
        _ => false,
    }
}

pub(super) fn eval_figure(s: &SubjectReport, e: &Expr) -> bool {
    match e {
        Expr::And(terms) => terms.iter().all(|t| eval_figure(s, t)),
        Expr::Or(terms) => terms.iter().any(|t| eval_figure(s, t)),
        Expr::Not(a) => !eval_figure(s, a),
        Expr::Cmp(f, op, lit) => match (f, lit) {
            (Field::Value, lit) => match (s.figure, literal_interval(lit)) {
                (Some(v), Some(l)) => interval_matches(&v, *op, &l),
                _ => false,
            },
            (Field::AsOf, Literal::Date(d)) => period_matches(s.as_of.as_ref(), *op, d),
            (Field::Support, Literal::Number(n)) => {
                number_matches(s.support_origins() as u64, *op, *n)
            }
            (Field::Dissent, Literal::Number(n)) => {
                number_matches(s.dissent().count() as u64, *op, *n)
            }
            (Field::Subject, Literal::Text(t)) => {
                let any = text_matches(
                    Some(s.subject.as_str()),
                    if *op == Op::Ne { Op::Eq } else { *op },
                    t,
                    true,
                ) || s
                    .aliases
                    .iter()
                    .any(|a| text_matches(Some(a.as_str()), Op::Eq, t, true));
                if *op == Op::Ne { !any } else { any }
            }
            (f, Literal::Text(t)) => {
                text_matches(Some(&figure_cell(s, *f).to_string()), *op, t, false)
            }
            _ => false,
        },
    }
}

pub(super) fn fields_in(e: &Expr, out: &mut Vec<Field>) {
    match e {
        Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| fields_in(t, out)),
        Expr::Not(a) => fields_in(a, out),
        Expr::Cmp(f, _, _) => out.push(*f),
    }
}

pub(super) fn only_figure_fields(q: &Query) -> Result<(), QueryError> {
    let mut used = Vec::new();
    if let Some(e) = &q.filter {
        fields_in(e, &mut used);
    }
    for s in &q.steps {
        match s {
            Step::Sort(f, _) => used.push(*f),
            Step::Show(fs) => used.extend(fs.iter().copied()),
            Step::Group(f) => used.push(*f),
            _ => {}
        }
    }
    match used.iter().find(|f| !FIGURE_FIELDS.contains(f)) {
        Some(f) => {
            let names: Vec<&str> = FIGURE_FIELDS.iter().map(|f| f.name()).collect();
            Err(QueryError(format!(
                "`{}` is a field of claims, not of figures; figures have {}",
                f.name(),
                names.join(", ")
            )))
        }
        None => Ok(()),
    }
}

/// Text comparisons with `=` that no claim satisfies, with the nearest values the log has;
/// `names`, when given, are the subject names of the whole log's claims, which `state` holds
/// only some of (a filter that compares no field but the subject with text); `seen`, what
/// the filter's comparisons met in the claims of the log `state` does not hold
/// ([`TextSeen`]).
pub(super) fn unmatched(
    state: &State<'_>,
    e: &Expr,
    (names, seen): (Option<&[String]>, Option<Unmatched>),
    notes: &mut Vec<String>,
) {
    let mut values = seen.unwrap_or_else(|| Unmatched::new(e));
    for r in &state.claims {
        values.visit(state, r, None);
    }
    if let Some(names) = names {
        values.names(names);
    }
    values.notes(notes);
}

/// True when the only text comparisons in `e` are of the subject.
pub(super) fn only_subject_text(e: &Expr) -> bool {
    let mut terms = Vec::new();
    text_terms(e, &mut terms);
    terms.iter().all(|(f, _, _)| *f == Field::Subject)
}

/// Whether a subject comparison holds for a claim written with `subject`, which stands for
/// `canonical`.
fn subject_holds(subject: &str, canonical: &str, op: Op, t: &str) -> bool {
    let hit = |s: &str| text_matches(Some(s), if op == Op::Ne { Op::Eq } else { op }, t, true);
    let any = hit(subject) || hit(canonical);
    if op == Op::Ne { !any } else { any }
}

/// What [`unmatched`] says, learnt a claim at a time: for each of a filter's text
/// comparisons, whether some claim satisfies it, and until one does, the distinct values the
/// claims have for its field (never every claim's words). So it can ride along a pass that
/// reads every claim's words for another reason.
#[derive(Clone, Debug)]
pub(super) struct Unmatched {
    terms: Vec<(Field, Op, Literal)>,
    matched: Vec<bool>,
    values: Vec<std::collections::BTreeSet<String>>,
}

impl Unmatched {
    /// Nothing seen yet, for the text comparisons of `e`.
    pub(super) fn new(e: &Expr) -> Unmatched {
        let mut terms = Vec::new();
        text_terms(e, &mut terms);
        Unmatched {
            matched: vec![false; terms.len()],
            values: vec![Default::default(); terms.len()],
            terms,
        }
    }

    /// Takes in claim `r` of `state`, with its words when the state does not hold them.
    pub(super) fn visit(
        &mut self,
        state: &State<'_>,
        r: &Recorded<'_>,
        words: Option<&reckon_claim::ClaimWords<'_>>,
    ) {
        let words = r.full.is_none().then_some(words).flatten();
        for (k, (f, op, lit)) in self.terms.iter().enumerate() {
            if self.matched[k] {
                continue;
            }
            if cmp_claim(state, r, (*f, *op, lit), words) {
                // Its values are never named: what was gathered is let go.
                self.matched[k] = true;
                self.values[k] = Default::default();
                continue;
            }
            let seen = &mut self.values[k];
            match f {
                Field::Tag => {
                    let full = r
                        .full
                        .iter()
                        .flat_map(|d| d.tags.iter().map(String::as_str));
                    let read = words.iter().flat_map(|w| w.tags.iter().map(|t| &t[..]));
                    for t in full.chain(read) {
                        if !t.is_empty() && !seen.contains(t) {
                            seen.insert(t.to_owned());
                        }
                    }
                }
                _ => {
                    let cell = match words {
                        Some(w) if WORD_FIELDS.contains(f) => word_cell(Some(w), *f),
                        _ => claim_cell(state, r, *f),
                    }
                    .to_string();
                    if !cell.is_empty() && !seen.contains(&cell) {
                        seen.insert(cell);
                    }
                }
            }
        }
    }

    /// Takes in claims written with each of `names` as their subject (a log with no alias:
    /// the name is what the subject stands for), for the filter's subject comparisons only.
    pub(super) fn names(&mut self, names: &[String]) {
        for (k, (f, op, lit)) in self.terms.iter().enumerate() {
            let (Field::Subject, Literal::Text(t)) = (f, lit) else {
                continue;
            };
            for name in names {
                if self.matched[k] {
                    break;
                }
                if subject_holds(name, name, *op, t) {
                    self.matched[k] = true;
                    self.values[k] = Default::default();
                } else if !name.is_empty() && !self.values[k].contains(name) {
                    self.values[k].insert(name.clone());
                }
            }
        }
    }

    /// The comparisons no claim taken in satisfied yet, as bits: bit `k` for the `k`-th of
    /// the first 63, and the top bit, always, when there are more (those are not told).
    fn open_bits(&self) -> u64 {
        let first = self
            .matched
            .iter()
            .take(63)
            .enumerate()
            .filter(|(_, m)| !**m)
            .fold(0, |bits, (k, _)| bits | 1 << k);
        first | u64::from(self.matched.len() > 63) << 63
    }

    /// A note for each comparison no claim taken in satisfied, with the nearest values.
    pub(super) fn notes(self, notes: &mut Vec<String>) {
        for (((f, _, lit), matched), values) in self.terms.iter().zip(self.matched).zip(self.values)
        {
            if matched {
                continue;
            }
            let Literal::Text(t) = lit else { continue };
            let lower = t.to_lowercase();
            let mut near: Vec<&str> = values
                .iter()
                .map(String::as_str)
                .filter(|v| v.to_lowercase().contains(&lower))
                .take(3)
                .collect();
            if near.is_empty() {
                near = nearest(t, values.iter().map(String::as_str), 3);
            }
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!("; the nearest are: {}", near.join(", "))
            };
            notes.push(format!(
                "no claim has {} `{}`{hint}",
                f.name(),
                reckon_claim::input::clip(t, 80)
            ));
        }
    }
}

/// The fields whose values a claim's event holds as one text each, with their keys: what
/// [`TextSeen`] reads from the text of a claim written as reckon writes it.
const TEXT_KEYS: &[(Field, &str)] = &[
    (Field::Speaker, r#""speaker":""#),
    (Field::Role, r#""role":""#),
    (Field::Cites, r#""cites":""#),
    (Field::Publisher, r#""publisher":""#),
    (Field::Document, r#""document":""#),
    (Field::Url, r#""url":""#),
    (Field::Title, r#""title":""#),
    (Field::Quote, r#""quote":""#),
];

fn text_key(f: Field) -> Option<&'static str> {
    TEXT_KEYS.iter().find(|(g, _)| *g == f).map(|(_, key)| *key)
}

/// What a filter's text comparisons meet in the claims a pass over the whole log does not
/// decode, read from their events' text (and their lines' hashes) as the pass checks each
/// line, on all cores: so that a question the pass answers with no rows can still name the
/// values nearest to what matched nothing, without a second read of every claim. Only for a
/// filter whose text comparisons are all of fields such a text holds, or of the hash
/// ([`TextSeen::new`]). Each thread takes lines into its own share; once every comparison
/// has met a claim it satisfies, nothing more is read.
pub(super) struct TextSeen {
    /// The comparisons, as [`Unmatched`] holds them, with nothing taken in.
    empty: Unmatched,
    /// Where each comparison's field is read.
    reads: Vec<Held>,
    shares: Vec<std::sync::Mutex<Share>>,
    /// The comparisons not yet satisfied (bits of [`Unmatched::open_bits`]).
    open: std::sync::atomic::AtomicU64,
}

/// Where a claim's line holds the field a comparison reads.
enum Held {
    /// In its event's text, after this key (found fast).
    Text(Box<memchr::memmem::Finder<'static>>),
    /// Its hash. Every claim has a distinct one, so a share keeps only the hashes that the
    /// comparison's note could name (see [`Unmatched::notes`]): the three least that hold
    /// the text asked for, and every one within the edit distance `near` scores.
    Hash {
        lower: String,
        near: Box<reckon_claim::suggest::Near>,
    },
}

/// How many of the hashes that hold the text asked for a note names at most.
const NAMED: usize = 3;

/// What one thread's lines met: whether each comparison was satisfied, and until then the
/// distinct values its field had (for a hash, those its note could name).
#[derive(Clone)]
struct Share {
    matched: Vec<bool>,
    values: Vec<std::collections::HashSet<Box<str>, reckon_reconcile::fx::FxBuild>>,
    /// For a comparison of the hash, the least hashes that hold its text (at most
    /// [`NAMED`], ascending).
    least: Vec<Vec<Box<str>>>,
    /// The hash of the line taken, in hexadecimal (a buffer kept between lines).
    hex: Vec<u8>,
}

impl TextSeen {
    /// For `e`, when each of its text comparisons is of a field a claim's event holds as one
    /// text, or of the hash; else `None`.
    pub(super) fn new(e: &Expr) -> Option<TextSeen> {
        let empty = Unmatched::new(e);
        let reads = empty
            .terms
            .iter()
            .map(|(f, _, lit)| match (f, lit) {
                (Field::Hash, Literal::Text(t)) => Some(Held::Hash {
                    lower: t.to_lowercase(),
                    near: Box::new(reckon_claim::suggest::Near::as_nearest(t)),
                }),
                _ => text_key(*f).map(|key| Held::Text(Box::new(memchr::memmem::Finder::new(key)))),
            })
            .collect::<Option<Vec<_>>>()?;
        if reads.is_empty() {
            return None;
        }
        let open = std::sync::atomic::AtomicU64::new(empty.open_bits());
        let share = Share {
            matched: vec![false; reads.len()],
            values: vec![Default::default(); reads.len()],
            least: vec![Vec::new(); reads.len()],
            hex: Vec::with_capacity(64),
        };
        let shares = (0..rayon::current_num_threads().max(1) + 1)
            .map(|_| std::sync::Mutex::new(share.clone()))
            .collect();
        Some(TextSeen {
            empty,
            reads,
            shares,
            open,
        })
    }

    /// Takes in a claim's event `text`, written as reckon writes it (no `\\` anywhere, so
    /// each text is the very bytes between its two quotes, and a key (with its colon and
    /// opening quote) cannot be met inside a text), and the `hash` of its line.
    pub(super) fn take(&self, text: &str, hash: &reckon_claim::EntryHash) {
        use std::sync::atomic::Ordering;
        if self.open.load(Ordering::Relaxed) == 0 {
            return;
        }
        let share = rayon::current_thread_index().map_or(0, |i| i + 1) % self.shares.len();
        // A thread that panicked holding a share left it whole (each step is one insert).
        let mut share = self.shares[share]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Share {
            matched,
            values,
            least,
            hex,
        } = &mut *share;
        hex.clear();
        reckon_claim::push_hex(hex, &hash.0);
        // Only hexadecimal digits were written.
        let hex = std::str::from_utf8(hex).unwrap_or_default();
        let mut open = 0u64;
        for (k, ((_, op, lit), read)) in self.empty.terms.iter().zip(&self.reads).enumerate() {
            let Literal::Text(t) = lit else { continue };
            if matched[k] {
                continue;
            }
            let value = match read {
                Held::Text(key) => key.find(text.as_bytes()).and_then(|at| {
                    let rest = text.get(at + key.needle().len()..)?;
                    rest.get(..memchr::memchr(b'"', rest.as_bytes())?)
                }),
                Held::Hash { .. } => Some(hex),
            };
            if text_matches(value, *op, t, false) {
                matched[k] = true;
                values[k] = Default::default();
                least[k] = Vec::new();
                continue;
            }
            if k < 63 {
                open |= 1 << k;
            }
            let Some(v) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            match read {
                Held::Text(_) => {
                    if !values[k].contains(v) {
                        values[k].insert(v.into());
                    }
                }
                Held::Hash { lower, near } => {
                    if v.contains(lower.as_str()) {
                        keep_least(&mut least[k], v);
                    } else if near.distance(v).is_some() {
                        values[k].insert(v.into());
                    }
                }
            }
        }
        // A comparison is satisfied once any share has met a claim that satisfies it.
        self.open.fetch_and(
            open | u64::from(matched.len() > 63) << 63,
            Ordering::Relaxed,
        );
    }

    /// Everything the shares took in.
    pub(super) fn into_unmatched(self) -> Unmatched {
        let mut all = self.empty;
        for share in self.shares {
            let share = share
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let each = share.matched.into_iter().zip(share.values).zip(share.least);
            for (k, ((matched, values), least)) in each.enumerate() {
                if all.matched[k] {
                    continue;
                }
                if matched {
                    all.matched[k] = true;
                    all.values[k] = Default::default();
                } else {
                    all.values[k].extend(values.into_iter().chain(least).map(String::from));
                }
            }
        }
        all
    }
}

/// `v` kept among `least` (ascending, distinct) when it is one of the [`NAMED`] least.
fn keep_least(least: &mut Vec<Box<str>>, v: &str) {
    if let Err(at) = least.binary_search_by(|l| (**l).cmp(v))
        && at < NAMED
    {
        least.insert(at, v.into());
        least.truncate(NAMED);
    }
}

/// The filter's comparisons of a field with text by `=` or `~`, in order, each with the
/// operator it is tested with (`~` for a glob or a prefix ending in `/`, else `=`).
fn text_terms(e: &Expr, out: &mut Vec<(Field, Op, Literal)>) {
    match e {
        Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| text_terms(t, out)),
        Expr::Not(a) => text_terms(a, out),
        Expr::Cmp(f, Op::Eq | Op::Like, Literal::Text(t)) => {
            let op = if t.contains(['*', '?']) || t.ends_with('/') {
                Op::Like
            } else {
                Op::Eq
            };
            out.push((*f, op, Literal::Text(t.clone())));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a pass keeps of the hashes it reads for a comparison of the hash is only what
    /// the note can name, whatever the number of claims: the three least hashes that hold
    /// the digits asked for, and those a few edits away; nothing once a claim has the hash.
    #[test]
    fn of_every_claims_hash_only_what_a_note_names_is_kept() {
        // Hashes as random as a log's (splitmix64).
        let hash = |n: u64| {
            let mut h = [0u8; 32];
            for (i, part) in h.chunks_exact_mut(8).enumerate() {
                let mut z = (n * 4 + i as u64)
                    .wrapping_add(1)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                part.copy_from_slice(&(z ^ (z >> 31)).to_be_bytes());
            }
            reckon_claim::EntryHash(h)
        };
        let near = hash(5000).to_hex();
        let last = if near.ends_with('0') { '1' } else { '0' };
        let slip = format!("{}{last}", &near[..63]);
        let q = crate::parse(&format!(
            r#"claims where hash = "77" and hash = "{slip}" and hash = "{near}""#
        ))
        .expect("a query");
        let seen = TextSeen::new(q.filter.as_ref().expect("a filter")).expect("the hash");
        for n in (0..10_000).rev() {
            seen.take(r#"{"type":"claim"}"#, &hash(n));
        }
        let all = seen.into_unmatched();
        let kept = |k: usize| all.values[k].iter().cloned().collect::<Vec<_>>();
        let mut holding: Vec<String> = (0..10_000)
            .map(|n| hash(n).to_hex())
            .filter(|h| h.contains("77"))
            .collect();
        holding.sort();
        assert!(holding.len() > 100, "{}", holding.len());
        assert_eq!(kept(0), holding[..3]);
        assert_eq!(kept(1), [near]);
        assert_eq!(all.matched, [false, false, true]);
        assert!(kept(2).is_empty());
    }

    proptest::proptest! {
        /// The values a pass reads from a claim's event text are the words decoding its
        /// line gives, whatever they are (quotes, backslashes, another field's key, other
        /// scripts, absent); a line with an escape is never read that way (the pass decodes
        /// it).
        #[test]
        fn values_read_from_a_claims_text_are_its_decoded_words(
            words in proptest::collection::vec(
                proptest::option::of(proptest::prop_oneof![
                    proptest::strategy::Just("plain words".to_owned()),
                    proptest::strategy::Just(r#"a "quoted" word"#.to_owned()),
                    proptest::strategy::Just(r#""publisher":""#.to_owned()),
                    proptest::strategy::Just("back\\slash".to_owned()),
                    proptest::strategy::Just("Ірина Верещук".to_owned()),
                    "[a-z][a-z ]{0,11}",
                ]),
                3,
            ),
        ) {
            // A claim needs a speaker or a publisher.
            proptest::prop_assume!(words[0].is_some() || words[1].is_some());
            let fields = ["speaker", "publisher", "quote"];
            let mut line = String::from(r#"{"subject": "a/b", "value": "12", "said_on": "2025""#);
            for (name, w) in fields.iter().zip(&words) {
                if let Some(w) = w {
                    let text = serde_json::to_string(w).expect("a string");
                    line.push_str(&format!(", \"{name}\": {text}"));
                }
            }
            line.push('}');
            let event = reckon_claim::input::parse_line(&line, &mut |_, _| {
                Err("no reference".to_owned())
            })
            .expect("a claim");
            let at = reckon_claim::Timestamp::parse("2025-05-01T00:00:00Z").expect("a time");
            let prev = reckon_claim::EntryHash([3; 32]);
            let (bytes, hash) = reckon_ledger::encode(7, &prev, at, &event).expect("encoded");
            let bytes = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let h = reckon_ledger::decode_header(bytes).expect("a header");
            let decoded = reckon_ledger::decode_words(bytes, 7, &hash).expect("its words");
            if h.event_json.contains('\\') {
                return Ok(());
            }
            let q = crate::parse(
                r#"claims where speaker = "~none~" and publisher = "~none~" and quote = "~none~""#,
            )
            .expect("a query");
            let seen = TextSeen::new(q.filter.as_ref().expect("a filter")).expect("text fields");
            seen.take(h.event_json, &hash);
            let all = seen.into_unmatched();
            let want = [&decoded.speaker, &decoded.publisher, &decoded.quote];
            for (values, w) in all.values.iter().zip(want) {
                let w: Vec<String> = w.iter().filter(|w| !w.is_empty()).map(|w| w.to_string()).collect();
                proptest::prop_assert_eq!(values.iter().cloned().collect::<Vec<_>>(), w);
            }
        }
    }
}
