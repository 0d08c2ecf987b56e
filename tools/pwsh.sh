#!/usr/bin/env bash
# Runs pwsh with Pester 5 on a machine that has only the .NET SDK (.ci/run, slim images): installs the PowerShell
# dotnet tool and Pester from NuGet into .tools/ on first use, then runs pwsh with the given arguments, e.g.
#   tools/pwsh.sh ./build.ps1 -Task Pester
# A pwsh already on PATH with Pester 5.5+ is used as it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
powershell_version=7.6.9
pester_version=5.7.1

pwsh_cmd="$(command -v pwsh || true)"
if [ -n "$pwsh_cmd" ] && "$pwsh_cmd" -NoProfile -NonInteractive -Command \
    'if (Get-Module Pester -ListAvailable | Where-Object Version -ge 5.5) { exit 0 } else { exit 1 }' >/dev/null 2>&1; then
  exec "$pwsh_cmd" "$@"
fi

if [ ! -x "$tools/pwsh/pwsh" ]; then
  echo "Installing PowerShell $powershell_version (dotnet tool) into .tools/pwsh" >&2
  dotnet tool install PowerShell --version "$powershell_version" --tool-path "$tools/pwsh" >&2
fi

modules="$tools/Modules"
if [ ! -f "$modules/Pester/$pester_version/Pester.psd1" ]; then
  echo "Installing Pester $pester_version (NuGet) into .tools/Modules" >&2
  # NuGet's own client fetches the package (the repository's nuget.config names the feed); its tools/ folder is the module.
  download="$(mktemp -d)"
  trap 'rm -rf "$download"' EXIT
  cat >"$download/PesterDownload.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$pester_version]" /></ItemGroup>
</Project>
XML
  cp "$root/nuget.config" "$download/"
  dotnet restore "$download/PesterDownload.csproj" --packages "$download/packages" >&2
  mkdir -p "$modules/Pester"
  rm -rf "$modules/Pester/$pester_version"
  cp -r "$download/packages/pester/$pester_version/tools" "$modules/Pester/$pester_version"
fi

export PSModulePath="$modules${PSModulePath:+:$PSModulePath}"
exec "$tools/pwsh/pwsh" "$@"
