#!/usr/bin/env bash
# Provisions what the tests need (Redis 8, models, FTP server, Chromium), runs every test; ends "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh --test
results="$(pwd)/.cache/test-results"
rm -rf "$results"
set +e
dotnet test FacePing.sln -c Release --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?
set -e
passed=0; failed=0
for trx in "$results"/*.trx "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1)"
  p="$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")"
  f="$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # Name the failures and the first lines of their messages just above the summary, where a CI log's tail shows them.
  perl -0777 -ne 'while (/<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed".*?<\/UnitTestResult>/gs) {
      my ($name, $all) = ($1, $&); print "FAILED: $name\n";
      if ($all =~ /<Message>(.*?)<\/Message>/s) { my @l = split /\n/, $1; print "  $_\n" for @l[0 .. ($#l < 5 ? $#l : 5)] } }' "$trx"
done
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
