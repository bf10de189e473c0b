//! `reckon-bench`: generate synthetic claims, and time import and verification against the
//! hashing floor. Timing lives here, never in tests.

use reckon_ledger::Log;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

mod compare;

const USAGE: &str = "\
usage:
  reckon-bench generate CLAIMS SUBJECTS [SEED]   print synthetic claims as JSON Lines
  reckon-bench log CLAIMS SUBJECTS [DIR]         time import, verify and the hashing floor
  reckon-bench reconcile CLAIMS SUBJECTS         time folding and reconciling
  reckon-bench audit CLAIMS SUBJECTS             time the tree head, proofs and their checks
  reckon-bench compare CLAIMS SUBJECTS [RUNS] [POPULATION_DIR]
                                                 reckon against sqlite3, jq and its own verify,
                                                 interleaved: medians, ratios, peak memory; the
                                                 JSON against the table on the Population data
                                                 too (default ../shared/data/population)
  reckon-bench worst N                           time the once-quadratic paths at N and 2N
  reckon-bench eval DATA_DIR [--cv] [--misses]   score the reconciler on real data
                                                 (DATA_DIR holds claims.jsonl and truth-*.csv)
  reckon-bench planted [SEED]                    recover planted accuracies and copiers as
                                                 noise and copying grow

Run it built for speed:
  cargo run --release -p reckon-synth --bin reckon-bench -- log 1000000 100000";

