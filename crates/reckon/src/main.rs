//! `reckon`: the command line. It parses arguments, calls the libraries, and prints; it holds
//! no logic of its own beyond turning flags into the import contract's fields.
//!
//! Exit codes: 0 ok; 1 a check failed (verification, a damaged log); 2 bad usage or bad input.

use anyhow::Context as _;
use clap::Parser;
use reckon_ledger::{LedgerError, Log, Repair};
use reckon_render::{Fate, Format};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

// A million claims are a few million small allocations made and freed on all cores: mimalloc
// does that work in a quarter less time than the C library's allocator (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod audit;
mod interchange;
mod questions;
mod terminal;
mod writes;
use args::{Cli, Command, FormatArg, GraphFormat, ReconcileArgs};

/// An error with the exit code it should give.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) error: anyhow::Error,
}

pub(crate) fn fail<E: Into<anyhow::Error>>(code: u8) -> impl FnOnce(E) -> Failure {
    move |e| Failure {
        code,
        error: e.into(),
    }
}

pub(crate) fn ledger_code(e: &LedgerError) -> u8 {
    match e {
        LedgerError::Damaged { .. } => 1,
        _ => 2,
    }
}

pub(crate) fn ledger(e: LedgerError) -> Failure {
    Failure {
        code: ledger_code(&e),
        error: e.into(),
    }
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Self {
        ledger(e)
    }
}

