//! The meaning of a claim: figures as intervals, dates as periods, and the events of the log.
//!
//! This crate is the vocabulary every other part of reckon shares. It reads what people write
//! (`at least 8,000`, `2025-04`, a line of the JSON Lines import contract) into types that cannot
//! hold a wrong state: an [`Interval`] never has its lower end above its upper end, a [`Period`]
//! never ends before it starts, a [`Subject`] is always a valid path. Printing a [`Value`] or a
//! [`Period`] gives a canonical text that reads back to the same value.
//!
//! It does **not** store, hash or compare claims: the log lives in `reckon-ledger`, and deciding
//! which claims agree is the reconciler's job. It does no I/O.
//!
//! ```
//! use reckon_claim::{Value, Tolerance, Period};
//! let v = Value::parse("approximately 10,000").unwrap();
//! assert_eq!(v.to_string(), "~10000");
//! assert_eq!(v.interval(Tolerance::DEFAULT).unwrap().to_string(), "[9500, 10500]");
//! let april = Period::parse("2025-04").unwrap();
//! assert_eq!((april.start().to_string(), april.end().to_string()),
//!            ("2025-04-01".to_string(), "2025-04-30".to_string()));
//! ```

pub mod date;
pub mod input;
pub mod interval;
pub mod model;
pub mod num;
pub mod suggest;
pub mod value;
mod written;

pub use date::{Date, Period, Timestamp};
pub use input::{FieldError, Ref, parse_line, value_column};
pub use interval::{End, Interval};
pub use model::{
    Claim, ClaimView, ClaimWords, DocumentHash, EntryHash, Event, FieldText, Figure, Kind, LogDecl,
    LogName, Modality, Precision, Prior, Subject, SubjectDef, TreeHash, TrustDecl, Window,
    follow_aliases, hex, push_hex,
};
pub use num::Num;
pub use value::{Tolerance, Value};

#[cfg(test)]
mod proptests;
