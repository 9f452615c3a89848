#!/usr/bin/env bash
# Read-only inventory of an EKS cluster for the assessment checks.
# Writes one JSON file per object kind (and per AWS-side answer the checks need) into OUT_DIR, then
# scripts/run_checks.sh evaluates every check over them. Prints a JSON summary to stdout.
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
V=$(jq -r '.cluster.version' "$OUT/cluster.json")
# The checks' clock: pending-time and support-date checks compare with this instant, so a rerun gives the same answer.
jq -n --arg c "$CLUSTER" --arg r "$REGION" --arg t "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '{cluster: $c, region: $r, collectedAt: $t}' > "$OUT/meta.json"
# Every cluster read goes through the shared read-only helper (private kubeconfig, reads only).
KUBE=("$(dirname "$0")/kube.sh" --cluster "$CLUSTER" --region "$REGION" --)
"${KUBE[@]:0:5}" --print-kubeconfig > /dev/null || echo "kubeconfig" >> "$OUT/gaps.txt"

aws_dump() { # file, command...
  local f="$1"; shift
  $T "$@" --region "$REGION" --output json > "$OUT/$f.json" 2> "$OUT/$f.err" || { echo "{}" > "$OUT/$f.json"; echo "$f" >> "$OUT/gaps.txt"; }
}
aws_dump addons aws eks list-addons --cluster-name "$CLUSTER"
aws_dump nodegroups aws eks list-nodegroups --cluster-name "$CLUSTER"
aws_dump insights aws eks list-insights --cluster-name "$CLUSTER"
aws_dump access-entries aws eks list-access-entries --cluster-name "$CLUSTER"
aws_dump pod-identity aws eks list-pod-identity-associations --cluster-name "$CLUSTER"
aws_dump cluster-versions aws eks describe-cluster-versions --cluster-versions "$V"
for ng in $(jq -r '.nodegroups[]?' "$OUT/nodegroups.json"); do
  aws_dump "nodegroup-$ng" aws eks describe-nodegroup --cluster-name "$CLUSTER" --nodegroup-name "$ng"
  # Recommended AMI release for the node group's AMI type (Amazon Linux only; other AMI types are not compared).
  case "$(jq -r '.nodegroup.amiType // ""' "$OUT/nodegroup-$ng.json")" in
    AL2023_x86_64_STANDARD) P="amazon-linux-2023/x86_64/standard" ;;
    AL2023_ARM_64_STANDARD) P="amazon-linux-2023/arm64/standard" ;;
    AL2_x86_64) P="amazon-linux-2" ;;
    AL2_ARM_64) P="amazon-linux-2-arm64" ;;
    *) P="" ;;
  esac
  [ -z "$P" ] || aws_dump "ami-release-$ng" aws ssm get-parameter --name "/aws/service/eks/optimized-ami/$V/$P/recommended/release_version"
done
for a in $(jq -r '.addons[]?' "$OUT/addons.json"); do
  aws_dump "addon-$a" aws eks describe-addon --cluster-name "$CLUSTER" --addon-name "$a"
  aws_dump "addon-versions-$a" aws eks describe-addon-versions --addon-name "$a" --kubernetes-version "$V"
done
# Access policies of at most 50 access entries (SEC-13 looks for AmazonEKSClusterAdminPolicy).
for p in $(jq -r '.accessEntries[]?' "$OUT/access-entries.json" | head -n 50); do
  $T aws eks list-associated-access-policies --cluster-name "$CLUSTER" --principal-arn "$p" --region "$REGION" --output json
done 2> "$OUT/access-policies.err" | jq -s '[.[] | {principalArn: .principalArn, associatedAccessPolicies: .associatedAccessPolicies}]' \
  > "$OUT/access-policies.json" || { echo "[]" > "$OUT/access-policies.json"; echo "access-policies" >> "$OUT/gaps.txt"; }
