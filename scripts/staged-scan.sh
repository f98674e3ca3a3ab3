#!/usr/bin/env bash
# The scan in stages (neardup stage sign, then stage link), run here or as Slurm jobs; the rows
# are `neardup scan`'s of the same options and PATHs, byte for byte.
#
#   scripts/staged-scan.sh --engine local|slurm --world N --work DIR [scan options] PATH... -o OUT
#
#   --engine local   the sign ranks as processes here, JOBS (default 2) at a time, then link
#   --engine slurm   the sign ranks as a job array (sbatch --array=0-N-1), then link as a job
#                    that waits for it (--dependency=afterok); this script waits for the link
#                    job and exits with its status. SBATCH_OPTIONS adds sbatch options to both
#                    (e.g. "--partition=big --mem=8G"); DIR must be on storage every node sees.
#   --world N        how many sign ranks (each reads the inputs whose path hashes to it, and
#                    its share of the pieces of JSONL files larger than --piece-bytes)
#   --work DIR       the shared work folder; a re-run over it signs only the ranks not complete
#   -o OUT, and the other output options (--format, --keep, --drop, --level, --report) go to
#   the link stage; every other option is the scan's and goes to every sign rank.
# NEARDUP: the binary (default: build/neardup beside this script, else neardup on PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${NEARDUP:-}
if [ -z "$bin" ]; then
  if [ -x "$here/build/neardup" ]; then bin=$here/build/neardup; else bin=$(command -v neardup); fi
fi
bin=$(realpath "$bin")
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

engine=local world="" work=""
sign_args=() link_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --engine) engine=${2:?}; shift 2 ;;
    --engine=*) engine=${1#*=}; shift ;;
    --world) world=${2:?}; shift 2 ;;
    --world=*) world=${1#*=}; shift ;;
    --work) work=${2:?}; shift 2 ;;
    --work=*) work=${1#*=}; shift ;;
    -o|--output|-f|--format|--keep|--drop|--level|--report) link_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --output=*|--format=*|--keep=*|--drop=*|--level=*|--report=*|--no-header|-o?*|-f?*) link_args+=("$1"); shift ;;
    -q|--quiet) link_args+=("$1"); sign_args+=("$1"); shift ;;
    -h|--help) usage ;;
    *) sign_args+=("$1"); shift ;;
  esac
done
[ -n "$world" ] && [ -n "$work" ] || { echo "staged-scan: --world N and --work DIR are required" >&2; usage; }
case $world in ''|*[!0-9]*|0) echo "staged-scan: --world must be a count >= 1, not '$world'" >&2; exit 2 ;; esac
mkdir -p "$work"
work=$(realpath "$work")

case $engine in
  local)
    jobs=${JOBS:-2}
    # A failed rank fails the run (xargs exits 123); its marker is missing, so a re-run redoes it.
    seq 0 $((world - 1)) | xargs -P "$jobs" -I{} \
      "$bin" stage sign --work "$work" --rank {} --world "$world" "${sign_args[@]}"
    exec "$bin" stage link --work "$work" --world "$world" "${link_args[@]}"
    ;;
  slurm)
    command -v sbatch >/dev/null || { echo "staged-scan: sbatch not found (Slurm)" >&2; exit 1; }
    printf '%s\n' "${link_args[@]}" | grep -qxE -- '-o|-o.+|--output|--output=.*' ||
      { echo "staged-scan: --engine slurm writes the rows with -o OUT (a job has no stdout)" >&2; exit 2; }
    q() { printf '%q ' "$@"; }
    read -r -a extra <<<"${SBATCH_OPTIONS:-}"
    # The array's tasks get SLURM_ARRAY_TASK_ID/COUNT, which stage sign reads.
    array=$(sbatch --parsable "${extra[@]}" --array=0-$((world - 1)) --job-name=neardup-sign \
      --output="$work/slurm-sign-%a.log" \
      --wrap="$(q "$bin" stage sign --work "$work" --world "$world" "${sign_args[@]}")")
    array=${array%%;*}
    echo "staged-scan: sign ranks are job array $array" >&2
    # sbatch --wait exits 0 also for a job cancelled because a rank failed (afterok never met):
    # the link job's state says whether it ran and succeeded.
    link=$(sbatch --parsable --wait "${extra[@]}" --dependency=afterok:"$array" \
      --kill-on-invalid-dep=yes --job-name=neardup-link --output="$work/slurm-link.log" \
      --wrap="$(q "$bin" stage link --work "$work" --world "$world" "${link_args[@]}")") || true
    link=${link%%;*}
    state=$(scontrol show job -o "${link:-0}" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2 || true)
    if [ "$state" != COMPLETED ]; then
      echo "staged-scan: the link job ${link:-?} did not complete (${state:-unknown}): the link job failed or a sign rank did; see $work/slurm-link.log and $work/slurm-sign-*.log, then run again (complete ranks are kept)" >&2
      exit 1
    fi
    ;;
  *) echo "staged-scan: --engine is local or slurm, not '$engine'" >&2; exit 2 ;;
esac