/// Tells the user, on standard error, that a lock is being waited for.
fn waiting_notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "note: {message}");
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut log = Log::at(&cli.log)
        .waiting(reckon_ledger::fsx::LockWait {
            limit: cli.wait,
            notice: Some(waiting_notice),
        })
        // Appends are recorded for the saved folded snapshot (see reckon_index::appends).
        .telling(reckon_ledger::OnAppend(std::sync::Arc::new(
            reckon_index::appends::note,
        )));
    if !cli.quiet {
        // Each whole read of a large log shows a bar while it goes (a command may read twice).
        let bar: std::sync::Arc<std::sync::Mutex<Option<indicatif::ProgressBar>>> =
            std::sync::Arc::default();
        log = log.reporting(reckon_ledger::Progress(std::sync::Arc::new(
            move |read, total| {
                let Ok(mut slot) = bar.lock() else { return };
                if slot.is_none() {
                    *slot = terminal::progress_bar("reading the log", total);
                }
                if let Some(b) = slot.as_ref() {
                    b.set_position(read);
                    if read >= total {
                        b.finish_and_clear();
                        *slot = None;
                    }
                }
            },
        )));
    }
    // Nothing from the log reaches the terminal as a control character (see terminal_safe).
    // Verdicts are coloured for a terminal, after the text is made safe for one.
    let painter = terminal::colour(cli.color)
        .then_some(match &cli.command {
            Command::Reconcile(_) => Some(reckon_render::paint::Layout::Table),
            Command::Check { format, .. } if *format != FormatArg::Json => {
                Some(reckon_render::paint::Layout::Check)
            }
            Command::Verify { since: None, .. } => Some(reckon_render::paint::Layout::Verify),
            _ => None,
        })
        .flatten();
    let mut print = |s: &str| {
        let safe = reckon_render::terminal_safe(s);
        let text = match painter {
            Some(layout) => std::borrow::Cow::Owned(reckon_render::paint::paint(&safe, layout)),
            None => safe,
        };
        out.write_all(text.as_bytes())
            .context("cannot write to standard output")
            .map_err(fail(2))
    };
    // Confirmations, notes and passing checks are left out with --quiet.
    let quiet = cli.quiet;
    match cli.command {
        Command::Init { origin: None, .. } => {
            log.init().map_err(ledger)?;
            if !quiet {
                print(&format!(
                    "created an empty log in {}\n",
                    log.dir().display()
                ))?;
            }
        }
        Command::Init {
            origin: Some(origin),
            merkle,
        } => {
            let decl = reckon_claim::LogDecl {
                origin: origin_flag(&origin)?,
                merkle: (merkle == args::MerkleArg::Sha256)
                    .then_some(reckon_claim::TreeHash::Sha256),
            };
            log.init().map_err(ledger)?;
            let (head, _) = log
                .append(|tx| {
                    tx.push(&reckon_claim::Event::Log(decl.clone()))
                        .map_err(|m| Failure {
                            code: 1,
                            error: anyhow::anyhow!(m),
                        })
                })
                .map_err(|f: Failure| f)?;
            print(&format!(
                "created the log {origin} in {} (Merkle tree hash {}; entry #{} pins both)\n",
                log.dir().display(),
                if merkle == args::MerkleArg::Sha256 {
                    "sha256"
                } else {
                    "blake3"
                },
                head.seq
            ))?;
        }
        Command::Add(a) => print(&writes::add(&log, *a, quiet)?)?,
        Command::Retract {
            id,
            reason,
            dry,
            whole_read,
        } => print(&writes::retract(
            &log,
            (&id, reason),
            (dry.dry_run, whole_read),
            quiet,
        )?)?,
        Command::Import(a) => print(&writes::import(&log, a, quiet)?)?,
        Command::Extract(a) => print(&interchange::extract(a, quiet)?)?,
        Command::Export(a) => interchange::export(&log, a, &mut print)?,
        Command::Log { format } => listing(&log, format, &mut print)?,
        Command::Show { id, format } => {
            let format = format.not_csv().map_err(usage)?;
            let snapshot = log.snapshot().map_err(ledger)?;
            let id = entry_id(&snapshot, &id).map_err(usage)?;
            // A claim named by its number is read through the saved index with everything
            // about its subject; any other id from one pass at the speed of hashing.
            let named = reckon_query::entries_naming(&snapshot, &id, true).map_err(ledger)?;
            trace(&match named.through_index {
                true => format!(
                    "show: read {} entries through the index",
                    named.entries.len()
                ),
                false => "show: checked the whole log".to_owned(),
            });
            let kept = named.entries;
            let e = match id.pick(&kept, named.head.0) {
                Ok(e) => e,
                Err(why) => {
                    let near = reckon_query::near_hashes(&snapshot, &id, &kept).map_err(ledger)?;
                    return Err(usage(format!("{why}{near}")));
                }
            };
            let fate = Fate::among(&kept, e);
            print(&reckon_render::show(e, &fate, format))?;
        }
        Command::Reconcile(a) => reconciled(&log, &a, Which::Table, &mut print)?,
        Command::Conflicts(a) => {
            let csv = a.common.format == FormatArg::Csv;
            let format = if csv {
                Format::Json
            } else {
                a.common.format.not_csv().map_err(usage)?
            };
            let listed = conflicts(&log, &a.common, format, csv, &mut print)?;
            return Ok(u8::from(a.exit_code && listed > 0));
        }
        Command::Explain(a) => reconciled(&log, &a, Which::Explain, &mut print)?,
        Command::Graph(a) => {
            let format = match a.format {
                GraphFormat::Dot => Format::Human,
                GraphFormat::Json => Format::Json,
            };
            let args = ReconcileArgs {
                pattern: a.pattern,
                at: a.at,
                known: None,
                valid: None,
                method: args::MethodArg::Weighted,
                format: FormatArg::Human,
            };
            graph(&log, &args, format, &mut print)?;
        }
        Command::Query(a) => questions::query(&log, a, quiet, &mut print)?,
        Command::Check {
            paths,
            bless,
            junit,
            format,
            whole_read,
        } => {
            let json = format.not_csv().map_err(usage)? == Format::Json;
            return questions::check(
                &log,
                &paths,
                questions::CheckHow {
                    bless,
                    junit: junit.as_deref(),
                    json,
                    quiet,
                    whole_read,
                },
                &mut print,
            );
        }
        Command::Keygen { name, out } => print(&audit::keygen(&name, &out)?)?,
        Command::Checkpoint {
            key,
            origin,
            cosign,
            log_keys,
            policy,
            out,
        } => {
            let signer = audit::read_signer(&key)?;
            let note = match cosign {
                Some(cp) => {
                    let signers = args::PolicyArgs {
                        keys: log_keys,
                        policy,
                        ..Default::default()
                    };
                    let Some(policy) = audit::read_policy(&signers)? else {
                        return Err(usage(
                            "--cosign needs --log-key PUBKEY (or --policy FILE): a witness checks that the log signed the checkpoint before adding its own signature".into(),
                        ));
                    };
                    reckon_audit::cosign(
                        &log,
                        &audit::read_text(&cp, audit::Input::Note)?,
                        &signer,
                        &policy,
                    )
                }
                None => {
                    check_origin_flag(origin.as_deref())?;
                    reckon_audit::checkpoint(&log, &signer, origin.as_deref())
                }
            }
            .map_err(audit::audit)?;
            match out {
                Some(path) => {
                    // Through a new file and a rename: a failure never empties the old one.
                    reckon_ledger::fsx::write_atomically(&path, note.encode().as_bytes())
                        .map_err(fail(2))?;
                    print(&format!("wrote {}\n", path.display()))?;
                }
                None => print(&note.encode())?,
            }
        }
        Command::Prove {
            id: None,
            checkpoint,
            since: Some(old),
        } => {
            let new = audit::read_text(&checkpoint, audit::Input::Note)?;
            let old = audit::read_text(&old, audit::Input::Note)?;
            let snap = log.snapshot().map_err(ledger)?;
            let bundle =
                reckon_audit::prove_consistency(&snap, &old, &new).map_err(audit::audit)?;
            print(&bundle)?;
        }
        Command::Prove { id, checkpoint, .. } => {
            let id = id.unwrap_or_default();
            let note = audit::read_text(&checkpoint, audit::Input::Note)?;
            let snap = log.snapshot().map_err(ledger)?;
            let id = entry_id(&snap, &id).map_err(usage)?;
            // One pass at the speed of hashing, none decoded, no leaf held.
            let bundle = match reckon_audit::prove_entry(&snap, &id, &note).map_err(audit::audit)? {
                Ok(bundle) => bundle,
                // No entry named: the hashes a slip away, as show offers them.
                Err(why @ reckon_ledger::Unnamed::NoHash { .. }) => {
                    let near = reckon_query::near_hashes(&snap, &id, &[]).map_err(ledger)?;
                    return Err(usage(format!("{why}{near}")));
                }
                Err(why) => return Err(usage(why.to_string())),
            };
            print(&bundle)?;
        }
        Command::Tiles {
            dir,
            key,
            checkpoint,
            origin,
        } => {
            use reckon_audit::tiles::{Signing, write_with};
            check_origin_flag(origin.as_deref())?;
            let w = match (checkpoint, key) {
                (Some(cp), _) => {
                    let text = audit::read_text(&cp, audit::Input::Note)?;
                    write_with(&log, &dir, Signing::Note(&text))
                }
                (None, Some(key)) => {
                    let signer = audit::read_signer(&key)?;
                    write_with(&log, &dir, Signing::Key(&signer, origin.as_deref()))
                }
                (None, None) => {
                    return Err(usage("tiles needs --key FILE or --checkpoint FILE".into()));
                }
            }
            .map_err(audit::audit)?;
            let before = match w.before {
                Some(n) => format!(" (the directory held {n})"),
                None => String::new(),
            };
            print(&format!(
                "wrote {} hash tiles and {} entry bundles ({} files already right), then the checkpoint of {} entries{before}, to {}\n",
                w.hash_tiles,
                w.bundles,
                w.unchanged,
                w.size,
                dir.display()
            ))?;
        }
        Command::Serve {
            port,
            bind,
            checkpoint,
        } => {
            let checkpoint = checkpoint
                .map(|p| audit::read_text(&p, audit::Input::Note))
                .transpose()?;
            let opts = reckon_web::ServeOptions {
                addr: std::net::SocketAddr::new(bind, port),
                checkpoint,
            };
            // Said on standard output as soon as requests are accepted (a script or test
            // waits for this line to learn the port).
            let mut announced = Ok(());
            let served = reckon_web::serve(log.clone(), &opts, |addr| {
                let note = if addr.ip().is_loopback() {
                    ""
                } else {
                    " (not loopback: anyone who can reach this address can read the log)"
                };
                let line = format!(
                    "serving {} on http://{addr}/ read-only{note}; Ctrl-C stops\n",
                    log.dir().display()
                );
                announced = out
                    .write_all(reckon_render::terminal_safe(&line).as_bytes())
                    .and_then(|()| out.flush());
            });
            announced
                .context("cannot write to standard output")
                .map_err(fail(2))?;
            served.map_err(web)?;
        }
        Command::Site { dir, checkpoint } => {
            let checkpoint = checkpoint
                .map(|p| audit::read_text(&p, audit::Input::Note))
                .transpose()?;
            let w = reckon_web::write_site(&log, &dir, checkpoint.as_deref()).map_err(web)?;
            if !quiet {
                let proofs = if w.proofs > 0 {
                    format!(" and {} inclusion proofs", w.proofs)
                } else {
                    String::new()
                };
                print(&format!(
                    "wrote {} subject pages, {} entry pages{proofs} ({} files) made from log position {} to {}\n",
                    w.subjects,
                    w.entries,
                    w.files,
                    w.position,
                    dir.display()
                ))?;
            }
        }
        Command::VerifyTiles {
            dir,
            signers,
            origin,
            since,
        } => {
            let Some(policy) = audit::read_policy(&signers)? else {
                return Err(usage(
                    "verify-tiles needs --key PUBKEY (or --witness, or --policy FILE): the tiles are only as good as the signature on their checkpoint".into(),
                ));
            };
            if !dir.is_dir() {
                return Err(usage(format!("{}: not a directory", dir.display())));
            }
            let since = since
                .map(|p| audit::read_text(&p, audit::Input::Note))
                .transpose()?;
            let a = reckon_audit::tiles::verify(&dir, &policy, origin.as_deref(), since.as_deref())
                .map_err(audit::audit)?;
            let extends = match a.extends {
                Some(n) => format!("; it extends the earlier checkpoint of {n} entries"),
                None => String::new(),
            };
            print(&format!(
                "ok: {} holds {} entries of {}, all in its tiles ({} files, Merkle tree hash {}), signed by {}{extends}\n",
                dir.display(),
                a.size,
                a.origin,
                a.files,
                a.merkle,
                a.signers.join(", ")
            ))?;
        }
        Command::VerifyProof {
            bundle,
            signers,
            origin,
        } => {
            let Some(policy) = audit::read_policy(&signers)? else {
                return Err(usage(
                    "verify-proof needs --key PUBKEY (or --witness, or --policy FILE): a proof is only as good as the signature on its checkpoint".into(),
                ));
            };
            let verified = reckon_audit::verify_any_bundle(
                &audit::read_text(&bundle, audit::Input::Bundle)?,
                &policy,
                origin.as_deref(),
            )
            .map_err(audit::audit)?;
            let p = match verified {
                reckon_audit::Verified::Entry(p) => p,
                reckon_audit::Verified::Extends(c) => {
                    print(&format!(
                        "ok: {} grew from {} to {} entries without changing any of the first {}, as of checkpoints signed by {}\n",
                        c.origin,
                        c.from,
                        c.to,
                        c.from,
                        c.signers.join(", ")
                    ))?;
                    return Ok(0);
                }
            };
            print(&format!(
                "ok: entry #{} ({}) is in {} as of its checkpoint of {} entries, signed by {}\n",
                p.seq,
                p.hash,
                p.origin,
                p.size,
                p.signers.join(", ")
            ))?;
        }
        Command::Verify {
            since: Some(cp),
            signers,
            origin,
            no_signature,
            ..
        } => {
            if signers.is_empty() && !no_signature {
                return Err(usage(
                    "verify --since needs --key PUBKEY (or --policy FILE) to check who signed the checkpoint (an unsigned comparison proves nothing about where the checkpoint came from); give --no-signature to compare tree heads alone".into(),
                ));
            }
            let policy = audit::read_policy(&signers)?;
            check_origin_flag(origin.as_deref())?;
            let x = reckon_audit::since(
                &log,
                &audit::read_text(&cp, audit::Input::Note)?,
                policy.as_ref(),
                origin.as_deref(),
            )
            .map_err(audit::audit)?;
            let signed = if x.signers.is_empty() {
                " (signature not checked: --no-signature)".to_owned()
            } else {
                format!(", signed by {}", x.signers.join(", "))
            };
            print(&format!(
                "ok: the log's first {} entries are the ones the checkpoint describes{signed}; the log now holds {} entries\n",
                x.from, x.to
            ))?;
        }
        Command::Verify {
            documents,
            format,
            deep,
            ..
        } => {
            let format = format.not_csv().map_err(usage)?;
            // With --quiet a passing check prints nothing: what it says is kept until the
            // verdict is known.
            let mut said = String::new();
            let code = verify(&log, documents, deep, format, &mut |s: &str| {
                said.push_str(s);
                Ok(())
            })?;
            if !quiet || code != 0 {
                print(&said)?;
            }
            return Ok(code);
        }
        Command::Repair {
            dry_run,
            commit_tail,
        } => return repair(&log, dry_run, commit_tail, &mut print),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "reckon",
                &mut script,
            );
            out.write_all(&script)
                .context("cannot write to standard output")
                .map_err(fail(2))?;
        }
        Command::Man { command, dir } => manual(command.as_deref(), dir.as_deref(), out)?,
    }
    Ok(0)
}

