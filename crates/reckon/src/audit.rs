//! The auditing commands' glue: keys from files, and audit errors as exit codes.

use crate::{Failure, fail, ledger_code, usage};
use anyhow::Context as _;

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
    // Neither file may exist, not even as a dangling link: keygen never writes through one.
    for p in [&secret, &public] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(usage(format!(
                "{}: already exists; keygen never overwrites a key",
                p.display()
            )));
        }
    }
    reckon_ledger::fsx::create_new(&secret, format!("{}\n", key.encode()).as_bytes(), true)
        .with_context(|| format!("{}: cannot create", secret.display()))
        .map_err(fail(2))?;
    let verifier = key.verifier().encode();
    if let Err(e) =
        reckon_ledger::fsx::create_new(&public, format!("{verifier}\n").as_bytes(), false)
    {
        let _ = std::fs::remove_file(&secret);
        return Err(fail(2)(
            anyhow::Error::new(e).context(format!("{}: cannot create", public.display())),
        ));
    }
    Ok(format!(
        "wrote {} (secret) and {}\n{verifier}\n",
        secret.display(),
        public.display()
    ))
}
