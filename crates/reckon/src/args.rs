//! The command line's arguments: every command, flag and help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use reckon_render::Format;
use std::path::PathBuf;

pub(crate) const ABOUT: &str = "Sourced claims in an append-only, hash-chained log: record figures with who said them, \
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
pub(crate) struct Cli {
    /// The log directory.
    #[arg(
        long,
        global = true,
        env = "RECKON_LOG",
        default_value = "log",
        value_name = "DIR"
    )]
    pub(crate) log: PathBuf,
    /// Give up after SECONDS when another process holds the log's lock (default: wait as
    /// long as it takes, saying who holds it after a second).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_wait)]
    pub(crate) wait: Option<std::time::Duration>,
    /// Print only what was asked for and what went wrong: no confirmations, notes or passing
    /// checks (the exit code says how it went).
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Colour the verdicts (reconcile's status, check's and verify's results): auto (on a
    /// terminal, unless NO_COLOR is set), always or never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub(crate) color: ColorArg,
    /// Print straight to the terminal: no pager for long output (by default listings and
    /// explanations on a terminal go through RECKON_PAGER, else PAGER, else less).
    #[arg(long, global = true)]
    pub(crate) no_pager: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// When to colour.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorArg {
    /// On a terminal, unless NO_COLOR is set (to anything) or TERM is dumb.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How the figure is chosen.
#[derive(Clone, Copy, Default, ValueEnum)]
pub(crate) enum MethodArg {
    /// Origins weighed by the reliability the whole log shows for them (the default).
    #[default]
    Weighted,
    /// Every independent origin counts one; ties broken by the origins' records.
    Count,
}

impl From<MethodArg> for reckon_reconcile::Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Weighted => reckon_reconcile::Method::Weighted,
            MethodArg::Count => reckon_reconcile::Method::Count,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum MerkleArg {
    /// blake3 (the default).
    Blake3,
    /// SHA-256, as RFC 6962 logs hash their trees.
    Sha256,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// Text for people (also: table).
    #[value(alias = "table")]
    Human,
    /// JSON for tools (README "JSON output").
    Json,
    /// CSV: a header and rows (log, reconcile, conflicts; and query).
    Csv,
}

impl FormatArg {
    /// Human or JSON; CSV is refused, naming the commands that list things.
    pub(crate) fn not_csv(self) -> Result<Format, String> {
        match self {
            FormatArg::Human => Ok(Format::Human),
            FormatArg::Json => Ok(Format::Json),
            FormatArg::Csv => Err(
                "--format csv is for listings: `reckon log`, `reckon reconcile`, `reckon conflicts` and `reckon query`; use --format json here"
                    .into(),
            ),
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create an empty log, or one whose first entry pins its name and tree hash.
    #[command(after_help = "\
With --origin, the log's first entry records its name (the origin line of every checkpoint
of it: a checkpoint naming another is refused) and, with --merkle sha256, that its Merkle
tree is hashed with SHA-256 as in RFC 6962 (so that transparency-log clients and witnesses
can check and cosign it; entries stay chained with blake3). Both are fixed for the log's life.

Examples:
  reckon --log factcheck/log init
  reckon --log factcheck/log init --origin newsroom.example/factcheck
  reckon --log factcheck/log init --origin newsroom.example/factcheck --merkle sha256")]
    Init {
        /// The log's name, as checkpoints carry it (conventionally a schema-less URL).
        #[arg(long)]
        origin: Option<String>,
        /// The hash of the Merkle tree over the entries.
        #[arg(long, value_enum, default_value = "blake3", requires = "origin")]
        merkle: MerkleArg,
    },
    /// Record one claim from flags.
    #[command(after_help = "\
Example:
  reckon add --subject pows/ukraine/held-by-russia --value 'at least 8,000' --unit people \\
    --scope 'service members' --as-of 2025-05-01 --said-on 2025-05-01 \\
    --speaker 'Iryna Vereshchuk' --publisher 'The Kyiv Independent' \\
    --quote 'At least 8,000 Ukrainian service members are held captive by Russia'

Values: 1,000  at least 8,000  more than 5000  1,000+  1,000 or more  up to 1,000
        fewer than 50  about 10,000 ±5%  some 200  500 or so  nearly 1,000
        between 300 and 400  270-300  5 to 6 thousand  1.2m
Dates:  2025  2025-04  2025-05-01  2022-02-24/2025-05-23

A correction names the claim it corrects and gives only what changes; every other field is
that claim's:
  reckon add --supersedes 27 --value 206

Mistakes are refused before anything is written, each with what to do:
  a unit that is not the subject's (its definition's, or the one its claims share): without
  --unit the claim takes the subject's unit; another unit needs --new-unit
  a new subject one slip from a known one (held-by-rusia): --new-subject if it is meant
  a claim identical to a live one (same subject, figure, unit, dates, speaker, quote...)
--dry-run prints the entry that would be appended, and appends nothing.")]
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

Mistakes are refused the same way, each naming the flag that insists:
  --new-unit         a claim whose unit is not its subject's (its definition's, or the one
                     unit its claims share): figures in different units are never compared
  --new-subject      a new subject one slip from a known one (held-by-rusia)
  --skip-duplicates  leave out claims identical to a live one, and definitions identical to
                     the current one, instead of refusing them (for feeds that repeat)
  --replace          let a definition replace a subject's current one (the message lists
                     every field it would change)
