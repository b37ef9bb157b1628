#!/usr/bin/env bash
# Recipe sweep for the g2p task: short proxy runs of recipe variants, one after another on the whole machine, then one
# table of dev WER/PER (greedy, first 1,000 dev words) against steps and minutes, so a recipe choice is a measurement.
#
# Usage: tools/sweep/g2p_sweep.sh OUT_DIR VARIANTS_FILE
#   VARIANTS_FILE: one variant a line, "name<TAB>train flags" (e.g. "prenorm-lr3e-3<TAB>--norm-first true --lr 3e-3");
#   blank lines and lines starting with # are skipped. Every variant trains with `sharpformer train --task g2p` plus its
#   flags, in OUT_DIR/NAME (a finished variant is reused, an interrupted one resumed), and the table is written to
#   OUT_DIR/sweep.md and OUT_DIR/sweep.csv (one row per dev evaluation of every variant).
# Environment: SWEEP_FLAGS="..." flags added to every variant (e.g. "--steps 800 --eval-every 400" for the proxy
#              length); SHARPFORMER_CLI="command" to run a prebuilt CLI instead of building src/Sharpformer.Cli.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 OUT_DIR VARIANTS_FILE" >&2; exit 2; }
out="$1"
variants="$2"
[ -f "$variants" ] || { echo "error: variants file not found: $variants" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq is missing (apt-get install jq)" >&2; exit 1; }
mkdir -p "$out"

if [ -n "${SHARPFORMER_CLI:-}" ]; then
    read -r -a cli <<<"$SHARPFORMER_CLI"
else
    dotnet build "$repo/src/Sharpformer.Cli" -c Release >&2 || { echo "error: building src/Sharpformer.Cli failed" >&2; exit 1; }
    cli=(dotnet "$repo/src/Sharpformer.Cli/bin/Release/net10.0/sharpformer.dll")
fi
read -r -a common <<<"${SWEEP_FLAGS:-}"

names=()
while IFS=$'\t' read -r name flags || [ -n "$name" ]; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "error: $variants: variant name '$name' must be letters, digits, . _ -" >&2; exit 1; }
    names+=("$name")
    read -r -a extra <<<"${flags:-}"
    echo "== $name: ${common[*]} ${extra[*]}" >&2
    "${cli[@]}" train --task g2p --out "$out/$name" "${common[@]}" "${extra[@]}" </dev/null >"$out/$name.log" 2>&1 \
        || { echo "error: variant $name failed; see $out/$name.log" >&2; exit 1; }
    tail -n 1 "$out/$name.log" >&2
done <"$variants"

csv="$out/sweep.csv"
echo "variant,step,minutes,dev_wer,dev_per,dev_loss,train_tokens_per_s" >"$csv"
for name in "${names[@]}"; do
    log="$out/$name/metrics.jsonl"
    # tokens/s: the mean over the training log lines up to each evaluation
    jq -r --arg v "$name" -s '
        . as $all | [ $all[] | select(.dev_wer != null) ] | .[] as $e
        | ([ $all[] | select(.tokens_per_s != null and .step <= $e.step) | .tokens_per_s ] | add / length) as $tps
        | [$v, $e.step, ($e.elapsed_s / 60 * 10 | round / 10), ($e.dev_wer * 100 | round / 100), ($e.dev_per * 100 | round / 100),
           ($e.dev_loss * 1000 | round / 1000), ($tps | round)] | @csv' "$log" | tr -d '"' >>"$csv"
done

{
    echo "| variant | flags | steps | minutes | dev WER (greedy, 1,000 words) | dev PER | best WER (step) | target tok/s |"
    echo "|---|---|---|---|---|---|---|---|"
    while IFS=$'\t' read -r name flags || [ -n "$name" ]; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        last=$(grep "^$name," "$csv" | tail -n 1)
        best=$(grep "^$name," "$csv" | sort -t, -k4 -g | head -n 1)
        IFS=, read -r _ step minutes wer per _ tps <<<"$last"
        IFS=, read -r _ bstep _ bwer _ <<<"$best"
        echo "| $name | \`${flags:-}\` | $step | $minutes | $wer% | $per% | $bwer% ($bstep) | $tps |"
    done <"$variants"
} >"$out/sweep.md"
cat "$out/sweep.md"
