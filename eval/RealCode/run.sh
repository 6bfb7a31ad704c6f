#!/usr/bin/env bash
# Real-code harness: builds pinned open-source repositories with the packed AsyncGuard analyzers injected from
# outside, compares every AsyncGuard diagnostic with the judged snapshot expected.tsv, and (with --fix) applies
# every AsyncGuard fix, rebuilds and reports what the fixes broke. See README.md next to this file.
#
# usage: eval/RealCode/run.sh [--work DIR] [--only NAME[,NAME…]] [--no-pack] [--fix] [--all-tfms]
#   --work DIR   scratch folder outside this repository (default /work/scratch/realcode, or $REALCODE_WORK)
#   --only       run only these repositories (names from repos.tsv); the snapshot is compared for them only
#   --no-pack    reuse the analyzers packed by the previous run
#   --fix        after the analysis build, apply every AsyncGuard fix, rebuild every target framework, report
#                new errors / warnings / AsyncGuard diagnostics, then restore the checkout
#   --all-tfms   analyze every target framework of the projects instead of the one named in repos.tsv
# Exit code: 0 when the snapshot matches, 1 when it is stale (new or vanished rows), 2 when a build failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${REALCODE_WORK:-/work/scratch/realcode}"
ONLY=""; PACK=1; FIX=0; ALLTFMS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2;;
    --only) ONLY=",$2,"; shift 2;;
    --no-pack) PACK=0; shift;;
    --fix) FIX=1; shift;;
    --all-tfms) ALLTFMS=1; shift;;
    -h|--help) sed -n 2,13p "$0"; exit 0;;
    *) echo "unknown argument $1" >&2; exit 64;;
  esac
