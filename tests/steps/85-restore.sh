# The backup pipeline end to end with the built binary: a real PostgreSQL dump restored through
# backupcrypt, and a directory tree through archive → ls → extract (tests/pipeline/).
cargo build --release --bin backupcrypt
bash tests/pipeline/restore_postgres.sh
bash tests/pipeline/restore_files.sh
