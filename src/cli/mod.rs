//! The `backupcrypt` command line: arguments, prompts, progress and messages.
//! The formats themselves live in the library; nothing here parses them.
//!
//! Each subcommand is a module with a clap `Args` struct and
//! `run(args, &Global) -> exit::Result`; `run` below dispatches and turns the
//! result into an exit code (see [`exit`]).

pub mod archive;
pub mod archive_s3;
pub mod checked;
pub mod decrypt;
pub mod encrypt;
pub mod exit;
pub mod extract;
pub mod input;
pub mod inspect;
pub mod json;
pub mod ls;
pub mod open;
pub mod openssl;
pub mod output;
pub mod password;
pub mod produce;
pub mod progress;
pub mod s3;
pub mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Options every subcommand takes.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Global {
    /// No progress bar and no summary on stderr (errors are still shown).
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    #[command(flatten)]
    pub s3: s3::S3Args,
}

/// Open, verify and write encrypted backups (OpenSSL `enc` and AES Crypt / pyAesCrypt).
#[derive(Parser, Debug)]
#[command(name = "backupcrypt", version, propagate_version = true, after_help = exit::HELP)]
#[command(
    long_about = "Open, verify and write encrypted backups: OpenSSL `enc` files (pg_dump | openssl enc \
    -aes-256-cbc -pbkdf2) and AES Crypt files (pyAesCrypt). Streams in constant memory; a decrypted file \
    appears only after every check passed."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decrypt a file (AES Crypt or OpenSSL, recognised automatically).
    #[command(after_help = exit::HELP)]
    Decrypt(decrypt::DecryptArgs),
    /// Encrypt a file (AES Crypt v2 by default, as pyAesCrypt).
    #[command(after_help = exit::HELP)]
    Encrypt(encrypt::EncryptArgs),
    /// Describe encrypted files without the password.
    #[command(after_help = exit::HELP)]
    Inspect(inspect::InspectArgs),
    /// Check backups without writing plaintext, and name the newest intact one.
    ///
    /// Per file: ok, wrong password, damaged, or unverifiable (OpenSSL files carry no MAC: the
    /// padding is checked, and the content must be a complete pg_dump or ZIP). Backup names
    /// (<space>/database/YYYY-MM-DD--HH-MM-SS.sql.encrypted, <space>/files/…zip.encrypted, with
    /// --part-N) give each file its kind and time; the newest intact backup of each kind is named.
    /// Exit 0 only if every file passed; otherwise 4 if any is damaged, else 3 for a wrong
    /// password, else 5 (unverifiable or unsupported), else 1.
    #[command(after_help = exit::HELP)]
    Verify(verify::VerifyArgs),
    /// List the files in an encrypted ZIP backup.
    #[command(after_help = exit::HELP)]
    Ls(ls::Args),
    /// Extract files from an encrypted ZIP backup.
    #[command(after_help = exit::HELP)]
    Extract(extract::Args),
    /// ZIP files and folders and encrypt the archive, in one stream.
    #[command(after_help = exit::HELP)]
    Archive(archive::Args),
    /// Print a shell completion script to stdout.
    #[command(hide = true)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, or write every page into a folder.
    #[command(hide = true)]
    Man {
        /// Write backupcrypt.1 and backupcrypt-<subcommand>.1 into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// Parses the command line, runs the subcommand, and gives the exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with 0; usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() { exit::Exit::Usage.into() } else { exit::Exit::Ok.into() };
        }
    };
    // Interrupted mid-write (Ctrl-C, SIGTERM, SIGHUP; a closed console on Windows): the
    // hidden temporary files of macOS and Windows are removed before the exit, as the
    // unnamed ones of Linux vanish by themselves. Nothing partial is left either way.
    let _ = ctrlc::set_handler(|| {
        backupcrypt::io::remove_unfinished();
        eprintln!("backupcrypt: interrupted: no unfinished output was left behind");
        std::process::exit(exit::INTERRUPTED);
    });
    let global = cli.global;
    s3::configure(global.s3.clone());
    let result = match cli.command {
        Command::Decrypt(args) => decrypt::run(args, &global),
        Command::Encrypt(args) => encrypt::run(args, &global),
        Command::Inspect(args) => inspect::run(args, &global),
        Command::Verify(args) => verify::run(args, &global),
        Command::Ls(args) => ls::run(args, &global),
        Command::Extract(args) => extract::run(args, &global),
        Command::Archive(args) => archive::run(args, &global),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "backupcrypt", &mut std::io::stdout());
            Ok(())
        }
        Command::Man { dir } => man(dir.as_deref()),
    };
    s3::report_stats();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn man(dir: Option<&std::path::Path>) -> exit::Result {
    if let Some(dir) = dir {
        return clap_mangen::generate_to(Cli::command(), dir)
            .map_err(|e| exit::from_io(&e, "the man pages were not all written"));
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .and_then(|()| std::io::stdout().write_all(&buf))
        .map_err(|e| exit::from_io(&e, "the man page was not written"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
