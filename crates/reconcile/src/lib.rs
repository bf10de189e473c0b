//! The reconciler: from the log's events to, per subject, the figure a careful fact-checker
//! would report, with every claim behind it and every claim against it.
//!
//! - [`State::fold`] folds entries into the state at any log position (retractions,
//!   supersessions, definitions, aliases).
//! - [`reconcile`] groups live claims by subject (after aliases) and unit, reads each figure as
//!   an interval (with the claim's, else the subject's, else the default tolerance; a bare
//!   round figure reaches as far as the rounding it may be, [`reckon_claim::Figure::rounding`]),
//!   and finds the figure among the counted claims. Claims describing another time (outside
//!   the subject's comparison window around the latest `as_of`: 31 days for a level unless
//!   defined), and expected or denied claims, never count toward it. One-sided claims carry
//!   half a vote; a range subject's claims support only the same range; the figure is the most
//!   precise stated figure inside the winning region.
//! - The figure ([`Method::Weighted`], the default) is the region with the greatest support of
//!   origins weighed by the reliability the whole log shows for them: accuracy learned from
//!   how often their figures agree with other origins' on subjects both speak to, copying
//!   discounted, priors declared by `trust` events used ([`reliability`] has the model and its
//!   formulas). Regions within the model's margin of the best are tied: the subject is
//!   unresolved and every tied region is reported.
//! - [`Method::Count`] counts distinct origins instead ([`sweep`]); ties are broken by the
//!   origins' records on other subjects (`(agreed + 1) / (contested + 2)`, never counting the
//!   tied subject's own pick).
//! - [`parts`] checks `sum_of` definitions with interval arithmetic (for the same time only)
//!   and derives missing figures.
//! - [`series`] checks the order of a running total's claims over time and names the outlier.
//! - [`graph`] builds a petgraph graph of claims, value clusters and figures that stays linear
//!   in the number of claims.
//! - For a large log, [`reconcile_reports`] hands the reports out a batch at a time, in order
//!   ([`Reports`]), and [`reconcile_map`] keeps only what a caller makes of each one, so that
//!   a million claims' assessments are never all held.
//!
//! This crate does **not** read files or print: it takes entries and returns reports.
//!
//! ```
//! use reckon_reconcile::{State, reconcile, Options, Status};
//! use reckon_ledger::{Entry, GENESIS, decode, encode};
//! use reckon_claim::{parse_line, Timestamp};
//! let mut entries = Vec::new();
//! let mut prev = GENESIS;
//! for (seq, line) in [
//!     r#"{"subject":"pows/held","value":"at least 8,000","as_of":"2025-05-01","said_on":"2025-05-01","speaker":"A"}"#,
//!     r#"{"subject":"pows/held","value":"approximately 10,000","as_of":"2025-05","said_on":"2025-05","speaker":"B"}"#,
//! ].iter().enumerate() {
//!     let event = parse_line(line, &mut |_, _| Err("no refs".into())).unwrap();
//!     let (bytes, hash) = encode(seq as u64 + 1, &prev, Timestamp::from_unix(0), &event).unwrap();
//!     entries.push(decode(&bytes[..bytes.len() - 1]).unwrap());
//!     prev = hash;
//! }
//! let state = State::fold(&entries, None);
//! let r = reconcile(&state, None, &Options::default());
//! assert_eq!(r.subjects[0].figure.unwrap().to_string(), "[9500, 10500]");
//! assert_eq!(r.subjects[0].status, Status::Consistent);
//! ```

pub mod fx;
pub mod graph;
pub mod parts;
pub mod pattern;
mod recon;
pub mod reliability;
pub mod report;
pub mod series;
pub mod state;
pub mod sweep;

pub use pattern::Pattern;
pub use recon::{
    Method, Options, RECORDS_VERSION, Reconciliation, Record, Records, Reports, estimate_records,
    reconcile, reconcile_map, reconcile_reports,
};
pub use report::{
    Assessed, Derivation, Excluded, OriginWeight, PartOf, PartsCheck, Relation, Status,
    SubjectReport, TieBreak,
};
pub use state::{Recorded, State};
