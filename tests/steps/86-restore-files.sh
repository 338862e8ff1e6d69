# shellcheck shell=bash
# The files backup end to end with the built binary: a directory tree through archive → ls →
# extract, pyAesCrypt 6.0.0 and Info-ZIP on the result, and backup-files.yml's own script making
# and restoring a multi-part backup (tests/pipeline/restore_files.sh).
cargo build --release --bin backupcrypt
bash tests/pipeline/restore_files.sh
