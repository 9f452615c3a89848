#!/usr/bin/env bash
# Read-only inventory of an EKS cluster for the assessment checks.
# Writes one JSON file per object kind into OUT_DIR and prints a JSON summary to stdout.
# Exit codes: 0 all collected, 1 usage error, 2 AWS describe-cluster failed, 3 some kinds missing (see gaps.txt).
set -uo pipefail

usage() {
  cat <<'EOF'
Usage: collect.sh --cluster NAME --region REGION --out DIR
Collects read-only JSON inventory of an EKS cluster into DIR.
Reaches the cluster only through kube.sh (private read-only kubeconfig, never ~/.kube/config).
Never reads Secret values.
EOF
}

CLUSTER="" REGION="" OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) CLUSTER="${2:-}"; shift 2 ;;
    --region) REGION="${2:-}"; shift 2 ;;
    --out) OUT="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
[ -n "$CLUSTER" ] && [ -n "$REGION" ] && [ -n "$OUT" ] || { usage >&2; exit 1; }
mkdir -p "$OUT"
: > "$OUT/gaps.txt"
T="timeout 60"

$T aws eks describe-cluster --name "$CLUSTER" --region "$REGION" --output json > "$OUT/cluster.json" || exit 2
KUBE=("$(dirname "$0")/kube.sh" --cluster "$CLUSTER" --region "$REGION" --)
"${KUBE[@]:0:5}" --print-kubeconfig > /dev/null || echo "kubeconfig" >> "$OUT/gaps.txt"

aws_dump() { # file, command...
  local f="$1"; shift
  $T "$@" --region "$REGION" --output json > "$OUT/$f.json" 2> "$OUT/$f.err" || { echo "{}" > "$OUT/$f.json"; echo "$f" >> "$OUT/gaps.txt"; }
}
aws_dump addons aws eks list-addons --cluster-name "$CLUSTER"
aws_dump nodegroups aws eks list-nodegroups --cluster-name "$CLUSTER"
aws_dump fargate aws eks list-fargate-profiles --cluster-name "$CLUSTER"
aws_dump insights aws eks list-insights --cluster-name "$CLUSTER"
aws_dump access-entries aws eks list-access-entries --cluster-name "$CLUSTER"
aws_dump pod-identity aws eks list-pod-identity-associations --cluster-name "$CLUSTER"
for ng in $(jq -r '.nodegroups[]?' "$OUT/nodegroups.json"); do
  aws_dump "nodegroup-$ng" aws eks describe-nodegroup --cluster-name "$CLUSTER" --nodegroup-name "$ng"
done

kube_dump() { # file, kinds, [scope flag]
  local f="$1" kinds="$2" scope="${3:-}"
  # shellcheck disable=SC2086
  "${KUBE[@]}" get "$kinds" $scope -o json > "$OUT/$f.json" 2> "$OUT/$f.err" || { echo '{"items":[]}' > "$OUT/$f.json"; echo "$f" >> "$OUT/gaps.txt"; }
}
kube_dump workloads deployments,statefulsets,daemonsets,jobs,cronjobs -A
kube_dump pods pods -A
kube_dump pdb poddisruptionbudgets -A
kube_dump hpa horizontalpodautoscalers -A
kube_dump services services -A
kube_dump netpol networkpolicies -A
kube_dump serviceaccounts serviceaccounts -A
kube_dump rbac-bindings clusterrolebindings,rolebindings -A
kube_dump rbac-roles clusterroles,roles -A
kube_dump pvs persistentvolumes
kube_dump storageclasses storageclasses
kube_dump nodes nodes
kube_dump namespaces namespaces
kube_dump quotas resourcequotas,limitranges -A
kube_dump webhooks mutatingwebhookconfigurations,validatingwebhookconfigurations
kube_dump apiservices apiservices
kube_dump nodepools nodepools.karpenter.sh
# Secret metadata only: names, types and key names. Values are dropped before anything is written.
"${KUBE[@]}" get secrets -A -o json 2> "$OUT/secrets.err" \
  | jq '{items: [.items[] | {namespace: .metadata.namespace, name: .metadata.name, type, keys: ((.data // {}) | keys)}]}' \
  > "$OUT/secret-names.json" || { echo '{"items":[]}' > "$OUT/secret-names.json"; echo "secret-names" >> "$OUT/gaps.txt"; }

gaps=$(jq -R . < "$OUT/gaps.txt" | jq -s .)
jq -n --arg out "$OUT" --argjson gaps "$gaps" '{out: $out, gaps: $gaps}'
[ "$(wc -l < "$OUT/gaps.txt")" -eq 0 ] || exit 3
