//! `reckon-bench worst N`: the paths the code review found quadratic, each timed on an input
//! built to be their worst case at size N and at 2N. Linear or n·log n code takes about twice
//! as long at 2N; quadratic code four times.

use reckon_claim::{Interval, Tolerance, Value};
use std::time::Instant;

fn claims_json(lines: impl Iterator<Item = String>) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.push(b'\n');
    }
    out
}

fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed().as_secs_f64(), out)
}

/// Ties: n claims of one subject, each a different figure from a different origin, so every
/// region is a candidate (the sweep once rescanned every vote per candidate).
fn sweep(n: u64) -> f64 {
    let votes: Vec<(Interval, u32)> = (0..n)
        .filter_map(|i| {
            let iv = Value::parse(&(i * 10).to_string())
                .ok()?
                .interval(Tolerance::DEFAULT)?;
            Some((iv, u32::try_from(i).ok()?))
        })
        .collect();
    time(|| reckon_reconcile::sweep::best_regions(&votes)).0
}

/// One subject with n claims, half of them dissenting, explained (explain and provenance
/// once asked "is it in the support?" by scanning the support for every claim).
fn explain(n: u64) -> Result<f64, String> {
    let input = claims_json((0..n).map(|i| {
        let v = if i % 2 == 0 { 1000 } else { 5000 + i };
        format!(r#"{{"subject":"w/one","value":"{v}","said_on":"2025","speaker":"S{i}"}}"#)
    }));
    let entries = crate::eval::load("worst-explain", &input)?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let r = reckon_reconcile::reconcile(&state, None, &reckon_reconcile::Options::default());
    Ok(time(|| reckon_render::recon::explain(&state, &r, reckon_render::Format::Human)).0)
}

/// The entries of a log of n claims in n/10 sums of two parts each (`w/wholeK` the sum of
/// `w/partKa` and `w/partKb`), with the number of sums.
fn in_sums(n: u64, name: &str) -> Result<(Vec<reckon_ledger::Entry>, u64), String> {
    let sums = (n / 10).max(1);
    let defs = (0..sums)
        .map(|k| format!(r#"{{"define":"w/whole{k}","sum_of":["w/part{k}a","w/part{k}b"]}}"#));
    let claims = (0..n).map(|i| {
        let k = i % sums;
        let side = if i % 2 == 0 { "a" } else { "b" };
        format!(
            r#"{{"subject":"w/part{k}{side}","value":"{i}","said_on":"2025","speaker":"S{i}"}}"#
        )
    });
    let entries = crate::eval::load(name, &claims_json(claims.chain(defs)))?;
    Ok((entries, sums))
}

/// n subjects in n/10 sums, reconciled for one pattern (every sum was rebuilt for every claim
/// and group).
fn parts(n: u64) -> Result<f64, String> {
    let (entries, _) = in_sums(n, "worst-parts")?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let pattern = reckon_reconcile::Pattern::new("w/whole1");
    Ok(time(|| {
        reckon_reconcile::reconcile(
            &state,
            Some(&pattern),
            &reckon_reconcile::Options::default(),
        )
    })
    .0)
}

/// n claims in n/10 sums, the report of every whole and part looked up once among the
/// reports kept for them (as `conflicts` looks up a whole's parts; each lookup once scanned
/// every kept report).
fn members(n: u64) -> Result<f64, String> {
    let (entries, sums) = in_sums(n, "worst-members")?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let opts = reckon_reconcile::Options::default();
    let reports = reckon_reconcile::reconcile_reports(&state, None, &opts);
    let keys: Vec<(reckon_claim::Subject, String)> = reports
        .upcoming()
        .map(|(s, u)| (s.clone(), u.to_owned()))
        .collect();
    let (t, found) = time(|| {
        keys.iter()
            .filter(|(s, u)| reports.member(s, u).is_some())
            .count()
    });
    // Every subject with claims is a part of a sum: each report to come is a member's.
    match found == keys.len() && found as u64 >= sums {
        true => Ok(t),
        false => Err(format!(
            "{found} of the {} members' reports were found",
            keys.len()
        )),
    }
}

/// n subjects, each with two disagreeing claims by two origins of its own, reconciled whole
/// with the weighted method (each report once copied the reliability of every origin, so the
/// reports of a log of many origins cost subjects × origins).
fn origins(n: u64) -> Result<f64, String> {
    let claims = (0..n).flat_map(|i| {
        [0, 1].map(|side| {
            format!(
                r#"{{"subject":"w/o{i}","value":"{}","said_on":"2025","speaker":"S{i}-{side}"}}"#,
                100 + 50 * side
            )
        })
    });
    let entries = crate::eval::load("worst-origins", &claims_json(claims))?;
    let state = reckon_reconcile::State::fold(&entries, None);
    let opts = reckon_reconcile::Options::default();
    let (t, r) = time(|| reckon_reconcile::reconcile(&state, None, &opts));
    match r.subjects.len() as u64 == n && r.records.len() as u64 == 2 * n {
        true => Ok(t),
        false => Err(format!(
            "{} subjects and {} origins reconciled, not {n} and {}",
            r.subjects.len(),
            r.records.len(),
            2 * n
        )),
    }
}

/// n retractions, each naming its claim by a hash prefix (every reference once wrote out the
/// hash of every entry).
fn references(n: u64) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("reckon-worst-refs-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let log = reckon_ledger::Log::at(dir.join("log"));
    log.init().map_err(|e| e.to_string())?;
    let claims = claims_json((0..n).map(|i| {
        format!(r#"{{"subject":"w/r","value":"{i}","said_on":"2025","speaker":"S{i}"}}"#)
    }));
    reckon_ledger::import(&log, "claims", &claims).map_err(|e| e.to_string())?;
    let entries = log.entries().map_err(|e| e.to_string())?;
    let retractions = claims_json(entries.iter().map(|e| {
        format!(
            r#"{{"retract":"{}","reason":"bench"}}"#,
            &e.hash.to_hex()[..16]
        )
    }));
    let (t, r) = time(|| reckon_ledger::import(&log, "retractions", &retractions));
    let _ = std::fs::remove_dir_all(&dir);
    r.map_err(|e| e.to_string())?;
    Ok(t)
}

/// The committed head of a log whose last line is 50·n bytes long (finding the start of the
/// last line once copied the growing buffer for every 64 KiB read backwards).
fn tail(n: u64) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("reckon-worst-tail-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let quote = "q".repeat(usize::try_from(50 * n).unwrap_or(0));
    let line = format!(
        r#"{{"subject":"w/t","value":"1","said_on":"2025","speaker":"S","quote":"{quote}"}}"#
    );
    let event = reckon_claim::parse_line(&line, &mut |_, _| Err(String::new()))
        .map_err(|e| e.to_string())?;
    let (bytes, hash) = reckon_ledger::encode(
        1,
        &reckon_ledger::GENESIS,
        reckon_claim::Timestamp::from_unix(0),
        &event,
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("entries.jsonl"), &bytes).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("head"), format!("1 {hash}\n")).map_err(|e| e.to_string())?;
    let log = reckon_ledger::Log::at(&dir);
    let (t, r) = time(|| log.committed());
    let _ = std::fs::remove_dir_all(&dir);
    r.map_err(|e| e.to_string())?;
    Ok(t)
}

/// A line of n keys (duplicate keys were looked for pairwise).
fn keys(n: u64) -> f64 {
    let fields: Vec<String> = (0..n).map(|i| format!(r#""k{i}":1"#)).collect();
    let line = format!("{{{}}}", fields.join(","));
    time(|| reckon_claim::parse_line(&line, &mut |_, _| Err(String::new())).is_err()).0
}

/// How long a case may take at `n` (the median of three runs, in seconds) for `2n` to be run.
const SLOW: f64 = 10.0;

/// Runs every case at `n` and `2n` and prints one line each.
pub fn run(n: u64) -> Result<(), String> {
    type Case = (&'static str, fn(u64) -> Result<f64, String>);
    let cases: [Case; 8] = [
        ("sweep: n tied single-origin figures", |n| Ok(sweep(n))),
        ("explain: one subject, n claims, half dissenting", explain),
        ("parts: n claims in n/10 sums, one pattern", parts),
        ("members: n claims in n/10 sums, each looked up", members),
        ("origins: n subjects, each with two origins", origins),
        ("references: n retractions by hash prefix", references),
        ("input: a line of n keys", |n| Ok(keys(n))),
        ("tail: the committed head, last line 50n bytes", tail),
    ];
    println!("case                                               n={n:<9} 2n        ratio");
    for (name, f) in cases {
        // The median of three, at each size.
        let median = |n: u64| -> Result<f64, String> {
            let mut t = [f(n)?, f(n)?, f(n)?];
            t.sort_by(f64::total_cmp);
            Ok(t[1])
        };
        let a = median(n)?;
        // A case that is slow at n would be four times slower at 2n if it is quadratic: it
        // is reported as such instead of holding up the other cases.
        if a > SLOW {
            println!("{name:<50} {a:>8.4} s  (2n not run: over {SLOW} s at n)");
            continue;
        }
        let b = median(2 * n)?;
        println!("{name:<50} {a:>8.4} s {b:>8.4} s {:>5.2}", b / a.max(1e-9));
    }
    Ok(())
}
