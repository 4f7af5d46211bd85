# gdoi: top-level wrapper Makefile (hand-written and committed).
# GDOI-WRAPPER-MAKEFILE (configure refuses to overwrite a file with this mark)
#
# Autotools generates the real Makefiles, always out of tree:
#   build/       the normal build (make, make install, make check)
#   build-asan/  --enable-sanitizers (ASan + UBSan) for the unit tests
#   build-fuzz/  CC=clang --enable-fuzzer --enable-sanitizers
#
#   make deps       install the missing Debian packages (as root)
#   make            autoreconf when needed, configure build/, build
#   make install    install from build/ (PREFIX=/usr/local, DESTDIR honoured)
#   make check      make check in build/ only
#   make distcheck  build the release tarball and test it out of tree
#   make test       deps, build, then: check in build/, unit tests under
#                   sanitizers, each fuzz harness for a short run; summary
#   make demo       deps, build, then a key server and two group members in
#                   network namespaces (lab/netns.sh), and their status
#   make demo-stop  stop the demo daemons, remove its namespaces
#   make bench      deps, build, then the benchmarks (lab/bench/run.sh, as
#                   root): results in lab/bench/results/ (not part of test)
#   make clean      remove the build directories
#   make distclean  clean, and remove everything autoreconf generated
#
# Knobs: JOBS (parallel jobs, 2), PREFIX, DESTDIR, CONFIGURE_FLAGS (extra
# configure arguments for build/), ASAN_CC and FUZZ_CC (clang),
# FUZZ_SECONDS (15) and FUZZ_RUNS (200000) per harness, CI=true (a skipped
# test counts as failed); for make bench: BENCH_GMS ("1000 10000"), BENCH_DH
# ("ecp256 modp2048"), BENCH_SECONDS (3), BENCH_BUILD (build).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.SILENT:
.NOTPARALLEL:
.DEFAULT_GOAL := all

JOBS ?= 2
PREFIX ?= /usr/local
DESTDIR ?=
CONFIGURE_FLAGS ?=
ASAN_CC ?= clang
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 15
FUZZ_RUNS ?= 200000

ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Debian packages for the build and every test stage.
DEB_PACKAGES := autoconf automake libtool pkg-config make gcc clang \
	libclang-rt-14-dev libssl-dev libxml2-dev libev-dev check libpcap-dev \
	tshark tcpdump iproute2 iputils-ping socat python3 libmnl-dev nftables \
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins \
	libcharon-extra-plugins groff-base man-db \
	libsnmp-dev snmpd snmp smitools erlang-snmp qemu-system-x86 gnuplot-nox libnftnl-dev

# Where `make test' keeps the exit status of each stage.
STATUS := build/test-status

# configure arguments of build/; CC is passed on when given to this make.
BUILD_ARGS := --prefix=$(PREFIX) $(CONFIGURE_FLAGS)
ifneq ($(filter command line environment,$(origin CC)),)
BUILD_ARGS += CC=$(CC)
endif

# The wrapper works relative to the top of the tree.
ifneq ($(abspath $(dir $(lastword $(MAKEFILE_LIST)))),$(CURDIR))
$(error run make in the top directory of gdoi (or use make -C <top>))
endif