/// `reckon man`: one page on standard output, or every page into a directory.
fn manual(
    command: Option<&str>,
    dir: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut top = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    top.build();
    // Every page names the program and its version (a command's own would have none).
    let source = format!("reckon {}", env!("CARGO_PKG_VERSION"));
    let man = |c: &clap::Command| clap_mangen::Man::new(c.clone()).source(source.clone());
    if let Some(dir) = dir {
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            man(&top).generate_to(dir)?;
            for sub in top.get_subcommands() {
                man(sub).generate_to(dir)?;
            }
            Ok(())
        });
        written
            .with_context(|| format!("{}: cannot write the manual pages", dir.display()))
            .map_err(fail(2))?;
        return Ok(());
    }
    let page = match command {
        None => &top,
        Some(name) => top.find_subcommand(name).ok_or_else(|| {
            let names: Vec<&str> = top.get_subcommands().map(clap::Command::get_name).collect();
            usage(format!(
                "`{name}` is not a reckon command; the commands are: {}",
                names.join(", ")
            ))
        })?,
    };
    let mut roff = Vec::new();
    man(page)
        .render(&mut roff)
        .context("cannot make the manual page")
        .map_err(fail(2))?;
    out.write_all(&roff)
        .context("cannot write to standard output")
        .map_err(fail(2))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Table,
    Explain,
}

