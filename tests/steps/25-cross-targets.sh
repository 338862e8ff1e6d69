# Every module, test and bench compiles, lint-clean, for Windows and macOS (both
# architectures): positional I/O, atomic output files and the CLI's terminal and
# stdout code have an implementation per platform. (Checks only: linking needs
# the platforms' own tools; the GitHub workflows run the tests on those runners.)
for t in x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin; do
  cargo clippy --target "$t" --all-targets -- -D warnings
done
