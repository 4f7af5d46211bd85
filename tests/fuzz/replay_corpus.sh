#!/bin/sh
# Replay the committed seed corpus of every fuzz harness through its
# standalone driver (fuzz_<name>_replay, built in every configuration).
#
# Environment (set by tests/fuzz/Makefile.am):
#   FUZZ_HARNESSES   harness names, e.g. "msg chain_p1"
#   FUZZ_REPLAY_DIR  directory holding fuzz_<name>_replay
#   FUZZ_CORPUS_DIR  directory holding corpus/<name>/
#
# Fails when a harness has no corpus directory, when it is empty, when a
# driver is missing, or when a driver exits non-zero on any input.

set -u

harnesses=${FUZZ_HARNESSES:?FUZZ_HARNESSES is not set (run through make check)}
bindir=${FUZZ_REPLAY_DIR:-.}
corpora=${FUZZ_CORPUS_DIR:-${srcdir:-.}/corpus}

status=0
for name in $harnesses; do
	bin=$bindir/fuzz_${name}_replay
	dir=$corpora/$name
	if [ ! -x "$bin" ]; then
		echo "FAIL $name: driver $bin was not built"
		status=1
		continue
	fi
	if [ ! -d "$dir" ]; then
		echo "FAIL $name: no corpus directory $dir"
		status=1
		continue
	fi
	count=$(find "$dir" -type f | wc -l)
	if [ "$count" -eq 0 ]; then
		echo "FAIL $name: corpus $dir is empty"
		status=1
		continue
	fi
	if find "$dir" -type f -exec "$bin" {} +; then
		echo "ok   $name: $count inputs replayed"
	else
		echo "FAIL $name: $bin failed on an input from $dir"
		status=1
	fi
done
exit $status
