//! `reckon`: the command line. It parses arguments, calls the libraries, and prints; it holds
//! no logic of its own beyond turning flags into the import contract's fields.
//!
//! Exit codes: 0 ok; 1 a check failed (verification, a damaged log); 2 bad usage or bad input.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use reckon_claim::{Event, parse_line};
use reckon_ledger::{ImportError, LedgerError, Log, Repair};
use reckon_render::{Fate, Format};
use serde_json::{Map, Value as Json};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const ABOUT: &str = "Sourced claims in an append-only, hash-chained log: record figures with who said them, \
where, when and in what words, and verify that the log was never rewritten.";

#[derive(Parser)]
#[command(name = "reckon", version, about = ABOUT, after_help = "\
Examples:
  reckon log                       list the bundled log (./log)
  reckon reconcile                 the figure of every subject, with its status
  reckon explain pows/ukraine/held-by-russia
  reckon verify                    check every entry and link of the chain
  reckon import claims.jsonl       add claims from JSON Lines, all or nothing
  reckon --log /tmp/l init         start a new log elsewhere

Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input.")]
struct Cli {
    /// The log directory.
    #[arg(
        long,
        global = true,
        env = "RECKON_LOG",
        default_value = "log",
        value_name = "DIR"
    )]
    log: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty log.
    #[command(after_help = "Example:\n  reckon --log factcheck/log init")]
    Init,
    /// Record one claim from flags.
    #[command(after_help = "\
Example:
  reckon add --subject pows/ukraine/held-by-russia --value 'at least 8,000' --unit people \\
    --scope 'service members' --as-of 2025-05-01 --said-on 2025-05-01 \\
    --speaker 'Iryna Vereshchuk' --publisher 'The Kyiv Independent' \\
    --quote 'At least 8,000 Ukrainian service members are held captive by Russia'

Values: 1,000  at least 8,000  more than 5000  up to 1,000  about 10,000 ±5%  between 300 and 400
Dates:  2025  2025-04  2025-05-01  2022-02-24/2025-05-23")]
    Add(Box<AddArgs>),
    /// Add claims and events from a JSON Lines file (or - for standard input), all or nothing.
    #[command(after_help = "\
Each line is one object. A claim needs subject, value, said_on and speaker or publisher:
  {\"subject\": \"exchange/2025-05-16/agreed\", \"value\": \"1,000\", \"said_on\": \"2025-05-16\", \"speaker\": \"Rustem Umerov\"}
Other lines define subjects, alias them, or retract claims:
  {\"define\": \"a/total\", \"label\": \"Total\", \"sum_of\": [\"a/x\", \"a/y\"], \"window\": \"P31D\", \"tolerance\": \"5%\"}
  {\"alias\": \"a/other-name\", \"same_as\": \"a/total\"}
  {\"retract\": 12, \"reason\": \"misread the article\"}
On any error nothing is added, and the message names the file, line, column and field.

Example:
  reckon import claims.jsonl")]
    Import {
        /// The file to read; `-` reads standard input.
        file: PathBuf,
    },
    /// Retract a claim (it stays in the log, marked as retracted).
    #[command(after_help = "Example:\n  reckon retract 12 --reason 'the article was corrected'")]
    Retract {
        /// The claim: a sequence number (12 or #12) or a hash prefix.
        id: String,
        /// Why it is retracted.
        #[arg(long)]
        reason: String,
    },
    /// List the entries, one a line.
    #[command(
        after_help = "Examples:\n  reckon log\n  reckon log --format json | jq .event.subject"
    )]
    Log {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// Show everything recorded in one entry.
    #[command(after_help = "Examples:\n  reckon show 3\n  reckon show 9f2c41")]
    Show {
        /// A sequence number (12 or #12) or a hash prefix (at least 4 hex digits).
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// The figure of each subject: one subject a row with status, support and dissent.
    #[command(after_help = "\
A subject's figure is the interval that the most independent origins support (an origin is
what a claim cites, else its speaker, else its publisher). Status: single source, corroborated
(independent origins state exactly the figure), consistent (they overlap), contested (a
counted claim excludes it), unresolved (disjoint regions tie), derived (computed from sum_of).

PATTERN: an exact subject, a prefix ending in / (exchange/), or a glob (exchange/2025-05-*).

Examples:
  reckon reconcile
  reckon reconcile 'pows/*' --format json
  reckon reconcile --at 20          the state after the first 20 log entries")]
    Reconcile(ReconcileArgs),
    /// Every contradiction, with both sides' provenance.
    #[command(
        after_help = "Examples:\n  reckon conflicts\n  reckon conflicts exchange/ --format json"
    )]
    Conflicts(ReconcileArgs),
    /// A subject's figure, then every claim and relation in words.
    #[command(
        after_help = "Examples:\n  reckon explain pows/ukraine/held-by-russia\n  reckon explain 'exchange/2025-05-23/*'"
    )]
    Explain(ReconcileArgs),
    /// The conflict graph, as Graphviz DOT or JSON.
    #[command(after_help = "\
