#!/usr/bin/env bash
# Runs every assessment check and the score in one call over the JSON that collect.sh wrote.
# Usage: run_checks.sh --dir DIR [--out FILE]
# Prints one JSON document (cluster, summary, dimensions, topPriorities, checks) and writes DIR/bundle.json.
# Exit codes: 0 done, 1 usage error, 2 DIR lacks cluster.json or meta.json, 3 jq failed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DIR="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$DIR" ] || { usage >&2; exit 1; }
[ -s "$DIR/cluster.json" ] && [ -s "$DIR/meta.json" ] || { echo "run_checks: $DIR has no cluster.json or meta.json; run collect.sh first" >&2; exit 2; }

# One bundle: {meta, gaps, files: {key: content}} where key is the file name without .json.
args=() prog='{'
i=0
for f in "$DIR"/*.json; do
  key="$(basename "$f" .json)"
  case "$key" in meta|bundle) continue ;; esac
  [ -s "$f" ] || continue
  args+=(--slurpfile "f$i" "$f")
  # File names come from collect.sh (kind names, EKS add-on and node group names): no quotes or backslashes.
  prog+="\"$key\": \$f$i[0],"
  i=$((i + 1))
done
prog="${prog%,}}"
[ -f "$DIR/gaps.txt" ] || : > "$DIR/gaps.txt"
jq -n --slurpfile meta "$DIR/meta.json" --rawfile gaps "$DIR/gaps.txt" "${args[@]}" \
  "{meta: \$meta[0], gaps: (\$gaps | split(\"\\n\") | map(select(length > 0))), files: $prog}" > "$DIR/bundle.json" || exit 3

PROGRAM="$(cat "$HERE/lib.jq" "$HERE/context.jq" "$HERE/security.jq" "$HERE/reliability.jq" "$HERE/platform.jq" "$HERE/score.jq")"
if [ -n "$OUT" ]; then
  jq "$PROGRAM" "$DIR/bundle.json" > "$OUT" || exit 3
  cat "$OUT"
else
  jq "$PROGRAM" "$DIR/bundle.json" || exit 3
fi
