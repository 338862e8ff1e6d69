//! The `backupcrypt` command line; see `src/cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