aws_dump subnets aws ec2 describe-subnets --subnet-ids $(jq -r '.cluster.resourcesVpcConfig.subnetIds[]' "$OUT/cluster.json")
aws_dump ecr aws ecr describe-repositories
aws_dump amp-scrapers aws amp list-scrapers
aws_dump alarms aws cloudwatch describe-alarms --query "{MetricAlarms: MetricAlarms[?Namespace=='ContainerInsights']}"
DET=$($T aws guardduty list-detectors --region "$REGION" --query 'DetectorIds[0]' --output text 2> "$OUT/guardduty.err")
if [ $? -ne 0 ]; then echo "{}" > "$OUT/guardduty.json"; echo "guardduty" >> "$OUT/gaps.txt"
elif [ -z "$DET" ] || [ "$DET" = "None" ]; then echo '{"detectorId": null}' > "$OUT/guardduty.json"
else aws_dump guardduty aws guardduty get-detector --detector-id "$DET"
  jq --arg d "$DET" '. + {detectorId: $d}' "$OUT/guardduty.json" > "$OUT/guardduty.tmp" && mv "$OUT/guardduty.tmp" "$OUT/guardduty.json"
fi

kube_dump() { # file, kinds, [scope flag]
  local f="$1" kinds="$2" scope="${3:-}"
  # shellcheck disable=SC2086
  "${KUBE[@]}" get "$kinds" $scope -o json > "$OUT/$f.json" 2> "$OUT/$f.err" && return 0
  # A custom resource whose CRD is not installed is absent (its checks are N/A), not a gap.
  if grep -q "the server doesn't have a resource type" "$OUT/$f.err"; then echo '{"items":[],"absent":true}' > "$OUT/$f.json"
  else echo '{"items":[]}' > "$OUT/$f.json"; echo "$f" >> "$OUT/gaps.txt"; fi
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
kube_dump priorityclasses priorityclasses
# Pod usage from metrics-server (read-only GET); missing metrics make COST-03 UNABLE_TO_ASSESS.
"${KUBE[@]}" get --raw /apis/metrics.k8s.io/v1beta1/pods > "$OUT/pod-metrics.json" 2> "$OUT/pod-metrics.err" \
  || { echo '{"items":[]}' > "$OUT/pod-metrics.json"; echo "pod-metrics" >> "$OUT/gaps.txt"; }
# Secret metadata only: namespace, name and type (SEC-24). Values and key names are dropped before anything is written.
"${KUBE[@]}" get secrets -A -o json 2> "$OUT/secret-names.err" \
  | jq '{items: [.items[] | {metadata: {namespace: .metadata.namespace, name: .metadata.name}, type}]}' \
  > "$OUT/secret-names.json" || { echo '{"items":[]}' > "$OUT/secret-names.json"; echo "secret-names" >> "$OUT/gaps.txt"; }
# EC2 metadata options of every EC2-backed node (managed, self-managed, Karpenter), found by .spec.providerID.
jq -r '.items[] | select((.metadata.labels["eks.amazonaws.com/compute-type"] // "ec2") | IN("fargate", "auto") | not)
  | .spec.providerID // empty | capture("/(?<i>i-[0-9a-f]+)$").i' "$OUT/nodes.json" > "$OUT/instance-ids.txt"
if [ -s "$OUT/instance-ids.txt" ]; then
  # shellcheck disable=SC2046
  xargs -n 100 < "$OUT/instance-ids.txt" | while read -r ids; do
    $T aws ec2 describe-instances --region "$REGION" --output json --instance-ids $ids \
      --query 'Reservations[].Instances[].{InstanceId: InstanceId, MetadataOptions: MetadataOptions}'
  done 2> "$OUT/instances.err" | jq -s '{Reservations: [{Instances: add}]}' > "$OUT/instances.json" \
    || { echo '{"Reservations":[]}' > "$OUT/instances.json"; echo "instances" >> "$OUT/gaps.txt"; }
else echo '{"Reservations":[]}' > "$OUT/instances.json"; fi

gaps=$(jq -R . < "$OUT/gaps.txt" | jq -s .)
jq -n --arg out "$OUT" --argjson gaps "$gaps" '{out: $out, gaps: $gaps}'
[ "$(wc -l < "$OUT/gaps.txt")" -eq 0 ] || exit 3