Claims point to the cluster of claims stating the same interval; clusters point to the
subject's figure with their relation (agrees, consistent, contradicts, differs in time);
repeats of an origin point to its first claim; parts point to their whole.

Examples:
  reckon graph pows/ | dot -Tsvg > pows.svg
  reckon graph --format json")]
    Graph(GraphArgs),
    /// Ask for claims, figures, conflicts or provenance in the query language.
    #[command(after_help = "\
Examples:
  reckon query 'figures pows/'
  reckon query 'claims where speaker = \"Rustem Umerov\" | show seq, subject, value, said_on'
  reckon query 'claims where value >= 1000 and said_on >= 2025-05-16 | sort said_on desc | limit 3'
  reckon query 'conflicts exchange/'
  reckon query 'provenance #24'
  reckon query 'figures known 2025-05-01'        what was known by 1 May 2025
  reckon query 'claims at 20 | count'            the log after its first 20 entries
  reckon query -f saved.q --format json

Grammar:
  query  = source [where EXPR] [at N] [known DATE] [valid DATE] {| step}
  source = claims | figures [PATTERN] | conflicts [PATTERN] | provenance (#N | HASH | SUBJECT)
  EXPR   = FIELD OP VALUE, combined with and, or, not and brackets
  OP     = = != ~ < <= > >= overlaps contains    (~ is a glob; subject ~ also takes a prefix/)
  step   = sort FIELD [desc] | limit N | show FIELD, ... | count
  fields: subject speaker origin publisher role cites scope unit tag modality document quote
          hash seq value said_on as_of status; of figures: support dissent")]
    Query(QueryArgs),
    /// Run every saved query (NAME.q) and compare its output with NAME.out beside it.
    #[command(after_help = "\
Prints a unified diff for each query whose output changed; exit 1 if any did, 0 if all match.
A .q file may choose its output with a comment line: # format: table|json|csv

Examples:
  reckon check                       run queries/
  reckon check --bless               accept the current output as expected
  reckon check --junit report.xml    also write a JUnit report for CI")]
    Check {
        /// The directory of saved queries.
        #[arg(default_value = "queries")]
        dir: PathBuf,
        /// Rewrite the expected files with the current output.
        #[arg(long)]
        bless: bool,
        /// Write a JUnit XML report here.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair in the C2SP signed-note formats.
    #[command(after_help = "\
Writes PREFIX.key (the signer key; keep it secret) and PREFIX.pub (the verifier key), and
prints the verifier key.

Example:
  reckon keygen reckon.example/seed-log --out seedlog")]
    Keygen {
        /// The key's name (conventionally the log's origin, like example.com/log).
        name: String,
        /// Where to write PREFIX.key and PREFIX.pub.
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Sign the log's tree head as a C2SP tlog-checkpoint; or cosign one as a witness.
    #[command(after_help = "\
The checkpoint names the log (origin), its number of entries and its Merkle tree head, and is
signed with the key given. With --cosign, an existing checkpoint is checked against this log
and signed again (a witness); several signers may sign one checkpoint.

Examples:
  reckon checkpoint --key seedlog.key --out log.checkpoint
  reckon checkpoint --cosign log.checkpoint --key witness.key --out log.checkpoint")]
    Checkpoint {
        /// The signer key file.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The log's name in the checkpoint (default: the key's name).
        #[arg(long)]
        origin: Option<String>,
        /// Add a signature to this checkpoint instead of making a new one.
        #[arg(long, value_name = "FILE")]
        cosign: Option<PathBuf>,
        /// Write it here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write a self-contained proof that an entry is in the log a checkpoint describes.
    #[command(
        after_help = "Example:\n  reckon prove 24 --checkpoint log.checkpoint > claim-24.proof"
    )]
    Prove {
        /// The entry: a sequence number (12 or #12) or a hash prefix.
        id: String,
        /// The signed checkpoint to prove against.
        #[arg(long, value_name = "FILE")]
        checkpoint: PathBuf,
    },
    /// Check a proof bundle offline: the signature, the entry, and its inclusion proof.
    #[command(after_help = "Example:\n  reckon verify-proof claim-24.proof --key seedlog.pub")]
    VerifyProof {
        /// The bundle written by `reckon prove`.
        bundle: PathBuf,
        /// A verifier key file (or key text); repeat for several.
        #[arg(long = "key", value_name = "PUBKEY", required = true)]
        keys: Vec<String>,
    },
    /// Check every entry, every link of the chain, and the head file.
    #[command(after_help = "\
Exit 0 with a summary when the log is intact; exit 1 naming the first bad entry and what is
wrong: unparsable entry, hash mismatch, sequence gap, broken link, torn tail, or a head file
that does not match.

With --since CHECKPOINT, also prove that the log extends the one a signed checkpoint
describes (exit 1 if it was truncated, forked or rewritten); --key checks its signature.

Examples:
  reckon verify
  reckon verify --documents ../shared/seeds    also check every quote against its document
  reckon verify --since log.checkpoint --key seedlog.pub")]
    Verify {
        /// Also check that each claim's quote is in its document, found in this directory.
        #[arg(long, value_name = "DIR")]
        documents: Option<PathBuf>,
        /// Also prove that the log extends the one this signed checkpoint describes.
        #[arg(long, value_name = "CHECKPOINT")]
        since: Option<PathBuf>,
        /// Verifier key(s) for the --since checkpoint's signature.
        #[arg(long = "key", value_name = "PUBKEY")]
        keys: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// Remove what an interrupted append left after the last committed entry (and nothing else).
    #[command(after_help = "\
An append is committed when the head file names its last entry. An append cut short by a
crash leaves lines after the last committed entry; repair says exactly what they are, then
removes them. It also rewrites a missing head file for an intact chain. Any other damage is
reported, never repaired.

Examples:
  reckon repair --dry-run
  reckon repair")]
    Repair {
        /// Only say what would be done.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args)]
struct ReconcileArgs {
    /// Which subjects: exact, a prefix ending in /, or a glob with * and ?.
    pattern: Option<String>,
    /// Reconcile the log as it was after this many entries.
    #[arg(long, value_name = "SEQ")]
    at: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
}

#[derive(Args)]
struct QueryArgs {
    /// The query; `-` reads it from standard input.
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    query: Option<String>,
    /// Read the query from a file.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: QueryFormatArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum QueryFormatArg {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
}

#[derive(Args)]
struct GraphArgs {
    /// Which subjects: exact, a prefix ending in /, or a glob with * and ?.
    pattern: Option<String>,
    /// Use the log as it was after this many entries.
    #[arg(long, value_name = "SEQ")]
    at: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
}

#[derive(Args)]
struct AddArgs {
    /// The quantity, as a lowercase slash path.
    #[arg(long)]
    subject: String,
    /// The figure as stated, e.g. 'at least 8,000'.
    #[arg(long)]
    value: String,
    /// The unit (default: count).
    #[arg(long)]
    unit: Option<String>,
    /// Words that narrow what was counted.
    #[arg(long)]
    scope: Option<String>,
    /// The time the figure describes.
    #[arg(long)]
    as_of: Option<String>,
    /// When it was said or published.
    #[arg(long)]
    said_on: String,
    /// Who said it.
    #[arg(long)]
    speaker: Option<String>,
    /// In what capacity.
    #[arg(long)]
    role: Option<String>,
    /// The data the speaker relied on.
    #[arg(long)]
    cites: Option<String>,
    /// Where it was read.
    #[arg(long)]
    publisher: Option<String>,
    /// Address of the source.
    #[arg(long)]
    url: Option<String>,
    /// Title of the source.
    #[arg(long)]
    title: Option<String>,
    /// A local source file.
    #[arg(long)]
    document: Option<String>,
    /// The exact words.
    #[arg(long)]
    quote: Option<String>,
    /// asserted (default), expected or denied.
    #[arg(long)]
    modality: Option<String>,
    /// A label; repeat for more.
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// The claim this one corrects: a sequence number or hash prefix.
    #[arg(long)]
    supersedes: Option<String>,
}

/// An error with the exit code it should give.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

fn fail<E: Into<anyhow::Error>>(code: u8) -> impl FnOnce(E) -> Failure {
    move |e| Failure {
        code,
        error: e.into(),
    }
}

fn ledger_code(e: &LedgerError) -> u8 {
    match e {
        LedgerError::Damaged { .. } => 1,
        _ => 2,
    }
}

fn ledger(e: LedgerError) -> Failure {
    Failure {
        code: ledger_code(&e),
        error: e.into(),
    }
}

fn import_failure(e: ImportError) -> Failure {
    match e {
        ImportError::Ledger(l) => ledger(l),
        other => Failure {
            code: 2,
            error: other.into(),
        },
    }
}

/// A sequence number becomes a JSON number, anything else a string (a hash prefix).
fn reference(id: &str) -> Json {
    let digits = id.trim().strip_prefix('#').unwrap_or(id.trim());
    match digits.parse::<u64>() {
        Ok(n) if digits.len() < 12 => Json::from(n),
        _ => Json::from(id.trim()),
    }
}

fn add_object(a: AddArgs) -> Map<String, Json> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), Json::String(v));
        }
    };
    put("subject", Some(a.subject));
    put("value", Some(a.value));
    put("unit", a.unit);
    put("scope", a.scope);
    put("as_of", a.as_of);
    put("said_on", Some(a.said_on));
    put("speaker", a.speaker);
    put("role", a.role);
    put("cites", a.cites);
    put("publisher", a.publisher);
    put("url", a.url);
    put("title", a.title);
    put("document", a.document);
    put("quote", a.quote);
    put("modality", a.modality);
    if !a.tags.is_empty() {
        m.insert("tags".into(), Json::from(a.tags));
    }
    if let Some(s) = a.supersedes {
        m.insert("supersedes".into(), reference(&s));
    }
    m
}

