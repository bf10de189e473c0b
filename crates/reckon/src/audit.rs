//! The auditing commands' glue: keys from files, and audit errors as exit codes.

use crate::{Failure, fail, ledger_code, usage};
use anyhow::Context as _;
use std::io::Write;

pub(crate) fn read_text(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))
        .map_err(fail(2))
}

pub(crate) fn audit(e: reckon_audit::AuditError) -> Failure {
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

pub(crate) fn read_signer(
    path: &std::path::Path,
) -> Result<reckon_audit::note::SignerKey, Failure> {
    reckon_audit::note::SignerKey::parse(&read_text(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Verifier keys from files, or given as key text.
pub(crate) fn read_verifiers(
    keys: &[String],
) -> Result<Vec<reckon_audit::note::VerifierKey>, Failure> {
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

pub(crate) fn keygen(name: &str, out: &std::path::Path) -> Result<String, Failure> {
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
