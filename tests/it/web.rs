//! `reckon serve` and `reckon site`: the pages over HTTP, as static files, and in a real
//! browser (headless Chromium, when the machine has it).

use crate::support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `reckon serve`, stopped when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(log: &Path, extra: &[&str]) -> Served {
        Served::start_with(log, extra, &[])
    }

    /// [`Served::start`] with `env` set in the server's environment.
    fn start_with(log: &Path, extra: &[&str], env: &[(&str, &str)]) -> Served {
        let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reckon-cache");
        let mut child = Command::new(env!("CARGO_BIN_EXE_reckon"))
            .arg("--log")
            .arg(log)
            .args(["serve", "--port", "0"])
            .args(extra)
            .env("RECKON_CACHE_DIR", &cache)
            .env("SOURCE_DATE_EPOCH", "1763769600")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Served { child, base }
    }

    /// Sends `request` (a whole request head, without the host line) and returns the status
    /// code, the head and the body.
    fn raw(&self, request: &str) -> (u16, String, String) {
        let addr = self
            .base
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (code, head.to_owned(), body.to_owned())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (code, _, body) = self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ));
        (code, body)
    }
}

/// A log with a contested subject, a quiet one, and claims whose words are markup and
/// scripts: each must show as text.
fn hostile_log(dir: &Path) -> PathBuf {
    log_of(
        dir,
        &[
            r#"{"subject":"war/dead","value":"100","unit":"people","said_on":"2025-05-01","speaker":"Ann Agency","quote":"<script>document.body.setAttribute('data-pwned','script')</script> 100 died","url":"javascript:document.body.setAttribute('data-pwned','link')"}"#,
            r#"{"subject":"war/dead","value":"100","unit":"people","said_on":"2025-05-02","speaker":"<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">","quote":"about 100 people","url":"https://example.org/report?a=1&b=2"}"#,
            r#"{"subject":"war/dead","value":"300","unit":"people","said_on":"2025-05-03","speaker":"Carl Count","scope":"\"><svg onload=\"document.body.setAttribute('data-pwned','svg')\">","quote":"300 in all"}"#,
            r#"{"subject":"war/aid","value":"5","unit":"trucks","said_on":"2025-05-03","speaker":"Dora Depot","quote":"five trucks"}"#,
        ],
    )
}

/// The `<svg>…</svg>` elements of a page, each parsed as a standalone XML document; returns
/// for each the number of elements with `class` containing `word`.
fn svg_marks(page: &str, word: &str) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        let doc = roxmltree::Document::parse(&rest[start..end])
            .unwrap_or_else(|e| panic!("an SVG of the page is not well-formed: {e}"));
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(
            root.children().any(|c| c.has_tag_name("title")),
            "an SVG without a title"
        );
        counts.push(
            doc.descendants()
                .filter(|n| {
                    n.attribute("class")
                        .is_some_and(|c| c.split(' ').any(|w| w == word))
                })
                .count(),
        );
        rest = &rest[end..];
    }
    counts
}

