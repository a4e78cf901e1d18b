#!/usr/bin/env bash
# Builds or publishes the Azure Functions app (HullPlanhat.Functions); any failure fails the script.
#   eng/build-functions.sh            build (Release)
#   eng/build-functions.sh publish    publish to artifacts/functions/ and zip it as artifacts/functions.zip
#                                     (what `az functionapp deploy --src-path` takes; see docs/deploy.md)
# Overrides (the publish test uses them to publish the build it was built with):
#   FUNCTIONS_OUT=<dir>  where the folder and the zip go (default artifacts)
#   CONFIGURATION=<c>    default Release
#   NO_BUILD=1           publish the existing build of that configuration
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/HullPlanhat.Functions/HullPlanhat.Functions.csproj"
configuration="${CONFIGURATION:-Release}"
out="${FUNCTIONS_OUT:-$root/artifacts}"

case "${1:-build}" in
  build)
    dotnet build "$project" -c "$configuration" --nologo
    ;;
  publish)
    no_build=()
    if [ -n "${NO_BUILD:-}" ]; then no_build=(--no-build); fi
    rm -rf "$out/functions" "$out/functions.zip"
    dotnet publish "$project" -c "$configuration" "${no_build[@]}" --nologo \
      -o "$out/functions" -p:PublishZipPath="$out/functions.zip"
    echo "Published HullPlanhat.Functions to $out/functions and $out/functions.zip"
    ;;
  *)
    echo "usage: eng/build-functions.sh [build|publish]" >&2
    exit 2
    ;;
esac
