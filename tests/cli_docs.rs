//! Shell completions and the man page come from the argument definitions.

mod cli_support;
use cli_support::*;

#[test]
fn completions_know_every_subcommand_and_option() {
    let d = tempdir();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(bc(d.path()).args(["completions", shell])).expect(0);
        let s = r.stdout_str();
        for word in ["decrypt", "encrypt", "inspect", "verify", "password-file", "legacy-kdf"] {
            assert!(s.contains(word), "{shell} completions lack {word}");
        }
    }
    run(bc(d.path()).args(["completions", "tcsh"])).expect(2);
}

#[test]
fn man_page_is_roff_with_the_exit_codes() {
    let d = tempdir();
    let r = run(bc(d.path()).arg("man")).expect(0);
    let s = r.stdout_str();
    assert!(
        s.starts_with(".ie \\n(.g .ds Aq") || s.contains(".TH backupcrypt"),
        "{}",
        &s[..200.min(s.len())]
    );
    assert!(s.contains(".TH backupcrypt"));
    assert!(s.contains("wrong password"), "exit codes in the man page");
    assert!(s.contains("backupcrypt\\-decrypt") || s.contains("decrypt"));
}

#[test]
fn man_pages_for_every_subcommand() {
    let d = tempdir();
    run(bc(d.path()).args(["man", "--dir", "."])).expect(0);
    let pages = listing(d.path());
    for page in ["backupcrypt.1", "backupcrypt-decrypt.1", "backupcrypt-verify.1"] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    let decrypt = String::from_utf8(read(&d.path().join("backupcrypt-decrypt.1"))).unwrap();
    assert!(decrypt.contains("password\\-file"), "options documented");
}

#[test]
fn hidden_generators_stay_out_of_help() {
    let d = tempdir();
    let r = run(bc(d.path()).arg("--help")).expect(0);
    assert!(!r.stdout_str().contains("completions"));
}