#[test]
fn served_pages_say_what_the_log_says_and_refuse_what_a_read_only_server_must() {
    let dir = scratch("web-serve");
    let log = seeded(&dir);
    let s = Served::start(&log, &[]);

    let (code, index) = s.get("/");
    assert_eq!(code, 200);
    assert!(
        index.contains("exchange/2025-05-23/agreed-per-side"),
        "{index}"
    );
    assert!(index.contains("1,000") && index.contains("corroborated"));
    assert!(
        index.contains("Made from log position 26, head "),
        "{index}"
    );
    assert!(index.contains("<input type=\"search\" id=\"filter\""));

    let (code, page) = s.get("/subject/exchange~2025-05-23~agreed-per-side.html");
    assert_eq!(code, 200);
    // The figure, a quote, and each claim linked to its entry.
    assert!(
        page.contains("Figure: <strong>1,000</strong> people"),
        "{page}"
    );
    assert!(page.contains("Russia and Ukraine have reached an agreement in Istanbul"));
    assert!(page.contains("<a href=\"../entry/10.html\">#10</a>"));
    // One timeline mark and one graph node per claim, in well-formed SVG documents.
    let claims = page.matches("<tr data-seq=").count();
    assert_eq!(claims, 7, "{page}");
    assert_eq!(svg_marks(&page, "mark"), vec![claims, 0]);
    assert_eq!(svg_marks(&page, "claim"), vec![0, claims]);

    let (code, entry) = s.get("/entry/10.html");
    assert_eq!(code, 200);
    assert!(entry.contains("Entry #10") && entry.contains("Checked: its bytes hash to"));
    assert!(entry.contains("No checkpoint was given"));

    let (code, answer) = s.get("/query.html?q=figures+exchange%2F2025-05-23%2F");
    assert_eq!(code, 200);
    assert!(answer.contains("<th scope=\"col\">value</th>"), "{answer}");
    assert!(answer.contains("390"));
    let (code, wrong) = s.get("/query.html?q=figures+%7C+srot+figure");
    assert_eq!(code, 200);
    assert!(wrong.contains("<pre class=\"error\""), "{wrong}");
    assert!(wrong.contains('^'));

    // What the server refuses.
    assert_eq!(s.get("/subject/no~such~thing.html").0, 404);
    assert_eq!(s.get("/entry/999.html").0, 404);
    assert_eq!(s.get("/entry/1.proof.json").0, 404);
    assert_eq!(s.get("/../../etc/passwd").0, 404);
    assert_eq!(s.get("/query.html?q=%ff").0, 400);
    let (code, head, _) = s.raw(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assert_eq!(code, 405);
    assert!(
        head.to_ascii_lowercase().contains("allow: get, head"),
        "{head}"
    );
    let (code, head, body) =
        s.raw("HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(code, 200);
    assert!(body.is_empty());
    // With the length a GET of the same page has.
    assert!(
        head.contains(&format!("content-length: {}", s.get("/").1.len())),
        "{head}"
    );
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    // A request head past the bound is refused, not read on.
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(MAX_HEAD * 2)
    );
    let (code, _, _) = s.raw(&huge);
    assert!(code == 431 || code == 0, "an oversized head got {code}");
    // The server is still there for the next reader, and sees an append at once.
    let r = reckon(
        &log,
        &[
            "add",
            "--subject",
            "exchange/2025-05-06/returned-to-ukraine",
            "--value",
            "206",
            "--said-on",
            "2025-05-20",
            "--speaker",
            "New Speaker",
            "--quote",
            "206 came home",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, page) = s.get("/subject/exchange~2025-05-06~returned-to-ukraine.html");
    assert_eq!(code, 200);
    assert!(page.contains("206 came home"), "{page}");
    assert!(s.get("/").1.contains("Made from log position 27"));
}

/// The server's bound on a request head (`reckon_web::MAX_HEAD`, documented in README).
const MAX_HEAD: usize = 16 * 1024;

#[test]
fn text_from_the_log_is_never_markup_in_the_served_html() {
    let dir = scratch("web-xss");
    let log = hostile_log(&dir);
    let s = Served::start(&log, &[]);
    let (code, page) = s.get("/subject/war~dead.html");
    assert_eq!(code, 200);
    for bad in [
        "<script>document",
        "<img src=x",
        "<svg onload",
        "href=\"javascript:",
    ] {
        assert!(!page.contains(bad), "`{bad}` reached the page:\n{page}");
    }
    assert!(page.contains("&lt;script&gt;document.body.setAttribute"));
    assert!(page.contains("href=\"https://example.org/report?a=1&amp;b=2\""));
    // Conflicts come first on the subjects page.
    let (_, index) = s.get("/");
    let (dead, aid) = (
        index.find("war/dead").unwrap(),
        index.find("war/aid").unwrap(),
    );
    assert!(dead < aid, "the contested subject is listed first");
    assert!(index.contains("contested"));
}

/// The resident memory of process `pid`, in kB (Linux).
fn resident_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_server_frees_what_each_whole_log_question_folded() {
    // A question about every claim or every subject folds the whole log; the command-line
    // tool leaves that state to its exit, a server must give it back after each answer.
    let dir = scratch("web-frees");
    let lines: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                r#"{{"subject":"town/t{}","value":"{}","unit":"people","said_on":"2025-05-{:02}","speaker":"Editor {}","quote":"{} people live here"}}"#,
                i % 2_500,
                1_000 + i % 7,
                1 + i % 28,
                i % 300,
                1_000 + i % 7
            )
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let log = log_of(&dir, &refs);
    // mimalloc gives freed pages back to the system 10 ms after they are freed, but only
    // when the thread that freed them allocates again, and the server answers on a pool of
    // threads: asked to give them back at once, what it keeps is what it still holds.
    let s = Served::start_with(&log, &[], &[("MIMALLOC_PURGE_DELAY", "0")]);
    if resident_kb(s.child.id()).is_none() {
        eprintln!("skipped: no /proc/PID/status on this machine to read a process's memory");
        return;
    }
    let questions = [
        "/query.html?q=claims+%7C+count",
        "/query.html?q=figures+%7C+count",
        "/query.html?q=claims+%7C+show+subject%2C+quote+%7C+limit+2",
    ];
    let ask = |rounds: usize| {
        for _ in 0..rounds {
            for q in questions {
                let (code, page) = s.get(q);
                assert_eq!(code, 200, "{q}: {page}");
            }
        }
    };
    // The first rounds make the saved caches and let the allocator settle.
    ask(3);
    // What an allocator keeps of freed memory is bounded, what a leak keeps grows with every
    // answer. So the growth is measured over three windows of 12 answers each: a leak grows
    // every one of them by 20 MB or more (19-37 MB measured); freed, each window grew 0-6 MB.
    let mut last = resident_kb(s.child.id()).unwrap();
    let mut windows = Vec::new();
    for _ in 0..3 {
        ask(4);
        let now = resident_kb(s.child.id()).unwrap();
        windows.push(now.saturating_sub(last));
        last = now;
    }
    let least = windows.iter().copied().min().unwrap_or(0);
    assert!(
        least < 10_000,
        "the server grew by at least {least} kB in each window of 12 whole-log questions \
         (growth per window: {windows:?} kB)"
    );
}

#[test]
fn site_writes_the_served_pages_as_files_and_the_same_bytes_twice() {
    let dir = scratch("web-site");
    let log = seeded(&dir);
    let (a, b) = (dir.join("a"), dir.join("b"));
    let r = reckon(&log, &["site", a.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("site.txt", &r.transcript(), &dir);
    assert_eq!(reckon(&log, &["site", b.to_str().unwrap()], None).code, 0);
    let files = |d: &Path| {
        let mut all = Vec::new();
        for sub in ["", "subject", "entry"] {
            for e in std::fs::read_dir(d.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    all.push((
                        p.strip_prefix(d).unwrap().to_path_buf(),
                        std::fs::read(&p).unwrap(),
                    ));
                }
            }
        }
        all.sort();
        all
    };
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), 4 + 9 + 26);
    assert!(fa == fb, "two sites of one log differ");
    // The static subject page is the served one.
    let s = Served::start(&log, &[]);
    let name = "subject/exchange~2025-05-23~phase-1~per-side.html";
    let served = s.get(&format!("/{name}")).1;
    assert_eq!(served, std::fs::read_to_string(a.join(name)).unwrap());
    let query = std::fs::read_to_string(a.join("query.html")).unwrap();
    assert!(query.contains("reckon serve"), "{query}");
    // With a checkpoint, every entry's inclusion proof is written and checks out.
    let key = dir.join("k");
    assert_eq!(
        reckon(
            &log,
            &[
                "keygen",
                "reckon.example/web",
                "--out",
                key.to_str().unwrap()
            ],
            None
        )
        .code,
        0
    );
    let cp = dir.join("checkpoint");
    let kk = key.with_extension("key");
    assert_eq!(
        reckon(
            &log,
            &[
                "checkpoint",
                "--key",
                kk.to_str().unwrap(),
                "--out",
                cp.to_str().unwrap()
            ],
            None
        )
        .code,
        0
    );
    // A file that is not a checkpoint is refused with its reason, and nothing is written.
    let bad = dir.join("bad-checkpoint");
    std::fs::write(&bad, "not a checkpoint\n").unwrap();
    let nothing = dir.join("nothing");
    let r = reckon(
        &log,
        &[
            "site",
            nothing.to_str().unwrap(),
            "--checkpoint",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("malformed signed note"), "{}", r.stderr);
    assert!(!nothing.exists());
    let c = dir.join("c");
    let r = reckon(
        &log,
        &[
            "site",
            c.to_str().unwrap(),
            "--checkpoint",
            cp.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("26 inclusion proofs"), "{}", r.stdout);
    let entry = std::fs::read_to_string(c.join("entry/12.html")).unwrap();
    assert!(entry.contains("href=\"12.proof.json\""), "{entry}");
    let ok = reckon(
        &log,
        &[
            "verify-proof",
            c.join("entry/12.proof.json").to_str().unwrap(),
            "--key",
            key.with_extension("pub").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    // The server offers the same proof, byte for byte.
    let s = Served::start(&log, &["--checkpoint", cp.to_str().unwrap()]);
    let (code, page) = s.get("/entry/12.html");
    assert_eq!(code, 200);
    assert!(page.contains("href=\"12.proof.json\""), "{page}");
    let (code, proof) = s.get("/entry/12.proof.json");
    assert_eq!(code, 200);
    assert_eq!(
        proof,
        std::fs::read_to_string(c.join("entry/12.proof.json")).unwrap()
    );
}

/// The headless browser, when the machine has one.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Loads `url` in headless Chromium, lets its scripts run, saves a screenshot as `shot` under
/// the test output directory, and returns the DOM as the browser holds it.
fn browse(browser: &Path, url: &str, shot: &str, width: u32) -> String {
    let profile = scratch("chromium-profile");
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let common = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    };
    let mut shoot = Command::new(browser);
    common(&mut shoot);
    let done = shoot
        .arg(format!("--window-size={width},1800"))
        .arg(format!("--screenshot={}", shots.join(shot).display()))
        .arg(url)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(done.success(), "chromium could not take {shot}");
    let mut dump = Command::new(browser);
    common(&mut dump);
    let out = dump.arg("--dump-dom").arg(url).output().unwrap();
    assert!(out.status.success(), "chromium could not load {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_kind_of_page_loads_in_a_real_browser_and_no_quote_runs_as_a_script() {
    let Some(browser) = chromium() else {
        notice(
            "skipped the browser checks: no chromium on PATH (`.ci/run` installs the Debian package)",
        );
        return;
    };
    let dir = scratch("web-browser");
    let log = seeded(&dir);
    let s = Served::start(&log, &[]);
    let base = s.base.clone();

    let index = browse(&browser, &base, "subjects.png", 1200);
    assert!(
        index.contains("exchange/2025-05-23/agreed-per-side"),
        "{index}"
    );
    assert!(
        index.contains("9 of 9 shown"),
        "the filter script did not run:\n{index}"
    );
    let filtered = browse(
        &browser,
        &format!("{base}index.html#filter=phase-1"),
        "subjects-filtered.png",
        1200,
    );
    assert!(filtered.contains("3 of 9 shown"), "{filtered}");

    let subject = browse(
        &browser,
        &format!("{base}subject/exchange~2025-05-23~agreed-per-side.html"),
        "subject.png",
        1200,
    );
    assert!(
        subject.contains("Figure: <strong>1,000</strong> people"),
        "{subject}"
    );
    assert!(subject.contains("Russia and Ukraine have reached an agreement in Istanbul"));
    assert!(subject.contains("href=\"../entry/10.html\""));
    // On a phone's width too.
    let narrow = browse(
        &browser,
        &format!("{base}subject/exchange~2025-05-23~agreed-per-side.html"),
        "subject-phone.png",
        390,
    );
    assert!(narrow.contains("Figure: <strong>1,000</strong>"));

    let entry = browse(&browser, &format!("{base}entry/10.html"), "entry.png", 1200);
    assert!(entry.contains("Entry #10") && entry.contains("Checked: its bytes hash to"));

    let answer = browse(
        &browser,
        &format!("{base}query.html?q=figures+exchange%2F"),
        "query.png",
        1200,
    );
    assert!(
        answer.contains(">1000<") && answer.contains("<table class=\"answer\">"),
        "{answer}"
    );
    let caret = browse(
        &browser,
        &format!("{base}query.html?q=figures+%7C+srot+figure"),
        "query-error.png",
        1200,
    );
    assert!(
        caret.contains("class=\"error\"") && caret.contains('^'),
        "{caret}"
    );

    // A log whose quotes, names and links are scripts: the browser shows them as text.
    let hostile = scratch("web-browser-xss");
    let log = hostile_log(&hostile);
    let h = Served::start(&log, &[]);
    let dom = browse(
        &browser,
        &format!("{}subject/war~dead.html", h.base),
        "xss.png",
        1200,
    );
    // Each script would mark the body with `data-pwned="…"`; the words stay as text.
    assert!(
        !dom.contains("data-pwned=\""),
        "a script from the log ran:\n{dom}"
    );
    assert!(
        dom.contains("&lt;script&gt;document.body.setAttribute"),
        "{dom}"
    );
    assert!(dom.contains("&lt;img src=x onerror="), "{dom}");
    assert!(!dom.contains("href=\"javascript:"), "{dom}");
    let index = browse(&browser, &h.base, "xss-index.png", 1200);
    assert!(!index.contains("data-pwned=\""));
    notice(&format!(
        "browser screenshots are in {}",
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("web-screenshots")
            .display()
    ));
}

#[test]
fn entry_pages_of_the_site_say_what_became_of_each_entry_as_the_server_does() {
    // The site works out every entry's fate in one pass; the server one entry at a time.
    let dir = scratch("web-fates");
    let log = hostile_log(&dir);
    for args in [
        &["retract", "1", "--reason", "the agency withdrew it"][..],
        &["add", "--supersedes", "3", "--value", "310"][..],
        &["retract", "4", "--reason", "a second look"][..],
    ] {
        let r = reckon(&log, args, None);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let out = dir.join("site");
    assert_eq!(reckon(&log, &["site", out.to_str().unwrap()], None).code, 0);
    let s = Served::start(&log, &[]);
    for seq in 1..=7 {
        let file = std::fs::read_to_string(out.join(format!("entry/{seq}.html"))).unwrap();
        assert_eq!(s.get(&format!("/entry/{seq}.html")).1, file, "entry {seq}");
    }
    let first = std::fs::read_to_string(out.join("entry/1.html")).unwrap();
    assert!(first.contains("by #5: the agency withdrew it"), "{first}");
    let third = std::fs::read_to_string(out.join("entry/3.html")).unwrap();
    assert!(
        third.contains("superseded") && third.contains("by #6"),
        "{third}"
    );
}