/// Appends one event given as an import object, reporting errors by flag name.
fn append_object(
    log: &Log,
    obj: Map<String, Json>,
    flag_of: fn(&str) -> String,
) -> Result<String, Failure> {
    let line = Json::Object(obj).to_string();
    let (head, ()) = log.append(|tx| {
        let event: Event = parse_line(&line, &mut |f, r| tx.resolve(f, r)).map_err(|e| {
            let what = e
                .field
                .as_deref()
                .map_or_else(String::new, |f| format!("{}: ", flag_of(f)));
            Failure {
                code: 2,
                error: anyhow::anyhow!("{what}{}", e.message),
            }
        })?;
        tx.push(&event).map_err(|m| Failure {
            code: 2,
            error: anyhow::anyhow!(m),
        })?;
        Ok::<(), Failure>(())
    })?;
    Ok(format!("recorded #{} {}\n", head.seq, head.hash))
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Self {
        ledger(e)
    }
}

fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Failure> {
    let log = Log::at(&cli.log);
    let mut print = |s: &str| {
        out.write_all(s.as_bytes())
            .context("cannot write to standard output")
            .map_err(fail(2))
    };
    match cli.command {
        Command::Init => {
            log.init().map_err(ledger)?;
            print(&format!(
                "created an empty log in {}\n",
                log.dir().display()
            ))?;
        }
        Command::Add(a) => print(&append_object(&log, add_object(*a), flag)?)?,
        Command::Retract { id, reason } => {
            let mut m = Map::new();
            m.insert("retract".into(), reference(&id));
            m.insert("reason".into(), Json::String(reason));
            let flag_of: fn(&str) -> String =
                |f| if f == "retract" { "ID".into() } else { flag(f) };
            print(&append_object(&log, m, flag_of)?)?;
        }
        Command::Import { file } => {
            let name = file.display().to_string();
            let mut bytes = Vec::new();
            if name == "-" {
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .context("cannot read standard input")
                    .map_err(fail(2))?;
            } else {
                bytes = std::fs::read(&file)
                    .with_context(|| format!("{name}: cannot read the file"))
                    .map_err(fail(2))?;
            }
            let (head, added) =
                reckon_ledger::import(&log, &name, &bytes).map_err(import_failure)?;
            print(&format!(
                "imported {added} entries from {name}; the log now has {} entries, head {}\n",
                head.seq, head.hash
            ))?;
        }
        Command::Log { format } => {
            let entries = log.entries().map_err(ledger)?;
            print(&reckon_render::log(&entries, format.into()))?;
        }
        Command::Show { id, format } => {
            let entries = log.entries().map_err(ledger)?;
            let e = reckon_ledger::find(&entries, &id).map_err(|m| Failure {
                code: 2,
                error: anyhow::anyhow!(m),
            })?;
            let mut fate = Fate::default();
            for later in &entries[usize::try_from(e.seq)
                .unwrap_or(usize::MAX)
                .min(entries.len())..]
            {
                match &later.event {
                    Event::Retract { claim, reason } if *claim == e.hash => {
                        fate.retracted_by.push((later.seq, reason.clone()))
                    }
                    Event::Claim(c) if c.supersedes == Some(e.hash) => {
                        fate.superseded_by.push(later.seq)
                    }
                    _ => {}
                }
            }
            print(&reckon_render::show(e, &fate, format.into()))?;
        }
        Command::Reconcile(a) => print(&reconciled(&log, &a, Which::Table)?)?,
        Command::Conflicts(a) => print(&reconciled(&log, &a, Which::Conflicts)?)?,
        Command::Explain(a) => print(&reconciled(&log, &a, Which::Explain)?)?,
        Command::Graph(a) => {
            let format = match a.format {
                GraphFormat::Dot => Format::Human,
                GraphFormat::Json => Format::Json,
            };
            let args = ReconcileArgs {
                pattern: a.pattern,
                at: a.at,
                format: FormatArg::Human,
            };
            let entries = log.entries().map_err(ledger)?;
            let (state, r) = reconcile_entries(&entries, &args)?;
            let g = reckon_reconcile::graph::build(&r);
            print(&reckon_render::recon::graph(&state, &g, format))?;
        }
        Command::Query(a) => print(&query(&log, a)?)?,
        Command::Check { dir, bless, junit } => {
            return check(&log, &dir, bless, junit.as_deref(), &mut print);
        }
        Command::Keygen { name, out } => print(&keygen(&name, &out)?)?,
        Command::Checkpoint {
            key,
            origin,
            cosign,
            out,
        } => {
            let signer = read_signer(&key)?;
            let note = match cosign {
                Some(cp) => reckon_audit::cosign(&log, &read_text(&cp)?, &signer),
                None => {
                    let origin = origin.unwrap_or_else(|| signer.name().to_owned());
                    reckon_audit::checkpoint(&log, &signer, &origin)
                }
            }
            .map_err(audit)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, note.encode())
                        .with_context(|| format!("{}: cannot write", path.display()))
                        .map_err(fail(2))?;
                    print(&format!("wrote {}\n", path.display()))?;
                }
                None => print(&note.encode())?,
            }
        }
        Command::Prove { id, checkpoint } => {
            let entries = log.entries().map_err(ledger)?;
            let e = reckon_ledger::find(&entries, &id).map_err(usage)?;
            print(
                &reckon_audit::prove(&log, &entries, e.seq, &read_text(&checkpoint)?)
                    .map_err(audit)?,
            )?;
        }
        Command::VerifyProof { bundle, keys } => {
            let keys = read_verifiers(&keys)?;
            let p = reckon_audit::verify_bundle(&read_text(&bundle)?, &keys).map_err(audit)?;
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
            keys,
            ..
        } => {
            let keys = read_verifiers(&keys)?;
            let x = reckon_audit::since(&log, &read_text(&cp)?, &keys).map_err(audit)?;
            let signed = if x.signers.is_empty() {
                " (signature not checked: give --key)".to_owned()
            } else {
                format!(", signed by {}", x.signers.join(", "))
            };
            print(&format!(
                "ok: the log's first {} entries are the ones the checkpoint describes{signed}; the log now holds {} entries\n",
                x.from, x.to
            ))?;
        }
        Command::Verify {
            documents, format, ..
        } => {
            return verify(&log, documents, format.into(), &mut print);
        }
        Command::Repair { dry_run } => return repair(&log, dry_run, &mut print),
    }
    Ok(0)
}

