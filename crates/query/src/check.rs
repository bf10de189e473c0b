//! Saved queries: a directory of `NAME.q` files, each with its expected output in `NAME.out`
//! beside it. A `.q` file may say how to print its answer in a comment line
//! `# format: table`, `# format: json` or `# format: csv` (default: table), and that it may
//! answer nothing, or fail, with `# expect: nothing` or `# expect: error` (without it,
//! blessing refuses an empty answer or an error as the expected output: a typo must not be
//! pinned as a passing test).

use crate::exec::Answer;
use std::path::{Path, PathBuf};

/// How a saved query's answer is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// Aligned table.
    Table,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// What a saved query's output may be, beside an answer with rows (its `# expect:` line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Expect {
    /// Answer with at least one row (the default).
    #[default]
    Answer,
    /// Also no rows (`# expect: nothing`).
    Nothing,
    /// Also an error message (`# expect: error`), or no rows.
    Error,
}

/// What a saved query did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It answered with this many rows.
    Rows(usize),
    /// It could not be read, parsed or answered.
    Error,
}

/// One saved query, run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The file name without `.q`.
    pub name: String,
    /// The `.q` file.
    pub query_path: PathBuf,
    /// The expected-output file beside it.
    pub expected_path: PathBuf,
    /// What the query printed now (an error message when it failed).
    pub actual: String,
    /// What it should print, when the expected file exists.
    pub expected: Option<String>,
    /// Why the expected file exists but cannot be read (it is then never overwritten).
    pub unreadable: Option<String>,
    /// What the query did.
    pub outcome: Outcome,
    /// What it says it should do.
    pub expect: Expect,
}

impl Case {
    /// True when the output matches the expected file.
    pub fn passed(&self) -> bool {
        self.expected.as_deref() == Some(self.actual.as_str())
    }

    /// Why its output must not be blessed as expected: it failed, or answered nothing, and
    /// its file does not say that may be so.
    pub fn unblessable(&self) -> Option<String> {
        match (self.outcome, self.expect) {
            (Outcome::Error, Expect::Answer | Expect::Nothing) => Some(
                "it fails with an error; if it is meant to, add the line `# expect: error` to it"
                    .into(),
            ),
            (Outcome::Rows(0), Expect::Answer) => Some(
                "it answers nothing; if that may be so, add the line `# expect: nothing` to it"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// The value of a `# KEY: value` comment line of a saved query, if it has one.
fn directive<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix('#')?;
        Some(rest.trim().strip_prefix(key)?.strip_prefix(':')?.trim())
    })
}

fn expect_of(text: &str) -> Result<Expect, String> {
    match directive(text, "expect") {
        None | Some("answer") => Ok(Expect::Answer),
        Some("nothing") => Ok(Expect::Nothing),
        Some("error") => Ok(Expect::Error),
        Some(other) => Err(format!(
            "unknown expectation `{other}` (answer, nothing or error)"
        )),
    }
}

fn format_of(text: &str) -> Result<OutFormat, String> {
    match directive(text, "format") {
        None | Some("table" | "human") => Ok(OutFormat::Table),
        Some("json") => Ok(OutFormat::Json),
        Some("csv") => Ok(OutFormat::Csv),
        Some(other) => Err(format!("unknown format `{other}` (table, json or csv)")),
    }
}

/// The saved queries a path names: the `NAME.q` files of a directory, by name, or one such
/// file. A path that is neither is an error that says so.
pub fn saved(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        if path.extension().is_none_or(|x| x != "q") {
            return Err(std::io::Error::other(
                "not a directory of saved queries nor a saved query (NAME.q)",
            ));
        }
        return Ok(vec![path.to_path_buf()]);
    }
    let mut qs: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "q"))
        .collect();
    qs.sort();
    Ok(qs)
}

/// Runs one saved query with `answer` (in `reckon check`, the way `reckon query` answers: through
/// the saved index when it applies) and prints its answer with `print`; a query that cannot be
/// read or answered prints its error, so expected files can pin error messages too.
pub fn run_case(
    path: &Path,
    answer: &dyn Fn(&crate::Query) -> Result<Answer, String>,
    print: &dyn Fn(&Answer, OutFormat) -> String,
) -> Case {
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let expected_path = path.with_extension("out");
    let mut expect = Expect::Answer;
    let ran = match std::fs::read_to_string(path) {
        Err(e) => Err(format!("error: cannot read {}: {e}\n", path.display())),
        Ok(text) => match (format_of(&text), expect_of(&text)) {
            (Err(m), _) | (_, Err(m)) => Err(format!("error: {m}\n")),
            (Ok(fmt), Ok(e)) => {
                expect = e;
                match crate::parse(&text) {
                    Err(e) => Err(format!("error: {}", e.render(&text))),
                    Ok(q) => match answer(&q) {
                        Ok(a) => Ok((print(&a, fmt), a.rows.len())),
                        Err(e) => Err(format!("error: {e}\n")),
                    },
                }
            }
        },
    };
    let (actual, outcome) = match ran {
        Ok((text, rows)) => (text, Outcome::Rows(rows)),
        Err(text) => (text, Outcome::Error),
    };
    let (expected, unreadable) = match std::fs::read_to_string(&expected_path) {
        Ok(text) => (Some(text), None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(e) => (
            None,
            Some(format!("{}: cannot read: {e}", expected_path.display())),
        ),
    };
    Case {
        name,
        query_path: path.to_path_buf(),
        expected_path,
        actual,
        expected,
        unreadable,
        outcome,
        expect,
    }
}
