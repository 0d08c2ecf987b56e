#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5' }
# Issue #11, step 6: the module's own types resolve as type literals (its assemblies load in the default context),
# while its third-party assemblies stay isolated in its private load context, whatever other modules load. Load
# contexts are per process, so each "another module" case runs in a fresh pwsh.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $manifest = Get-BuiltModulePath
    Import-Module $manifest -Force
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $samples = Join-Path $repo 'samples' 'claude'
    $thirdParty = 'Octokit', 'CsvHelper', 'Markdig'

    # Loads a decoy CsvHelper before or after the module, measures and exports a sample session (CsvHelper writes
    # analytics.csv), and prints what the test checks as key=value lines.
    function Invoke-WithOtherCsvHelper([version] $Version, [ValidateSet('Before', 'After')] [string] $When) {
        $decoy = New-DecoyAssembly -Name CsvHelper -Version $Version -Path (Join-Path $TestDrive "decoy-$Version-$When" 'CsvHelper.dll')
        $out = Join-Path $TestDrive "out-$Version-$When"
        $loadDecoy = "Add-Type -LiteralPath '$decoy'"
        $lines = Invoke-FreshPwsh -WorkingDirectory $repo -Script @"
`$ErrorActionPreference = 'Stop'
$(if ($When -eq 'Before') { $loadDecoy })
Import-Module '$manifest'
$(if ($When -eq 'After') { $loadDecoy })
`$all = @(Get-ClaudeSession -Path '$samples' -Verbose 4>&1)
`$all | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] -and `$_.Message -like '*type accelerators*' } | ForEach-Object { "note=`$(`$_.Message)" }
`$stats = @(`$all | Where-Object { `$_ -isnot [System.Management.Automation.VerboseRecord] } | ConvertTo-SessionStats)
`$stats | Export-SessionAnalytics -OutputDirectory '$out' -Format Csv
"rows=`$(@(Import-Csv '$out/analytics.csv').Count)"
"literal=`$(`$stats[0] -is [SessionAnalytics.Core.Stats.SessionStats])"
"engine=`$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$stats[0].GetType().Assembly).Name)"
"decoy=`$([CsvHelper.DecoyMarker]::Value)"
foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'CsvHelper' }) {
    "csvhelper=`$(`$a.GetName().Version) `$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name)"
}
"@
        [pscustomobject]@{
            Lines      = $lines
            Rows       = [int](($lines -match '^rows=') -replace '^rows=' | Select-Object -First 1)
            Literal    = (($lines -match '^literal=') -replace '^literal=') -eq 'True'
            Engine     = ($lines -match '^engine=') -replace '^engine='
            Decoy      = ($lines -match '^decoy=') -replace '^decoy='
            CsvHelpers = @(($lines -match '^csvhelper=') -replace '^csvhelper=' | Sort-Object)
            Note       = ($lines -match '^note=') -replace '^note='
        }
    }
}

Describe 'Type literals' {
    BeforeAll {
        $sessions = @(Get-ClaudeSession -Path $samples)
        $stats = @($sessions | ConvertTo-SessionStats)
    }

    It 'resolve for the output types, and -is, casts and Should -BeOfType work' {
        $stats[0] | Should -BeOfType [SessionAnalytics.Core.Stats.SessionStats]
        $sessions[0] | Should -BeOfType ([SessionAnalytics.Core.Transcripts.ClaudeSession])
        $stats[0] -is [SessionAnalytics.Core.Stats.SessionStats] | Should -BeTrue
        ([SessionAnalytics.Core.Stats.SessionStats]@{ SessionId = 'abc' }).SessionIdShort | Should -Be 'abc'
    }

    It 'work as the types of script parameters' {
        function Get-Cost([Parameter(ValueFromPipeline)] [SessionAnalytics.Core.Stats.SessionStats] $Stats) { process { $Stats.EstimatedCostUsd } }
        $stats | Get-Cost | Should -Be $stats.EstimatedCostUsd
        { Get-Cost -Stats (Get-Date) } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,Get-Cost'
    }

    It 'come from the module''s own assembly in the default load context; the third-party assemblies are private' {
        $engine = [SessionAnalytics.Core.Stats.SessionStats].Assembly
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'Default'
        $engine.Location | Should -Be (Join-Path (Get-Module SessionAnalytics).ModuleBase 'SessionAnalytics.Core.dll')
        foreach ($name in $thirdParty) {
            $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name })
            $loaded | Should -HaveCount 1 -Because "$name is bound at import, once"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loaded[0]).Name | Should -Be 'SessionAnalytics' -Because "$name is isolated"
            $loaded[0].Location | Should -BeLike (Join-Path (Get-Module SessionAnalytics).ModuleBase 'dependencies' '*')
        }
    }

    It 'survive Remove-Module and Import-Module in the same session' {
        Remove-Module SessionAnalytics
        Import-Module $manifest
        (Get-ClaudeSession -Path $samples | ConvertTo-SessionStats)[0] | Should -BeOfType [SessionAnalytics.Core.Stats.SessionStats]
    }
}

Describe 'Isolation from another module''s copy of a dependency' {
    It 'a CsvHelper <Version> loaded <When> the module: <Outcome>' -ForEach @(
        @{ Version = '99.0.0.0'; When = 'After'; Outcome = 'both copies live side by side'; Engine = 'Default'
            CsvHelpers = @('34.0.0.0 SessionAnalytics', '99.0.0.0 Default') }
        @{ Version = '1.0.0.0'; When = 'Before'; Outcome = 'the older copy is passed over'; Engine = 'Default'
            CsvHelpers = @('1.0.0.0 Default', '34.0.0.0 SessionAnalytics') }
        @{ Version = '99.0.0.0'; When = 'Before'; Outcome = 'the engine moves to the private context, literals still resolve'; Engine = 'SessionAnalytics'
            CsvHelpers = @('34.0.0.0 SessionAnalytics', '99.0.0.0 Default') }
    ) {
        $r = Invoke-WithOtherCsvHelper -Version $Version -When $When
        $r.Rows | Should -Be 3 -Because 'our CsvHelper wrote analytics.csv'
        $r.Decoy | Should -Be '42' -Because 'the other module''s CsvHelper works'
        $r.CsvHelpers | Should -Be $CsvHelpers
        $r.Engine | Should -Be $Engine
        $r.Literal | Should -BeTrue -Because 'the engine''s types resolve (through type accelerators when it is private)'
        if ($Engine -eq 'SessionAnalytics') { $r.Note | Should -Match 'CsvHelper 99\.0\.0\.0' } else { $r.Note | Should -BeNullOrEmpty }
    }
}
