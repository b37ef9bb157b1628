#!/usr/bin/env bash
# Packaging check, run by CI after the tests: packs Sharpformer, Sharpformer.Onnx and the Sharpformer.Cli tool into a
# temporary feed, checks what the packages hold, installs the tool from the feed and runs it (--help, a tiny train and
# translate), then builds and runs a consumer program that takes the library package from that feed only.
# Each run packs a unique pre-release version, so no copy cached by NuGet from an earlier run can stand in for it.
# Usage: tools/packaging/smoke.sh            Exit code: 0 when every check passed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
version="$base-ci.$(date +%s)"
feed="$tmp/feed"
fail() { echo "packaging: FAILED: $*" >&2; exit 1; }

for project in Sharpformer Sharpformer.Onnx Sharpformer.Cli; do
    dotnet pack "$repo/src/$project" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet >&2 || fail "dotnet pack src/$project"
done
for package in Sharpformer Sharpformer.Onnx Sharpformer.Cli; do
    [ -f "$feed/$package.$version.nupkg" ] || fail "$package.$version.nupkg missing"
    [ -f "$feed/$package.$version.snupkg" ] || fail "$package.$version.snupkg (symbols) missing"
    listing=$(unzip -l "$feed/$package.$version.nupkg")
    for entry in README.md LICENSE; do grep -q " $entry\$" <<<"$listing" || fail "$package has no $entry"; done
    echo "packaging: $package $version: $(du -k "$feed/$package.$version.nupkg" | cut -f1) KB" >&2
done
library=$(unzip -l "$feed/Sharpformer.$version.nupkg")
for entry in lib/net10.0/Sharpformer.Core.dll lib/net10.0/Sharpformer.Core.xml licenses/cmudict/LICENSE; do
    grep -q " $entry\$" <<<"$library" || fail "Sharpformer has no $entry"
done
if grep -qi "onnxruntime" <<<"$library"; then fail "the library package must not carry ONNX Runtime"; fi

dotnet tool install Sharpformer.Cli --version "$version" --tool-path "$tmp/tools" --add-source "$feed" >&2 || fail "dotnet tool install"
"$tmp/tools/sharpformer" --help | grep -q "export-onnx" || fail "sharpformer --help does not list export-onnx"
"$tmp/tools/sharpformer" train --task reverse --preset tiny --steps 5 --eval-every 5 --train-size 100 --out "$tmp/run" >&2 || fail "sharpformer train"
translated=$(echo "1 2 3" | "$tmp/tools/sharpformer" translate --model "$tmp/run") || fail "sharpformer translate"
[ -n "$translated" ] || fail "sharpformer translate printed nothing"

# Each sample, built as a consumer of the Sharpformer package from the feed (its dependencies from nuget.org).
consumer() { # consumer SAMPLE [SDK]: builds samples/SAMPLE/Program.cs against the package into $tmp/SAMPLE
    local dir="$tmp/$1" sdk="${2:-Microsoft.NET.Sdk}"
    mkdir -p "$dir"
    cat >"$dir/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="feed" value="$feed" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
  <packageSourceMapping>
    <packageSource key="feed"><package pattern="Sharpformer" /><package pattern="Sharpformer.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
    cat >"$dir/Consumer.csproj" <<XML
<Project Sdk="$sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="Sharpformer" Version="$version" /></ItemGroup>
</Project>
XML
    cp "$repo/samples/$1/Program.cs" "$dir/Program.cs"
    dotnet build "$dir" -c Release --nologo -v quiet >&2 || fail "samples/$1 as a consumer of the Sharpformer package does not build"
}
consumer BatchedTranslation
out=$(echo "4 5 6" | dotnet "$tmp/BatchedTranslation/bin/Release/net10.0/Consumer.dll" "$tmp/run" 1) || fail "the BatchedTranslation consumer failed"
grep -q "batch of" <<<"$out" || fail "the BatchedTranslation consumer did not translate: $out"
consumer TrainAndTranslate
printf '1 2 3\t3 2 1\n4 5\t5 4\n6 7 8 9\t9 8 7 6\n' >"$tmp/pairs.tsv"
out=$(dotnet "$tmp/TrainAndTranslate/bin/Release/net10.0/Consumer.dll" "$tmp/pairs.tsv" "$tmp/pairs.tsv" "$tmp/sample-run" 20) || fail "the TrainAndTranslate consumer failed"
grep -q "trained 20 steps" <<<"$out" || fail "the TrainAndTranslate consumer did not train: $out"
consumer AspNetEndpoint Microsoft.NET.Sdk.Web
port=$(( 20000 + RANDOM % 20000 ))
dotnet "$tmp/AspNetEndpoint/bin/Release/net10.0/Consumer.dll" "$tmp/run" --urls "http://127.0.0.1:$port" >"$tmp/endpoint.log" 2>&1 &
endpoint=$!
out=""
for _ in $(seq 1 60); do
    out=$(curl -s -X POST "http://127.0.0.1:$port/translate" -H 'content-type: application/json' -d '{"text": "1 2 3"}' 2>/dev/null) && [ -n "$out" ] && break
    sleep 0.5
done
kill "$endpoint" 2>/dev/null; wait "$endpoint" 2>/dev/null
grep -q '"translation"' <<<"$out" || fail "the AspNetEndpoint consumer did not translate: $out $(tail -n 3 "$tmp/endpoint.log")"
echo "packaging: packages, tool and the samples as package consumers OK ($version)"
