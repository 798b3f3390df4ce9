#!/usr/bin/env bash
# Builds the native load tool and the native reference redirect server into ./bin (gcc only).
set -euo pipefail
cd "$(dirname "$0")"; mkdir -p bin
gcc -O2 -o bin/connflood connflood.c
gcc -O2 -o bin/redirsrv redirsrv.c
