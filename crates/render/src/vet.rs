//! What vetting tells after an import: the subjects and units it created, the duplicates it
//! left out, the definitions it replaced.

use reckon_vet::{Place, Report};

/// How many names a list shows before it says how many more there are.
const SHOWN: usize = 10;

fn list(items: impl ExactSizeIterator<Item = String>) -> String {
    listed(items.len(), items)
}

/// The first [`SHOWN`] of `n` items, and how many more there are.
fn listed(n: usize, items: impl Iterator<Item = String>) -> String {
    let mut shown: Vec<String> = items.take(SHOWN).collect();
    if n > SHOWN {
        shown.push(format!("and {} more", n - SHOWN));
    }
    shown.join(", ")
}

/// Lines for a report, each input line named `line N`; empty when there is nothing to tell.
pub fn report(r: &Report) -> String {
    report_named(r, &|l| format!("line {l}"))
}

/// Lines for a report, each input line named by `name` (a sheet's row, the place of a
/// converted record); empty when there is nothing to tell.
pub fn report_named(r: &Report, name: &dyn Fn(u64) -> String) -> String {
    let mut out = String::new();
    let mut line = |what: &str, n: usize, items: String| {
        if n > 0 {
            out.push_str(&format!("{what} ({n}): {items}\n"));
        }
    };
    let n = usize::try_from(r.new_subject_count).unwrap_or(usize::MAX);
    line("new subjects", n, listed(n, r.new_subjects.iter().cloned()));
    line(
        "new units",
        r.new_units.len(),
        list(r.new_units.iter().cloned()),
    );
    line(
        "left out as duplicates",
        r.skipped.len(),
        list(r.skipped.iter().map(|(l, p)| match p {
            Place::Entry(seq) => format!("{} (#{seq})", name(*l)),
            Place::Line(first) => format!("{} ({})", name(*l), name(*first)),
        })),
    );
    line(
        "definitions replaced",
        r.replaced.len(),
        list(r.replaced.iter().cloned()),
    );
    out
}