fn arg(args: &[String], i: usize, default: Option<u64>) -> Result<u64, String> {
    match args.get(i) {
        Some(a) => a
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{a}` is not a whole number\n{USAGE}")),
        None => default.ok_or_else(|| USAGE.to_owned()),
    }
}

fn generate(args: &[String]) -> Result<(), String> {
    let (n, m, seed) = (
        arg(args, 2, None)?,
        arg(args, 3, None)?,
        arg(args, 4, Some(1))?,
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in reckon_synth::claims(n, m, seed) {
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn bench_log(args: &[String]) -> Result<(), String> {
    let (n, m) = (arg(args, 2, None)?, arg(args, 3, None)?);
    let dir = args.get(4).map_or_else(
        || std::env::temp_dir().join(format!("reckon-bench-{}", std::process::id())),
        PathBuf::from,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    let mut input = Vec::new();
    for line in reckon_synth::claims(n, m, 1) {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    println!(
        "generated {n} claims over {m} subjects: {:.1} MB in {:.2} s",
        input.len() as f64 / 1e6,
        secs(t)
    );
    let log = Log::at(dir.join("log"));
    log.init().map_err(|e| e.to_string())?;
    let t = Instant::now();
    let (head, added) =
        reckon_ledger::import(&log, "synthetic", &input).map_err(|e| e.to_string())?;
    println!(
        "import:  {added} entries in {:.2} s ({:.0} entries/s)",
        secs(t),
        added as f64 / secs(t)
    );
    drop(input);
    let bytes = std::fs::read(log.entries_path()).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let mut acc = 0u8;
    for line in bytes.split(|b| *b == b'\n').filter(|l| l.len() > 65) {
        acc ^= blake3::hash(&line[65..]).as_bytes()[0];
    }
    let floor = secs(t);
    println!(
        "floor:   blake3 of each stored entry body, one core: {floor:.2} s ({:.0} MB/s) [{acc}]",
        bytes.len() as f64 / 1e6 / floor
    );
    let t = Instant::now();
    let verdict = log.verify().map_err(|e| e.to_string())?;
    let v = secs(t);
    println!(
        "verify:  {:.2} s = {:.2}x the floor ({verdict:?})",
        v,
        v / floor
    );
    if verdict != Ok(head) {
        return Err("verification did not give the head the import returned".into());
    }
    let t = Instant::now();
    let entries = log.entries().map_err(|e| e.to_string())?;
    println!(
        "read:    {} entries decoded in {:.2} s",
        entries.len(),
        secs(t)
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn bench_reconcile(args: &[String]) -> Result<(), String> {
    let (n, m) = (arg(args, 2, None)?, arg(args, 3, None)?);
    let mut input = Vec::new();
    for line in reckon_synth::claims(n, m, 1) {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    let entries = reckon_synth::eval::load("reconcile", &input)?;
    drop(input);
    let t = Instant::now();
    let state = reckon_reconcile::State::fold(&entries, None);
    let fold = secs(t);
    // RECKON_BENCH_REPEAT=N reconciles N times (to profile the reconciler alone); the time
    // reported is the last run's.
    let repeat: usize = std::env::var("RECKON_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut timed = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let r = reckon_reconcile::reconcile(&state, None, &reckon_reconcile::Options::default());
        timed = Some((r, secs(t)));
    }
    let Some((r, rec)) = timed else {
        return Err("nothing reconciled".into());
    };
    let t = Instant::now();
    let g = reckon_reconcile::graph::build(&r);
    let graph = secs(t);
    println!(
        "{n} claims over {m} subjects: fold {fold:.2} s, reconcile {rec:.2} s ({} subjects), graph {graph:.2} s ({} nodes, {} edges)",
        r.subjects.len(),
        g.node_count(),
        g.edge_count()
    );
    Ok(())
}

fn bench_audit(args: &[String]) -> Result<(), String> {
    use reckon_merkle::{Blake3, verify_consistency, verify_inclusion};
    let (n, m) = (arg(args, 2, None)?, arg(args, 3, None)?);
    let dir = std::env::temp_dir().join(format!("reckon-bench-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = Log::at(dir.join("log"));
    log.init().map_err(|e| e.to_string())?;
    let mut input = Vec::new();
    for line in reckon_synth::claims(n, m, 1) {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    reckon_ledger::import(&log, "synthetic", &input).map_err(|e| e.to_string())?;
    drop(input);
    let t = Instant::now();
    let tree = reckon_audit::tree(&log).map_err(|e| e.to_string())?.tree;
    let root = tree.root();
    println!(
        "tree head of {} entries (read the stored hashes, build every level): {:.3} s",
        tree.size(),
        secs(t)
    );
    let t = Instant::now();
    let mut proofs = Vec::new();
    for k in 0..1000u64 {
        let i = k * 7919 % tree.size();
        proofs.push((i, tree.inclusion_proof(i).map_err(|e| e.to_string())?));
    }
    let made = secs(t);
    let t = Instant::now();
    for (i, p) in &proofs {
        let leaf = *tree.leaves().get(*i as usize).ok_or("no leaf")?;
        verify_inclusion::<Blake3>(*i, tree.size(), &leaf, p, &root).map_err(|e| e.to_string())?;
    }
    println!(
        "1000 inclusion proofs: made in {:.4} ms each, checked in {:.4} ms each",
        made * 1e3 / 1000.0,
        secs(t) * 1e3 / 1000.0
    );
    let half = tree.size() / 2;
    let old = tree.root_of_first(half).ok_or("no prefix")?;
    let t = Instant::now();
    let c = tree.consistency_proof(half).map_err(|e| e.to_string())?;
    let made = secs(t) * 1e3;
    let t = Instant::now();
    verify_consistency::<Blake3>(half, tree.size(), &old, &root, &c).map_err(|e| e.to_string())?;
    println!(
        "consistency proof {half} -> {}: made in {made:.3} ms, checked in {:.3} ms",
        tree.size(),
        secs(t) * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn eval(args: &[String]) -> Result<(), String> {
    let dir = PathBuf::from(args.get(2).ok_or(USAGE)?);
    let cv = args.iter().any(|a| a == "--cv");
    let report = reckon_synth::eval::evaluate_dir(&dir, cv)?;
    if !report.skipped.is_empty() {
        println!(
            "left out {} lines that break the import contract, for example:",
            report.skipped.len()
        );
        for s in report.skipped.iter().take(3) {
            println!("  {s}");
        }
    }
    for (t, s) in &report.scores {
        println!(
            "{}: {} subjects, {} wrong ({:.1}%), {} without a figure, mean absolute error {:.0}",
            t.display(),
            s.subjects,
            s.wrong,
            100.0 * s.error_rate(),
            s.missing,
            s.mae
        );
        for (label, list) in [
            ("majority vote", &report.majority),
            ("--method count", &report.counting),
        ] {
            if let Some((_, m)) = list.iter().find(|(p, _)| p == t) {
                println!(
                    "  {label}: {} wrong ({:.1}%), mean absolute error {:.0}",
                    m.wrong,
                    100.0 * m.error_rate(),
                    m.mae
                );
            }
        }
        if let Some((_, cv)) = report.cross_validated.iter().find(|(p, _)| p == t) {
            println!(
                "  5-fold cross-validation over {} settings: {} of {} wrong ({:.1}%), mean absolute error {:.0}",
                reckon_synth::eval::grid().len(),
                cv.wrong(),
                cv.subjects(),
                100.0 * cv.wrong() as f64 / cv.subjects().max(1) as f64,
                cv.mae()
            );
            for (k, f) in cv.folds.iter().enumerate() {
                println!(
                    "    fold {}: chose n = {}, s = {}, β = {}; {} of {} wrong",
                    k + 1,
                    f.chosen.alternatives,
                    f.chosen.prior_strength,
                    f.chosen.copy_smoothing,
                    f.wrong,
                    f.subjects
                );
            }
        }
        if args.iter().any(|a| a == "--misses") {
            for (subject, reference, got) in &s.misses {
                println!(
                    "  {subject}: reference {reference}, figure {}",
                    got.map_or("none".into(), |g| g.to_string())
                );
            }
        }
    }
    Ok(())
}

fn planted(args: &[String]) -> Result<(), String> {
    let seed = arg(args, 2, Some(1))?;
    println!(
        "2000 subjects, 40 independent origins (3 to 6 per subject), seed {seed}; copiers repeat the least accurate origins"
    );
    println!(
        "{:<6} {:<8} {:>10} {:>10} {:>9} {:>18} {:>22}",
        "noise",
        "copiers",
        "weighted",
        "majority",
        "spearman",
        "copying (copiers)",
        "copying (independents)"
    );
    for noise in [0.1, 0.25, 0.4] {
        for copiers in [0, 5, 15] {
            let sc = reckon_synth::planted::Scenario {
                subjects: 2000,
                origins: 40,
                noise,
                copiers,
                seed,
            };
            let got = reckon_synth::planted::run(&sc)?;
            let pct = |k: usize| format!("{:.1}%", 100.0 * k as f64 / got.subjects as f64);
            println!(
                "{:<6} {:<8} {:>10} {:>10} {:>9.2} {:>18} {:>22.2}",
                noise,
                copiers,
                pct(got.wrong),
                pct(got.majority_wrong),
                got.spearman,
                if copiers == 0 {
                    "-".to_owned()
                } else {
                    format!("{:.2}", got.copying_of_copiers)
                },
                got.copying_of_independents
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let r = match args.get(1).map(String::as_str) {
        Some("generate") => generate(&args),
        Some("log") => bench_log(&args),
        Some("reconcile") => bench_reconcile(&args),
        Some("worst") => arg(&args, 2, Some(20_000)).and_then(reckon_synth::worst::run),
        Some("eval") => eval(&args),
        Some("planted") => planted(&args),
        Some("audit") => bench_audit(&args),
        Some("compare") => arg(&args, 2, None).and_then(|n| {
            let population = args
                .get(5)
                .map_or_else(|| PathBuf::from("../shared/data/population"), PathBuf::from);
            compare::compare(
                n,
                arg(&args, 3, None)?,
                arg(&args, 4, Some(3))?,
                &population,
            )
        }),
        _ => Err(USAGE.to_owned()),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