fn query(log: &Log, a: QueryArgs) -> Result<String, Failure> {
    let text = match (&a.query, &a.file) {
        (_, Some(f)) => std::fs::read_to_string(f)
            .with_context(|| format!("{}: cannot read the query", f.display()))
            .map_err(fail(2))?,
        (Some(q), None) if q == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read standard input")
                .map_err(fail(2))?;
            s
        }
        (Some(q), None) => q.clone(),
        (None, None) => {
            return Err(usage(
                "give a query, `-` for standard input, or -f FILE".into(),
            ));
        }
    };
    let q = reckon_query::parse(&text).map_err(|e| usage(e.render(&text)))?;
    let answer = reckon_query::run_on_log(&q, log).map_err(|e| match e {
        reckon_query::RunError::Query(e) => usage(e.to_string()),
        reckon_query::RunError::Log(e) => ledger(e),
    })?;
    let format = match a.format {
        QueryFormatArg::Table => reckon_render::query::QueryFormat::Table,
        QueryFormatArg::Json => reckon_render::query::QueryFormat::Json,
        QueryFormatArg::Csv => reckon_render::query::QueryFormat::Csv,
    };
    Ok(reckon_render::query::answer(&answer, format, false))
}

fn check(
    log: &Log,
    dir: &std::path::Path,
    bless: bool,
    junit: Option<&std::path::Path>,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<u8, Failure> {
    use reckon_query::check::{OutFormat, run_case, saved};
    use reckon_render::query::{QueryFormat, answer};
    let paths = saved(dir)
        .with_context(|| format!("{}: cannot read the directory", dir.display()))
        .map_err(fail(2))?;
    if paths.is_empty() {
        return Err(usage(format!(
            "{}: no saved queries (NAME.q files) here",
            dir.display()
        )));
    }
    let entries = log.entries().map_err(ledger)?;
    let render = |a: &reckon_query::Answer, f: OutFormat| {
        answer(
            a,
            match f {
                OutFormat::Table => QueryFormat::Table,
                OutFormat::Json => QueryFormat::Json,
                OutFormat::Csv => QueryFormat::Csv,
            },
            true,
        )
    };
    let mut cases = Vec::new();
    let mut diffs = Vec::new();
    for p in &paths {
        let case = run_case(p, &entries, &render);
        let expected_name = case.expected_path.display().to_string();
        let diff = match &case.expected {
            Some(e) => {
                reckon_render::diff::unified(e, &case.actual, &expected_name, "actual output", 3)
            }
            None => {
                format!("{expected_name} is missing; run `reckon check --bless` to create it\n")
            }
        };
        if bless && !case.passed() {
            std::fs::write(&case.expected_path, &case.actual)
                .with_context(|| format!("{expected_name}: cannot write"))
                .map_err(fail(2))?;
            print(&format!("blessed {}\n", case.name))?;
        } else if case.passed() {
            print(&format!("ok      {}\n", case.name))?;
        } else {
            print(&format!("CHANGED {}\n{diff}", case.name))?;
        }
        diffs.push(diff);
        cases.push(case);
    }
    let failed = if bless {
        0
    } else {
        cases.iter().filter(|c| !c.passed()).count()
    };
    if let Some(path) = junit {
        std::fs::write(path, reckon_render::query::junit(&cases, &diffs))
            .with_context(|| format!("{}: cannot write the JUnit report", path.display()))
            .map_err(fail(2))?;
    }
    print(&format!(
        "{} queries: {} matched, {} changed\n",
        cases.len(),
        cases.len() - failed,
        failed
    ))?;
    Ok(if failed == 0 { 0 } else { 1 })
}

fn read_text(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))
        .map_err(fail(2))
}

