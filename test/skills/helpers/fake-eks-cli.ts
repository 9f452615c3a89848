/**
 * Stand-ins for `aws` and `kubectl` that answer collect.sh's read-only calls from a fixture cluster folder
 * (the files writeCluster() writes), the way the real CLIs print them: AWS CLI JSON, with the --query projections
 * collect.sh uses applied, and kubectl List JSON. A kind the fixture marks absent answers like a cluster without
 * that CRD. Any call collect.sh is not expected to make fails loudly, so a new call shows up in the test.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AWS = String.raw`#!/usr/bin/env bash
F="$FAKE_FIXTURE"
arg() { local k="$1"; shift; while [ $# -gt 0 ]; do [ "$1" = "$k" ] && { echo "$2"; return; }; shift; done; }
out() { [ -f "$F/$1.json" ] && cat "$F/$1.json" || { echo "An error occurred (ResourceNotFoundException): $1" >&2; exit 254; }; }
echo "aws $*" >> "$F/calls.log"
case "$1 $2" in
  "eks describe-cluster") out cluster ;;
  "eks update-kubeconfig") printf 'apiVersion: v1\nkind: Config\n' > "$(arg --kubeconfig "$@")" ;;
  "eks list-addons") out addons ;;
  "eks describe-addon") out "addon-$(arg --addon-name "$@")" ;;
  "eks describe-addon-versions") out "addon-versions-$(arg --addon-name "$@")" ;;
  "eks list-nodegroups") out nodegroups ;;
  "eks describe-nodegroup") out "nodegroup-$(arg --nodegroup-name "$@")" ;;
  "eks list-insights") out insights ;;
  "eks list-access-entries") out access-entries ;;
  "eks list-pod-identity-associations") out pod-identity ;;
  "eks describe-cluster-versions") out cluster-versions ;;
  "ssm get-parameter") for f in "$F"/ami-release-*.json; do cat "$f"; break; done ;;
  "ec2 describe-subnets") out subnets ;;
  "ec2 describe-instances") jq '[.Reservations[].Instances[] | {InstanceId, MetadataOptions}]' "$F/instances.json" ;;
  "ecr describe-repositories") out ecr ;;
  "amp list-scrapers") out amp-scrapers ;;
  "cloudwatch describe-alarms") out alarms ;;
  "guardduty list-detectors") jq -r '.detectorId // "None"' "$F/guardduty.json" ;;
  "guardduty get-detector") jq 'del(.detectorId)' "$F/guardduty.json" ;;
  *) echo "fake aws: unexpected call: aws $*" >&2; exit 255 ;;
esac
`;

const KUBECTL = `#!/usr/bin/env bash
F="$FAKE_FIXTURE"
# scripts/kube.sh passes its private kubeconfig and context first; the rest is the read it allowed.
while [ "$1" = "--kubeconfig" ] || [ "$1" = "--context" ]; do [ "$1" = "--kubeconfig" ] && KUBECONFIG="$2"; shift 2; done
echo "kubectl $*" >> "$F/calls.log"
[ -n "$KUBECONFIG" ] && [ -f "$KUBECONFIG" ] || { echo "fake kubectl: no kubeconfig" >&2; exit 1; }
[ "$1" = "get" ] || { echo "fake kubectl: only get is allowed, got $1" >&2; exit 1; }
if [ "$2" = "--raw" ]; then cat "$F/pod-metrics.json"; exit; fi
case "$2" in
  deployments,statefulsets,daemonsets,jobs,cronjobs) f=workloads ;;
  pods) f=pods ;; poddisruptionbudgets) f=pdb ;; horizontalpodautoscalers) f=hpa ;; services) f=services ;;
  networkpolicies) f=netpol ;; serviceaccounts) f=serviceaccounts ;; clusterrolebindings,rolebindings) f=rbac-bindings ;;
  clusterroles,roles) f=rbac-roles ;; persistentvolumes) f=pvs ;; storageclasses) f=storageclasses ;; nodes) f=nodes ;;
  namespaces) f=namespaces ;; resourcequotas,limitranges) f=quotas ;;
  mutatingwebhookconfigurations,validatingwebhookconfigurations) f=webhooks ;; apiservices) f=apiservices ;;
  priorityclasses) f=priorityclasses ;; secrets) f=secrets ;;
  nodepools.karpenter.sh)
    if jq -e '.absent == true' "$F/nodepools.json" > /dev/null; then
      echo 'error: the server doesn'"'"'t have a resource type "nodepools"' >&2; exit 1
    fi
    f=nodepools ;;
  *) echo "fake kubectl: unexpected kind $2" >&2; exit 1 ;;
esac
cat "$F/$f.json"
`;

/** A folder with fake `aws` and `kubectl`; put it first on PATH and set FAKE_FIXTURE to the cluster folder. */
export function fakeEksCliDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-eks-cli-'));
  for (const [name, text] of [
    ['aws', AWS],
    ['kubectl', KUBECTL],
  ] as const) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}
