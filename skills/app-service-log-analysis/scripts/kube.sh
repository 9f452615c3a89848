#!/usr/bin/env bash
# Read-only kubectl for one EKS cluster, shared by every skill that calls kubectl (identical copies).
# It writes a private kubeconfig for the cluster under $TMPDIR (never ~/.kube/config, never the user's
# KUBECONFIG), then runs kubectl with it, and only for reads: get, describe, top, logs, events, explain,
# version, api-resources, api-versions, auth can-i/whoami, rollout history/status, and raw GETs of
# metrics.k8s.io only. Every other verb, and flags that would switch identity, cluster or kubeconfig, are
# refused before kubectl runs.
# What the identity may read is still decided by the cluster (its EKS access entry).
# Exit codes: kubectl's own; 1 usage error; 2 kubeconfig could not be written; 3 refused (not read-only).
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: kube.sh --cluster NAME --region REGION [--] <kubectl read-only arguments>
Example: kube.sh --cluster prod --region us-east-1 -- get pods -A -o json
Prints the kubeconfig path with: kube.sh --cluster NAME --region REGION --print-kubeconfig
USAGE
}

CLUSTER="" REGION="" PRINT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) CLUSTER="${2:-}"; shift 2 ;;
    --region) REGION="${2:-}"; shift 2 ;;
    --print-kubeconfig) PRINT=1; shift ;;
    --) shift; break ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
  esac
done
[[ "$CLUSTER" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$ ]] && [[ "$REGION" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] \
  || { usage >&2; exit 1; }
[ "$PRINT" -eq 1 ] || [ $# -gt 0 ] || { usage >&2; exit 1; }

refuse() { echo "kube.sh: refused (read-only): $*" >&2; exit 3; }

# The verb is the first argument that is not an option (options before it take no value here).
VERB="" SUB=""
for a in "$@"; do
  case "$a" in
    -*) ;;
    *) if [ -z "$VERB" ]; then VERB="$a"; elif [ -z "$SUB" ]; then SUB="$a"; break; fi ;;
  esac
done
for a in "$@"; do
  case "$a" in
    --kubeconfig|--kubeconfig=*|--context|--context=*|--cluster|--cluster=*|--server|--server=*|-s|\
    --token|--token=*|--as|--as=*|--as-group|--as-group=*|--as-uid|--as-uid=*|--user|--user=*|\
    --username|--username=*|--password|--password=*|--client-certificate*|--client-key*|\
    --insecure-skip-tls-verify*|--watch|-w|--follow|-f)
      refuse "option $a" ;;
  esac
done
# A raw GET may only read resource metrics: any other path could return Secret values.
RAW=""
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --raw) j=$((i + 1)); RAW="${!j:-}" ;;
    --raw=*) RAW="${!i#--raw=}" ;;
  esac
  [ -z "$RAW" ] || [[ "$RAW" =~ ^/apis/metrics\.k8s\.io/[A-Za-z0-9/._-]*$ ]] || refuse "--raw $RAW"
done
if [ "$PRINT" -eq 0 ]; then
  case "$VERB" in
    get|describe|top|logs|events|explain|version|api-resources|api-versions) ;;
    auth) [[ "$SUB" =~ ^(can-i|whoami)$ ]] || refuse "auth $SUB" ;;
    rollout) [[ "$SUB" =~ ^(history|status)$ ]] || refuse "rollout $SUB" ;;
    *) refuse "${VERB:-no verb}" ;;
  esac
fi

# Another account (AWS_PROFILE from target-account.sh) gets its own kubeconfig: cluster names repeat across accounts.
[ -z "${AWS_PROFILE:-}" ] || [[ "$AWS_PROFILE" =~ ^[a-z][a-z0-9-]{0,31}$ ]] || { usage >&2; exit 1; }
DIR="${TMPDIR:-/tmp}/kube-ro-$(id -u)/${AWS_PROFILE:+$AWS_PROFILE@}$REGION-$CLUSTER"
CFG="$DIR/kubeconfig"
if [ ! -s "$CFG" ]; then
  (umask 077 && mkdir -p "$DIR") || exit 2
  timeout 60 aws eks update-kubeconfig --name "$CLUSTER" --region "$REGION" --kubeconfig "$CFG" \
    --alias "$CLUSTER" > /dev/null || { rm -f "$CFG"; echo "kube.sh: could not write a kubeconfig for $CLUSTER" >&2; exit 2; }
  chmod 600 "$CFG"
fi
[ "$PRINT" -eq 1 ] && { echo "$CFG"; exit 0; }
KUBECONFIG="$CFG" exec timeout 120 kubectl --kubeconfig "$CFG" --context "$CLUSTER" "$@"