An import prints the subjects and units it creates. --dry-run prints the exact entries that
would be appended (standard output) and what the import would do (standard error), and
appends nothing.

With --documents DIR, each claim that names a `document` is anchored to it: its
`document_hash` is set to the blake3 of DIR/document (a hash already given must match), so
that `reckon verify --documents DIR` fails if the document is later changed. A document that
is not in DIR refuses the import.

--from reads other formats, each record named by its place (a row, a JSON path) in errors:
  csv          a header of contract field names (tags separated by ;), RFC 4180 quoting
  claimreview  schema.org ClaimReview JSON-LD (one, a list, a @graph or a DataFeed of them):
               each figure in claimReviewed becomes a claim by the reviewed claim's
               author, with the review as evidence (a review with no figure is skipped,
               and said so); subjects are drafts unless --subject
  wikidata     entity JSON as Special:EntityData serves it: each quantity statement is a
               claim on wikidata/ITEM/PROPERTY, its origin the reference (stated in, URL);
               a dump ([ on its first line, one entity a line) is read an entity at a time
Files that `reckon export` wrote read back (jsonl and csv): their `exported` place in the old
log is not recorded, and a claim withdrawn there is refused.

Examples:
  reckon import claims.jsonl --dry-run
  reckon import claims.jsonl
  reckon import feed.jsonl --skip-duplicates
  reckon import claims.jsonl --documents sources/
  reckon import sheet.csv --from csv
  reckon import reviews.json --from claimreview --subject pows/ukraine/held-by-russia
  reckon import Q212.json --from wikidata
  bzcat latest-all.json.bz2 | reckon import - --from wikidata --skip-duplicates")]
    Import(ImportArgs),
    /// Draft claims from an article, for review: prints JSON Lines, writes nothing.
    #[command(after_help = "\
Each figure a person would record becomes a draft in the import contract: the figure with its
hedge (`at least 8,000`, `as many as 1,000`), the unit (nouns for people give `people`, the
noun kept as the scope), the sentence as the exact quote, the speaker and role from the
attribution, `cites` from `citing …`, `said_on` from the sentence (`said on May 1`) or the
document's dateline, and `document`. Subjects are proposed under draft/ and every draft is
tagged `draft`: edit them, then import. A confirmation of a deal just named (`X confirmed the
agreement`) restates the figure of the sentence before (tag figure-from-context); a range
written `5-6,000` is drafted as a reader takes it, `5,000-6,000` (tag low-end-scaled), and
one with a qualifier by the bound it sets, `at least 5-6,000` as `at least 5,000` (tag
range-hedged).

Examples:
  reckon extract article.txt --publisher 'The Kyiv Independent' > drafts.jsonl
  reckon extract article.txt --said-on 2025-05-17 | jq .value")]
    Extract(ExtractArgs),
    /// Claims with full provenance and state, for spreadsheets, notebooks and fact-checks.
    #[command(after_help = "\
jsonl: every contract field and `exported` (seq, hash and state in this log, what it corrects
and what withdrew it): `reckon import` reads it back. csv: the same, a row a claim. claimreview:
one schema.org ClaimReview JSON-LD document a line for each claim on a reconciled subject,
rating it against reckon's figure:
  5 Agrees with the figure      the claim states the figure (or within it)
  4 Consistent with the figure  the claim allows the figure
  3 Unresolved                  the subject's figure is tied or has no support
  1 Contradicts the figure      the claim excludes the figure
Claims not counted (repeats, expectations, other periods) are left out of claimreview.

Examples:
  reckon export > claims.jsonl
  reckon export pows/ --format csv > pows.csv
  reckon export --all --format csv
  reckon export --format claimreview --reviewer 'Example Fact Check' --url https://example.org/checks")]
    Export(ExportArgs),
    /// Retract a claim, or withdraw a definition (either stays in the log, marked).
    #[command(after_help = "\
A retracted claim is left out of figures and of `claims` listings (`claims where state !=
live` shows it). A withdrawn definition no longer applies: the subject's definition before
it, if any, stands again. A retraction cannot be undone; --dry-run shows the entry it would
append.

Examples:
  reckon retract 12 --reason 'the article was corrected' --dry-run
  reckon retract 12 --reason 'the article was corrected'
  reckon retract 3 --reason 'defined with the wrong window'")]
    Retract {
        /// The claim or definition: a sequence number (12 or #12) or a hash prefix (at least 4 hex digits; digits with a leading zero, or 8 to 11 past the log's end, are a hash prefix).
        id: String,
        /// Why it is retracted.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        dry: DryRun,
        /// Resolve ID by reading the log back under the append's lock, never through the
        /// saved index: the reference way, which the faster one must equal (slow on a large
        /// log).
        #[arg(long)]
        whole_read: bool,
    },
    /// List the entries, one a line.
    ///
    /// Each entry is listed as soon as it is checked (hash, link, event), so a long log starts
    /// printing at once and is never held whole. A damaged log stops the listing before the
    /// first bad entry, which the error names (exit 1).
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
        /// A sequence number (12 or #12) or a hash prefix (at least 4 hex digits; digits with a leading zero, or 8 to 11 past the log's end, are a hash prefix).
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
    #[command(after_help = "\
With --exit-code, exit 1 when any conflict is listed (as `git diff --exit-code` does), so CI
can fail on a new contradiction; exit 0 when there is none.

Examples:
  reckon conflicts
  reckon conflicts exchange/ --format json
  reckon conflicts --exit-code > conflicts.txt")]
    Conflicts(ConflictsArgs),
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
  reckon query \"claims where said_on = 2025-05 and quote contains 'captive'\"
  reckon query 'claims | group by origin | count'
  reckon query 'claims where speaker = $who' --param who='Rustem Umerov'
  reckon query 'claims where state != live'      retracted and superseded claims
  reckon query -f saved.q --format json

Grammar:
  query  = source [where EXPR] [at N] [known DATE] [valid DATE] {| step}
  source = claims | figures [PATTERN] | conflicts [PATTERN] | provenance (#N | HASH | SUBJECT)
  EXPR   = FIELD OP VALUE, combined with and, or, not and brackets
  OP     = = != ~ < <= > >= overlaps contains    (~ is a glob; subject ~ also takes a prefix/)
  VALUE  = \"text\" or 'text', a word, a number, a date, a figure, or $NAME (--param NAME=...)
  step   = sort FIELD [desc] | limit N | show FIELD, ... | count | group by FIELD | count
  fields: subject speaker origin publisher role cites scope unit tag modality document quote
          hash seq value said_on as_of state status; of figures: support dissent
Text: = is exact, ~ a case-blind glob (* and ? cross /), contains a case-blind part.
Dates: = means within (said_on = 2025-05: in May 2025), overlaps shares a day, >= starts
on or after the start, <= ends on or before the end. claims lists live claims unless the
filter names state.")]
    Query(QueryArgs),
    /// Run every saved query (NAME.q) and compare its output with NAME.out beside it.
    #[command(after_help = "\
Prints a unified diff for each query whose output changed; exit 1 if any did, 0 if all match.
A .q file may choose its output with a comment line: # format: table|json|csv

--bless writes the current output as expected, but refuses (exit 1, nothing written for it) a
query that fails with an error or answers nothing, unless its file says that may be so with a
comment line: # expect: error  or  # expect: nothing

Examples:
  reckon check                       run queries/
  reckon check queries/captives.q    run one saved query
  reckon check --bless               accept the current output as expected
  reckon check --bless queries/captives.q
  reckon check --junit report.xml    also write a JUnit report for CI
  reckon check --format json         one JSON summary: each query's status and diff")]
    Check {
        /// Directories of saved queries, or single NAME.q files.
        #[arg(default_value = "queries", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Rewrite the expected files with the current output (see above for what is refused).
        #[arg(long)]
        bless: bool,
        /// Write a JUnit XML report here.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Output format: human (a line a query, diffs) or json (one summary object).
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// Answer every query from each entry decoded whole, never through the saved index,
        /// the folded snapshot or a lean fold (as `query --whole-read`): saved answers checked
        /// against the reference way, trusting nothing derived; slow on a large log.
        #[arg(long)]
        whole_read: bool,
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
signed with the key given. A log made with `init --origin` has its name pinned in its first
entry, and every checkpoint names it; a log without one names what --origin says, else the
key's name.

With --cosign, an existing checkpoint is checked (its signatures against --log-key or
--policy, its origin, and its tree head against this log) and signed again: a witness.
Cosigning twice replaces the witness's signature, never adds a second one.

Examples:
  reckon checkpoint --key seedlog.key --out log.checkpoint
  reckon checkpoint --cosign log.checkpoint --log-key seedlog.pub --key witness.key --out log.checkpoint")]
    Checkpoint {
        /// The signer key file.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The log's name in the checkpoint: must be the pinned one when the log has one
        /// (default: the pinned one, else the key's name).
        #[arg(long, conflicts_with = "cosign")]
        origin: Option<String>,
        /// Add a signature to this checkpoint instead of making a new one.
        #[arg(long, value_name = "FILE")]
        cosign: Option<PathBuf>,
        /// With --cosign: the log's verifier key, whose signature must already be on the
        /// checkpoint (file or key text; repeat for several, any one will do).
        #[arg(long = "log-key", value_name = "PUBKEY", requires = "cosign")]
        log_keys: Vec<String>,
        /// With --cosign: a policy file saying whose signatures must already be on it.
        #[arg(
            long,
            value_name = "FILE",
            requires = "cosign",
            conflicts_with = "log_keys"
        )]
        policy: Option<PathBuf>,
        /// Write it here instead of to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write a self-contained proof that an entry is in the log a checkpoint describes, or
    /// that one checkpoint's log extends another's.
    #[command(after_help = "\
With an entry, writes an inclusion bundle (reckon-proof-1). With --since OLD instead, writes a
consistency bundle (reckon-consistency-1): both checkpoints and the proof that the older tree
is a prefix of the newer, so that anyone holding the two can check the log only grew between
them, without the log. `reckon verify-proof` checks either kind.

Examples:
  reckon prove 24 --checkpoint log.checkpoint > claim-24.proof
  reckon prove --since january.checkpoint --checkpoint log.checkpoint > grew.proof")]
    Prove {
        /// The entry: a sequence number (12 or #12) or a hash prefix (at least 4 hex digits; digits with a leading zero, or 8 to 11 past the log's end, are a hash prefix).
        #[arg(required_unless_present = "since", conflicts_with = "since")]
        id: Option<String>,
        /// The signed checkpoint to prove against (the later one, with --since).
        #[arg(long, value_name = "FILE")]
        checkpoint: PathBuf,
        /// An earlier signed checkpoint of this log: prove that --checkpoint extends it.
        #[arg(long, value_name = "FILE")]
        since: Option<PathBuf>,
    },
    /// Check a proof bundle offline: the signatures, then the entry and its inclusion proof, or
    /// the consistency proof between two checkpoints.
    #[command(after_help = "\
Who must have signed the bundle's checkpoint is a policy: --key (the log's key; any one of
several), --witness and --quorum (k of n witnesses), or all of it in a --policy file:

  # who signs example.org/factlog
  origin example.org/factlog
  log example.org/factlog+1a2b3c4d+AQ...
  witness witness.one+5e6f7a8b+AQ...
  witness witness.two+9c0d1e2f+AQ...
  quorum 1

Examples:
  reckon verify-proof claim-24.proof --key seedlog.pub --origin reckon.example/seed-log
  reckon verify-proof claim-24.proof --key seedlog.pub --witness w1.pub --witness w2.pub --quorum 1
  reckon verify-proof claim-24.proof --policy seedlog.policy")]
    VerifyProof {
        /// The bundle written by `reckon prove`.
        bundle: PathBuf,
        #[command(flatten)]
        signers: PolicyArgs,
        /// The log the checkpoint must name (its origin); the bundle is refused for any other.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Publish the log as static files (C2SP tlog-tiles) that any web server can host.
    #[command(after_help = "\
Writes DIR/checkpoint (signed with --key), the Merkle tree as hash tiles (DIR/tile/L/N) and
the entries in bundles of 256 (DIR/tile/entries/N). Run it again after appending: only what
changed is written (tiles that were full are never rewritten), and the checkpoint last, so a
reader never sees a checkpoint whose tiles are missing. A directory holding tiles of another
log, or of this one rewritten, is refused. Anyone can then audit the directory with
`reckon verify-tiles`, without the log.

With --checkpoint instead of --key, a checkpoint already made and cosigned by witnesses is
published as it is (it must describe the log as it is now).

Examples:
  reckon tiles public/ --key seedlog.key
  reckon tiles public/ --checkpoint log.checkpoint     # signed by the log and its witnesses
  rsync -a public/ web:/srv/log/")]
    Tiles {
        /// The directory to write (created if missing).
        dir: PathBuf,
        /// The signer key file for the checkpoint.
        #[arg(long, value_name = "FILE", required_unless_present = "checkpoint")]
        key: Option<PathBuf>,
        /// Publish this signed checkpoint of the log as it is now instead of signing one.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["key", "origin"])]
        checkpoint: Option<PathBuf>,
        /// The log's name, for a log without a pinned origin (default: the key's name).
        #[arg(long)]
        origin: Option<String>,
    },
    /// Audit a tiles directory as a remote reader would, with nothing but the verifier keys.
    #[command(after_help = "\
Checks the checkpoint's signatures against the policy (--key, --witness, --quorum or
--policy, as for verify-proof) and its origin; every entry's hash, sequence number, link and
time; that the level-0 tiles hold the entries' leaves and every higher tile the roots of the
subtrees below; and that the tree head is the checkpoint's. With --since, also that the tree
extends an earlier checkpoint (not truncated, forked or rewritten). Exit 1 names the first
file that is missing or wrong.

Examples:
  reckon verify-tiles public/ --key seedlog.pub
  reckon verify-tiles public/ --policy seedlog.policy --since yesterday.checkpoint")]
    VerifyTiles {
        /// The directory `reckon tiles` wrote (or a copy of it).
        dir: PathBuf,
        #[command(flatten)]
        signers: PolicyArgs,
        /// The log the checkpoint must name.
        #[arg(long)]
        origin: Option<String>,
        /// An earlier signed checkpoint the tiles must extend.
        #[arg(long, value_name = "CHECKPOINT")]
        since: Option<PathBuf>,
    },
    /// Serve the log as read-only web pages on this machine (figures, claims, timelines,
    /// the conflict graph, entries, a query box).
    #[command(after_help = "\
Pages: / lists every subject with its figure, status, support and dissent, conflicts first,
with a filter box; /subject/NAME.html (the subject's slashes written as ~) shows the figure in
words, a timeline and the conflict graph drawn as SVG, and every claim with its speaker,
publisher, dates, scope, exact quote, source link and entry; /entry/SEQ.html shows an entry,
its check and what became of it (with --checkpoint, a download of its inclusion proof);
/query.html answers a question in the query language (see `reckon query --help`).

Read-only: GET and HEAD only, request heads bounded, nothing loaded from outside the pages,
everything from the log escaped. Each page is made from a fresh, checked read of the log (a
subject's through the saved index), so appends show on the next request. It listens on
127.0.0.1 unless --bind names another address: the log is then readable by anyone who can
reach it. Stop it with Ctrl-C.

Examples:
  reckon serve                          http://127.0.0.1:8480/
  reckon serve --port 0                 a free port, printed on start
  reckon serve --checkpoint log.checkpoint
  reckon site public/                   the same pages as static files")]
    Serve {
        /// The port (0: any free port, printed when serving starts).
        #[arg(long, default_value_t = 8480)]
        port: u16,
        /// The address to listen on; anything but loopback exposes the log to the network.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// A signed checkpoint of the log: entry pages offer inclusion proofs against it.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Write the log's web pages as static files that any web host can publish.
    #[command(after_help = "\
Writes index.html, query.html, style.css, filter.js, subject/NAME.html for every subject
and entry/SEQ.html for every entry into DIR (made if missing; files replaced whole, nothing
else in DIR touched): the pages `reckon serve` gives, made from one checked read of the log.
The query page of a static copy explains that questions need `reckon serve`. With
--checkpoint, entry/SEQ.proof.json holds each covered entry's inclusion proof. The same log
gives the same bytes.

Examples:
  reckon site public/
  reckon site public/ --checkpoint log.checkpoint && rsync -a public/ web:/srv/figures/")]
    Site {
        /// The directory to write.
        dir: PathBuf,
        /// A signed checkpoint of the log: each entry it covers gets its inclusion proof.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Check every entry, every link of the chain, and the head file.
    #[command(after_help = "\
Exit 0 with a summary when the log is intact; exit 1 naming the first bad entry and what is
wrong: unparsable entry, hash mismatch, sequence gap, broken link, time going backwards, torn
tail, or a head file that does not match.

With --since CHECKPOINT, also prove that the log extends the one a signed checkpoint
describes (exit 1 if it was truncated, forked or rewritten, or if the checkpoint names another
origin than the log's); --key, or --witness and --quorum, or --policy say who must have
signed it (see `reckon verify-proof --help`).

Examples:
  reckon verify
  reckon verify --deep                         also decode every event and check references
  reckon verify --documents ../shared/seeds    also check every live claim's quote
  reckon verify --since log.checkpoint --key seedlog.pub")]
    Verify {
        /// Also check that each claim's quote is in its document, a regular file inside this
        /// directory (problems of claims later retracted or corrected are listed, not failed).
        #[arg(long, value_name = "DIR")]
        documents: Option<PathBuf>,
        /// Also decode every event and check it is a valid claim, retraction, definition or
        /// alias whose references hold (retractions and corrections of earlier live claims,
        /// aliases and sums without cycles); plain verify checks shape, hashes and links at
        /// the speed of hashing.
        #[arg(long)]
        deep: bool,
        /// Also prove that the log extends the one this signed checkpoint describes.
        #[arg(long, value_name = "CHECKPOINT", conflicts_with_all = ["documents", "deep", "format"])]
        since: Option<PathBuf>,
        #[command(flatten)]
        signers: PolicyArgs,
        /// With --since: the log the checkpoint must name (the log's pinned origin is always
        /// required too).
        #[arg(long, requires = "since")]
        origin: Option<String>,
        /// With --since: compare tree heads alone and do not check who signed the checkpoint
        /// (anyone could have written it; without this, --since needs --key or --policy).
        #[arg(long, requires = "since", conflicts_with_all = ["keys", "witnesses", "policy"])]
        no_signature: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
    },
    /// Remove what an interrupted append left after the last committed entry (and nothing else).
    #[command(after_help = "\
An append is committed when the head file names its last entry. An append cut short by a
crash leaves lines after the last committed entry; repair says exactly what they are, then
removes them. It also rewrites a missing head file for an intact chain, keeping every complete
entry (with no head file nothing says which were committed). It never removes bytes that are
not the start of an entry, nor complete lines written by more than one append (a head file
moved back by hand): --commit-tail keeps those and moves the head to the last entry instead.
It also removes the temporary files (.head.tmp-…) that a write stopped before its rename left.
Any other damage is reported, never repaired.

Examples:
  reckon repair --dry-run
  reckon repair
  reckon repair --commit-tail")]
    Repair {
        /// Only say what would be done.
        #[arg(long)]
        dry_run: bool,
        /// Keep complete lines after the entry the head file names and move the head to the
        /// end of the intact chain, instead of removing them.
        #[arg(long)]
        commit_tail: bool,
    },
    /// Print a shell completion script for reckon (made from these very definitions).
    #[command(after_help = "\
Install it where your shell looks for completions, for example:
  reckon completions bash > ~/.local/share/bash-completion/completions/reckon
  reckon completions zsh > ~/.zfunc/_reckon      # with fpath+=(~/.zfunc) before compinit
  reckon completions fish > ~/.config/fish/completions/reckon.fish
  reckon completions powershell >> $PROFILE")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print reckon's manual page, or one command's (roff, from these very definitions).
    #[command(after_help = "\
Read one, or install them all:
  reckon man | man -l -
  reckon man import | man -l -
  reckon man --dir ~/.local/share/man/man1     # reckon.1, reckon-import.1, …")]
    Man {
        /// The command whose page to print (default: reckon's own, which lists them all).
        command: Option<String>,
        /// Write every page (reckon.1 and reckon-COMMAND.1 for each command) into DIR instead.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

/// Who must have signed a checkpoint (see `reckon_audit::policy`).
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct PolicyArgs {
    /// The log's verifier key (a file or the key text); repeat for several, any one of which
    /// must have signed.
    #[arg(long = "key", value_name = "PUBKEY")]
    pub(crate) keys: Vec<String>,
    /// A witness's verifier key (a file or the key text); repeat for each witness.
    #[arg(long = "witness", value_name = "PUBKEY")]
    pub(crate) witnesses: Vec<String>,
    /// How many of the --witness keys must have cosigned (default: every one).
    #[arg(long, value_name = "K", requires = "witnesses")]
    pub(crate) quorum: Option<usize>,
    /// A policy file (`log KEY`, `witness KEY`, `quorum K`, `origin NAME` lines) instead of
    /// --key, --witness and --quorum.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["keys", "witnesses", "quorum"])]
    pub(crate) policy: Option<PathBuf>,
}

impl PolicyArgs {
    /// Whether any signer was named.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.witnesses.is_empty() && self.policy.is_none()
    }
}

#[derive(Args)]
pub(crate) struct ReconcileArgs {
    /// Which subjects: exact, a prefix ending in /, or a glob with * and ?.
    pub(crate) pattern: Option<String>,
    /// Reconcile the log as it was after this many entries.
    #[arg(long, value_name = "SEQ")]
    pub(crate) at: Option<u64>,
    /// Only what was known by this date: claims said on or before it, retractions recorded on
    /// or before it.
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    pub(crate) known: Option<reckon_claim::Period>,
    /// The figure for this date rather than each subject's latest as_of.
    #[arg(long, value_name = "DATE", value_parser = parse_period)]
    pub(crate) valid: Option<reckon_claim::Period>,
    /// How the figure is chosen: `weighted` weighs each origin by how often its figures agree
    /// with other origins' on other subjects (copying discounted, declared `trust` priors
    /// used); `count` counts independent origins, one vote each.
    #[arg(long, value_enum, default_value = "weighted")]
    pub(crate) method: MethodArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: FormatArg,
}

#[derive(Args)]
pub(crate) struct ConflictsArgs {
    #[command(flatten)]
    pub(crate) common: ReconcileArgs,
    /// Exit 1 when any conflict is listed, 0 when none is.
    #[arg(long)]
    pub(crate) exit_code: bool,
}

#[derive(Args)]
pub(crate) struct QueryArgs {
    /// The query; `-` reads it from standard input.
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub(crate) query: Option<String>,
    /// Read the query from a file.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) format: QueryFormatArg,
    /// A value for `$NAME` in the query, always read as one literal (repeat for more).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub(crate) params: Vec<(String, String)>,
    /// Answer from every entry decoded whole in one checked read, never through the saved
    /// index, the folded snapshot or a lean fold: the reference answer that the faster ways
    /// must equal byte for byte (slow, and memory-hungry on a large log).
    #[arg(long)]
    pub(crate) whole_read: bool,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: give NAME=VALUE, e.g. --param who='Rustem Umerov'"))?;
    let ok = name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !ok {
        return Err(format!(
            "`{name}` is not a parameter name: a letter or _, then letters, digits and _"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum QueryFormatArg {
    /// Text for people (also: human).
    #[value(alias = "human")]
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum GraphFormat {
    Dot,
    Json,
}

#[derive(Args)]
pub(crate) struct GraphArgs {
    /// Which subjects: exact, a prefix ending in /, or a glob with * and ?.
    pub(crate) pattern: Option<String>,
    /// Use the log as it was after this many entries.
    #[arg(long, value_name = "SEQ")]
    pub(crate) at: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub(crate) format: GraphFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FromFormat {
    /// JSON Lines in the import contract (and files `reckon export` wrote).
    Jsonl,
    /// CSV with a header of contract field names.
    Csv,
    /// schema.org ClaimReview JSON-LD.
    Claimreview,
    /// Wikidata entity JSON.
    Wikidata,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// JSON Lines: the contract fields and `exported`.
    Jsonl,
    /// CSV: a header and a row a claim.
    Csv,
    /// schema.org ClaimReview JSON-LD, a document a line.
    Claimreview,
}

#[derive(Args)]
pub(crate) struct ExtractArgs {
    /// The article, as plain text, a paragraph a line or wrapped at a fixed width (`-` reads
    /// standard input); HTML is refused, with how to make text of it.
    pub(crate) article: PathBuf,
    /// When it was published (default: the dateline, `May 17, 2025`, `17 May 2025` or
    /// `2025-05-17` on a short line near the top, if it has one).
    #[arg(long, value_name = "DATE")]
    pub(crate) said_on: Option<String>,
    /// Who published it.
    #[arg(long, value_name = "NAME")]
    pub(crate) publisher: Option<String>,
    /// Its address.
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// The `document` to record (default: the article's file name).
    #[arg(long, value_name = "NAME")]
    pub(crate) document: Option<String>,
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// Which subjects: exact, a prefix ending in /, or a glob with * and ?.
    pub(crate) pattern: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub(crate) format: ExportFormat,
    /// Also the retracted and superseded claims (jsonl and csv; their state says so).
    #[arg(long)]
    pub(crate) all: bool,
    /// The fact-checker publishing the reviews (claimreview's `author`).
    #[arg(long, value_name = "NAME", default_value = "reckon")]
    pub(crate) reviewer: String,
    /// Where the reviews are published (claimreview's `url`, with `#seq-N` for each claim).
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// Export from the whole log (its folded snapshot when the log is unchanged), never from
    /// a pattern's part read through the saved index: the reference way, which the faster one
    /// must equal (slower on a large log).
    #[arg(long)]
    pub(crate) whole_read: bool,
}

#[derive(Args)]
pub(crate) struct ImportArgs {
    /// The file to read; `-` reads standard input.
    pub(crate) file: PathBuf,
    /// The file's format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub(crate) from: FromFormat,
    /// The subject of every claim read from a claimreview file (default: a draft subject from
    /// its words).
    #[arg(long, value_name = "PATH")]
    pub(crate) subject: Option<String>,
    /// Anchor claims to their documents in this folder (fill in `document_hash`).
    #[arg(long, value_name = "DIR")]
    pub(crate) documents: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) insist: Insist,
    /// Leave out claims and definitions that repeat live ones, instead of refusing them.
    #[arg(long)]
    pub(crate) skip_duplicates: bool,
    /// Let definitions replace subjects' current ones.
    #[arg(long)]
    pub(crate) replace: bool,
    #[command(flatten)]
    pub(crate) dry: DryRun,
    /// Vet against the whole log, and resolve every reference by reading the log back under
    /// the append's lock, never through the saved index: the reference way, which the faster
    /// one must equal (slow on a large log).
    #[arg(long)]
    pub(crate) whole_read: bool,
}

/// Flags that insist on what vetting would refuse.
#[derive(Args, Clone, Copy)]
pub(crate) struct Insist {
    /// Accept a new subject one slip from a known one.
    #[arg(long)]
    pub(crate) new_subject: bool,
    /// Accept a unit that differs from the subject's.
    #[arg(long)]
    pub(crate) new_unit: bool,
}

/// Rehearsing a write.
#[derive(Args, Clone, Copy)]
pub(crate) struct DryRun {
    /// Print the exact entries that would be appended, and append nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Args)]
pub(crate) struct AddArgs {
    /// The quantity, as a lowercase slash path.
    #[arg(long, required_unless_present_any = ["supersedes", "from"])]
    pub(crate) subject: Option<String>,
    /// The figure as stated, e.g. 'at least 8,000'.
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present_any = ["supersedes", "from"]
    )]
    pub(crate) value: Option<String>,
    /// The unit (default: the subject's, from its definition or its claims; else count).
    #[arg(long)]
    pub(crate) unit: Option<String>,
    /// Words that narrow what was counted.
    #[arg(long)]
    pub(crate) scope: Option<String>,
    /// The time the figure describes.
    #[arg(long)]
    pub(crate) as_of: Option<String>,
    /// When it was said or published.
    #[arg(long, required_unless_present_any = ["supersedes", "from"])]
    pub(crate) said_on: Option<String>,
    /// Who said it.
    #[arg(long)]
    pub(crate) speaker: Option<String>,
    /// In what capacity.
    #[arg(long)]
    pub(crate) role: Option<String>,
    /// The data the speaker relied on.
    #[arg(long)]
    pub(crate) cites: Option<String>,
    /// Where it was read.
    #[arg(long)]
    pub(crate) publisher: Option<String>,
    /// Address of the source.
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// Title of the source.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// A local source file (a path inside the documents folder).
    #[arg(long)]
    pub(crate) document: Option<String>,
    /// Anchor the claim to its --document in this folder: record the blake3 of its bytes, so
    /// that `verify --documents` notices if it changes.
    #[arg(long, value_name = "DIR", requires = "document")]
    pub(crate) documents: Option<PathBuf>,
    /// The exact words.
    #[arg(long)]
    pub(crate) quote: Option<String>,
    /// asserted (default), expected or denied.
    #[arg(long)]
    pub(crate) modality: Option<String>,
    /// A label; repeat for more.
    #[arg(long = "tag")]
    pub(crate) tags: Vec<String>,
    /// The claim this one corrects: a sequence number or a hash prefix (at least 4 hex
    /// digits; digits with a leading zero, or 8 to 11 past the log's end, are a hash prefix). Every field not given is
    /// that claim's: correct one field by giving only it.
    #[arg(long)]
    pub(crate) supersedes: Option<String>,
    /// Start from the fields of claim ID, as --supersedes does, without correcting it: restore
    /// a retracted claim in one step (`add --from 36`), or record a like claim by giving only
    /// what differs. A copy of a live claim with nothing changed is refused as a duplicate.
    #[arg(long, value_name = "ID", conflicts_with = "supersedes")]
    pub(crate) from: Option<String>,
    /// `exact`: the figure is meant exactly, however round (by default a bare figure ending in
    /// two or more zeros, such as 4,000, may be a rounding).
    #[arg(long)]
    pub(crate) precision: Option<String>,
    #[command(flatten)]
    pub(crate) insist: Insist,
    #[command(flatten)]
    pub(crate) dry: DryRun,
    /// Read the claim --supersedes or --from names, and vet, from the whole log, and resolve
    /// the correction by reading the log back under the append's lock, never through the
    /// saved index: the reference way, which the faster one must equal (slow on a large log).
    #[arg(long)]
    pub(crate) whole_read: bool,
}

fn parse_wait(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(0.0..=31_536_000.0).contains(&secs) {
        return Err(format!("`{s}`: give between 0 and 31536000 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

fn parse_period(s: &str) -> Result<reckon_claim::Period, String> {
    reckon_claim::Period::parse(s).map_err(|e| e.to_string())
}
