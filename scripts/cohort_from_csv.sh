#!/bin/sh
# From a participant CSV to a published matching, with manage.py commands only (no browser,
# no shell): migrate, create the cohort (and its program), import and approve everyone in the
# file, match the whole cohort and publish the pairs.
#
#   scripts/cohort_from_csv.sh PROGRAM_SLUG COHORT_SLUG people.csv [create_cohort options]
#
# e.g. scripts/cohort_from_csv.sh leaders leaders-2027 people.csv --start 2027-03-01
# The settings come from the environment as for any manage.py command (DATABASE_URL, ...);
# PYTHON names the interpreter (default: python).
#
# Exit status: 0 once the matching is published; otherwise that of the first step that failed
# (1: an error, reported on stderr, and that step wrote nothing; 2: a usage mistake). Steps
# before it stay done: run the remaining ones by hand, as printed.
set -eu

if [ "$#" -lt 3 ]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
program=$1
cohort=$2
file=$3
shift 3
python=${PYTHON:-python}
case $file in
    /*) ;;
    *) file=$PWD/$file ;;
esac
cd "$(dirname "$0")/.."

step() {
    echo "+ manage.py $*" >&2
    "$python" manage.py "$@"
}

step migrate --noinput
step create_cohort "$program" "$cohort" "$@"
step import_participants "$cohort" "$file" --enrol
step run_matching "$cohort" --publish
