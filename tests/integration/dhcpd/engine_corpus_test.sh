#!/usr/bin/env bash
# The engine over the shared dhcpd.conf corpus (../shared/conf-corpus beside the repository):
# standard PXE, iPXE, INFORM and BOOTP requests on every subnet of every configuration that
# loads; no crash, every reply encodes in 576 bytes, offers inside declared subnets.
#   engine_corpus_test.sh ENGINE_CORPUS REPO_ROOT     (exit 77 when the corpus is absent)
set -euo pipefail
tool=$1
corpus=$2/../shared/conf-corpus
if [ ! -d "$corpus" ]; then
  echo "SKIP: no conf corpus at $corpus (the shared directory is not checked out beside the repo)"
  exit 77
fi
cd "$corpus/real"
timeout 100 "$tool" ./*.conf
