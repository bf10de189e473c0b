//! The append-only, hash-chained log of reckon: its on-disk format, appends that are durable
//! and safe against concurrent writers, and a verifier that names the first bad entry.
//!
//! This crate stores and checks events; it does **not** decide what they mean (that is the
//! reconciler's job) and it never rewrites an entry: the only change it ever makes to existing
//! bytes is [`Log::repair`], which removes an incomplete last line or moves the head file
//! forward, and only when asked.
//!
//! ```no_run
//! use reckon_ledger::{Log, import};
//! let log = Log::at("log");
//! let (head, added) = import(&log, "claims.jsonl", b"{\"subject\":\"a/b\",\"value\":\"5\",\"said_on\":\"2025\",\"speaker\":\"X\"}\n")?;
//! assert_eq!(log.verify()?, Ok(head));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The on-disk format, version 1
//!
//! This section is the specification: an independent verifier needs nothing else.
//!
//! A log is a directory holding two files.
//!
//! **`entries.jsonl`** holds one entry per line. Every line, including the last, ends with a
//! single `LF` (0x0A); there is no other line terminator and no blank line. Line `n` (counting
//! from 1) holds entry `n`. A line is, byte for byte:
//!
//! ```text
//! HASH SP BODY LF
//! HASH = 64 lowercase hexadecimal digits: the blake3 hash (32 bytes) of BODY, exactly as stored
//! SP   = one space (0x20)
//! BODY = {"seq":SEQ,"prev":"PREV","at":"AT","event":EVENT}
//! SEQ  = the entry's number in decimal ASCII, from 1 to 2^64 - 1, without leading zeros
//! PREV = 64 lowercase hexadecimal digits: the HASH of entry SEQ-1; for entry 1, 64 zeros
//! AT   = when the entry was recorded, in UTC: YYYY-MM-DDTHH:MM:SSZ (20 bytes), a real
//!        calendar time: year 0001 to 9999, month 01-12, a day the month has (Gregorian,
//!        with leap years), hour 00-23, minute and second 00-59 (no leap second); never
//!        earlier than the AT of the entry before (recorded time only moves forward)
//! EVENT = a JSON object (UTF-8; no raw control character U+0000-U+001F, so no LF or CR;
//!         DEL and other characters may appear raw), described below
//! ```
//!
//! The prefix of BODY is fixed: `{"seq":` then SEQ then `,"prev":"` then PREV then
//! `","at":"` then AT then `","event":` then EVENT then `}`, with no white space anywhere
//! outside JSON strings. The hash covers BODY only (not HASH, the space or the LF). A verifier
//! therefore never re-serialises anything: for each line it checks the 65-byte prefix, hashes
//! the remaining bytes up to the LF, compares, reads SEQ and PREV with the fixed prefix above,
//! and checks `SEQ = previous SEQ + 1` and `PREV = previous HASH`.
//!
//! **`head`** holds `SEQ SP HASH LF` for the last entry (`0` and 64 zeros for an empty log),
//! SEQ written as in an entry: decimal digits, no sign, no leading zeros.
//! It is written after the entries are on disk, through a temporary file renamed into place.
//! It lets a verifier notice entries cut off the end, which a hash chain alone cannot show.
//! (It is an anchor against accidents, not against an attacker who can rewrite both files; for
//! that, compare the head hash with one recorded elsewhere.)
//!
//! **EVENT** is an object whose `type` is one of:
//!
//! - `"claim"`: the fields of the import contract (`subject`, `value` as stated, `unit`,
//!   `scope`, `as_of`, `said_on`, `speaker`, `role`, `cites`, `publisher`, `url`, `title`,
//!   `document`, `document_hash`, `quote`, `modality`, `tags`), `supersedes` (the HASH of an
//!   earlier claim) and `precision` (`exact` or `digits`). `document_hash` is 64 lowercase
//!   hexadecimal digits, the blake3 of the bytes of the file `document` names, and is only
//!   present with `document`. Absent optional fields are left out; `unit` is always present; `modality` is left out
//!   when it is `asserted`; dates are in their shortest form (`2025-04`, `2022-02-24/2025-05-23`).
//! - `"retract"`: `claim` (the HASH of the entry of the claim retracted, or of the definition
//!   withdrawn) and `reason`.
//! - `"define"`: `subject`, and optionally `label`, `unit`, `window` (`P31D`), `tolerance`
//!   (`5%` or `10`), `sum_of` (a list of subjects), `precision` (`exact` or `digits`), `kind`
//!   (`level`, `running-total` or `range`).
//! - `"alias"`: `subject` and `same_as`.
//! - `"trust"`: `origin`, `prior` (a JSON number strictly between 0 and 1, at most four
//!   decimals), optionally `strength` (a whole number of subjects), and `reason`.
//! - `"log"`: `origin` (the log's name: 1 to 255 bytes of UTF-8, no control character, no
//!   white space at either end) and optionally `merkle` (`"blake3"` or `"sha256"`; reckon
//!   writes it only for `"sha256"`). Only ever entry 1: it pins the log's name and the hash
//!   of its tree for the log's life (see *Origin* below). A log whose entry 1 is another
//!   event has no pinned origin and a blake3 tree.
//!
//! EVENT must start with the bytes `{"type":"` (the `type` key first); within a claim, the
//! keys are written in the order listed above (`type`, `subject`, `value`, …), as reckon
//! writes them. A reader may rely on both.
//!
//! **Verification has two levels**, and both report the first line that fails, in file
//! order, then the `head` file:
//!
//! - *Chain* (`reckon verify`): every line is of the form above, with its HASH the blake3 of
//!   BODY, EVENT well-formed JSON starting with `{"type":"`, and AT a real UTC time
//!   (otherwise *unparsable entry*, or *hash mismatch*); SEQ is one more than the line before
//!   (*sequence gap*), PREV is the HASH of the line before (*broken link*), and AT is not
//!   earlier than the line before's (*time goes backwards*); there are no
//!   bytes after the last LF (*torn tail*); and `head` names the last entry (its SEQ and
//!   HASH). This runs at the speed of hashing and is what an append relies on.
//!   Checks run in this order on each line, and the first that fails is reported: the
//!   65-byte prefix (HASH, then SP); the hash of what follows up to the LF (so a CR before
//!   the LF, or a second space, is a *hash mismatch*); the fixed BODY prefix, SEQ, PREV and
//!   AT, and EVENT (*unparsable*); then SEQ, PREV and AT against the line before. A SEQ too
//!   large for 64 bits is *unparsable*. Plain verification does not look inside EVENT beyond
//!   its JSON shape and its `{"type":"` start: `{"type":"bogus"}` passes it.
//! - *Deep* (`reckon verify --deep`, and every command that decodes the log): also, every
//!   EVENT is a valid event of its type as described above, with the values the import
//!   contract allows (*unparsable entry*); and every reference holds as an append checks it
//!   (*bad reference*): a `retract` names the HASH of an earlier claim not already retracted;
//!   a `supersedes` names an earlier claim that is neither retracted nor already superseded;
//!   an `alias` names a subject that an earlier claim or definition names, and no chain of
//!   aliases leads back to it; a `sum_of` lists neither its own subject nor one whose parts,
//!   however deep, contain it, and no subject twice; a `log` event is entry 1; and a claim
//!   names a `speaker` or a `publisher` (or both).
//!
//! Which rules are validity rules: those of the two levels above. The order of keys within an
//! event, leaving out an `asserted` modality and writing dates in their shortest form are how
//! reckon *writes* events; a reader accepts an event that differs only in them (so one claim
//! may have more than one valid encoding, and its HASH is of the encoding stored). What a
//! valid value, subject and date are is the import contract's (README "The claim", and the
//! `reckon-claim` crate docs: the value grammar, the subject characters, the date forms); a
//! duplicate key in an EVENT object, an unknown field, a missing required field or a value of
//! the wrong JSON type makes it invalid at the deep level.
//!
//! `reckon verify --documents DIR` decodes every event too, and then checks documents: each
//! claim with a `document` and a `quote` must have the quote (runs of white space counted as
//! one space) in `DIR/document`, a regular file inside DIR (after links) of at most 64 MiB;
//! and each claim with a `document_hash` must name a document whose bytes, as they are now,
//! hash (blake3) to it. Problems with claims that were later retracted or corrected
//! (superseded) are listed but do not fail the check. `add` and `import` with `--documents
//! DIR` fill in `document_hash` from the same file (a hash already given must match it; a
//! document that cannot be read refuses the append).

