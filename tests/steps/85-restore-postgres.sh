# shellcheck shell=bash
# The database backup end to end with the built binary: a real PostgreSQL dump encrypted,
# verified, decrypted and restored, the legacy openssl backups, and backup-database.yml's own
# script (tests/pipeline/restore_postgres.sh).
cargo build --release --bin backupcrypt
bash tests/pipeline/restore_postgres.sh
