//! The `backupcrypt` command line (placeholder until the CLI lands).

fn main() {
    eprintln!("backupcrypt: the command line is not built yet");
    std::process::exit(1);
}
