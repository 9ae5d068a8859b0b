#!/usr/bin/env bash
# What `npm test` runs: system tools, lint (ESLint: the layer rules and the house's), the
# format check (Prettier), type check, then every test file (or only the files
# given: `npm test -- test/helpers/dovecot.test.ts`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/ensure-tools.sh dovecot tmux

echo "== lint" >&2
npx eslint --max-warnings=0 .

echo "== format check (npm run format fixes it)" >&2
npx prettier --check --log-level=warn .

echo "== type check" >&2
npx tsc --noEmit -p .

# The CLI runs from dist/; build it once here rather than in each test's first process.
node scripts/build.mjs >&2

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find test \( -name '*.test.ts' -o -name '*.test.tsx' \) -type f | sort)
fi
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi

# spec on a terminal; tap otherwise (CI), whose last lines are the "# tests N", "# pass N",
# "# fail N" totals.
if [ -t 1 ]; then reporter=spec; else reporter=tap; fi

echo "== tests (${#files[@]} files)" >&2
exec node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-reporter="$reporter" "${files[@]}"