/// The log name `--origin` gives, or a usage error saying what a name may be.
fn origin_flag(o: &str) -> Result<reckon_claim::LogName, Failure> {
    reckon_claim::LogName::parse(o).map_err(|m| usage(format!("--origin: {m}")))
}

/// Checks `--origin`, when given.
fn check_origin_flag(o: Option<&str>) -> Result<(), Failure> {
    o.map(origin_flag).transpose().map(|_| ())
}

/// A failure of the web pages: the log's own code when the log is the cause, else 2.
fn web(e: reckon_web::WebError) -> Failure {
    match e {
        reckon_web::WebError::Log(e) => ledger(e),
        e => Failure {
            code: 2,
            error: e.into(),
        },
    }
}

pub(crate) fn usage(m: String) -> Failure {
    Failure {
        code: 2,
        error: anyhow::anyhow!(m),
    }
}

/// The entry `id` names in the log `snap` reads (`12`, `#12`, a hash prefix; a long number
/// the log lacks is a hash prefix: [`reckon_ledger::EntryId::parse_in`]).
pub(crate) fn entry_id(
    snap: &reckon_ledger::Snapshot<'_>,
    id: &str,
) -> Result<reckon_ledger::EntryId, String> {
    reckon_ledger::EntryId::parse_in(id, || snap.committed().ok().map(|h| h.seq))
}

/// Folds and reconciles, refusing a position past the end and a pattern that matches nothing.
/// `reckon export --format claimreview`: a JSON-LD document a line for each reconciled
/// subject with counted claims, rating them against the figure.
/// `reckon export --format claimreview`: a review of each subject's figure, written a batch
/// of subjects at a time (a pattern's subjects from their part of the log, else the whole log
/// folded lean, each batch of reports written as it is made: see [`part_or_streamed`]).
pub(crate) fn reviews(
    log: &Log,
    a: &args::ExportArgs,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let args = ReconcileArgs {
        pattern: a.pattern.clone(),
        at: None,
        known: None,
        valid: None,
        method: args::MethodArg::Weighted,
        format: FormatArg::Json,
    };
    let date = writes::today()
        .map(|d| d.to_string())
        .ok_or_else(|| usage("cannot tell today's date (SOURCE_DATE_EPOCH?)".into()))?;
    let how = reckon_formats::claimreview::Reviewing {
        reviewer: &a.reviewer,
        url: a.url.as_deref(),
        date: &date,
    };
    let review = |report: &reckon_reconcile::SubjectReport,
                  s: &reckon_formats::claimreview::Reviewed<'_>| {
        let words = reckon_render::recon::figure_text(report.figure.as_ref(), &report.unit);
        reckon_formats::claimreview::review_text(s, &words, &how)
            .map(|doc| doc + "\n")
            .unwrap_or_default()
    };
    let note = || {
        if a.url.is_none() {
            let _ = writeln!(
                std::io::stderr(),
                "note: without --url the reviews have no `url`, which Google's Fact Check markup requires"
            );
        }
    };
    use reckon_render::recon::{reports_reviewed_fetching, subjects_reviewed_fetching};
    part_or_streamed(
        log,
        (&args, a.whole_read),
        &mut &mut *print,
        |state, r, words, print| {
            note();
            subjects_reviewed_fetching(state, r, words, &review, &mut { &mut *print })
        },
        |state, reports, words, print| {
            note();
            reports_reviewed_fetching(state, reports, words, &review, &mut { &mut *print })
        },
    )
}

/// `reckon graph`: the graph shows each claim's figure, origin and hash, so there are no
/// words to read. From the part of the log behind the subjects a pattern names when that part
/// can answer; else from the whole log folded lean, each batch of reports added to the graph
/// as it is made (the reports of a large log are never all held beside the graph).
fn graph(
    log: &Log,
    a: &ReconcileArgs,
    format: Format,
    print: &mut impl FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let snapshot = log.snapshot().map_err(ledger)?;
    if let Some(part) = subjects_part(&snapshot, a, false)?
        && let Some((state, r)) = reconcile_part(&part, a, &|s| s)
    {
        let g = reckon_reconcile::graph::build(&r);
        return reckon_render::recon::graph_into(&state, &g, format, print);
    }
    let (state, opts, saving) = lean_state(&snapshot, a, None)?;
    let pattern = a.pattern.as_deref().map(reckon_reconcile::Pattern::new);
    let mut reports = reckon_reconcile::reconcile_reports(&state, pattern.as_ref(), &opts);
    let g = reckon_reconcile::graph::build_from(&mut reports, 4096);
    matched(&state, pattern.as_ref(), g.node_count() == 0)?;
    saving.save(&snapshot, &reports.records);
    drop(reports);
    let printed = reckon_render::recon::graph_into(&state, &g, format, print);
    // As for the table: the process's exit frees the state and the graph at once.
    std::mem::forget(g);
    std::mem::forget(state);
    printed
}

/// `reckon conflicts`: from the part of the log behind the subjects its pattern names when
/// that part can answer, else from the whole log folded lean, its reports written a batch
/// at a time (see [`reconciled_streamed`]); how many conflicts it listed.
fn conflicts(
    log: &Log,
    a: &ReconcileArgs,
    format: Format,
    csv: bool,
    print: &mut impl FnMut(&str) -> Result<(), Failure>,
) -> Result<usize, Failure> {
    use reckon_render::recon::{conflicts_fetching, conflicts_reports_fetching};
    part_or_streamed(
        log,
        (a, false),
        print,
        |state, r, fetch, print| conflicts_fetching(state, r, format, csv, fetch, print),
        |state, reports, fetch, print| {
            conflicts_reports_fetching(state, reports, format, csv, fetch, print)
        },
    )
}