AUTOGEN_INPUTS := configure.ac $(wildcard m4/*.m4) \
	$(wildcard Makefile.am */Makefile.am */*/Makefile.am)

# $(call configure-dir,DIR,ARGS): configure DIR when it has no config.status,
# when ./configure is newer, or when ARGS changed (then also clean it, so no
# object built with the old flags survives).
define configure-dir
mkdir -p $(1)
args='$(strip $(2))'
if [ ! -f $(1)/config.status ] || [ configure -nt $(1)/config.status ] ||
   [ "$$(cat $(1)/.configure-args 2>/dev/null)" != "$$args" ]; then
	changed=no
	if [ -f $(1)/Makefile ] && [ "$$(cat $(1)/.configure-args 2>/dev/null)" != "$$args" ]; then
		changed=yes
	fi
	echo "gdoi: configuring $(1): $$args"
	( cd $(1) && eval "../configure $$args" )
	printf '%s\n' "$$args" > $(1)/.configure-args
	if [ $$changed = yes ]; then $(MAKE) -C $(1) clean; fi
fi
endef

.PHONY: all deps install uninstall check dist distcheck test test-check test-asan test-fuzz \
	test-summary demo demo-stop bench clean distclean

# --------------------------------------------------------------------------
all: configure
	$(call configure-dir,build,$(BUILD_ARGS))
	$(MAKE) -C build -j$(JOBS)

configure: $(AUTOGEN_INPUTS)
	if ! command -v autoreconf >/dev/null; then
		echo "gdoi: autoreconf not found: run 'make deps' (as root) first" >&2
		exit 1
	fi
	echo "gdoi: autoreconf -fi"
	autoreconf -fi
	touch configure

install: all
	$(MAKE) -C build install DESTDIR='$(DESTDIR)'

uninstall:
	$(MAKE) -C build uninstall DESTDIR='$(DESTDIR)'

check: all
	$(MAKE) -k -C build -j$(JOBS) check

# Release tarball (build/gdoi-VERSION.tar.gz), and the same checked by
# building and testing it out of tree.
dist distcheck: all
	$(MAKE) -C build -j$(JOBS) $@

# --------------------------------------------------------------------------
deps:
	missing=
	for p in $(DEB_PACKAGES); do
		st=$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null || true)
		[ "$$st" = installed ] || missing="$$missing $$p"
	done
	if [ -z "$$missing" ]; then
		echo "gdoi: deps: all $(words $(DEB_PACKAGES)) packages are installed"
		exit 0
	fi
	echo "gdoi: deps: missing:$$missing"
	if [ "$$(id -u)" -ne 0 ]; then
		echo "gdoi: deps: run 'make deps' as root to install them" >&2
		exit 1
	fi
	case " $$missing " in *" tshark "*)
		# keep tshark's install from asking about non-root captures
		echo 'wireshark-common wireshark-common/install-setuid boolean false' |
			debconf-set-selections ;;
	esac
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

# --------------------------------------------------------------------------
# make demo: a key server and two group members, each in its own network
# namespace around one bridge (lab/netns.sh, prefix "gdoi": gdoi-core,
# gdoi-ks, gdoi-gm1, gdoi-gm2), started as daemons from etc/ks.xml,
# etc/gm1.xml and etc/gm2.xml with the paths those name (/run/gdoi,
# /var/lib/gdoi); logs go to /run/gdoi/<node>.log.  It shows both sides' status once
# both GMs are registered.  Re-runnable: it runs demo-stop first.
# make demo-stop: SIGTERM to the daemons of the pid files, namespaces
# down; does nothing when nothing runs.
# make demo TIMESCALE=1000: every daemon runs protocol time 1000 times
# faster (-T, lab only), so a TEK rekey arrives every ~3.5 s (TEK lifetime
# 3600 s, rekeyed 100 s before expiry) and a KEK rekey every ~86 s; the
# demo then watches GM1 take DEMO_REKEYS TEK rekeys (Rekeys received
# growing, Last rekey seq num advancing; each rekey is sent 3 times) before
# it returns.
TIMESCALE :=
DEMO_NODES := ks=10.99.0.1 gm1=10.99.0.11 gm2=10.99.0.12
DEMO_WAIT := 30
DEMO_REKEYS := 3

demo: deps all
	$(MAKE) --no-print-directory demo-stop
	if [ "$$(id -u)" -ne 0 ]; then
		echo "gdoi: demo: run 'make demo' as root (network namespaces)" >&2
		exit 1
	fi
	echo "gdoi: demo: lab/netns.sh up gdoi $(DEMO_NODES)"
	bash lab/netns.sh up gdoi $(DEMO_NODES)
	mkdir -p /run/gdoi /var/lib/gdoi
	for node in ks gm1 gm2; do
		[ $$node = ks ] && prog=build/ks/gdoi-ks || prog=build/gm/gdoi-gm
		echo "gdoi: demo: $$prog -f etc/$$node.xml in namespace gdoi-$$node"
		if ! GDOI_LAB=$(if $(TIMESCALE),1,) bash lab/netns.sh exec gdoi $$node $(CURDIR)/$$prog \
				-f $(CURDIR)/etc/$$node.xml -l /run/gdoi/$$node.log \
				$(if $(TIMESCALE),-T $(TIMESCALE)); then
			echo "gdoi: demo: $$prog did not start (see /run/gdoi/$$node.log); 'make demo-stop' cleans up" >&2
			exit 1
		fi
	done
	ctl=build/cli/gdoictl
	end=$$(($$(date +%s) + $(DEMO_WAIT)))
	for gm in gm1 gm2; do
		while :; do
			out=$$($$ctl -s /run/gdoi/$$gm.sock -f keyvalue show crypto gdoi 2>/dev/null || true)
			case $$out in *.registration_status=Registered*) break ;; esac
			if [ $$(date +%s) -ge $$end ]; then
				echo "gdoi: demo: $$gm is not registered after $(DEMO_WAIT) s (see /run/gdoi/*.log);" \
					"'make demo-stop' cleans up" >&2
				$$ctl -s /run/gdoi/$$gm.sock show crypto gdoi >&2 || true
				exit 1
			fi
			sleep 0.2
		done
	done
	echo
	echo "==== gdoictl -s /run/gdoi/gm1.sock show crypto gdoi"
	$$ctl -s /run/gdoi/gm1.sock show crypto gdoi
	echo
	echo "==== gdoictl -s /run/gdoi/ks.sock show crypto gdoi"
	$$ctl -s /run/gdoi/ks.sock show crypto gdoi
	echo
	# the same state over SNMP: a private snmpd on 127.0.0.1:16161 and gdoi-snmp
	bash lab/demo-snmp.sh start build $(CURDIR)
	echo
	if [ -n "$(TIMESCALE)" ]; then
		kv() { $$ctl -s /run/gdoi/gm1.sock -f keyvalue show crypto gdoi 2>/dev/null |
			sed -n "s/^group.G1.$$1=//p"; }
		spi=$$(kv tek.0.spi); n=0
		echo "gdoi: demo: watching GM1 for $(DEMO_REKEYS) TEK rekeys (time scale $(TIMESCALE))"
		end=$$(($$(date +%s) + 36000 / $(TIMESCALE) * $(DEMO_REKEYS) / 10 + 20))
		while [ $$n -lt $(DEMO_REKEYS) ] && [ $$(date +%s) -lt $$end ]; do
			sleep 0.2
			[ "$$(kv tek.0.spi)" != "$$spi" ] || continue
			sleep 0.1 # the retransmissions, 10 protocol seconds apart
			spi=$$(kv tek.0.spi); n=$$((n + 1))
			echo "  gm1: TEK spi $$spi, Rekeys received $$(kv rekeys_received)," \
				"Last rekey seq num $$(kv last_rekey_seq)"
		done
		if [ $$n -lt $(DEMO_REKEYS) ]; then
			echo "gdoi: demo: only $$n TEK rekeys arrived (see /run/gdoi/*.log)" >&2
			exit 1
		fi
		echo
	fi
	echo "gdoi: demo: running: gdoi-ks in namespace gdoi-ks (10.99.0.1), gdoi-gm in"
	echo "  gdoi-gm1 (10.99.0.11) and gdoi-gm2 (10.99.0.12); control sockets in /run/gdoi."
	echo "  More: build/cli/gdoictl -s /run/gdoi/gm2.sock -f json show crypto gdoi"
	echo "        ip netns exec gdoi-core tshark -i br0 -d udp.port==848,isakmp"
	echo "        tail /run/gdoi/ks.log /run/gdoi/gm1.log  (the daemons' logs)"
	echo "        bash lab/demo-snmp.sh walk $(CURDIR)   (GDOI-LINUX-MIB over SNMP)"
	echo "  With 'make demo TIMESCALE=1000' a rekey arrives every ~3.5 s: watch"
	echo "  'Rekeys received' and 'Last rekey seq num' grow in gdoictl's output."
	echo "  Stop it with: make demo-stop"

demo-stop:
	bash lab/demo-snmp.sh stop
	for d in gm2 gm1 ks; do
		f=/run/gdoi/$$d.pid
		[ -f $$f ] || continue
		pid=$$(tr -dc 0-9 < $$f)
		st=$$(sed 's/.*) //' /proc/$${pid:-0}/stat 2>/dev/null | cut -d' ' -f1 || true)
		comm=$$(cat /proc/$${pid:-0}/comm 2>/dev/null || true)
		if [ -z "$$pid" ] || [ -z "$$st" ] || [ "$$st" = Z ]; then
			echo "gdoi: demo-stop: $$f: no process $$pid, removing the stale file"
			rm -f $$f
			continue
		fi
		case $$comm in
		gdoi-ks|gdoi-gm) ;;
		*) echo "gdoi: demo-stop: $$f: pid $$pid is $$comm, not a gdoi daemon: left alone" >&2
			continue ;;
		esac
		echo "gdoi: demo-stop: SIGTERM to $$comm (pid $$pid, $$f)"
		kill -TERM $$pid 2>/dev/null || true
		for _ in $$(seq 1 50); do
			st=$$(sed 's/.*) //' /proc/$$pid/stat 2>/dev/null | cut -d' ' -f1 || true)
			[ -n "$$st" ] && [ "$$st" != Z ] || break
			sleep 0.1
		done
		if [ -n "$$st" ] && [ "$$st" != Z ]; then
			echo "gdoi: demo-stop: $$comm (pid $$pid) still runs after 5 s: SIGKILL" >&2
			kill -KILL $$pid 2>/dev/null || true
		fi
		rm -f $$f
	done
	if [ -n "$$(ip netns list 2>/dev/null | grep '^gdoi-' || true)" ]; then
		echo "gdoi: demo-stop: lab/netns.sh down gdoi"
		bash lab/netns.sh down gdoi
	fi

# --------------------------------------------------------------------------
# make bench: lab/bench/run.sh (gdoi-bench-limits, then gdoi-ks with
# gdoi-loadgen in namespaces prefixed "gbench"), about 5 minutes with the
# defaults; writes lab/bench/results/latest.{kv,md,png}.  Speeds and memory
# are reported as ratios against limits measured in the same run, never
# asserted.  BENCH_BUILD=DIR benchmarks an existing build directory
# instead of building build/.
BENCH_BUILD ?= build
BENCH_GMS ?= 1000 10000
BENCH_DH ?= ecp256 modp2048
BENCH_SECONDS ?= 3

bench: deps
	if [ "$(BENCH_BUILD)" = build ]; then $(MAKE) all; fi
	if [ "$$(id -u)" -ne 0 ]; then
		echo "gdoi: bench: run 'make bench' as root (network namespaces)" >&2
		exit 1
	fi
	BENCH_GMS='$(BENCH_GMS)' BENCH_DH='$(BENCH_DH)' BENCH_SECONDS='$(BENCH_SECONDS)' \
		bash lab/bench/run.sh $(BENCH_BUILD)

# --------------------------------------------------------------------------
# make test: each stage runs even when an earlier one failed; the summary
# counts automake's .trs results and fails when anything failed.
test: deps
	echo "gdoi: test stages: check (build/), asan (build-asan/), fuzz (build-fuzz/)"
	rm -rf $(STATUS)
	mkdir -p $(STATUS)
	$(MAKE) test-check || touch $(STATUS)/check.failed
	$(MAKE) test-asan || touch $(STATUS)/asan.failed
	$(MAKE) test-fuzz || touch $(STATUS)/fuzz.failed
	$(test-summary)

# Stage 1: every automake test (unit, fuzz replay, interop, integration).
test-check:
	echo "==== gdoi: stage check: make check in build/"
	find build -name '*.trs' -delete -o -name '*.log' -path '*/tests/*' -delete 2>/dev/null || true
	$(MAKE) all
	$(MAKE) -k -C build -j$(JOBS) check

# Stage 2: unit tests and corpus replay under ASan + UBSan.
test-asan: configure
	echo "==== gdoi: stage asan: unit tests and corpus replay in build-asan/ ($(ASAN_CC))"
	$(call configure-dir,build-asan,CC=$(ASAN_CC) --enable-sanitizers)
	find build-asan -name '*.trs' -delete -o -name '*.log' -path '*/tests/*' -delete
	$(MAKE) -C build-asan -j$(JOBS) CC=$(ASAN_CC)
	export $(ASAN_ENV)
	rc=0
	$(MAKE) -k -C build-asan/tests/unit -j$(JOBS) CC=$(ASAN_CC) check || rc=1
	$(MAKE) -k -C build-asan/tests/fuzz -j$(JOBS) CC=$(ASAN_CC) check || rc=1
	exit $$rc

# Stage 3: each libFuzzer harness for a bounded time on a copy of its seeds.
# One result per harness, written as an automake .trs for the summary.
test-fuzz: configure
	echo "==== gdoi: stage fuzz: libFuzzer harnesses in build-fuzz/ ($(FUZZ_CC), $(FUZZ_SECONDS) s each)"
	$(call configure-dir,build-fuzz,CC=$(FUZZ_CC) --enable-fuzzer --enable-sanitizers)
	out=build-fuzz/tests/fuzz/fuzz-run
	rm -rf $$out
	$(MAKE) -C build-fuzz -j$(JOBS) CC=$(FUZZ_CC)
	mkdir -p $$out
	names=$$($(MAKE) -s --no-print-directory -C build-fuzz/tests/fuzz print-fuzzers)
	export $(ASAN_ENV)
	work=$$(mktemp -d)
	trap 'rm -rf "$$work"' EXIT
	rc=0
	for n in $$names; do
		bin=build-fuzz/tests/fuzz/fuzz_$$n
		seeds=tests/fuzz/corpus/$$n
		log=$$out/fuzz_$$n.log
		result=FAIL
		if [ ! -d "$$seeds" ] || [ -z "$$(find "$$seeds" -type f | head -n 1)" ]; then
			echo "no seed corpus in $$seeds" > "$$log"
		else
			mkdir -p "$$work/$$n"
			cp -R "$$seeds/." "$$work/$$n/"
			if "$$bin" -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
				-artifact_prefix="$$out/$$n-" "$$work/$$n" > "$$log" 2>&1; then
				result=PASS
			fi
		fi
		printf ':test-result: %s\n' "$$result" > "$$out/fuzz_$$n.trs"
		echo "$$result: fuzz_$$n ($$(grep -E '^Done|ERROR' "$$log" | tail -n 1 || true))"
		[ "$$result" = PASS ] || { rc=1; tail -n 30 "$$log"; }
	done
	[ -n "$$names" ] || { echo "gdoi: no fuzz harnesses found" >&2; rc=1; }
	exit $$rc

# The summary: Check's own summary lines from the unit test logs, the
# result of every test (automake .trs files) per stage, then one line
# "gdoi: N passed, N failed, N skipped"; exits non-zero when anything failed.
# A stage whose make failed without a failed test (say, a compile error)
# counts as one failure; with CI=true every SKIP counts as a failure.
define test-summary
pass=0 fail=0 skip=0
# stage  directories holding its .trs files
stages='check:build asan:build-asan/tests fuzz:build-fuzz/tests/fuzz/fuzz-run'
echo
echo "==== Check summaries"
for d in build/tests/unit build-asan/tests/unit; do
	[ -d $$d ] || continue
	find $$d -name '*.log' ! -name test-suite.log | sort |
		xargs -r grep -H -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' || true
done
echo "==== Results"
for s in $$stages; do
	name=$${s%%:*} dir=$${s#*:}
	p=0 f=0 k=0
	while read -r res trs; do
		case $$res in
		PASS|XFAIL) p=$$((p + 1)) ;;
		SKIP) k=$$((k + 1)); echo "SKIP: $${trs%.trs}" ;;
		*) f=$$((f + 1)); echo "$$res: $${trs%.trs}" ;;
		esac
	done < <([ -d $$dir ] && find $$dir -name '*.trs' -exec \
		awk '/^:test-result:/ { print $$2, FILENAME }' {} + || true)
	if [ -e $(STATUS)/$$name.failed ] && [ $$f -eq 0 ]; then
		echo "FAIL: stage $$name failed before reporting a failed test (see its output)"
		f=1
	fi
	echo "stage $$name: $$p passed, $$f failed, $$k skipped"
	pass=$$((pass + p)) fail=$$((fail + f)) skip=$$((skip + k))
done
if [ "$${CI:-}" = true ] && [ $$skip -gt 0 ]; then
	echo "CI=true: counting $$skip skipped test(s) as failed"
	fail=$$((fail + skip)) skip=0
fi
echo "gdoi: $$pass passed, $$fail failed, $$skip skipped"
[ $$fail -eq 0 ]
endef

test-summary:
	$(test-summary)

# --------------------------------------------------------------------------
clean:
	rm -rf build build-asan build-fuzz

distclean: clean
	rm -rf autom4te.cache build-aux aclocal.m4 configure configure~ \
		config.h.in config.h.in~ config.log
	find . -path ./.git -prune -o -name Makefile.in -type f -print0 | xargs -0 -r rm -f
