//! What only a terminal gets: colour and progress bars.

/// Whether to colour: `--color`, and for `auto` a terminal on standard output, no `NO_COLOR`
/// (<https://no-color.org>: set to anything) and a terminal that is not `dumb`.
pub(crate) fn colour(when: crate::args::ColorArg) -> bool {
    use std::io::IsTerminal as _;
    match when {
        crate::args::ColorArg::Always => true,
        crate::args::ColorArg::Never => false,
        crate::args::ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Below this many bytes a read or an import is over before a bar would help.
const PROGRESS_FROM: u64 = 64 << 20;

/// A progress bar on standard error for `total` bytes of work, when standard error is a
/// terminal and the work is long enough to want one (indicatif draws nothing elsewhere).
pub(crate) fn progress_bar(what: &str, total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if total < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    Some(bar)
}

/// A pager for long output on a terminal, as git starts one: `RECKON_PAGER`, else `PAGER`,
/// else `less`, run by the shell, with `LESS=FRX` unless `LESS` is set (quit at once when
/// the text fits one screen, pass colours, leave the screen as it was). `None` when standard
/// output is not a terminal, when the setting is empty or `cat`, or when it cannot start (the
/// output then goes straight to the terminal).
pub(crate) fn pager() -> Option<std::process::Child> {
    use std::io::IsTerminal as _;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let command = std::env::var("RECKON_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .unwrap_or_else(|_| "less".to_owned());
    let command = command.trim();
    if command.is_empty() || command == "cat" {
        return None;
    }
    let mut child = std::process::Command::new("sh");
    child
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        child.env("LESS", "FRX");
    }
    child.spawn().ok()
}
