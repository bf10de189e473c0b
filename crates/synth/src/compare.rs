//! `reckon-bench compare`: reckon and the peers that are installed (sqlite3, jq) on the same
//! generated files, in one run, interleaved, so that a noisy shared machine slows both alike.
//!
//! How to read the figures: every time is the median of the runs, wall clock, of a whole
//! command as a user runs it (process start, reading, output to `/dev/null`); the ratio is
//! reckon's median over the yardstick's, which is what to compare between machines (absolute
//! times are not). Beside it, "run by run" gives the smallest and largest ratio of one of
//! reckon's runs to the yardstick's run made just after it: a wide range says the machine's
//! load moved during the benchmark, and that the ratio should not be read to its last digit. Peak memory is the largest resident set of the process (`/usr/bin/time -f
//! %M`), shown when that program is installed. The yardsticks: `reckon verify` (the hashing
//! floor of a whole read), sqlite3 (`.import`, columns extracted with `json_extract`, an
//! index; an indexed lookup), and jq (a scan of the JSON Lines file for one subject).
//!
//! reckon keeps what it derives from the log (the index, the folded snapshot) in a cache
//! folder inside the run's folder. Rows marked "nothing saved" empty it before every run, so
//! they time a first command on a log (the whole log read and checked, the state saved);
//! every other reckon row runs with that state saved and the log unchanged, as a second
//! command does. The setup made it: one import, one query, one reconcile. "reconcile after
//! +1,000" appends 1,000 new claims (`reckon import`, untimed, which records its append in
//! the cache) before each run, so its saved state is brought forward by reading only the
//! appended lines; its yardstick is a run with nothing saved, so its ratio is the fraction
//! of a cold run that an incremental one costs.
//!
//! The rows marked "Population" run on the real data of `../shared/data/population` (or the
//! folder given), imported untimed into a second log beside the generated one, with its
//! state saved before each run as the setup saves the generated log's: the JSON against the
//! table there, where the issue first measured it. Its edits carry longer words and far more
//! origins than the generated claims, and its JSON is ten times its table where the generated
//! log's is a hundred times. Without the data the rows are left out, and the first line says
//! why.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// One command and how to run it.
struct Job {
    program: String,
    args: Vec<String>,
    stdin: Option<PathBuf>,
    /// Run before each timing, untimed (removing what the last run made).
    reset: Option<Reset>,
}

/// A timed run: seconds and peak resident memory in KiB (when measurable).
fn run(job: &Job, dir: &Path, timer: Option<&Path>) -> Result<(f64, Option<u64>), String> {
    if let Some(reset) = job.reset {
        reset(dir)?;
    }
    let mut cmd = match timer {
        Some(t) => {
            let mut c = Command::new(t);
            c.args(["-f", "%M", "--"]).arg(&job.program);
            c
        }
        None => Command::new(&job.program),
    };
    cmd.args(&job.args).current_dir(dir).stdout(Stdio::null());
    if job.program.ends_with("reckon") {
        // reckon's saved state (the index, the folded snapshot) is kept in the run's folder.
        cmd.env("RECKON_CACHE_DIR", dir.join(CACHE));
    }
    cmd.stdin(match &job.stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).map_err(|e| e.to_string())?),
        None => Stdio::null(),
    });
    let t = Instant::now();
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{}: {e}", job.program))?;
    let secs = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{} {:?} failed: {err}", job.program, job.args));
    }
    let kib = timer.and_then(|_| err.lines().last().and_then(|l| l.trim().parse().ok()));
    Ok((secs, kib))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The smallest and largest ratio of reckon's run to the yardstick's run made just after it
/// (`NaN`s when there is no yardstick run): how far the machine's load moved the ratio within
/// one benchmark.
fn spread(mine: &[f64], peer: &[f64]) -> (f64, f64) {
    mine.iter()
        .zip(peer)
        .map(|(a, b)| a / b)
        .fold((f64::NAN, f64::NAN), |(lo, hi), r| (r.min(lo), r.max(hi)))
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// What is done, untimed, before each timed run of a job.
type Reset = fn(&Path) -> Result<(), String>;

fn fresh_log(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.join("fresh"));
}

