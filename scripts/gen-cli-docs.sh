#!/usr/bin/env bash
# Regenerate docs/cli/*.txt from `vigil … --help` (checked by crates/cli/tests/cli.rs).
# Each file is named after the subcommand path, words joined by '_'.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q -p vigil-cli
bin=target/debug/vigil
mkdir -p docs/cli
rm -f docs/cli/*.txt
"$bin" --help > docs/cli/vigil.txt
walk() {
    local prefix=("$@")
    local subs
    subs=$("$bin" "${prefix[@]}" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}' | grep -v '^help$' || true)
    for s in $subs; do
        local path=("${prefix[@]}" "$s")
        local name
        name=$(IFS=_; echo "${path[*]}")
        "$bin" "${path[@]}" --help > "docs/cli/$name.txt"
        walk "${path[@]}"
    done
}
walk
ls docs/cli