/// What `explain` and `conflicts` answer from: the part of the log behind the subjects `a`'s
/// pattern names when that part can answer (`part`, with the whole reconciliation of those
/// subjects, whose state holds every claim whole), else (or always, with `whole_read`) the
/// whole log folded lean, its reports written a batch at a time by `whole` (see
/// [`reconciled_streamed`]).
fn part_or_streamed<T, P: FnMut(&str) -> Result<(), Failure>>(
    log: &Log,
    (a, whole_read): (&ReconcileArgs, bool),
    print: &mut P,
    part: impl FnOnce(
        &reckon_reconcile::State<'_>,
        &reckon_reconcile::Reconciliation,
        &reckon_render::recon::Fetch<'_, Failure>,
        &mut P,
    ) -> Result<T, Failure>,
    mut whole: impl FnMut(
        &reckon_reconcile::State<'_>,
        &mut reckon_reconcile::Reports<'_, '_>,
        &reckon_render::recon::Fetch<'_, Failure>,
        &mut P,
    ) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let snapshot = log.snapshot().map_err(ledger)?;
    if !whole_read
        && let Some(held) = subjects_part(&snapshot, a, false)?
        && let Some((state, r)) = reconcile_part(&held, a, &|s| s)
    {
        return part(&state, &r, &|_, show| Ok(show(&[])), print);
    }
    reconciled_streamed(&snapshot, a, &mut |state, reports, fetch| {
        whole(state, reports, fetch, &mut *print)
    })
}

/// The part of the log behind the subjects `a`'s pattern names, read through the saved index
/// (or an index made by one checked pass, saved for the next question), with every origin's
/// record learned from the whole log: what a reconciliation of those subjects reads of the
/// log, so that its answer is the whole log's (`reckon_query::read_part`). `None` when the
/// whole log must be read: no pattern, `--at`, `--known` or `--valid` (which change what the
/// records are learned from), a pattern that names no subject the log has (the nearest names
/// come from the whole log), no index to be had, or, with `lean`, subjects that hold more
/// than an eighth of the log's entries (the lean fold of the whole log, which decodes each
/// line briefly on all cores, is then the cheaper way; reading through the index decodes
/// each entry whole, one at a time).
fn subjects_part(
    snapshot: &reckon_ledger::Snapshot<'_>,
    a: &ReconcileArgs,
    lean: bool,
) -> Result<Option<reckon_query::Part>, Failure> {
    let (Some(p), None, None, None) = (a.pattern.as_deref(), a.at, a.known, a.valid) else {
        return Ok(None);
    };
    let most = if lean {
        Some(snapshot.committed().map_err(ledger)?.seq / 8)
    } else {
        None
    };
    let pattern = reckon_reconcile::Pattern::new(p);
    let part = reckon_query::read_part(snapshot, &pattern, true, most)
        .map_err(ledger)?
        .filter(|part| part.named_known);
    if let Some(part) = &part
        && std::env::var_os("RECKON_TRACE").is_some()
    {
        let how = if part.learned {
            "through the saved index, every origin's record learned from the folded log and saved in it"
        } else if part.saved {
            "through the saved index"
        } else {
            "through an index made by checking the whole log"
        };
        let _ = writeln!(
            std::io::stderr(),
            "trace: read the {} entries behind `{p}` {how}",
            part.entries.len()
        );
    }
    Ok(part)
}

/// Reconciles the subjects `a` names from their part of the log: the state is that of the
/// whole log's position and head, and every origin's record is the whole log's. `None` when
/// no report comes of it (the whole log then says why).
fn reconcile_part<'p, S: Send>(
    part: &'p reckon_query::Part,
    a: &ReconcileArgs,
    make: &(dyn Fn(reckon_reconcile::SubjectReport) -> S + Sync),
) -> Option<(
    reckon_reconcile::State<'p>,
    reckon_reconcile::Reconciliation<S>,
)> {
    let mut state = reckon_reconcile::State::fold(&part.entries, None);
    state.position = part.head.0;
    state.head = reckon_claim::EntryHash::from_hex(&part.head.1);
    let pattern = a.pattern.as_deref().map(reckon_reconcile::Pattern::new);
    let opts = reckon_reconcile::Options {
        records: part.records.clone(),
        ..reconcile_options(a)
    };
    let r = reckon_reconcile::reconcile_map(&state, pattern.as_ref(), &opts, make);
    (!r.subjects.is_empty()).then_some((state, r))
}

/// Refuses `--at` past the end of a log of `len` entries.
fn check_at(a: &ReconcileArgs, len: usize) -> Result<(), Failure> {
    match a.at {
        Some(at) if at > len as u64 => Err(usage(format!(
            "--at {at} is past the end of the log, which has {len} entries"
        ))),
        _ => Ok(()),
    }
}

/// The reconciliation `a` asks for of a folded state (with the options and what to save
/// that [`lean_state`] gave with it), each subject's report kept as `make` makes it; a pattern
/// that matches nothing is refused.
fn reconcile_state<S: Send>(
    snapshot: &reckon_ledger::Snapshot<'_>,
    state: &reckon_reconcile::State<'_>,
    a: &ReconcileArgs,
    (opts, saving): (reckon_reconcile::Options, Saving),
    make: &(dyn Fn(reckon_reconcile::SubjectReport) -> S + Sync),
) -> Result<reckon_reconcile::Reconciliation<S>, Failure> {
    let pattern = a.pattern.as_deref().map(reckon_reconcile::Pattern::new);
    let r = reckon_reconcile::reconcile_map(state, pattern.as_ref(), &opts, make);
    matched(state, pattern.as_ref(), r.subjects.is_empty())?;
    saving.save(snapshot, &r.records);
    Ok(r)
}