done
case "$WORK" in "$ROOT"|"$ROOT"/*) echo "--work must be outside this repository" >&2; exit 64;; esac
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$WORK/_pkg" "$WORK/_analyzers" "$WORK/_out"
OUT="$WORK/_out"

# The rule ids, from the analyzers' own table.
RULES=$(grep -o '"AG[0-9]\{4\}"' "$ROOT/src/Analyzers/RuleIds.cs" 2>/dev/null | tr -d '"' | sort -u)
[ -n "$RULES" ] || RULES=$(grep -o 'AG[0-9]\{4\}' "$ROOT/src/Package/README.md" | sort -u)

# 1. Pack the analyzers and take the DLLs from the package, as a user would get them.
if [ $PACK = 1 ] || [ ! -f "$WORK/_analyzers/AsyncGuard.Analyzers.dll" ]; then
  echo "== packing AsyncGuard.Analyzers from $ROOT ($(git -C "$ROOT" rev-parse --short HEAD))"
  rm -f "$WORK/_pkg"/*.nupkg
  dotnet pack "$ROOT/src/Package/AsyncGuard.Analyzers/AsyncGuard.Analyzers.Package.csproj" -c Release \
    -o "$WORK/_pkg" > "$OUT/pack.log" 2>&1 || { echo "pack failed, see $OUT/pack.log"; exit 2; }
  rm -rf "$WORK/_analyzers"; mkdir -p "$WORK/_analyzers"
  (cd "$WORK/_analyzers" && unzip -q -j -o "$WORK"/_pkg/AsyncGuard.Analyzers.*.nupkg 'analyzers/dotnet/cs/*.dll')
fi
AGCOMMIT=$(git -C "$ROOT" rev-parse --short HEAD)

# 2. The injected targets: AsyncGuard's analyzers (and fixers, for dotnet format), every rule as a warning,
#    the list of compiled files (to count the lines built). Nothing of the repositories is edited.
cat > "$WORK/_analyzers/asyncguard.globalconfig" <<EOF
is_global = true
global_level = 1000
$(for r in $RULES; do echo "dotnet_diagnostic.$r.severity = warning"; done)
EOF
cat > "$WORK/_analyzers/AsyncGuard.Inject.targets" <<EOF
<Project>
  <ItemGroup>
    <Analyzer Include="$WORK/_analyzers/AsyncGuard.Analyzers.dll" />
    <Analyzer Include="$WORK/_analyzers/AsyncGuard.CodeFixes.dll" />
    <GlobalAnalyzerConfigFiles Include="$WORK/_analyzers/asyncguard.globalconfig" />
    <!-- Build-infrastructure packages the mirror does not serve, named per repository in repos.tsv. -->
    <_AsyncGuardRemovePackage Include="\$(AsyncGuardRemovePackages.Split('|'))" Condition="'\$(AsyncGuardRemovePackages)' != ''" />
    <PackageReference Remove="@(_AsyncGuardRemovePackage)" />
  </ItemGroup>
  <Target Name="_AsyncGuardListCompiled" AfterTargets="CoreCompile" Condition="'\$(AsyncGuardCompiledList)' != ''">
    <WriteLinesToFile File="\$(AsyncGuardCompiledList).\$(MSBuildProjectName).\$(TargetFramework)" Lines="@(Compile->'%(FullPath)')" Overwrite="true" />
  </Target>
</Project>
EOF
INJECT="$WORK/_analyzers/AsyncGuard.Inject.targets"
# Restore from nuget.org only (the mirror here), whatever feeds and source mappings their nuget.config lists.
cat > "$WORK/_analyzers/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
  <packageSourceMapping><clear /></packageSourceMapping>
</configuration>
EOF
# Their own warnings must not stop the build; their analyzers stay (source generators are analyzers too) but the
# .NET SDK analyzers and code-style enforcement are switched off to save time. AsyncGuard's rules are unaffected.
BUILDPROPS=(-p:CustomAfterMicrosoftCommonTargets="$INJECT" -p:TreatWarningsAsErrors=false -p:WarningsAsErrors=
  -p:CodeAnalysisTreatWarningsAsErrors=false -p:MSBuildTreatWarningsAsErrors=false -p:EnforceCodeStyleInBuild=false
  -p:EnableNETAnalyzers=false -p:RunAnalyzersDuringBuild=true -p:GenerateDocumentationFile=false
  -p:ContinuousIntegrationBuild=false -p:RestoreConfigFile="$WORK/_analyzers/nuget.config"
  -p:NuGetAudit=false -p:SignAssembly=false -p:UseSharedCompilation=false -nodeReuse:false)

# Build: $1 = repo dir, $2 = log file, $3 = tfm ('' = all), rest = projects. Returns the build's status.
build() {
  local dir="$1" log="$2" tfm="$3" extra="$4"; shift 4
  local rc=0 p list
  : > "$log"
  for p in "$@"; do
    list="$OUT/compiled.$(basename "$dir").txt"
    local fargs=(); [ -n "$tfm" ] && fargs=(-f "$tfm")
    (cd "$dir" && dotnet build "$p" -c Release --no-incremental "${fargs[@]}" "${BUILDPROPS[@]}" $extra \
      -p:AsyncGuardCompiledList="$list" \
      -clp:NoSummary -v:m) >> "$log" 2>&1 || rc=1
  done
  return $rc
}

# Diagnostics of a log as TSV: file(relative) line col code message, de-duplicated across target frameworks.
diags() { # $1 log, $2 repo dir, $3 code regex
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" |
  grep -E ": (warning|error) ($3)[0-9A-Za-z]*:" |
  sed -E 's#^ *(.*)\(([0-9]+),([0-9]+)(,[0-9]+,[0-9]+)?\): (warning|error) ([A-Za-z]+[0-9]+): (.*) \[[^]]*\]$#\1\t\2\t\3\t\6\t\7#' |
  awk -F'\t' -v root="$2/" 'NF==5 { f=$1; if (index(f, root)==1) f=substr(f, length(root)+1); print f"\t"$2"\t"$3"\t"$4"\t"$5 }' |
  sort -u -t$'\t' -k1,1 -k2,2n -k4,4 | sort -u -t$'\t' -k1,1 -k2,2 -k4,4
}

FOUND="$OUT/found.tsv"; : > "$FOUND"
STATUS=0; RAN=""
SUMMARY="$OUT/summary.txt"; : > "$SUMMARY"
while IFS=$'\t' read -r name gh commit kind tfm projects extra why; do
  case "$name" in ''|'#'*) continue;; esac
  [ -n "$ONLY" ] && [[ "$ONLY" != *",$name,"* ]] && continue
  RAN="$RAN $name"
  [ "$extra" = "-" ] && extra=""
  [ "$tfm" = "*" ] && tfm=""
  [ $ALLTFMS = 1 ] && tfm=""
  dir="$WORK/$name"
  echo "== $name ($gh @ ${commit:0:10}) ${tfm:-all tfms}"
  if [ ! -d "$dir/.git" ] && [ ! -f "$dir/.git" ]; then
    mirror="/work/.mirror/${gh/\//+}/repo"
    if [ ! -d "$mirror" ]; then
      echo "   no mirror at $mirror: bring it first with the search tool's fetch verb (source github:$gh)"; STATUS=2; continue
    fi
    git clone -q --no-checkout "$mirror" "$dir" || { STATUS=2; continue; }
  fi
  if ! git -C "$dir" checkout -q -f "$commit" 2> "$OUT/$name.checkout.log"; then
    # Some snapshots lack large blobs (documents, binaries): leave exactly those files out (sparse checkout).
    ok=0
    for attempt in 1 2 3 4 5 6; do
      missing=$(grep -o "for '[^']*'" "$OUT/$name.checkout.log" | sed "s/^for '//; s/'\$//" | sort -u)
      [ -n "$missing" ] || break
      { echo '/*'; cat "$dir/.git/info/sparse-checkout" 2>/dev/null | grep '^!'; sed 's#^#!/#' <<< "$missing"; } | sort -u > "$OUT/$name.sparse"
      git -C "$dir" sparse-checkout set --no-cone --stdin < "$OUT/$name.sparse" 2>> "$OUT/$name.checkout.log"
      if git -C "$dir" checkout -q -f "$commit" 2> "$OUT/$name.checkout.log"; then ok=1; break; fi
    done
    [ $ok = 1 ] || { echo "   cannot check out $commit (see $OUT/$name.checkout.log)"; STATUS=2; continue; }
    echo "   left out of the checkout (blobs missing from the snapshot): $(grep -c '^!' "$OUT/$name.sparse") file(s)"
  fi
  git -C "$dir" clean -fdq
  # A global.json pinning an SDK that is not installed: moved aside in the scratch copy (restored at the end).
  if [ -f "$dir/global.json" ] && ! (cd "$dir" && dotnet --version > /dev/null 2>&1); then
    echo "   global.json pins an SDK not installed here: moved aside in the scratch copy"
    mv "$dir/global.json" "$dir/global.json.realcode-aside"
  fi
  IFS=';' read -r -a projs <<< "$projects"
  rm -f "$OUT/compiled.$name.txt".*
  t0=$(date +%s)
  build "$dir" "$OUT/$name.build.log" "$tfm" "$extra" "${projs[@]}"; brc=$?
  t1=$(date +%s)
  nerr=$(sed -E 's/\x1b\[[0-9;]*m//g' "$OUT/$name.build.log" | grep -cE ': error [A-Z]+[0-9]+:' )
  lines=$(cat "$OUT/compiled.$name.txt".* 2>/dev/null | sort -u | grep "^$dir/" | grep -v '/obj/' | tr '\n' '\0' | xargs -0 cat 2>/dev/null | wc -l)
  diags "$OUT/$name.build.log" "$dir" AG > "$OUT/$name.ag.tsv"
  nag=$(wc -l < "$OUT/$name.ag.tsv")
  awk -F'\t' -v r="$name" '{print r"\t"$1"\t"$2"\t"$4"\t"$5}' "$OUT/$name.ag.tsv" >> "$FOUND"
  echo "   build rc=$brc errors=$nerr time=$((t1-t0))s lines(own .cs compiled)=$lines AsyncGuard=$nag"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${commit:0:10}" "$lines" "$((t1-t0))" "$nag" "$brc" >> "$SUMMARY"
  [ $brc = 0 ] || { echo "   build failed: see $OUT/$name.build.log"; STATUS=2; }

  if [ $FIX = 1 ] && [ $brc = 0 ]; then
    # Warnings before (all codes), keyed without line numbers since fixes move lines.
    build "$dir" "$OUT/$name.before-all.log" "" "$extra" "${projs[@]}"; b2=$?
    export CustomAfterMicrosoftCommonTargets="$INJECT"   # makes the analyzers visible to dotnet format's workspace
    for p in "${projs[@]}"; do
      (cd "$dir" && dotnet format analyzers "$p" --diagnostics $RULES --severity info -v:q) >> "$OUT/$name.format.log" 2>&1
    done
    unset CustomAfterMicrosoftCommonTargets
    git -C "$dir" diff > "$OUT/$name.fix.diff"
    nfiles=$(git -C "$dir" diff --name-only | wc -l)
    build "$dir" "$OUT/$name.after.log" "" "$extra" "${projs[@]}"; arc=$?
    key() { diags "$1" "$dir" '[A-Z]+' | awk -F'\t' '{print $1"\t"$4"\t"$5}' | sort; }
    key "$OUT/$name.before-all.log" > "$OUT/$name.before.keys"
    key "$OUT/$name.after.log" > "$OUT/$name.after.keys"
    comm -13 "$OUT/$name.before.keys" "$OUT/$name.after.keys" > "$OUT/$name.fix-new.tsv"
    # Errors keyed without line/column (fixes move lines); errors the baseline already had are not counted.
    errkeys() { sed -E 's/\x1b\[[0-9;]*m//g' "$1" | grep -E ': error [A-Z]+[0-9]+:' | sed -E 's/\([0-9,]+\): error/: error/' | sort -u; }
    errkeys "$OUT/$name.before-all.log" > "$OUT/$name.before.errors"
    errkeys "$OUT/$name.after.log" > "$OUT/$name.after.errors"
    comm -13 "$OUT/$name.before.errors" "$OUT/$name.after.errors" > "$OUT/$name.fix-new-errors.txt"
    nerr2=$(wc -l < "$OUT/$name.fix-new-errors.txt"); nerr0=$(wc -l < "$OUT/$name.before.errors")
    nwarn=$(grep -vc $'\t''AG[0-9]*'$'\t' "$OUT/$name.fix-new.tsv")
    nag2=$(grep -c $'\t''AG[0-9]*'$'\t' "$OUT/$name.fix-new.tsv")
    echo "   --fix: files changed=$nfiles (diff: $OUT/$name.fix.diff) baseline(all tfms) rc=$b2 rebuild rc=$arc"
    echo "          new errors=$nerr2 (baseline already had $nerr0), new warnings=$nwarn, new AsyncGuard=$nag2 (list: $OUT/$name.fix-new.tsv)"
    grep -v $'\t''AG[0-9]*'$'\t' "$OUT/$name.fix-new.tsv" | head -20 | sed 's/^/          new: /'
    head -20 "$OUT/$name.fix-new-errors.txt" | sed 's/^/          new error: /'
    git -C "$dir" checkout -q -f "$commit" && git -C "$dir" clean -fdq
  fi
  [ -f "$dir/global.json.realcode-aside" ] && mv "$dir/global.json.realcode-aside" "$dir/global.json"
done < "$HERE/repos.tsv"

# 3. Compare with the snapshot (only for the repositories run).
EXP="$HERE/expected.tsv"
[ -f "$EXP" ] || printf 'repo\tfile\tline\trule\tverdict\twhy\n' > "$EXP"
export RAN
awk -F'\t' -v ran=" $RAN " -v out="$OUT" '
  FNR==1 && FILENAME!="-" && $1=="repo" { next }
  FILENAME==ARGV[1] { if (index(ran, " "$1" ")==0) next; k=$1"\t"$2"\t"$3"\t"$4; ex[k]=$5; why[k]=$6; next }
  { k=$1"\t"$2"\t"$3"\t"$4; m=$5; sub(/ \(https:[^)]*\)$/, "", m); found[k]=m }
  END {
    stale=0
    for (k in found) if (!(k in ex)) { if (!stale++) print "\n== NEW diagnostics (not in expected.tsv; judge them and add rows):"; print "NEW\t" k "\t" found[k] }
    g=0
    for (k in ex) if (!(k in found)) { if (!g++) print "\n== GONE (in expected.tsv, not reported any more):"; print "GONE\t" k "\t" ex[k] "\t" why[k]; stale++ }
    for (k in ex) if (k in found) { split(k, a, "\t"); r=a[4]; n[r]++; all++; v=ex[k]
      if (v=="TP") tp[r]++; else if (v=="TP-low") tl[r]++; else if (v=="FP") fp[r]++; else un[r]++ }
    printf "\n== precision over %d matched rows ((TP+TP-low)/all)\nrule\tfindings\tTP\tTP-low\tFP\tprecision\n", all
    m=0; for (r in n) rs[++m]=r
    for (i=2; i<=m; i++) { x=rs[i]; j=i-1; while (j>0 && rs[j]>x) { rs[j+1]=rs[j]; j-- } rs[j+1]=x }
    for (i=1; i<=m; i++) { r=rs[i]; T+=tp[r]; L+=tl[r]; F+=fp[r]
      printf "%s\t%d\t%d\t%d\t%d\t%.0f%%\n", r, n[r], tp[r], tl[r], fp[r], 100*(tp[r]+tl[r])/n[r] }
    if (all) printf "all\t%d\t%d\t%d\t%d\t%.0f%%\n", all, T, L, F, 100*(T+L)/all
    if (stale) { print "\nsnapshot STALE: " stale " row(s) differ"; exit 1 }
    print "\nsnapshot up to date"
  }' "$EXP" "$FOUND"
CMP=$?
echo; echo "AsyncGuard $AGCOMMIT; per repo (name commit lines seconds findings build-rc):"; cat "$SUMMARY"
echo "all findings with messages: $FOUND"
[ $STATUS != 0 ] && exit $STATUS
exit $CMP
