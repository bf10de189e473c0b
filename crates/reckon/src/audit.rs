//! The auditing commands' glue: keys from files, and audit errors as exit codes.

use crate::{Failure, fail, ledger_code, usage};
use anyhow::Context as _;

/// What an auditing command reads from a file: each kind has its own size limit and exit
/// code when the file is refused.
#[derive(Clone, Copy)]
pub(crate) enum Input {
    /// A checkpoint (a signed note).
    Note,
    /// A proof bundle.
    Bundle,
    /// A signer or verifier key.
    Key,
    /// A witness policy.
    Policy,
}

impl Input {
    /// The most the file may hold, in bytes.
    fn limit(self) -> u64 {
        let bytes = match self {
            Input::Note => reckon_audit::note::MAX_NOTE_BYTES,
            Input::Bundle => reckon_audit::MAX_BUNDLE_BYTES,
            Input::Key => reckon_audit::note::MAX_KEY_BYTES,
            Input::Policy => reckon_audit::policy::MAX_POLICY_BYTES,
        };
        bytes as u64
    }

    /// The exit code when the file is refused: 1 for a checkpoint or bundle (what an auditor
    /// was handed is not valid), 2 for a key (bad usage).
    fn refused(self) -> u8 {
        match self {
            Input::Note | Input::Bundle => 1,
            Input::Key | Input::Policy => 2,
        }
    }
}

/// Reads a text file of at most `what`'s limit; a larger one is refused before it is read.
pub(crate) fn read_text(path: &std::path::Path, what: Input) -> Result<String, Failure> {
    use std::io::Read as _;
    let (limit, code) = (what.limit(), what.refused());
    let unreadable = || format!("{}: cannot read", path.display());
    let file = std::fs::File::open(path)
        .with_context(unreadable)
        .map_err(fail(2))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(unreadable)
        .map_err(fail(2))?;
    if bytes.len() as u64 > limit {
        return Err(fail(code)(anyhow::anyhow!(
            "{}: larger than {limit} bytes, the most such a file may hold; refused unread",
            path.display()
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| fail(code)(anyhow::anyhow!("{}: not UTF-8 text", path.display())))
}

/// Exit codes: 1 for every failed check (a forged, malformed or tampered checkpoint or
/// bundle, a proof that does not verify, a log that does not match); 2 only for usage (a bad
/// key or option) and input that cannot be read.
pub(crate) fn audit(e: reckon_audit::AuditError) -> Failure {
    use reckon_audit::AuditError as A;
    let code = match &e {
        A::Log(l) => ledger_code(l),
        A::Note(reckon_audit::note::NoteError::BadKey(_)) => 2,
        _ => 1,
    };
    Failure {
        code,
        error: e.into(),
    }
}

/// Reads a signer key; warns when the file can be read by other users (keygen makes it 0600,
/// and a copied or hand-made key may not be).
pub(crate) fn read_signer(
    path: &std::path::Path,
) -> Result<reckon_audit::note::SignerKey, Failure> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(m) = std::fs::metadata(path) {
        let mode = m.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let _ = writeln!(
                std::io::stderr(),
                "warning: {} can be read by others (mode {mode:04o}); a signer key should be private: chmod 600 {}",
                path.display(),
                path.display()
            );
        }
    }
    reckon_audit::note::SignerKey::parse(&read_text(path, Input::Key)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Verifier keys from files, or given as key text.
pub(crate) fn read_verifiers(
    keys: &[String],
) -> Result<Vec<reckon_audit::note::VerifierKey>, Failure> {
    keys.iter()
        .map(|k| {
            let text = if std::path::Path::new(k).is_file() {
                read_text(std::path::Path::new(k), Input::Key)?
            } else {
                k.clone()
            };
            reckon_audit::note::VerifierKey::parse(&text).map_err(|e| usage(format!("{k}: {e}")))
        })
        .collect()
}

/// The signing policy the flags (or the policy file) describe; `None` when none was given.
pub(crate) fn read_policy(
    a: &crate::args::PolicyArgs,
) -> Result<Option<reckon_audit::policy::Policy>, Failure> {
    use reckon_audit::policy::Policy;
    if let Some(path) = &a.policy {
        let text = read_text(path, Input::Policy)?;
        return Policy::parse(&text)
            .map(Some)
            .map_err(|e| usage(format!("{}: {e}", path.display())));
    }
    if a.keys.is_empty() && a.witnesses.is_empty() {
        return Ok(None);
    }
    let policy = Policy::new(
        read_verifiers(&a.keys)?,
        read_verifiers(&a.witnesses)?,
        a.quorum,
        None,
    )
    .map_err(|e| usage(e.to_string()))?;
    Ok(Some(policy))
}

pub(crate) fn keygen(name: &str, out: &std::path::Path) -> Result<String, Failure> {
    let key = reckon_audit::note::SignerKey::generate(name).map_err(|e| usage(e.to_string()))?;
    // PREFIX.key and PREFIX.pub, the suffix appended (`log.2025` gives `log.2025.key`).
    let with = |suffix: &str| {
        let mut p = out.as_os_str().to_owned();
        p.push(suffix);
        std::path::PathBuf::from(p)
    };
    let (secret, public) = (with(".key"), with(".pub"));
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