//! # Tree, checkpoints and proofs (auditing)
//!
//! These are computed by `reckon-audit` from the entries file; they are specified here so that
//! one document describes everything an auditor checks.
//!
//! **Tree.** `H` is the hash the log's entry 1 declares (`merkle`), blake3 when it declares
//! none; SHA-256 makes the tree RFC 6962's exactly, for clients and witnesses that speak it
//! (the entry chain is blake3 either way). Leaf `i` (from 0) is `H(0x00 || HASH)` where `HASH`
//! is the 32 bytes that the 64 hex digits at the start of line `i + 1` spell. An inner node is
//! `H(0x01 || LEFT || RIGHT)`. The tree over `n` leaves is RFC 6962's: for `n > 1`, the left
//! subtree holds the first `k` leaves, `k` the largest power of two smaller than `n`. The tree
//! head of an empty log is `H()` of nothing.
//!
//! **Checkpoint.** A C2SP `tlog-checkpoint` signed note. Its text is three lines: the origin
//! (the log's name), the number of entries in decimal (no sign, no leading zeros), and the tree
//! head in standard padded base64; then zero or more non-empty *extension lines*, which a
//! verifier ignores (reckon writes none). Every line of the note, signatures included, ends in
//! LF alone: a note holding a CR anywhere is malformed. Then one empty line, then one line per
//! signature: `— NAME BASE64(KEY_ID || ED25519_SIGNATURE)` (U+2014 EM DASH, a space, the key
//! name, a space), where the signature is over the note text (everything before the empty
//! line, its last LF included) and `KEY_ID` is the first four bytes of `SHA-256(NAME || LF ||
//! 0x01 || PUBLIC_KEY)`. A note is at most 1 MiB and holds at most 100 signature lines, and
//! no signature line twice; a verifier refuses a larger note before parsing it.
//!
//! **Keys.** A key NAME is non-empty and holds no `+`, no Unicode white space (any character
//! with the White_Space property, U+00A0 NO-BREAK SPACE included) and no control character.
//! A verifier key is written `NAME+HEX(KEY_ID)+BASE64(0x01 || PUBLIC_KEY)`, with HEX eight
//! lowercase digits (an uppercase ID is refused); since base64 may hold `+` but NAME may not,
//! the text is split at its first two `+`. A key text is at most 4 KiB. (Signer keys,
//! `PRIVATE+KEY+NAME+HEX(KEY_ID)+BASE64(0x01 || SEED)`, never leave their owner; a verifier
//! handed one says so.)
//!
//! **Which keys must sign: a policy.** A verifier is given a policy: *log keys* (any number)
//! and *witness keys* (any number) with a *quorum* `k` (at most the number of witnesses; all
//! of them when not stated). A note meets it when every signature line by a listed key (same
//! name and key ID) verifies; at least one log key signed, when log keys are listed; and at
//! least `k` distinct witnesses signed. Signature lines by keys not listed are ignored. No key
//! may be listed twice (a witness counts once; a log key is not a witness). A witness signs
//! with the same signature line as the log (Ed25519 over the note text); `checkpoint --cosign`
//! first checks that the note meets a policy naming the log's key, that its origin is the
//! log's, and that its tree head is that of the witness's copy of the log's first entries.
//!
//! A *policy file* is UTF-8 text of at most 64 KiB, lines ending in LF (a CR is refused).
//! Each line, after trimming white space, is empty, a comment starting with `#`, or one
//! directive: `log KEY` or `witness KEY` (a verifier key as above), `quorum K` (decimal
//! digits, at most once), `origin NAME` (at most once; the checkpoint must name it). The
//! first word and its argument are separated by white space. An unknown directive, a bad key,
//! a second `quorum` or `origin`, a quorum above the number of witnesses, or a policy with no
//! key is refused, naming the line.
//!
//! **Origin.** The first line of a checkpoint names the log. A log whose entry 1 is a `log`
//! event has that origin *pinned*: `reckon checkpoint` writes it (a different `--origin` is
//! refused), and `checkpoint --cosign`, `prove`, `verify --since` and `tiles` refuse a
//! checkpoint that names any other. A log without one writes what `--origin` says, else the
//! signing key's name. `verify-proof` and `verify-tiles`, which have no log at hand, check the
//! origin `--origin` (or the policy's `origin`) states; without either they accept any origin
//! and print the one they accepted.
//!
//! **Proof bundle.** A JSON object of at most 4 MiB with exactly these fields, and no other:
//! `format` (the string `"reckon-proof-1"`), `seq` (a JSON integer, at least 1), `entry` (a
//! string: the entry's line without its LF), `tree_size` and `leaf_index` (JSON integers, at
//! least 0), `inclusion` (a list of base64 strings, each a 32-byte hash, leaf side first),
//! `checkpoint` (a string: the whole signed note), and, only for a SHA-256 tree, `merkle`
//! (the string `"sha256"`). A verifier checks, in this order, and reports the first failure:
//! the note's form and that it meets the policy; the checkpoint text and its origin (when
//! one is expected); `tree_size` equals the checkpoint's size; `leaf_index` equals `seq - 1`;
//! the entry: `blake3(entry[65..])` (byte offsets into its UTF-8) is what `entry[..64]` says,
//! and the body's SEQ is `seq`; `inclusion` holds at most `ceil(log2(tree_size))` hashes
//! (refused before they are decoded); then the inclusion check of RFC 9162 section 2.1.3.2
//! with `H` (per `merkle`), leaf `H(0x00 || HASH)`, index `leaf_index`, size `tree_size` and
//! the root.
//! An edited root therefore fails as a forged checkpoint, not as a bad proof.
//!
//! **Consistency bundle** (`reckon prove --since OLD --checkpoint NEW`). A JSON object of at
//! most 4 MiB with exactly these fields: `format` (`"reckon-consistency-1"`), `old` and `new`
//! (strings: the two whole signed notes), `consistency` (a list of base64 32-byte hashes, RFC
//! 9162 section 2.1.4's PROOF from `old`'s size to `new`'s), and, only for a SHA-256 tree,
//! `merkle` (`"sha256"`). A verifier checks, in this order: both notes' form and that each
//! meets the policy (`new` first); both texts; `new` names the expected origin and `old` the
//! same one; `consistency` holds at most `2 * ceil(log2(new size))` hashes (refused before
//! they are decoded); `old`'s size is at most `new`'s; and, unless `old`'s size is 0 (then the
//! list must be empty), the consistency check of RFC 9162 section 2.1.4.2 with `H` from `old`'s
//! size and root to `new`'s. `verify-proof` tells the two kinds of bundle apart by `format`.
//!
//! **Exit codes** of `verify`, `verify --since`, `verify-proof`, `verify-tiles`, `tiles` and
//! `checkpoint`: 0 when every check passes; 1 when one fails (a damaged or rewritten log, a checkpoint or bundle that is
//! malformed, oversized, tampered or forged, a proof that does not verify); 2 only for bad
//! usage (a missing option, a key that is not a key) and input that cannot be read.
//!
//! **Consistency.** `reckon verify --since CHECKPOINT` recomputes the tree head of the first
//! `size` entries and compares it with the checkpoint's root, then makes and checks the RFC
//! 9162 consistency proof from that size to the log's current size. It needs a policy
//! (`--key`, `--witness`/`--quorum` or `--policy`) to check who signed the checkpoint; without
//! one it fails (exit 2) unless `--no-signature` asks to compare tree heads alone. The
//! checkpoint must name the log's pinned origin, and `--origin` when given.
//!
//! **Tiles** (C2SP `tlog-tiles`). `reckon tiles DIR` publishes the log as static files:
//!
//! - `DIR/checkpoint`: a signed checkpoint of the log's `S` entries (signed with `--key`, or
//!   one given with `--checkpoint`, cosignatures and all, which must describe exactly the
//!   log's `S` entries).
//! - `DIR/tile/L/N` (full) or `DIR/tile/L/N.p/W` (partial, `1 <= W <= 255`): hash tile `N` of
//!   level `L`, the concatenated 32-byte roots of the complete subtrees of `256^L` leaves
//!   numbered `256 N` to `256 N + W - 1` (W = 256 for a full tile). Level 0 holds the leaves;
//!   level `L` exists while `S >> 8L > 0`, and holds `S >> 8L` hashes in all: full tiles, then
//!   at most one partial tile.
//! - `DIR/tile/entries/N` or `DIR/tile/entries/N.p/W`: entry bundle `N`, entries `256 N + 1`
//!   to `256 N + W`, each as a big-endian 16-bit length and the entry's line without its LF
//!   (a log with a line over 65,535 bytes cannot be published as tiles).
//!
//! `N` is decimal in groups of three digits, most significant first, every group but the last
//! prefixed by `x` (`x001/x234/067` for 1234067, `000` for 0); `L` is decimal. Full tiles never
//! change; a later `tiles` run rewrites only tiles that were partial or are new, and writes the
//! checkpoint last. `reckon verify-tiles DIR` checks, in this order: the checkpoint (at most 1
//! MiB) against the policy and the expected origin; each entry bundle in turn (exactly `W`
//! entries and no byte more; each line's hash, its SEQ, PREV and AT against the entry before,
//! as *chain* verification does; entry 1's `log` event, if any, for the origin and `H`); each
//! hash tile (exactly `32 W` bytes) against the tree the entries make, level 0 first; the tree
//! head against the checkpoint's root; and with `--since OLD`, that OLD meets the policy,
//! names the same origin and that the root of the first `OLD.size` leaves is OLD's root. It
//! reports the first failure, naming the file.
//!
//! # Appending
//!
//! Writers take an exclusive advisory lock (`flock`) on `entries.jsonl`, read the last line and
//! check it against `head`, write the new lines (in pieces of up to 8 MiB; every 64 MiB a
//! thread syncs what is written while the append goes on, and a failed sync fails the
//! append), `fsync` the file, then replace `head` through a new file with a unique name and a
//! rename. Readers take a
//! shared lock, so they never see a half-written append. `init` creates `entries.jsonl` and
//! writes the first `head` under the same exclusive lock. When any step of an append fails, the
//! file is cut back to its length before the append. A crash can leave at worst an
//! incomplete last line (a torn tail) or lines after the entry `head` names, all written by
//! that one append (so all with one AT): both are reported by verification, refused by
//! appends, and mended only by an explicit repair, which removes them (or, asked with
//! `--commit-tail`, moves `head` to the last complete entry). Repair never removes bytes that
//! are not the start of an entry line, nor complete lines with more than one AT; with no
//! readable `head` it keeps every complete line of an intact chain. Files in the directory
//! whose names start with `.head.tmp-` are temporary files of head writes; a verifier ignores
//! them, and repair removes them. The files are opened only
//! when they are regular files reached without a symbolic link.

