//! The log as read-only web pages: the subjects and their figures, each subject's claims with
//! their quotes and sources, a timeline and the conflict graph drawn as SVG, each entry with
//! its check and inclusion proof, and a query box. Served on loopback by [`serve()`] or written
//! as static files by [`write_site`]; both give the same pages.
//!
//! This crate must never write to a log, put anything on a page that the log does not say,
//! let text from the log reach a page unescaped ([`html::esc`]), or make a page load anything
//! from elsewhere: no external scripts, fonts or styles, and a content policy that forbids
//! them. The server answers GET and HEAD only and bounds what it reads of a request.

pub mod html;
pub mod pages;
mod read;
mod serve;
mod site;
pub mod svg;

pub use serve::{MAX_HEAD, MAX_QUESTION, ServeOptions, serve};
pub use site::{Written, write_site};

use std::fmt;
use std::path::PathBuf;

/// Why a page, the server or the site could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebError {
    /// The log could not be read, or failed its check.
    Log(reckon_ledger::LedgerError),
    /// The address could not be listened on.
    Bind(std::net::SocketAddr, std::io::Error),
    /// The server could not start.
    Serve(std::io::Error),
    /// A file of the site could not be written.
    Write(PathBuf, std::io::Error),
    /// A file of the site could not be replaced.
    Replace(reckon_ledger::fsx::WriteError),
    /// No inclusion proof could be made against the checkpoint.
    Proof(String),
}

impl From<reckon_ledger::LedgerError> for WebError {
    fn from(e: reckon_ledger::LedgerError) -> Self {
        WebError::Log(e)
    }
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebError::Log(e) => write!(f, "{e}"),
            WebError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            WebError::Serve(e) => write!(f, "cannot start the server: {e}"),
            WebError::Write(p, e) => write!(f, "cannot make the folder {}: {e}", p.display()),
            WebError::Replace(e) => write!(f, "{e}"),
            WebError::Proof(m) => write!(f, "cannot prove inclusion: {m}"),
        }
    }
}

impl std::error::Error for WebError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The others say their cause in their own message.
            WebError::Log(e) => Some(e),
            _ => None,
        }
    }
}
