# Rules for a FIS experiment template (input) before it is registered. Bound by validate_template.sh:
# $cat (assets/fis-actions.json), $o (options), $alarms (describe-alarms output or null),
# $tagmap (resourcegroupstaggingapi get-resources output or null).
def minutes: # ISO-8601 duration (PT5M, PT1H30M, PT90S, P1D) to minutes; null when it is not one.
  if type != "string" then null
  else (capture("^P(?:(?<d>[0-9]+)D)?(?:T(?:(?<h>[0-9]+)H)?(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9]+)S)?)?$") // null) as $c
    | if $c == null or . == "P" or . == "PT" then null
      else (($c.d // "0") | tonumber) * 1440 + (($c.h // "0") | tonumber) * 60 + (($c.m // "0") | tonumber) + (($c.s // "0") | tonumber) / 60 end end;
def err($rule; $where; $msg): {level: "error", rule: $rule, where: $where, message: $msg};
def warn($rule; $where; $msg): {level: "warning", rule: $rule, where: $where, message: $msg};
def arn_part($i): split(":")[$i];
# Names of the actions that must end before action $n starts (startAfter, followed; bounded against cycles).
def before($X; $n): [limit(500; $n | recurse(($X[.].startAfter // [])[]))] | .[1:];

. as $t
| ($cat.actions) as $A
| ($cat.limits) as $L
| ($o.maxDuration | minutes) as $maxMin
| ($t.targets // {}) as $T
| ($t.actions // {}) as $X
| [
  # Template basics
  (if ($t.description // "") == "" then err("description"; "description"; "a description is required") else empty end),
  (if ($t.description // "" | length) > $L.descriptionLength then err("description"; "description"; "longer than \($L.descriptionLength) characters") else empty end),
  (if ($X | length) == 0 then err("actions"; "actions"; "no actions") else empty end),

  # Role
  (if ($o.roleArn // "") == "" then err("role"; "roleArn"; "FIS_EXPERIMENT_ROLE_ARN is unset: stay in plan mode, register nothing")
   elif $t.roleArn != $o.roleArn then err("role"; "roleArn"; "must be the deployed experiment role \($o.roleArn), found \($t.roleArn // "none")")
   else empty end),

  # Tags
  (if ($t.tags // {})[$o.ttKey] != $o.ttValue then err("tags"; "tags"; "ownership tag \($o.ttKey)=\($o.ttValue) missing") else empty end),
  (["hypothesis-id", "env", "prepared-by"][] as $k | if (($t.tags // {})[$k] // "") == "" then err("tags"; "tags.\($k)"; "tag \($k) is required") else empty end),

  # Stop conditions
  (($t.stopConditions // []) as $sc
   | if ($sc | length) == 0 then err("stop-conditions"; "stopConditions"; "at least one CloudWatch alarm stop condition is required")
     elif ($sc | length) > $L.stopConditionsPerTemplate then err("stop-conditions"; "stopConditions"; "at most \($L.stopConditionsPerTemplate) stop conditions")
     else empty end),
  (($t.stopConditions // []) | to_entries[] | .key as $i | .value
   | if .source != "aws:cloudwatch:alarm" then err("stop-conditions"; "stopConditions[\($i)]"; "source must be aws:cloudwatch:alarm, found \(.source)")
     elif (.value // "" | test("^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:.+$") | not) then err("stop-conditions"; "stopConditions[\($i)]"; "value must be an alarm ARN")
     elif ($o.region // "") != "" and (.value | arn_part(3)) != $o.region then err("stop-conditions"; "stopConditions[\($i)]"; "alarm is in \(.value | arn_part(3)), the experiment in \($o.region)")
     elif ($t.roleArn // "" | arn_part(4)) as $acct | $acct != "" and (.value | arn_part(4)) != $acct then err("stop-conditions"; "stopConditions[\($i)]"; "alarm belongs to another account than the role")
     else empty end),
  (if $alarms != null then
     ($t.stopConditions // [])[] | .value as $arn
     | ([$alarms.MetricAlarms[]?, $alarms.CompositeAlarms[]? | select(.AlarmArn == $arn)] | first) as $al
     | if $al == null then err("alarms"; $arn; "alarm not found by describe-alarms")
       elif $al.StateValue != "OK" then err("alarms"; $arn; "alarm is \($al.StateValue); it must be OK before the template is handed on")
       elif ([$al.Metrics[]?.MetricStat.Metric | select(.Namespace == "AWS/ApplicationELB") | .MetricName] + [if $al.Namespace == "AWS/ApplicationELB" then $al.MetricName else empty end]) as $m
         | ($m | index("HTTPCode_Target_5XX_Count")) != null and ($m | index("HTTPCode_ELB_5XX_Count")) == null
         then err("alb-5xx"; $arn; "ALB 5xx alarm counts target 5xx only: add HTTPCode_ELB_5XX_Count (the load balancer's own 502/503 when targets are gone)")
       else empty end
   else empty end),

  # Experiment options
  (if ($t.experimentOptions.emptyTargetResolutionMode // "fail") != "fail" then err("options"; "experimentOptions.emptyTargetResolutionMode"; "must be fail") else empty end),
  (if ($t.experimentOptions.accountTargeting // "single-account") != "single-account" then err("options"; "experimentOptions.accountTargeting"; "must be single-account") else empty end),

  # Logging
  (if ($o.logGroupArn // "") == "" then warn("logging"; "logConfiguration"; "FIS_LOG_GROUP_ARN unset: experiment logging not configured (open item)")
   else (if ($o.logGroupArn | endswith(":*")) then $o.logGroupArn else $o.logGroupArn + ":*" end) as $want
     | ($t.logConfiguration.cloudWatchLogsConfiguration.logGroupArn // null) as $have
     | if $have == null then err("logging"; "logConfiguration"; "log to \($want)")
       elif ($have | endswith(":*:*")) then err("logging"; "logConfiguration"; "log group ARN ends in :*:* (the variable already ends in :*)")
       elif $have != $want then err("logging"; "logConfiguration"; "log group must be \($want), found \($have)")
       elif $t.logConfiguration.logSchemaVersion != 2 then err("logging"; "logConfiguration.logSchemaVersion"; "must be 2")
       else empty end end),

  # Experiment report
  # The deployed role may write reports only under fis-reports/ in FIS_REPORT_BUCKET; without a report the
  # plan lists it as an open item (some Regions do not offer experiment reports).
  (($t.experimentReportConfiguration.outputs.s3Configuration // null) as $r
   | if ($o.reportBucket // "") == "" then empty
     elif $r == null then warn("report"; "experimentReportConfiguration"; "no experiment report: add one writing to s3://\($o.reportBucket)/fis-reports/, or note that the Region does not offer reports")
     elif ($r.bucketName // "") != $o.reportBucket then err("report"; "experimentReportConfiguration.outputs.s3Configuration.bucketName"; "experiment reports go to s3://\($o.reportBucket)")
     elif (($r.prefix // "") | startswith("fis-reports/")) | not then err("report"; "experimentReportConfiguration.outputs.s3Configuration.prefix"; "the experiment role may write reports only under fis-reports/")
     else empty end),

  # Targets
  ($T | to_entries[] | .key as $n | .value as $tg | ($cat.targetTypes[$tg.resourceType] // {selectBy: "arns-or-tags", parameters: {}}) as $tt
   | (if ($tg.resourceArns != null) and ($tg.resourceTags != null) then err("targets"; "targets.\($n)"; "resourceArns and resourceTags are mutually exclusive") else empty end),
     (if ($tg.resourceArns != null) and ($tg.filters != null) then err("targets"; "targets.\($n)"; "filters cannot narrow resourceArns: list exactly the ARNs, or select by tags plus filters") else empty end),
     (if ($tg.resourceArns // [] | length) > $L.resourceArnsPerTarget then err("targets"; "targets.\($n).resourceArns"; "at most \($L.resourceArnsPerTarget) ARNs per target, found \($tg.resourceArns | length)") else empty end),
     (if $tt.selectBy == "parameters" and ($tg.resourceArns != null or $tg.resourceTags != null) then err("targets"; "targets.\($n)"; "\($tg.resourceType) is selected by parameters only") else empty end),
     (if $tt.selectBy != "parameters" and $tg.resourceArns == null and $tg.resourceTags == null then err("targets"; "targets.\($n)"; "select by resourceArns or resourceTags") else empty end),
     ($tt.parameters | to_entries[] | .key as $k | select(.value and (($tg.parameters // {}) | has($k) | not)) | err("targets"; "targets.\($n).parameters"; "\($tg.resourceType) needs parameter \($k)")),
     (($tg.parameters // {}) | keys[] | . as $k | select(($tt.parameters | has($k)) | not) | err("targets"; "targets.\($n).parameters"; "\($tg.resourceType) takes no parameter \($k)")),
     # Selection limits
     (($tg.selectionMode // "") as $s
      | if ($s | test("^COUNT\\([1-9][0-9]*\\)$")) then empty
        elif ($s | test("^PERCENT\\(([1-9]|1[0-9]|2[0-5])\\)$")) then empty
        elif $s == "ALL" and ($tg.resourceArns // [] | length) == 1 then empty
        else err("selection"; "targets.\($n).selectionMode"; "\($s) exceeds the blast radius: COUNT(n), PERCENT(1..25), or ALL with one explicit ARN") end),
     # Opt-in tag
     (if $tg.resourceTags != null and $tg.resourceTags[$o.optKey] != $o.optValue then err("opt-in-tag"; "targets.\($n).resourceTags"; "must include \($o.optKey)=\($o.optValue)") else empty end),
     (if $tg.resourceArns != null and $tagmap == null then warn("opt-in-tag"; "targets.\($n).resourceArns"; "not checked: pass --tag-mappings (get-resources output for these ARNs)") else empty end),
     (if $tg.resourceArns != null and $tagmap != null then
        ($tagmap.ResourceTagMappingList // []) as $m
        | $tg.resourceArns[] as $arn
        | ([$m[] | select(.ResourceARN == $arn)] | first) as $hit
        | if $hit == null then err("opt-in-tag"; $arn; "not returned by the tagging API: it carries no tags, so not \($o.optKey)=\($o.optValue)")
          elif ([$hit.Tags[]? | select(.Key == $o.optKey and .Value == $o.optValue)] | length) == 0 then err("opt-in-tag"; $arn; "lacks \($o.optKey)=\($o.optValue)")
          else empty end
      else empty end)),

  # Actions
  ($X | to_entries[] | .key as $n | .value as $ac | $A[$ac.actionId] as $def
   | if $def == null then err("action-id"; "actions.\($n)"; "\($ac.actionId) is not in the FIS actions reference")
     else
       (($ac.parameters // {}) | keys) as $given
       | ($def.required - $given)[] as $miss | err("parameters"; "actions.\($n)"; "\($ac.actionId) needs parameter \($miss)")
     end,
     if $def == null then empty else
       ((($ac.parameters // {}) | keys) - $def.required - $def.optional)[] as $x | err("parameters"; "actions.\($n).parameters.\($x)"; "\($ac.actionId) has no parameter \($x)")
     end,
     # Target wiring
     if $def == null then empty
     elif $def.resourceType == null then (if ($ac.targets // {}) != {} then err("action-targets"; "actions.\($n).targets"; "\($ac.actionId) takes no target") else empty end)
     else
       (($ac.targets // {}) | to_entries) as $at
       | if ($at | length) == 0 then err("action-targets"; "actions.\($n).targets"; "\($ac.actionId) needs a target")
         else $at[] as $e
           | (if $def.targetKey != null and $e.key != $def.targetKey then err("action-targets"; "actions.\($n).targets"; "target key must be \($def.targetKey), found \($e.key)") else empty end),
             (if $T[$e.value] == null then err("action-targets"; "actions.\($n).targets.\($e.key)"; "no target named \($e.value)")
              elif $T[$e.value].resourceType != $def.resourceType then err("action-targets"; "actions.\($n).targets.\($e.key)"; "\($ac.actionId) acts on \($def.resourceType), target \($e.value) is \($T[$e.value].resourceType)")
              else empty end)
         end
     end,
     # Durations: each action's own duration parameter
     if $def == null or $def.durationParameter == null then empty
     else ($ac.parameters[$def.durationParameter] // null) as $d | ($d | minutes) as $m
       | if $d == null then empty
         elif $m == null then err("duration"; "actions.\($n).parameters.\($def.durationParameter)"; "\($d) is not an ISO-8601 duration")
         elif $def.minMinutes != null and $m < $def.minMinutes then err("duration"; "actions.\($n).parameters.\($def.durationParameter)"; "at least \($def.minMinutes) minutes for \($ac.actionId)")
         elif $def.maxMinutes != null and $m > $def.maxMinutes then err("duration"; "actions.\($n).parameters.\($def.durationParameter)"; "at most \($def.maxMinutes) minutes for \($ac.actionId)")
         elif $maxMin != null and $m > $maxMin and $def.durationParameter != "durationBeforeInterruption" then err("duration"; "actions.\($n).parameters.\($def.durationParameter)"; "\($d) exceeds the approved \($o.maxDuration)")
         else empty end
     end,
     if $def != null and ($def.deployedRole | not) then warn("deployed-role"; "actions.\($n)"; "\($ac.actionId) is plan-only: the experiment role must be extended first") else empty end),

  # Actions FIS cannot run at the same time must be ordered with startAfter.
  ($cat.notParallel[] as $group
   | [$X | to_entries[] | select(.value.actionId as $id | $group | index($id) != null) | .key] as $ns
   | range(0; $ns | length) as $i | range($i + 1; $ns | length) as $j
   | $ns[$i] as $a | $ns[$j] as $b
   | if (before($X; $a) | index($b)) != null or (before($X; $b) | index($a)) != null then empty
     else err("not-parallel"; "actions.\($b).startAfter"; "\($X[$b].actionId) cannot run in parallel with \($a) (\($X[$a].actionId)): order them with startAfter") end),

  # The first step asserts the stop alarms are OK; every other action starts after it.
  (([$X | to_entries[] | select(.value.actionId == "aws:cloudwatch:assert-alarm-state") | .key]) as $assert
   | if ($assert | length) == 0 then err("assert-first"; "actions"; "add an aws:cloudwatch:assert-alarm-state action first (alarmStates OK on the stop alarms)")
     else ($X | to_entries[] | select(.value.actionId != "aws:cloudwatch:assert-alarm-state")
       | select(((.value.startAfter // []) | any(. as $s | $assert | index($s) != null)) | not)
       | select((.value.startAfter // []) | length == 0)
       | err("assert-first"; "actions.\(.key).startAfter"; "must start after \($assert[0])")) end)
]
| {
    valid: (map(select(.level == "error")) | length == 0),
    errors: map(select(.level == "error") | del(.level)),
    warnings: map(select(.level == "warning") | del(.level)),
    prerequisites: [$X[] | $A[.actionId] // empty | select(.pidModeTask == true) | "ECS task definitions of the targets set pidMode task (\(.resourceType))"] | unique,
    maxActionMinutes: ([$X[] | . as $ac | $A[$ac.actionId].durationParameter as $p | select($p != null) | ($ac.parameters[$p] // null | minutes) // empty] | max)
  }