/// The options of a reconciliation of the whole log as it is now, decided before the log is
/// folded, with what the reconciliation is to save for the next one ([`Saving`]): every
/// origin's record is taken from the saved index when it was made for this very log and holds
/// them (the same fit on the same log learned them: the answer is the same, without fitting
/// again). `--at`, `--known` and `--valid` change what the records are learned from, and a
/// pattern's reconciliation learns those of its subjects' origins alone: then nothing is
/// saved.
fn whole_options(
    snapshot: &reckon_ledger::Snapshot<'_>,
    a: &ReconcileArgs,
) -> (reckon_reconcile::Options, Saving) {
    let mut opts = reconcile_options(a);
    if a.at.is_some() || a.known.is_some() || a.valid.is_some() {
        return (opts, Saving::Nothing);
    }
    let whole = a.pattern.is_none();
    let index = match reckon_index::Index::open(snapshot) {
        Ok(index) => index,
        Err(_) if whole => {
            return match snapshot.stamp() {
                Ok(stamp) => (
                    opts,
                    Saving::Index {
                        lines: reckon_index::Lines::default(),
                        stamp,
                    },
                ),
                Err(_) => (opts, Saving::Nothing),
            };
        }
        Err(_) => return (opts, Saving::Nothing),
    };
    match index.records() {
        Some(records) => {
            opts.records = Some(std::sync::Arc::new(records.clone()));
            (opts, Saving::Nothing)
        }
        // Brought forward over reckon's own appends, or made by a claims question, it holds
        // no records: this reconciliation learns them and saves them in it, for the next one
        // and the next question about figures.
        None if whole => (opts, Saving::Records(index)),
        None => (opts, Saving::Nothing),
    }
}

/// What a reconciliation of the whole log saves for the next one (see [`whole_options`]).
enum Saving {
    /// Nothing: the records were taken from the index, or are not the whole log's.
    Nothing,
    /// The records it learns, into the saved index that holds none.
    Records(reckon_index::Index),
    /// There is no saved index that matches the log: one is made, its layout from the
    /// entries of the same lean fold (`lines`, while the log is folded), its records the
    /// ones the reconciliation learns. `stamp` is the entries file's, taken before the fold.
    Index {
        lines: reckon_index::Lines,
        stamp: reckon_ledger::Stamp,
    },
    /// [`Saving::Index`] once the log is folded: the layout made, the lines let go.
    Layout {
        layout: reckon_index::Layout,
        stamp: reckon_ledger::Stamp,
    },
}

impl Saving {
    /// Where the fold adds each entry for the index's layout, when one is to be made.
    fn lines(&mut self) -> Option<&mut reckon_index::Lines> {
        match self {
            Saving::Index { lines, .. } => Some(lines),
            _ => None,
        }
    }

    /// Lays out the index from the lines of the fold that made `state` and ended at `head`
    /// (before the reconciliation: the lines are let go before the fit needs its memory).
    fn folded(&mut self, head: reckon_ledger::Head, state: &reckon_reconcile::State<'_>) {
        if let Saving::Index { .. } = self
            && let Saving::Index { lines, stamp } = std::mem::replace(self, Saving::Nothing)
            // Folded with no `--at` or `--known`, the state holds every claim the lines do,
            // in the same order: the hashes the layout asks for are its claims'.
            && lines.claims() == state.claims.len()
        {
            *self = Saving::Layout {
                layout: lines.layout(head, |i| state.claims.get(i).map(|c| c.hash)),
                stamp,
            };
        }
    }

    /// Saves what the reconciliation of `snapshot`'s whole log learned: its `records`.
    fn save(self, snapshot: &reckon_ledger::Snapshot<'_>, records: &reckon_reconcile::Records) {
        match self {
            Saving::Nothing | Saving::Index { .. } => {}
            Saving::Records(index) => index.save_records(snapshot, records),
            Saving::Layout { layout, stamp } => {
                if layout
                    .finish(snapshot, stamp, Some(records.clone()))
                    .is_some()
                {
                    trace("made an index with every origin's record");
                }
            }
        }
    }
}

/// With `RECKON_TRACE` set, says `what` on standard error.
fn trace(what: &str) {
    if std::env::var_os("RECKON_TRACE").is_some() {
        let _ = writeln!(std::io::stderr(), "trace: {what}");
    }
}

fn reconcile_options(a: &ReconcileArgs) -> reckon_reconcile::Options {
    reckon_reconcile::Options {
        valid: a.valid,
        method: a.method.into(),
        ..reckon_reconcile::Options::default()
    }
}

/// Refuses a pattern that selects no subject, naming the nearest ones.
fn matched(
    state: &reckon_reconcile::State<'_>,
    pattern: Option<&reckon_reconcile::Pattern>,
    none: bool,
) -> Result<(), Failure> {
    match pattern {
        Some(p) if none => {
            let near = state.nearest_subjects(p.as_str(), 3);
            let hint = if near.is_empty() {
                " (subjects are lowercase paths; a prefix ends in /, a glob uses * and ?)"
                    .to_owned()
            } else {
                format!("; the nearest subjects are: {}", near.join(", "))
            };
            Err(usage(format!(
                "no subject matches `{}` at log position {}{hint}",
                p.as_str(),
                state.position
            )))
        }
        _ => Ok(()),
    }
}

fn reconciled(
    log: &Log,
    a: &ReconcileArgs,
    which: Which,
    print: &mut impl FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    // `explain`'s JSON is `reconcile`'s, made the same way.
    if which == Which::Explain && a.format.not_csv().map_err(usage)? == Format::Human {
        use reckon_render::recon::{explain_fetching, explain_reports_fetching};
        return part_or_streamed(
            log,
            (a, false),
            print,
            explain_fetching,
            explain_reports_fetching,
        );
    }
    let csv = a.format == FormatArg::Csv;
    let format: Format = if csv {
        Format::Human
    } else {
        a.format.not_csv().map_err(usage)?
    };
    let snapshot = log.snapshot().map_err(ledger)?;
    // A pattern that names a few subjects is answered from their part of the log.
    let part = subjects_part(&snapshot, a, true)?;
    if format == Format::Json {
        if let Some((state, r)) = part.as_ref().and_then(|p| reconcile_part(p, a, &|s| s)) {
            return reckon_render::recon::reconcile_into(&state, &r, format, print);
        }
        return reconciled_streamed(&snapshot, a, &mut |state, reports, fetch| {
            reckon_render::recon::reconcile_json_fetching(state, reports, fetch, &mut *print)
        });
    }
    let cells = if csv {
        reckon_render::recon::csv_cells
    } else {
        reckon_render::recon::summary_cells
    };
    let r = match part
        .as_ref()
        .and_then(|p| reconcile_part(p, a, &|s| cells(&s)))
    {
        Some((_, r)) => r,
        None => {
            // The table shows no claim's details: a lean fold keeps what reconciling reads
            // of each claim (a few hundred bytes, names shared), never every decoded entry at
            // once. The lean entries come from the saved folded snapshot when it matches the
            // log. Each subject's report is made into its row at once: the rows are kept,
            // never every report.
            let (state, opts, saving) = lean_state(&snapshot, a, None)?;
            let r = reconcile_state(&snapshot, &state, a, (opts, saving), &|s| cells(&s))?;
            // The command ends here: handing a million claims back to the allocator one by
            // one takes a few hundred milliseconds that the process's exit does at once.
            std::mem::forget(state);
            r
        }
    };
    if csv {
        return print(&reckon_render::recon::csv_of_rows(r.subjects.into_iter()));
    }
    print(&reckon_render::recon::reconcile_table(r))
}

