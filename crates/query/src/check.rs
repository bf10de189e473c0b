//! Saved queries: a directory of `NAME.q` files, each with its expected output in `NAME.out`
//! beside it. A `.q` file may say how to print its answer in a comment line
//! `# format: table`, `# format: json` or `# format: csv` (default: table).

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
}

impl Case {
    /// True when the output matches the expected file.
    pub fn passed(&self) -> bool {
        self.expected.as_deref() == Some(self.actual.as_str())
    }
}

fn format_of(text: &str) -> Result<OutFormat, String> {
    for line in text.lines() {
        if let Some(rest) = line.trim().strip_prefix('#')
            && let Some(f) = rest.trim().strip_prefix("format:")
        {
            return match f.trim() {
                "table" | "human" => Ok(OutFormat::Table),
                "json" => Ok(OutFormat::Json),
                "csv" => Ok(OutFormat::Csv),
                other => Err(format!("unknown format `{other}` (table, json or csv)")),
            };
        }
    }
    Ok(OutFormat::Table)
}

/// The saved queries of `dir`, by name.
pub fn saved(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut qs: Vec<PathBuf> = std::fs::read_dir(dir)?
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
    let actual = match std::fs::read_to_string(path) {
        Err(e) => format!("error: cannot read {}: {e}\n", path.display()),
        Ok(text) => match format_of(&text) {
            Err(m) => format!("error: {m}\n"),
            Ok(fmt) => match crate::parse(&text) {
                Err(e) => format!("error: {}", e.render(&text)),
                Ok(q) => match answer(&q) {
                    Ok(a) => print(&a, fmt),
                    Err(e) => format!("error: {e}\n"),
                },
            },
        },
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
    }
}
