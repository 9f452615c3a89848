# Scoring (references/scoring.md) and the JSON the script prints.
  def points: {"PASS": 1, "WARN": 0.5, "FAIL": 0}[.status];
  def weight: {"High": 3, "Medium": 2, "Low": 1}[.severity];
  def assessed: select(.status | IN("PASS", "WARN", "FAIL"));
  def score: [.[] | assessed] as $a
    | if ($a | length) == 0 then null
      else (100 * ([$a[] | weight * points] | add) / ([$a[] | weight] | add)) | round end;
  def rating: if . == null then "n/a" elif . >= 90 then "Excellent" elif . >= 80 then "Good" elif . >= 70 then "Fair"
    elif . >= 60 then "Needs work" else "Poor" end;
  def rank: {"Excellent": 5, "Good": 4, "Fair": 3, "Needs work": 2, "Poor": 1, "n/a": 0}[.];
  (security_checks + reliability_checks + platform_checks) as $checks
  | ($checks | score) as $overall
  | ([$checks[] | select(.severity == "High" and .status == "FAIL" and (.dimension | IN("Security", "Reliability"))) | .id]) as $capIds
  | ($overall | rating) as $raw
  | (if ($capIds | length) > 0 and ($raw | rank) > ("Needs work" | rank) then "Needs work" else $raw end) as $rating
  | ([$checks[] | assessed] | length) as $n
  | {
      cluster: {name: $C.name, arn: $C.arn, version: $V, platformVersion: $C.platformVersion, autoMode: $auto,
        karpenter: (($noKarpenter | not) and ($NP | length) > 0), region: $B.meta.region, collectedAt: $B.meta.collectedAt},
      summary: {
        score: $overall, rating: $rating, uncappedRating: $raw, cappedBy: $capIds,
        coverage: (if ($checks | length) == 0 then 0 else (100 * $n / ($checks | length) | round) end),
        lowCoverage: (($checks | length) > 0 and $n * 10 < ($checks | length) * 7),
        assessed: $n, total: ($checks | length),
        counts: ($checks | group_by(.status) | map({key: .[0].status, value: length}) | from_entries)
      },
      dimensions: ($checks | group_by(.dimension) | map({dimension: .[0].dimension, score: score,
        assessed: ([.[] | assessed] | length), total: length})),
      # Highest weight first; Security and Reliability (the cap) before other dimensions; then catalogue order.
      topPriorities: ([$checks | to_entries[] | select(.value.status == "FAIL")]
        | sort_by(-(.value | weight), (if .value.dimension | IN("Security", "Reliability") then 0 else 1 end), .key)
        | .[:3] | map(.value | {id, title, observed})),
      checks: $checks
    }