/// With `RECKON_TRACE` set, says on standard error where a lean fold's entries came from.
fn trace_source(source: reckon_index::folded::Source) {
    use reckon_index::folded::Source;
    if std::env::var_os("RECKON_TRACE").is_some() {
        let how = match source {
            Source::WholeLog => "decoded the whole log".to_owned(),
            Source::Saved => "read the saved folded snapshot (the log unchanged)".to_owned(),
            Source::Extended { new } => format!(
                "checked the whole log against the saved folded snapshot and decoded the {new} entries after it"
            ),
            Source::Appended { new } => format!(
                "read the saved folded snapshot and checked and decoded the {new} entries appended since"
            ),
        };
        let _ = writeln!(std::io::stderr(), "trace: {how}");
    }
}

/// The log folded lean for the reconciliation `a` asks for (from the saved folded snapshot
/// when it matches, see `reckon_index::folded`), as `--at` and `--known` ask, refusing `--at`
/// past its end, with the reconciliation's options and what it is to save for the next one
/// (see [`whole_options`]; when that is a new index, its layout is made from the same fold);
/// each entry's line span is kept in `spans` when asked for.
fn lean_state(
    snapshot: &reckon_ledger::Snapshot<'_>,
    a: &ReconcileArgs,
    spans: Option<&mut reckon_ledger::LineSpans>,
) -> Result<
    (
        reckon_reconcile::State<'static>,
        reckon_reconcile::Options,
        Saving,
    ),
    Failure,
> {
    let (opts, mut saving) = whole_options(snapshot, a);
    let check = |len| check_at(a, len);
    let (state, head) = lean_fold(snapshot, a.at, a.known, &check, spans, saving.lines())?;
    if opts.records.is_some() {
        trace("took every origin's record from the saved index");
    }
    saving.folded(head, &state);
    Ok((state, opts, saving))
}

/// The whole log folded lean, as [`lean_state`] folds it: what `export` learns the claims'
/// fates from.
pub(crate) fn whole_lean_state(
    snapshot: &reckon_ledger::Snapshot<'_>,
) -> Result<reckon_reconcile::State<'static>, Failure> {
    lean_fold(snapshot, None, None, &|_| Ok(()), None, None).map(|(state, _)| state)
}

/// The log folded lean (see [`lean_state`]), with the head it ends at; each entry added to
/// `lines` too when asked for.
fn lean_fold(
    snapshot: &reckon_ledger::Snapshot<'_>,
    at: Option<u64>,
    known: Option<reckon_claim::Period>,
    check: &dyn Fn(usize) -> Result<(), Failure>,
    spans: Option<&mut reckon_ledger::LineSpans>,
    lines: Option<&mut reckon_index::Lines>,
) -> Result<(reckon_reconcile::State<'static>, reckon_ledger::Head), Failure> {
    let (folded, head, source) =
        reckon_index::folded::fold_lean_state(snapshot, at, known, spans, lines, |len| {
            check(usize::try_from(len).unwrap_or(usize::MAX))
        })
        .map_err(ledger)?;
    trace_source(source);
    folded.map(|(_, state)| (state, head))
}

/// How a streamed answer writes a reconciliation's reports as they are made: given the
/// state, the reports to come and what reads the words of the state's claims.
type Streamed<'a, T> = dyn FnMut(
        &reckon_reconcile::State<'_>,
        &mut reckon_reconcile::Reports<'_, '_>,
        &reckon_render::recon::Fetch<'_, Failure>,
    ) -> Result<T, Failure>
    + 'a;

/// `reconcile --format json`, `explain` and `conflicts` of the whole log: a lean fold that
/// keeps where each entry's line is, then each batch of reports written by `write` as it is
/// made, with the whole claims it shows read again from their lines (each re-hashed and
/// matched to the pass that checked it), so that neither a million decoded entries nor
/// every report is ever held.
fn reconciled_streamed<T>(
    snapshot: &reckon_ledger::Snapshot<'_>,
    a: &ReconcileArgs,
    write: &mut Streamed<'_, T>,
) -> Result<T, Failure> {
    let mut spans = reckon_ledger::LineSpans::default();
    let (state, opts, saving) = lean_state(snapshot, a, Some(&mut spans))?;
    let pattern = a.pattern.as_deref().map(reckon_reconcile::Pattern::new);
    let mut reports = reckon_reconcile::reconcile_reports(&state, pattern.as_ref(), &opts);
    matched(&state, pattern.as_ref(), reports.is_empty())?;
    saving.save(snapshot, &reports.records);
    let fetch = words_of(snapshot, &state, &spans);
    let printed = write(&state, &mut reports, &fetch);
    drop(fetch);
    // As for the table: the process's exit frees the state at once.
    std::mem::forget(reports);
    std::mem::forget(state);
    printed
}