/// The folder, in the run's folder, of reckon's saved state.
const CACHE: &str = "cache";

/// Nothing saved: the next reckon command reads the whole log.
fn nothing_saved(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir.join(CACHE));
    Ok(())
}

fn fresh_db(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(dir.join("fresh.db"));
    Ok(())
}

/// How many subjects the generated log has (the appended claims are about them).
static SUBJECTS: AtomicU64 = AtomicU64::new(1);
/// The seed of the next claims appended: new every time, so that vetting takes them all.
static NEXT_SEED: AtomicU64 = AtomicU64::new(1_000_000);

/// 1,000 new claims appended to the log (imported, as a user would), so that the next
/// command finds the log grown since its saved state was made.
fn thousand_more(dir: &Path) -> Result<(), String> {
    let seed = NEXT_SEED.fetch_add(1, Ordering::Relaxed);
    let text: String = reckon_synth::claims(1000, SUBJECTS.load(Ordering::Relaxed), seed)
        .map(|l| l + "\n")
        .collect();
    std::fs::write(dir.join("more.jsonl"), text).map_err(|e| e.to_string())?;
    untimed(dir, &["--log", "log", "import", "more.jsonl"], &[])
        .map_err(|e| format!("appending 1,000 claims failed: {e}"))
}

/// Runs the reckon built beside this program in `dir`, untimed, with reckon's saved state in
/// the run's folder and the environment `env` added; its error output when it fails.
fn untimed(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let out = Command::new(reckon_exe())
        .args(args)
        .env("RECKON_CACHE_DIR", dir.join(CACHE))
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).trim().to_owned()),
    }
}

/// The reckon built beside this program.
fn reckon_exe() -> PathBuf {
    std::env::current_exe()
        .map(|e| e.with_file_name("reckon"))
        .unwrap_or_default()
}

const SQLITE_IMPORT: &str = "\
.mode ascii
.separator \"\\t\" \"\\n\"
create table raw(j text);
.import claims.jsonl raw
create table claims as select json_extract(j,'$.subject') as subject, json_extract(j,'$.value') as value, json_extract(j,'$.said_on') as said_on, json_extract(j,'$.speaker') as speaker, json_extract(j,'$.publisher') as publisher from raw;
create index by_subject on claims(subject);
";

/// The log of the real data, beside the generated one in the run's folder.
const POPULATION: &str = "population";

/// Imports the claims of `data` (a folder holding `claims.jsonl`, the Population data) into
/// the log `population` in `dir`, untimed: the lines that keep the import contract, with
/// today taken as the last day of 9999, since some edits give years such as 3001 and 9000
/// for when a figure was said, which an import refuses as later than today. What the timed
/// runs read is the log; how it was filled does not change their work.
fn import_population(dir: &Path, data: &Path) -> Result<usize, String> {
    let (kept, skipped) = reckon_synth::eval::importable(&data.join("claims.jsonl"))?;
    std::fs::write(dir.join("population.jsonl"), &kept).map_err(|e| e.to_string())?;
    // The end of 9999, as seconds since 1970.
    let today = [("SOURCE_DATE_EPOCH", "253402300799")];
    untimed(dir, &["--log", POPULATION, "init"], &today)?;
    untimed(
        dir,
        &["--log", POPULATION, "import", "population.jsonl"],
        &today,
    )?;
    Ok(skipped.len())
}

/// The Population log's state saved, untimed, before each run that reads it, as the
/// generated log's is by the setup (a query, then a reconcile: the index with every origin's
/// record, and the folded snapshot); a row that empties the cache before its runs (nothing
/// saved) also empties this log's.
fn population_saved(dir: &Path) -> Result<(), String> {
    let none = "claims where subject = \"population/none\"";
    untimed(dir, &["--log", POPULATION, "query", none], &[])?;
    untimed(dir, &["--log", POPULATION, "reconcile"], &[])
}

