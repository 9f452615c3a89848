# Shared helpers for checks.jq. The input of checks.jq is the bundle written by run_checks.sh:
# {meta, gaps: [file keys that could not be collected], files: {key: content}}.
# Every helper is pure: the same bundle always gives the same findings.

def sys_ns: ["kube-system", "kube-public", "kube-node-lease"];
def is_user: ((.metadata.namespace // "") as $n | sys_ns | index($n) | not);
def user: select(is_user);
def podspec:
  if .kind == "Pod" then .spec
  elif .kind == "CronJob" then .spec.jobTemplate.spec.template.spec
  else .spec.template.spec end;
def ctrs: podspec | ((.containers // []) + (.initContainers // []))[];
def main_ctrs: podspec | (.containers // [])[];
def id: "\(.kind)/\(.metadata.namespace // "-")/\(.metadata.name)";
def scalable: select(.kind == "Deployment" or .kind == "StatefulSet");
def items: (.items // []);
def minor: tostring | capture("^v?(?<ma>[0-9]+)\\.(?<mi>[0-9]+)") | (.ma | tonumber) * 1000 + (.mi | tonumber);
def vkey: tostring | ltrimstr("v") | [scan("[0-9]+") | tonumber];

# Label selector semantics (matchLabels AND matchExpressions): an empty selector selects everything, a null one nothing.
def selects($labels):
  if . == null then false
  else
    ((.matchLabels // {}) | to_entries | all(. as $e | ($labels[$e.key]) == $e.value))
    and ((.matchExpressions // []) | all(
      . as $x | ($labels | has($x.key)) as $has | ($labels[$x.key]) as $v |
      if $x.operator == "In" then $has and (($x.values // []) | index($v) != null)
      elif $x.operator == "NotIn" then ($has | not) or (($x.values // []) | index($v) == null)
      elif $x.operator == "Exists" then $has
      elif $x.operator == "DoesNotExist" then $has | not
      else false end))
  end;

# Kubernetes quantities.
def cpu_cores:
  tostring | if endswith("n") then (.[:-1] | tonumber) / 1e9
  elif endswith("u") then (.[:-1] | tonumber) / 1e6
  elif endswith("m") then (.[:-1] | tonumber) / 1e3
  else tonumber end;
def mem_bytes:
  tostring | capture("^(?<n>[0-9.eE+-]+)(?<u>[A-Za-z]*)$") as $q
  | ($q.n | tonumber) * ({"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
      "Ki": 1024, "Mi": 1048576, "Gi": 1073741824, "Ti": 1099511627776}[$q.u] // 1);

# Result builders. `examples` keeps at most five offenders, as the report shows.
def found($list; $bad): if ($list | length) == 0
  then {status: "PASS", observed: "no offenders", offenders: {count: 0, examples: []}}
  else {status: $bad, observed: "\($list | length) offender(s)", offenders: {count: ($list | length), examples: ($list | unique | .[:5])}} end;
def st($status; $observed): {status: $status, observed: $observed, offenders: {count: 0, examples: []}};
def na($why): {status: "N/A", observed: $why, offenders: {count: 0, examples: []}};
def unable($why): {status: "UNABLE_TO_ASSESS", observed: $why, offenders: {count: 0, examples: []}};