/// What reads the words of a lean state's claims again (at indexes into its claims) from
/// their lines, each re-hashed and matched to the hash the fold's pass saw (`spans`: every
/// entry's line, in log order).
fn words_of<'f>(
    snapshot: &'f reckon_ledger::Snapshot<'_>,
    state: &'f reckon_reconcile::State<'_>,
    spans: &'f reckon_ledger::LineSpans,
) -> impl Fn(&[usize], &mut reckon_render::recon::Show<'_>) -> Result<String, Failure> + Sync + 'f {
    move |wanted: &[usize], show: &mut reckon_render::recon::Show<'_>| {
        let at: Vec<(u64, reckon_ledger::Span, reckon_claim::EntryHash)> = wanted
            .iter()
            .map(|&i| {
                let c = &state.claims[i];
                (c.seq, spans.of_entry(c.seq).unwrap_or_default(), c.hash)
            })
            .collect();
        snapshot.words_at(&at, |words| show(words)).map_err(ledger)
    }
}

/// `reckon log`: each entry's line written as soon as the entry is checked (decoded on all
/// cores, a piece of the log at a time), so that a long log is never held whole. A log that
/// fails a check stops the listing after the last good entry, with the error.
fn listing(
    log: &Log,
    format: FormatArg,
    print: &mut impl FnMut(&str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let csv = format == FormatArg::Csv;
    let format = if csv {
        Format::Human
    } else {
        format.not_csv().map_err(usage)?
    };
    let snapshot = log.snapshot().map_err(ledger)?;
    if csv {
        print(&reckon_render::log_csv_header())?;
    }
    // A failed write (a closed pipe: `reckon log | head`) stops the pass there.
    let mut printed = Ok(());
    let mut sink = |lines: Vec<String>| {
        printed = print(&lines.concat());
        if printed.is_ok() {
            std::ops::ControlFlow::Continue(())
        } else {
            std::ops::ControlFlow::Break(())
        }
    };
    // Text and CSV show a few fields of a claim, read where they lie in its line; JSON
    // shows every field, from the entry decoded whole.
    let checked = if format == Format::Json {
        let line = |e: reckon_ledger::Entry, _| reckon_render::log_line(&e, format);
        snapshot.project_each(&line, &mut sink)
    } else {
        let line = |b: reckon_ledger::Brief<'_>, _| reckon_render::log_line_brief(&b, csv);
        snapshot.project_brief_until(&line, &mut sink)
    };
    printed?;
    checked.map_err(ledger)?;
    Ok(())
}

fn verify(
    log: &Log,
    documents: Option<PathBuf>,
    deep: bool,
    format: Format,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<u8, Failure> {
    // One read of the log: a plain check hashes and links every line; a deep one or a quote
    // check also decodes every event, from the same pass.
    let (verdict, quote_report) = if deep || documents.is_some() {
        log.snapshot()
            .and_then(|snap| snap.verify_deep(deep, documents.as_deref()))
            .map_err(ledger)?
    } else {
        (log.verify().map_err(ledger)?, None)
    };
    let quotes_ok = quote_report
        .as_ref()
        .is_none_or(reckon_ledger::DocumentReport::ok);
    let text =
        reckon_render::ledger::verify(&log.entries_path(), &verdict, quote_report.as_ref(), format);
    print(&text)?;
    Ok(if verdict.is_ok() && quotes_ok { 0 } else { 1 })
}

fn repair(
    log: &Log,
    dry_run: bool,
    commit_tail: bool,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<u8, Failure> {
    let not_repairable = |p: reckon_ledger::Problem| Failure {
        code: 1,
        error: anyhow::anyhow!(
            "{}: {p}\nthis is not damage that repair mends: it only removes what an interrupted append left after the last committed entry",
            log.entries_path().display()
        ),
    };
    if dry_run {
        let plan = log
            .plan_repair(commit_tail)
            .map_err(ledger)?
            .map_err(not_repairable)?;
        print(&format!(
            "would {}",
            reckon_render::ledger::repair_step(&plan, false)
        ))?;
        return Ok(0);
    }
    // Each step is planned again under the lock; a missing head file, a tail and temporary
    // files can all need mending.
    for _ in 0..4 {
        let plan = log
            .plan_repair(commit_tail)
            .map_err(ledger)?
            .map_err(not_repairable)?;
        if plan == Repair::Clean {
            break;
        }
        print(&format!(
            "will {}",
            reckon_render::ledger::repair_step(&plan, false)
        ))?;
        let done = log
            .repair(commit_tail)
            .map_err(ledger)?
            .map_err(not_repairable)?;
        if done != plan {
            // The log changed between planning and repairing; say what was really done.
            print(&reckon_render::ledger::repair_step(&done, true))?;
        } else {
            print("done\n")?;
        }
    }
    let head = log.verify().map_err(ledger)?.map_err(not_repairable)?;
    print(&format!("ok: {} entries, head {}\n", head.seq, head.hash))?;
    Ok(0)
}

/// Whether an error comes from writing to a reader that has gone away (`reckon log | head`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Listings and explanations on a terminal go through a pager, as git's do.
    let paged = !cli.no_pager
        && matches!(
            cli.command,
            Command::Log { .. }
                | Command::Show { .. }
                | Command::Reconcile(_)
                | Command::Conflicts(_)
                | Command::Explain(_)
                | Command::Query(_)
        );
    let mut pager = paged.then(terminal::pager).flatten();
    let stdout = std::io::stdout();
    let (result, flushed) = match pager.as_mut().and_then(|p| p.stdin.take()) {
        Some(stdin) => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdin);
            let result = run(cli, &mut out);
            let flushed = out.flush();
            // Closing its input lets the pager finish; wait until the reader is done.
            drop(out);
            if let Some(mut p) = pager {
                let _ = p.wait();
            }
            (result, flushed)
        }
        None => {
            // Block-buffered: a large answer is written in large pieces, not a line at a time.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let result = run(cli, &mut out);
            let flushed = out.flush();
            (result, flushed)
        }
    };
    match result {
        Ok(code) => match flushed {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                // Nothing more can be said if standard error is unwritable too.
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot write to standard output: {e}"
                );
                ExitCode::from(2)
            }
            Ok(()) => ExitCode::from(code),
        },
        // Like other tools in a pipeline, end quietly when the reader stopped reading.
        Err(f) if is_broken_pipe(&f.error) => ExitCode::SUCCESS,
        Err(f) => {
            let message = format!("{:#}", f.error);
            let _ = writeln!(
                std::io::stderr(),
                "error: {}",
                reckon_render::terminal_safe(&message)
            );
            ExitCode::from(f.code)
        }
    }
}
