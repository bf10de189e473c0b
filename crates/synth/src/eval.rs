//! Scoring reconciled figures against reference figures (`subject,value` CSV), the way the
//! truth-discovery literature scores the population data: a subject is wrong when its figure
//! is more than 1% from the reference.

use reckon_claim::Interval;
use reckon_ledger::{Entry, Log};
use reckon_reconcile::reliability::Model;
use reckon_reconcile::{Method, Options, Reconciliation};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How a reconciliation scores against reference figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Reference subjects.
    pub subjects: usize,
    /// Subjects whose figure is more than 1% from the reference, or missing.
    pub wrong: usize,
    /// Subjects with no figure at all.
    pub missing: usize,
    /// Mean absolute error over the reference subjects (a missing figure counts as 0).
    pub mae: f64,
    /// Each wrong subject: name, reference, the figure's number.
    pub misses: Vec<(String, f64, Option<f64>)>,
    /// Every reference subject with its absolute error (a missing figure counts as 0).
    pub errors: Vec<(String, f64)>,
}

impl Score {
    /// The share of subjects that are wrong.
    pub fn error_rate(&self) -> f64 {
        if self.subjects == 0 {
            0.0
        } else {
            self.wrong as f64 / self.subjects as f64
        }
    }
}

/// The single number a figure stands for: itself when it is one, else the middle of a
/// bounded interval, else its lower end.
pub fn point(iv: &Interval) -> f64 {
    let f = |n: reckon_claim::Num| n.millionths() as f64 / 1e6;
    match iv.hi() {
        Some(h) => (f(iv.lo().at) + f(h.at)) / 2.0,
        None => f(iv.lo().at),
    }
}

/// Scores `r` against `csv` (a header line, then `subject,value` lines).
pub fn score(r: &Reconciliation, csv: &str) -> Result<Score, String> {
    let figures: HashMap<&str, Option<f64>> = r
        .subjects
        .iter()
        .map(|s| (s.subject.as_str(), s.figure.as_ref().map(point)))
        .collect();
    score_figures(&figures, csv)
}

/// The baseline every reconciler is measured against: for each subject, the value stated by
/// the most distinct origins (each origin's live claims counted once per value), ties to the
/// value stated first. Computed here, from the same claims, never copied from elsewhere.
pub fn majority_vote<'s>(state: &'s reckon_reconcile::State<'_>) -> HashMap<&'s str, Option<f64>> {
    let mut votes: HashMap<&str, Vec<(u64, &str, usize)>> = HashMap::new();
    for (order, r) in state.claims.iter().enumerate() {
        if !r.is_live() {
            continue;
        }
        let Some(iv) = r
            .claim
            .value
            .value()
            .interval(reckon_claim::Tolerance::DEFAULT)
        else {
            continue;
        };
        let v = point(&iv).to_bits();
        votes
            .entry(r.claim.subject.as_str())
            .or_default()
            .push((v, &*r.claim.origin, order));
    }
    votes
        .into_iter()
        .map(|(subject, mut vs)| {
            vs.sort_unstable();
            vs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            // value -> (distinct origins, first position stated)
            let mut tally: HashMap<u64, (usize, usize)> = HashMap::new();
            for (v, _, order) in vs {
                let t = tally.entry(v).or_insert((0, order));
                t.0 += 1;
                t.1 = t.1.min(order);
            }
            let best = tally
                .into_iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
                .map(|(v, _)| f64::from_bits(v));
            (subject, best)
        })
        .collect()
}

/// Scores figures (by subject) against a reference CSV of `subject,value` lines.
pub fn score_figures(figures: &HashMap<&str, Option<f64>>, csv: &str) -> Result<Score, String> {
    let mut sc = Score {
        subjects: 0,
        wrong: 0,
        missing: 0,
        mae: 0.0,
        misses: Vec::new(),
        errors: Vec::new(),
    };
    for (i, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let (subject, value) = line
            .split_once(',')
            .ok_or_else(|| format!("line {}: expected `subject,value`", i + 1))?;
        let reference: f64 = value
            .trim()
            .parse()
            .map_err(|_| format!("line {}: `{value}` is not a number", i + 1))?;
        let got = figures.get(subject.trim()).copied().flatten();
        sc.subjects += 1;
        let err = (got.unwrap_or(0.0) - reference).abs();
        sc.mae += err;
        sc.errors.push((subject.trim().to_owned(), err));
        let ok = got.is_some_and(|g| (g - reference).abs() <= 0.01 * reference.abs());
        if got.is_none() {
            sc.missing += 1;
        }
        if !ok {
            sc.wrong += 1;
            sc.misses.push((subject.trim().to_owned(), reference, got));
        }
    }
    if sc.subjects > 0 {
        sc.mae /= sc.subjects as f64;
    }
    Ok(sc)
}