mod error;
mod format;
pub mod fsx;
mod import;
mod log;
mod lookup;
mod quotes;
mod scan;
mod snapshot;
mod spans;
mod tx;

pub use error::{LedgerError, Problem};
pub use format::{
    Brief, Entry, GENESIS, Header, LineProblem, check, could_start_entry, decode, decode_brief,
    decode_header, decode_words, encode, one_recording_time,
};
pub use import::{
    Gate, ImportError, Imported, MAX_LINE, Refusal, import, import_anchored, import_from,
    import_gated, parse_input_line,
};
pub use log::{
    Appended, ENTRIES, HEAD, Head, Log, OnAppend, Progress, Repair, Stamp, recording_time,
};
pub use lookup::{EntryId, NEAR_DIGITS, NearHashes, Unnamed, find, near_note};
pub use quotes::{DocumentReport, Documents, QuoteProblem, Quotes, check_quotes};
pub use scan::{
    BriefProjector, IntoPieces, Keep, Projected, Projector, Scan, Selector, Visitor, scan,
    scan_briefly, scan_keeping, scan_projecting, scan_selecting, scan_selecting_at_most,
    scan_visiting,
};
pub use snapshot::{Snapshot, Span};
pub use spans::LineSpans;
pub use tx::{References, Tx, Vouched, VouchedSubjects, Vouches, check_references};
