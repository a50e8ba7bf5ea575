# Mailsub. `make test` installs what it needs and runs every test; `make build` puts the
# NativeAOT executables in bin/.
SHELL := /bin/bash
RID := linux-x64
DOTNET := dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build test deps crds bench clean

build:
	$(DOTNET) publish src/Mailsub.Cli -c Release -r $(RID) -o bin --nologo -v quiet
	@rm -f bin/*.dbg bin/*.pdb
	@echo "built bin/mailsub"

deps:
	@hack/deps.sh

test: deps build
	$(DOTNET) build Operator.sln -c Release --nologo -v quiet
	hack/test-summary.sh

# render: template render times; smtp: authenticated submissions/s through the rendered samples
# and the seed tutorial's hand-written main.cf on this machine's Postfix (root, ~2 min).
bench: build
	$(DOTNET) run -c Release --project tests/Mailsub.Benchmarks -- render
	$(DOTNET) run -c Release --no-build --project tests/Mailsub.Benchmarks -- smtp

crds:
	$(DOTNET) run --project src/Mailsub.Cli -c Release -- crd > crds/mailsub.dev_mailsubmissions.yaml

clean:
	rm -rf bin src/*/bin src/*/obj tests/*/bin tests/*/obj