/// Imports `input` into a fresh log in a temporary directory and returns its entries.
pub fn load(name: &str, input: &[u8]) -> Result<Vec<Entry>, String> {
    let dir = std::env::temp_dir().join(format!("reckon-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = Log::at(dir.join("log"));
    log.init().map_err(|e| e.to_string())?;
    reckon_ledger::import(&log, name, input).map_err(|e| e.to_string())?;
    let entries = log.entries().map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    entries
}

/// The evaluation of a data directory.
#[derive(Debug)]
pub struct DirReport {
    /// Lines of `claims.jsonl` left out because they break the import contract, with why.
    pub skipped: Vec<String>,
    /// The score against each `truth*.csv` file.
    pub scores: Vec<(PathBuf, Score)>,
    /// The majority-vote baseline on the same files.
    pub majority: Vec<(PathBuf, Score)>,
    /// `--method count` (origins counted, not weighed) on the same files.
    pub counting: Vec<(PathBuf, Score)>,
    /// The cross-validated score on each file, when asked for.
    pub cross_validated: Vec<(PathBuf, CrossValidation)>,
}

/// The model settings cross-validation chooses among: the default first, so that it wins ties.
pub fn grid() -> Vec<Model> {
    let mut out = vec![Model::default()];
    for alternatives in [3.0, 10.0, 30.0] {
        for prior_strength in [0.5, 1.0, 3.0, 10.0] {
            for copy_smoothing in [1.0, 5.0] {
                let m = Model {
                    alternatives,
                    prior_strength,
                    copy_smoothing,
                    ..Model::default()
                };
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// One fold of a 5-fold cross-validation.
#[derive(Clone, Debug)]
pub struct Fold {
    /// The settings that did best on the other four folds.
    pub chosen: Model,
    /// Subjects in this fold.
    pub subjects: usize,
    /// Of them, wrong under the chosen settings.
    pub wrong: usize,
    /// Their absolute errors, summed.
    pub abs_error: f64,
}

/// A 5-fold cross-validation: every subject is scored under settings chosen without it.
#[derive(Clone, Debug)]
pub struct CrossValidation {
    /// The folds.
    pub folds: Vec<Fold>,
}

impl CrossValidation {
    /// Subjects wrong over all folds.
    pub fn wrong(&self) -> usize {
        self.folds.iter().map(|f| f.wrong).sum()
    }
    /// Subjects over all folds.
    pub fn subjects(&self) -> usize {
        self.folds.iter().map(|f| f.subjects).sum()
    }
    /// Mean absolute error over all folds.
    pub fn mae(&self) -> f64 {
        self.folds.iter().map(|f| f.abs_error).sum::<f64>() / self.subjects().max(1) as f64
    }
}

/// The fold of a subject: fixed by its name alone (a hash), never by the order of a file.
fn fold_of(subject: &str) -> usize {
    usize::from(blake3::hash(subject.as_bytes()).as_bytes()[0]) % 5
}

/// Chooses, for each fold, the settings in `grid` with the fewest wrong subjects on the other
/// folds (ties to the earlier in the grid), and scores the fold under them. `per_setting[k]`
/// is the score of `grid[k]` on every reference subject.
pub fn cross_validate(grid: &[Model], per_setting: &[Score]) -> CrossValidation {
    let folds = (0..5)
        .map(|fold| {
            let wrong_in = |s: &Score, inside: bool| {
                s.misses
                    .iter()
                    .filter(|m| (fold_of(&m.0) == fold) == inside)
                    .count()
            };
            let best = (0..grid.len())
                .min_by_key(|&k| (wrong_in(&per_setting[k], false), k))
                .unwrap_or(0);
            let s = &per_setting[best];
            let here: Vec<&(String, f64)> =
                s.errors.iter().filter(|e| fold_of(&e.0) == fold).collect();
            Fold {
                chosen: grid[best],
                subjects: here.len(),
                wrong: wrong_in(s, true),
                abs_error: here.iter().map(|e| e.1).sum(),
            }
        })
        .collect();
    CrossValidation { folds }
}

/// The lines of the JSON Lines file at `path` that keep the import contract (one bad line
/// would make an import refuse the whole file), and why each other line was left out.
pub fn importable(path: &Path) -> Result<(Vec<u8>, Vec<String>), String> {
    let claims = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut kept = Vec::with_capacity(claims.len());
    let mut skipped = Vec::new();
    for (i, line) in claims.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        match reckon_claim::parse_line(&text, &mut |_, _| {
            Err("no references in evaluation data".into())
        }) {
            Ok(_) => {
                kept.extend_from_slice(line);
                kept.push(b'\n');
            }
            Err(e) => skipped.push(format!("line {}: {e}", i + 1)),
        }
    }
    Ok((kept, skipped))
}

/// Imports `dir/claims.jsonl` (leaving out, and listing, lines that break the contract: one
/// bad line would make an import refuse the whole file), reconciles, and scores the figures
/// against every `dir/truth*.csv`.
pub fn evaluate_dir(dir: &Path, cross_validate_too: bool) -> Result<DirReport, String> {
    let (kept, skipped) = importable(&dir.join("claims.jsonl"))?;
    let entries = load("eval", &kept)?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let with = |method: Method, model: Model| {
        reckon_reconcile::reconcile(
            &state,
            None,
            &Options {
                method,
                model,
                ..Options::default()
            },
        )
    };
    let r = with(Method::Weighted, Model::default());
    let counted = with(Method::Count, Model::default());
    let settings = grid();
    let per_setting: Vec<Reconciliation> = if cross_validate_too {
        settings
            .iter()
            .map(|m| with(Method::Weighted, *m))
            .collect()
    } else {
        Vec::new()
    };
    let mut truths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("truth") && n.ends_with(".csv"))
        })
        .collect();
    truths.sort();
    let mut scores = Vec::new();
    let mut majority = Vec::new();
    let mut counting = Vec::new();
    let mut cross_validated = Vec::new();
    let baseline = majority_vote(&state);
    for t in truths {
        let csv = std::fs::read_to_string(&t).map_err(|e| format!("{}: {e}", t.display()))?;
        scores.push((t.clone(), score(&r, &csv)?));
        counting.push((t.clone(), score(&counted, &csv)?));
        if cross_validate_too {
            let each: Vec<Score> = per_setting
                .iter()
                .map(|r| score(r, &csv))
                .collect::<Result<_, _>>()?;
            cross_validated.push((t.clone(), cross_validate(&settings, &each)));
        }
        majority.push((t, score_figures(&baseline, &csv)?));
    }
    Ok(DirReport {
        skipped,
        scores,
        majority,
        counting,
        cross_validated,
    })
}
