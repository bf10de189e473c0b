//! The query language of reckon: one line that asks for claims, figures, conflicts or
//! provenance, at any log position, and shapes the answer.
//!
//! ```text
//! query    = source [ "where" expr ] { clause } { "|" step } ;
//! source   = "claims"
//!          | ( "figures" | "figure" ) [ pattern ]
//!          | "conflicts" [ pattern ]
//!          | "provenance" ( "#" INT | HEX | pattern ) ;
//! clause   = "at" INT            (* the log as it was after INT entries *)
//!          | "known" DATE        (* claims said, retractions recorded, on or before DATE *)
//!          | "valid" DATE ;      (* figures describing DATE rather than their latest as_of *)
//! expr     = and { "or" and } ;
//! and      = unary { "and" unary } ;
//! unary    = "not" unary | "(" expr ")" | field op literal ;
//! field    = "subject" | "speaker" | "origin" | "publisher" | "role" | "cites" | "scope"
//!          | "unit" | "tag" | "modality" | "document" | "url" | "title" | "quote" | "hash" | "seq"
//!          | "value" | "said_on" | "as_of" | "state" | "status" | "support" | "dissent" ;
//! op       = "=" | "!=" | "~" | "<" | "<=" | ">" | ">=" | "overlaps" | "contains" ;
//! literal  = STRING | WORD | INT | DATE | FIGURE ;   (* read as the field's kind *)
//! step     = "sort" field [ "desc" | "asc" ] | "limit" INT
//!          | "show" field { "," field } | "count" | "group" "by" field ;
//!            (* group by must be followed by count, and then only limit *)
//! pattern  = STRING | WORD ;     (* exact subject, prefix ending in "/", or glob with * ? *)
//! HEX      = four or more hex digits, in either case ;   (* a hash prefix, held in lowercase *)
//! ```
//!
//! Text compares exactly with `=`, as a glob with `~` (case-insensitive) and as a part with
//! `contains` (case-insensitive); `subject ~` also takes a prefix ending in `/`; `hash`'s text
//! is held in lowercase, as hashes are written (one copied in capitals is the same). STRING is in
//! double or single quotes. [`substitute`] puts parameters (`$name`) in as quoted literals
//! before parsing. On dates `=` means within (`said_on = 2025-05`: in May 2025). Figures compare as intervals: `value >= 5000` holds when
//! the whole interval is at least 5000, `value overlaps "about 10,000"` when they share a
//! number. `support` (distinct supporting origins) and `dissent` (dissenting claims) are
//! fields of figures. `state` is a claim's: `live`, `retracted` or `superseded`; `claims`
//! lists live claims only (with a note of how many it left out) unless the filter names
//! `state` (or `status`): `claims where state != live` lists the withdrawn ones. Dates compare as periods: `said_on >= 2025-05` holds when the statement falls on or
//! after the start of May 2025. Brackets and `not` nest at most [`MAX_DEPTH`] deep.
//!
//! ```
//! let q = reckon_query::parse(r#"claims where subject ~ "exchange/" and value >= 1000 | sort said_on desc | limit 3"#).unwrap();
//! assert_eq!(q.to_string(), r#"claims where subject ~ "exchange/" and value >= "1000" | sort said_on desc | limit 3"#);
//! let e = reckon_query::parse("claims where said_on >= yesterday").unwrap_err();
//! assert_eq!(e.column, 25);
//! assert!(e.message.starts_with("expected a date like 2025-05-01"));
//! ```
//!
//! This crate reads and runs queries, and reads for an append, before its lock, what vetting
//! needs and what it may take on the saved index's word ([`vouch`]); it does **not** print
//! tables (that is `reckon-render`), vet (that is `reckon-vet`), and never writes to the log.

pub mod ast;
pub mod check;
pub mod exec;
pub mod parse;
pub mod vouch;

pub use ast::{Expr, Field, Literal, Op, Query, Source, Step, Target};
pub use exec::{
    Answer, Basis, Cell, Named, Part, QueryError, Read, RunError, entries_naming, leave_to_exit,
    near_hashes, read_part, run, run_on_log, run_whole, whole_state,
};
pub use parse::{MAX_DEPTH, SyntaxError, parse, substitute};

#[cfg(test)]
mod proptests;
