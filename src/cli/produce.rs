//! `encrypt … -- COMMAND [ARGS…]`: backupcrypt runs the producer itself, so that
//! its exit status decides whether the output is made. A pipe hides it: in
//! `pg_dump | backupcrypt encrypt`, backupcrypt only sees the pipe close, and a
//! pg_dump that died half-way looks like a short dump.

use std::ffi::OsString;
use std::process::{Child, Command, Stdio};

use super::exit::{self, Exit, Failure};
use super::input::Input;

/// Starts COMMAND with its standard output piped to us (standard input and
/// standard error are ours); the input reads that pipe.
///
/// # Errors
/// Exit 1 when COMMAND cannot be started.
pub fn spawn(command: &[OsString]) -> exit::Result<(Child, Input)> {
    let (program, args) = command.split_first().ok_or_else(|| Failure::usage("no COMMAND after --"))?;
    let shown = program.to_string_lossy().into_owned();
    let mut child =
        Command::new(program).args(args).stdout(Stdio::piped()).spawn().map_err(|e| {
            Failure::new(Exit::Failure, format!("cannot run {shown}: {e}; nothing was written"))
        })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    Ok((child, Input::from_reader(format!("the output of {shown}"), Box::new(stdout))))
}

/// Waits for COMMAND; anything but exit status 0 is a failure naming it.
///
/// # Errors
/// Exit 1 when COMMAND failed (or was killed by a signal).
pub fn wait(mut child: Child, name: &str, nothing: &str) -> exit::Result<()> {
    let status = child
        .wait()
        .map_err(|e| Failure::new(Exit::Failure, format!("waiting for {name} failed: {e}; {nothing}")))?;
    if status.success() {
        return Ok(());
    }
    let how = match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => {
            #[cfg(unix)]
            let signal = std::os::unix::process::ExitStatusExt::signal(&status);
            #[cfg(not(unix))]
            let signal: Option<i32> = None;
            match signal {
                Some(s) => format!("was killed by signal {s}"),
                None => "failed".to_owned(),
            }
        }
    };
    let program = name.strip_prefix("the output of ").unwrap_or(name);
    Err(Failure::new(Exit::Failure, format!("{program} {how}; {nothing}")))
}
