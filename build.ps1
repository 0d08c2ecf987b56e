#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages the SessionAnalytics module.

.DESCRIPTION
    Build   dotnet build: assembles the module folder out/SessionAnalytics (manifest, assemblies, views, help).
    Test    Build, then dotnet test (xunit), then Pester.
    Pester  The Pester 5 suite in tests/Pester against the built module (Build first when it is missing).
    Package Build, then a .nupkg of out/SessionAnalytics in -PackageDirectory (a local PSResourceGet
            repository), or a .zip when Microsoft.PowerShell.PSResourceGet is not installed.
    All     Build, Test, Package.

    Everything also works with plain dotnet (dotnet build, dotnet test); this script adds Pester and packaging.
    Without Pester 5 the Pester step is skipped with a warning, except in CI (CI=true), where it fails.

.EXAMPLE
    ./build.ps1 -Task Test

.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'All')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Where packages go; it doubles as a local repository: Install-PSResource SessionAnalytics -Repository <name>.
    [string] $PackageDirectory = (Join-Path $PSScriptRoot 'artifacts' 'packages'),

    [string] $TestResultsDirectory = (Join-Path $PSScriptRoot 'TestResults')
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$ModuleName = 'SessionAnalytics'
$ModuleDirectory = Join-Path $PSScriptRoot 'out' $ModuleName
$ManifestPath = Join-Path $ModuleDirectory "$ModuleName.psd1"
$Solution = Join-Path $PSScriptRoot 'SessionAnalytics.sln'
$script:Built = $false

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    if ($script:Built) { return }
    Invoke-Dotnet -Arguments @('build', $Solution, '--configuration', $Configuration, '--nologo')
    if (-not (Test-Path -LiteralPath $ManifestPath)) { throw "The build did not assemble $ManifestPath." }
    $script:Built = $true
}

function Invoke-UnitTest {
    Invoke-Build
    Invoke-Dotnet -Arguments @('test', $Solution, '--configuration', $Configuration, '--no-build', '--nologo',
        '--logger', 'trx', '--results-directory', $TestResultsDirectory)
}

function Invoke-PesterSuite {
    if (-not (Test-Path -LiteralPath $ManifestPath)) { Invoke-Build }
    $pester = Get-Module -Name Pester -ListAvailable | Where-Object Version -GE ([version]'5.5.0') |
        Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        $message = 'Pester 5.5 or later is not installed (Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser).'
        if ($env:CI -eq 'true') { throw "$message CI runs the Pester suite, so this is a failure." }
        Write-Warning "$message The Pester tests are skipped."
        return
    }
    Import-Module $pester -Force

    $null = New-Item -ItemType Directory -Force -Path $TestResultsDirectory
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = Join-Path $PSScriptRoot 'tests' 'Pester'
    $configuration.Run.PassThru = $true
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Detailed'
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'NUnitXml'
    $configuration.TestResult.OutputPath = Join-Path $TestResultsDirectory 'pester.xml'

    # Tests run as a user's session would: without this script's strict mode.
    Set-StrictMode -Off
    # The tests import the built module from here (tests/Pester/*.Tests.ps1 read SESSIONANALYTICS_MODULE).
    $previous = $env:SESSIONANALYTICS_MODULE
    $env:SESSIONANALYTICS_MODULE = $ManifestPath
    try {
        $result = Invoke-Pester -Configuration $configuration
    }
    finally {
        $env:SESSIONANALYTICS_MODULE = $previous
    }
    if ($result.Result -ne 'Passed') {
        throw "Pester: $($result.FailedCount) failed, $($result.PassedCount) passed (result: $($result.Result))."
    }
}

function Invoke-Package {
    Invoke-Build
    $null = New-Item -ItemType Directory -Force -Path $PackageDirectory
    $version = (Import-PowerShellDataFile -LiteralPath $ManifestPath).ModuleVersion
    $resourceGet = Get-Module -Name Microsoft.PowerShell.PSResourceGet -ListAvailable | Select-Object -First 1
    if (-not $resourceGet) {
        $zip = Join-Path $PackageDirectory "$ModuleName.$version.zip"
        Compress-Archive -Path $ModuleDirectory -DestinationPath $zip -Force
        Write-Host "Packaged $zip (PSResourceGet is not installed, so a zip instead of a .nupkg)."
        return
    }
    Import-Module $resourceGet

    # Publish-PSResource packs a folder named like the module; a temporary repository points at the package folder.
    $repository = "SessionAnalyticsLocal-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Register-PSResourceRepository -Name $repository -Uri (Resolve-Path -LiteralPath $PackageDirectory).ProviderPath -Trusted
    try {
        $existing = Join-Path $PackageDirectory "$ModuleName.$version.nupkg"
        if (Test-Path -LiteralPath $existing) { Remove-Item -LiteralPath $existing }
        Publish-PSResource -Path $ModuleDirectory -Repository $repository
        Write-Host "Packaged $existing"
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
}

$steps = if ($Task -contains 'All') { @('Build', 'Test', 'Package') } else { $Task }
foreach ($step in $steps) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' { Invoke-UnitTest; Invoke-PesterSuite }
        'Pester' { Invoke-PesterSuite }
        'Package' { Invoke-Package }
    }
}