/// Runs the comparison on `claims` generated claims over `subjects` subjects, `runs` times;
/// and, when the folder `population` holds the Population data (`claims.jsonl`), the JSON
/// against the table on it too (the data the issue measured the JSON on first).
pub fn compare(claims: u64, subjects: u64, runs: u64, population: &Path) -> Result<(), String> {
    let reckon = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("reckon");
    if !reckon.is_file() {
        return Err(format!(
            "{} is not built: cargo build --release -p reckon",
            reckon.display()
        ));
    }
    SUBJECTS.store(subjects.max(1), Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("reckon-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("claims.jsonl");
    {
        use std::io::Write;
        let mut w =
            std::io::BufWriter::new(std::fs::File::create(&file).map_err(|e| e.to_string())?);
        for line in reckon_synth::claims(claims, subjects, 1) {
            writeln!(w, "{line}").map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    let r = reckon.to_string_lossy().into_owned();
    let job = |args: &[&str], reset: Option<Reset>| Job {
        program: r.clone(),
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: None,
        reset,
    };
    // The log every read runs on, and its saved index warmed.
    let setup = |args: &[&str]| run(&job(args, None), &dir, None);
    setup(&["--log", "log", "init"])?;
    setup(&["--log", "log", "import", "claims.jsonl"])?;
    let one = "subjects/s0000042";
    let subject = reckon_synth::claims(claims, subjects, 1)
        .next()
        .and_then(|l| {
            serde_json::from_str::<serde_json::Value>(&l)
                .ok()
                .and_then(|v| v["subject"].as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| one.to_owned());
    let question = format!("claims where subject = \"{subject}\"");
    let figures = format!("figures {subject}");
    setup(&["--log", "log", "query", &question])?;
    setup(&["--log", "log", "reconcile"])?;
    let sqlite = installed("sqlite3");
    let jq = installed("jq");
    if sqlite {
        std::fs::write(dir.join("import.sql"), SQLITE_IMPORT).map_err(|e| e.to_string())?;
        fresh_db(&dir)?;
        run(
            &Job {
                program: "sqlite3".into(),
                args: vec!["fresh.db".into()],
                stdin: Some(dir.join("import.sql")),
                reset: None,
            },
            &dir,
            None,
        )?;
        std::fs::rename(dir.join("fresh.db"), dir.join("claims.db")).map_err(|e| e.to_string())?;
    }
    let timer = Path::new("/usr/bin/time");
    let timer = timer.is_file().then_some(timer);
    // (task, reckon's job, the yardstick's name and job)
    let mut rows: Vec<(String, Job, String, Option<Job>)> = vec![
        (
            "import".into(),
            job(
                &["--log", "fresh", "import", "claims.jsonl"],
                Some(|d| {
                    fresh_log(d);
                    let _ = Command::new(reckon_exe())
                        .args(["--log", "fresh", "init"])
                        .current_dir(d)
                        .output();
                    Ok(())
                }),
            ),
            "sqlite3 .import".into(),
            sqlite.then(|| Job {
                program: "sqlite3".into(),
                args: vec!["fresh.db".into()],
                stdin: Some(dir.join("import.sql")),
                reset: Some(fresh_db),
            }),
        ),
        (
            "reconcile (table)".into(),
            job(&["--log", "log", "reconcile"], None),
            "reckon verify".into(),
            Some(job(&["--log", "log", "verify"], None)),
        ),
        (
            "reconcile, nothing saved".into(),
            job(&["--log", "log", "reconcile"], Some(nothing_saved)),
            "reckon verify".into(),
            Some(job(&["--log", "log", "verify"], None)),
        ),
        (
            // The yardstick's runs empty the cache and save the snapshot again, so each of
            // these runs brings forward a snapshot one append behind.
            "reconcile after +1,000".into(),
            job(&["--log", "log", "reconcile"], Some(thousand_more)),
            "reconcile, nothing saved".into(),
            Some(job(&["--log", "log", "reconcile"], Some(nothing_saved))),
        ),
        (
            "figures, nothing saved".into(),
            job(&["--log", "log", "query", &figures], Some(nothing_saved)),
            "reckon verify".into(),
            Some(job(&["--log", "log", "verify"], None)),
        ),
        (
            "reconcile --format json".into(),
            job(&["--log", "log", "reconcile", "--format", "json"], None),
            "reconcile (table)".into(),
            Some(job(&["--log", "log", "reconcile"], None)),
        ),
        (
            "warm one-subject query".into(),
            job(&["--log", "log", "query", &question], None),
            "sqlite3 indexed lookup".into(),
            sqlite.then(|| Job {
                program: "sqlite3".into(),
                args: vec![
                    "claims.db".into(),
                    format!("select * from claims where subject = '{subject}'"),
                ],
                stdin: None,
                reset: None,
            }),
        ),
    ];
    // The real data: 50k edits with long words, whose JSON is ten times the table, where
    // the generated log's is a hundred times.
    let real = if population.join("claims.jsonl").is_file() {
        match import_population(&dir, population) {
            Ok(left_out) => {
                let on = |args: &[&str]| {
                    let mut all = vec!["--log", POPULATION, "reconcile"];
                    all.extend_from_slice(args);
                    job(&all, Some(population_saved))
                };
                rows.push((
                    "Population: json".into(),
                    on(&["--format", "json"]),
                    "Population: table".into(),
                    Some(on(&[])),
                ));
                format!(
                    "; Population data from {} ({left_out} lines left out for breaking the import contract)",
                    population.display()
                )
            }
            Err(e) => format!("; Population rows left out: its import failed: {e}"),
        }
    } else {
        format!(
            "; Population rows left out: no claims.jsonl in {}",
            population.display()
        )
    };
    if jq {
        rows.push((
            "warm one-subject query".into(),
            job(&["--log", "log", "query", &question], None),
            "jq scan of the file".into(),
            Some(Job {
                program: "jq".into(),
                args: vec![
                    "-c".into(),
                    format!("select(.subject == \"{subject}\")"),
                    "claims.jsonl".into(),
                ],
                stdin: None,
                reset: None,
            }),
        ));
    }
    println!(
        "{claims} claims over {subjects} subjects, {runs} runs each, interleaved; medians (peak memory){}{real}",
        if timer.is_none() {
            "; /usr/bin/time is not installed, so no memory figures"
        } else {
            ""
        }
    );
    println!(
        "{:<26} {:>17}   {:<24} {:>17}   {:>7}   run by run",
        "task", "reckon", "yardstick", "", "ratio"
    );
    let mb = |k: Option<u64>| k.map_or_else(String::new, |k| format!(" ({} MB)", k / 1024));
    for (task, mine, peer_name, peer) in &rows {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let (mut am, mut bm) = (None, None);
        for _ in 0..runs.max(1) {
            let (t, m) = run(mine, &dir, timer)?;
            a.push(t);
            am = am.max(m);
            if let Some(p) = peer {
                let (t, m) = run(p, &dir, timer)?;
                b.push(t);
                bm = bm.max(m);
            }
        }
        let (lo, hi) = spread(&a, &b);
        let ma = median(a);
        let mine_text = format!("{ma:.3} s{}", mb(am));
        match peer {
            Some(_) => {
                let mbv = median(b);
                println!(
                    "{task:<26} {mine_text:>17}   {peer_name:<24} {:>17}   {:>6.3}x   {lo:.2}-{hi:.2}",
                    format!("{mbv:.3} s{}", mb(bm)),
                    ma / mbv
                );
            }
            None => println!(
                "{task:<26} {mine_text:>17}   {peer_name:<24} {:>17}",
                "not installed"
            ),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median is the middle run (the upper one of an even count), and the spread pairs
    /// each of reckon's runs with the yardstick's run made with it, not the fastest with the
    /// fastest: a load that slowed one pair alike leaves the ratios alone.
    #[test]
    fn medians_and_the_spread_of_paired_runs() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0);
        let (lo, hi) = spread(&[1.0, 4.0, 2.0], &[1.0, 2.0, 4.0]);
        assert_eq!((lo, hi), (0.5, 2.0));
        let (lo, hi) = spread(&[2.0, 6.0], &[1.0, 3.0]);
        assert_eq!((lo, hi), (2.0, 2.0));
        assert!(spread(&[1.0], &[]).0.is_nan());
    }
}