fn audit(e: reckon_audit::AuditError) -> Failure {
    use reckon_audit::AuditError as A;
    let code = match &e {
        A::Log(l) => ledger_code(l),
        A::Damaged(_) | A::Proof(_) | A::Mismatch(_) => 1,
        A::Note(
            reckon_audit::note::NoteError::BadSignature(_)
            | reckon_audit::note::NoteError::NoKnownSignature(_),
        ) => 1,
        _ => 2,
    };
    Failure {
        code,
        error: e.into(),
    }
}

fn read_signer(path: &std::path::Path) -> Result<reckon_audit::note::SignerKey, Failure> {
    reckon_audit::note::SignerKey::parse(&read_text(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Verifier keys from files, or given as key text.
fn read_verifiers(keys: &[String]) -> Result<Vec<reckon_audit::note::VerifierKey>, Failure> {
    keys.iter()
        .map(|k| {
            let text = if std::path::Path::new(k).is_file() {
                read_text(std::path::Path::new(k))?
            } else {
                k.clone()
            };
            reckon_audit::note::VerifierKey::parse(&text).map_err(|e| usage(format!("{k}: {e}")))
        })
        .collect()
}

fn keygen(name: &str, out: &std::path::Path) -> Result<String, Failure> {
    let key = reckon_audit::note::SignerKey::generate(name).map_err(|e| usage(e.to_string()))?;
    let secret = out.with_extension("key");
    let public = out.with_extension("pub");
    for p in [&secret, &public] {
        if p.exists() {
            return Err(usage(format!(
                "{}: already exists; keygen never overwrites a key",
                p.display()
            )));
        }
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(&secret)
        .with_context(|| format!("{}: cannot create", secret.display()))
        .map_err(fail(2))?;
    f.write_all(format!("{}\n", key.encode()).as_bytes())
        .context("cannot write the key")
        .map_err(fail(2))?;
    let verifier = key.verifier().encode();
    std::fs::write(&public, format!("{verifier}\n"))
        .with_context(|| format!("{}: cannot write", public.display()))
        .map_err(fail(2))?;
    Ok(format!(
        "wrote {} (secret) and {}\n{verifier}\n",
        secret.display(),
        public.display()
    ))
}

enum Which {
    Table,
    Conflicts,
    Explain,
}

fn usage(m: String) -> Failure {
    Failure {
        code: 2,
        error: anyhow::anyhow!(m),
    }
}

/// Folds and reconciles, refusing a position past the end and a pattern that matches nothing.
fn reconcile_entries<'e>(
    entries: &'e [reckon_ledger::Entry],
    a: &ReconcileArgs,
) -> Result<
    (
        reckon_reconcile::State<'e>,
        reckon_reconcile::Reconciliation,
    ),
    Failure,
> {
    if let Some(at) = a.at
        && at > entries.len() as u64
    {
        return Err(usage(format!(
            "--at {at} is past the end of the log, which has {} entries",
            entries.len()
        )));
    }
    let state = reckon_reconcile::State::fold(entries, a.at);
    let pattern = a.pattern.as_deref().map(reckon_reconcile::Pattern::new);
    let r = reckon_reconcile::reconcile(
        &state,
        pattern.as_ref(),
        &reckon_reconcile::Options::default(),
    );
    if r.subjects.is_empty()
        && let Some(p) = &pattern
    {
        let near = state.nearest_subjects(p.as_str(), 3);
        let hint = if near.is_empty() {
            " (subjects are lowercase paths; a prefix ends in /, a glob uses * and ?)".to_owned()
        } else {
            format!("; the nearest subjects are: {}", near.join(", "))
        };
        return Err(usage(format!(
            "no subject matches `{}` at log position {}{hint}",
            p.as_str(),
            state.position
        )));
    }
    Ok((state, r))
}

fn reconciled(log: &Log, a: &ReconcileArgs, which: Which) -> Result<String, Failure> {
    let entries = log.entries().map_err(ledger)?;
    let (state, r) = reconcile_entries(&entries, a)?;
    let format = a.format.into();
    Ok(match which {
        Which::Table => reckon_render::recon::reconcile(&state, &r, format),
        Which::Conflicts => reckon_render::recon::conflicts(&state, &r, format),
        Which::Explain => reckon_render::recon::explain(&state, &r, format),
    })
}

fn verify(
    log: &Log,
    documents: Option<PathBuf>,
    format: Format,
    print: &mut dyn FnMut(&str) -> Result<(), Failure>,
) -> Result<u8, Failure> {
    let verdict = log.verify().map_err(ledger)?;
    let mut quote_report = None;
    if let (Ok(_), Some(dir)) = (&verdict, &documents) {
        let entries = log.entries().map_err(ledger)?;
        quote_report = Some(reckon_ledger::check_quotes(&entries, dir));
    }
    let quotes_ok = quote_report.as_ref().is_none_or(|(_, p)| p.is_empty());
    let text = match (format, &verdict) {
        (Format::Json, Ok(h)) => {
            let mut j =
                serde_json::json!({"ok": quotes_ok, "entries": h.seq, "head": h.hash.to_hex()});
            if let Some((n, problems)) = &quote_report {
                j["quotes_checked"] = Json::from(*n);
                j["quote_problems"] = problems
                    .iter()
                    .map(|p| serde_json::json!({"seq": p.seq, "document": p.document, "problem": p.message}))
                    .collect();
            }
            format!("{j}\n")
        }
        (Format::Json, Err(p)) => format!(
            "{}\n",
            serde_json::json!({"ok": false, "line": p.line(), "problem": p.to_string()})
        ),
        (Format::Human, Ok(h)) => {
            let mut s = format!("ok: {} entries, head {}\n", h.seq, h.hash);
            if let Some((n, problems)) = &quote_report {
                for p in problems {
                    s.push_str(&format!(
                        "quote of entry #{} ({}): {}\n",
                        p.seq, p.document, p.message
                    ));
                }
                s.push_str(&format!(
                    "quotes: {} checked, {} not found\n",
                    n,
                    problems.len()
                ));
            }
            s
        }
        (Format::Human, Err(p)) => format!("FAILED: {}: {p}\n", log.entries_path().display()),
    };
    print(&text)?;
    Ok(if verdict.is_ok() && quotes_ok { 0 } else { 1 })
}

/// At most `max` characters of `s`, with a mark where it was cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Says what a repair step does (`done == false`) or did.
fn describe(r: &Repair, done: bool) -> String {
    let (remove, write) = if done {
        ("removed", "wrote")
    } else {
        ("remove", "write")
    };
    match r {
        Repair::Clean => "nothing to repair: the log ends at its last committed entry and the head file matches\n".into(),
        Repair::RemoveTail { line, bytes } => {
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let complete = lines.iter().filter(|l| l.ends_with('\n')).count();
            let torn = lines.len() - complete;
            let mut s = format!(
                "{remove} {} bytes from line {line} on, left by an interrupted append: {complete} complete but uncommitted line(s), {torn} incomplete line(s)\n",
                bytes.len()
            );
            for (i, l) in lines.iter().enumerate() {
                if i == 3 && lines.len() > 4 {
                    s.push_str(&format!("  … {} more line(s) …\n", lines.len() - 4));
                }
                if i < 3 || i + 1 == lines.len() {
                    s.push_str(&format!("  line {}: {}\n", *line + i as u64, clip(&l.trim_end_matches('\n').escape_debug().to_string(), 160)));
                }
            }
            s
        }
        Repair::AdvanceHead { from, to } => format!(
            "{write} the head file: it was {}, it names entry #{} {} (the last entry of the intact chain)\n",
            from.map_or("missing or unreadable".into(), |h| format!("at entry #{} {}", h.seq, h.hash)),
            to.seq,
            to.hash
        ),
    }
}

fn repair(
    log: &Log,
    dry_run: bool,
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
        let plan = log.plan_repair().map_err(ledger)?.map_err(not_repairable)?;
        print(&format!("would {}", describe(&plan, false)))?;
        return Ok(0);
    }
    // Each step is planned again under the lock; a missing head file and a tail can both need mending.
    for _ in 0..3 {
        let plan = log.plan_repair().map_err(ledger)?.map_err(not_repairable)?;
        if plan == Repair::Clean {
            break;
        }
        print(&format!("will {}", describe(&plan, false)))?;
        let done = log.repair().map_err(ledger)?.map_err(not_repairable)?;
        if done != plan {
            // The log changed between planning and repairing; say what was really done.
            print(&describe(&done, true))?;
        } else {
            print("done\n")?;
        }
    }
    let head = log.verify().map_err(ledger)?.map_err(not_repairable)?;
    print(&format!("ok: {} entries, head {}\n", head.seq, head.hash))?;
    Ok(0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match run(cli, &mut out) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let _ = out.flush();
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
