# Mailsub. `make test` installs what it needs and runs every test; `make build` puts the
# NativeAOT executables in bin/.
SHELL := /bin/bash
RID := linux-x64
DOTNET := dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build test format format-check deps controlplane node e2e crds docs bench bench-controller bench-e2e bench-webhook clean run

build: deps
	$(DOTNET) publish src/Mailsub.Cli -c Release -r $(RID) -o bin --nologo -v quiet
	$(DOTNET) publish src/Mailsub.Entrypoint -c Release -r $(RID) -o bin --nologo -v quiet
	@rm -f bin/*.dbg bin/*.pdb
	@# The sizes in bytes, to compare before and after a change ("no larger": src/Mailsub.Postfix/README.md).
	@echo "built bin/mailsub ($$(stat -c %s bin/mailsub) bytes) and bin/mailsub-entrypoint ($$(stat -c %s bin/mailsub-entrypoint) bytes) (NativeAOT)"

# One style for the tree (.editorconfig): whitespace and layout, using order, no unneeded usings
# (IDE0005), var (IDE0007), braces around a body that spans lines (IDE0011). `make format` applies
# it; `make format-check` (the first step of `make test`) fails, naming file and line, on anything
# it would change. About 2.5 min here.
FORMAT_RULES := IDE0005 IDE0007 IDE0011 IDE0065
# Two passes: dotnet format drops fixes that overlap another (a var next to a brace fix) and
# leaves them to the next run (17 of about 300 here).
format:
	$(DOTNET) format Operator.sln --diagnostics $(FORMAT_RULES) --severity info -v q
	$(DOTNET) format Operator.sln --diagnostics $(FORMAT_RULES) --severity info -v q

format-check:
	$(DOTNET) format Operator.sln --diagnostics $(FORMAT_RULES) --severity info --verify-no-changes -v q

deps:
	@hack/deps.sh

# A real kube-apiserver, etcd and kube-controller-manager (Kubernetes 1.20.2, built from Debian's
# source once and cached in ~/.cache/mailsub; minutes the first time, progress on stderr).
controlplane:
	@hack/controlplane/build.sh >/dev/null

# What the one-node cluster of the end-to-end tests adds (hack/node, root): containerd, runc, CNI
# and debootstrap from Debian; kubelet, kube-proxy, kube-scheduler and pause from the same source.
node: controlplane
	@hack/node/deps.sh
	@hack/controlplane/build.sh --node >/dev/null

# The tests run the published NativeAOT binaries, not the JIT builds. Every project, the
# end-to-end tests on the real node included; the style check first, as it is the quickest to fail.
test: format-check build controlplane node
	$(DOTNET) build Operator.sln -c Release --nologo -v quiet
	@echo "smoke run of the SMTP benchmark (make bench runs it in full)"
	MAILSUB_ENTRYPOINT=$(CURDIR)/bin/mailsub-entrypoint $(DOTNET) run -c Release --no-build --project tests/Mailsub.Benchmarks -- smtp --quick
	MAILSUB_BIN=$(CURDIR)/bin MAILSUB_ENTRYPOINT=$(CURDIR)/bin/mailsub-entrypoint hack/test-summary.sh

# Only the end-to-end tests: images from images/*/Dockerfile, a real one-node cluster, the chart
# installed with helm, mail through the Services (hack/node/README.md; about 3 minutes cached).
e2e: build node
	$(DOTNET) build tests/Mailsub.EndToEnd.Tests -c Release --nologo -v quiet
	MAILSUB_BIN=$(CURDIR)/bin hack/test-summary.sh tests/Mailsub.EndToEnd.Tests

# The chart, the operator and the modern sample as pods on the one-node cluster when the machine
# allows it (root, overlayfs, iptables, no other node: hack/node/detect.sh; the node's packages and
# binaries as `make node`), else, saying why, on a local control plane with a local Postfix on
# 127.0.0.1:587/465. MAILSUB_RUN_MODE=node|local chooses. Ctrl-C stops and removes everything.
run: build controlplane
	hack/run.sh

# docs/reference.md and README's reference block from the API types (a test fails when it is stale).
docs:
	$(DOTNET) run --project src/Mailsub.Cli -c Release -- docs > docs/reference.md
	$(DOTNET) run --project src/Mailsub.Cli -c Release -- docs --readme README.md

# render: template render times; smtp: authenticated submissions/s through the rendered samples
# and the seed tutorial's hand-written main.cf on this machine's Postfix (root, ~2 min).
bench: build
	$(DOTNET) run -c Release --project tests/Mailsub.Benchmarks -- render
	$(DOTNET) run -c Release --no-build --project tests/Mailsub.Benchmarks -- smtp

# bin/mailsub run on a local kube-apiserver: 500 MailSubmissions from a cold start against a bare
# apply loop (the floor), idle writes, RSS and startup, each beside its goal (~3 min; BENCH_ARGS=--quick
# for a smoke run, --rounds 3 for alternating rounds, --scale 100,500,2000 for the cost curve).
bench-controller: build controlplane
	$(DOTNET) run -c Release --project tests/Mailsub.Benchmarks -- controller $(BENCH_ARGS)

# The admission webhook against a no-op handler on the same HTTPS server, in one run: p50 and p99
# of each over one keep-alive TLS connection on loopback, and their ratio (~30 s; BENCH_ARGS=--quick).
bench-webhook:
	$(DOTNET) run -c Release --project tests/Mailsub.Benchmarks -- webhook $(BENCH_ARGS)

# The one-node cluster of the end-to-end tests, started and stopped by the run (root; nothing
# left behind): apply -> first message through the ClusterIP (cold, warm), config / user /
# certificate change -> live against plain kubelet ConfigMap propagation, leader failover, and the
# rollout counts with the relay up and down, each beside its goal (~10 min with caches). Holds the
# node lock the end-to-end tests share.
bench-e2e: build node
	$(DOTNET) build tests/Mailsub.Benchmarks -c Release --nologo -v quiet
	flock /tmp/mailsub-node-turn env MAILSUB_BIN=$(CURDIR)/bin $(DOTNET) run -c Release --no-build --project tests/Mailsub.Benchmarks -- e2e

# The chart carries a copy (not a symlink: see charts/mailsub/README.md); a test checks they are equal.
crds:
	$(DOTNET) run --project src/Mailsub.Cli -c Release -- crd > crds/mailsub.dev_mailsubmissions.yaml
	cp crds/mailsub.dev_mailsubmissions.yaml charts/mailsub/crds/

clean:
	rm -rf bin src/*/bin src/*/obj tests/*/bin tests/*/obj
