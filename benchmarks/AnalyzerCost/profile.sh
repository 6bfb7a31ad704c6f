#!/bin/bash
# CPU samples (Linux perf) of one benchmark run, attributed to the analyzer package whose frame is outermost on the
# stack, and to each AsyncGuard rule. Unlike the driver's telemetry (wall time inside callbacks), a sample is only taken
# while the thread runs, so the ratio holds up on a loaded machine. Needs perf; the JIT writes a perf map.
# usage: profile.sh <AnalyzerCost output dir> <name> <benchmark options…>
#   benchmarks/AnalyzerCost/profile.sh benchmarks/AnalyzerCost/bin/Release/net10.0 gen --sets asyncguard,asyncfixer --files 100 --runs 2
set -e
BIN=$1; NAME=$2; shift 2
HERE=$(dirname "$0")
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0
perf record -F 999 -g -o "$NAME.perf.data" dotnet "$BIN/AnalyzerCost.dll" "$@" > "$NAME.out.txt" 2>&1
perf script -i "$NAME.perf.data" -F ip,sym 2>/dev/null > "$NAME.stacks.txt"
rm -f "$NAME.perf.data"
python3 "$HERE/cpu_share.py" "$NAME.stacks.txt"
