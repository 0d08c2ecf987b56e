# Extraction across repositories and the Parquet export in a real shell: PowerShell's wildcard rules on -Repository,
# pipeline input, -Organization, and -WhatIf writing (and deleting) nothing. The GitHub side is the tests' fake GitHub,
# hosted by the organisation benchmark's --serve mode (a small organisation acme: service-00..service-03, website).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BuiltModulePath) -Force
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $hostDll = Join-Path $repoRoot 'benchmarks' 'OrganizationBenchmark' 'bin' 'Debug' 'net10.0' 'OrganizationBenchmark.dll'
    if (-not (Test-Path $hostDll)) {
        # dotnet test builds only the test projects and what they reference, so a fresh clone has no host yet.
        $project = Join-Path $repoRoot 'benchmarks' 'OrganizationBenchmark' 'OrganizationBenchmark.csproj'
        $buildOutput = & dotnet build $project --configuration Debug --nologo 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $hostDll)) {
            throw "Could not build the fake GitHub host ($project):`n$($buildOutput -join [Environment]::NewLine)"
        }
    }
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $hostDll, '--serve', '--repos', '4', '--prs', '3') { $start.ArgumentList.Add($a) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $fake = [System.Diagnostics.Process]::Start($start)
    $info = $fake.StandardOutput.ReadLine() | ConvertFrom-Json
    $common = @{ From = '2026-01-01'; To = '2026-03-31'; ApiUrl = $info.url; Token = $info.token }
}

AfterAll {
    if ($fake -and -not $fake.HasExited) {
        $fake.StandardInput.Close()
        if (-not $fake.WaitForExit(10000)) { $fake.Kill() }
    }
}

Describe 'Get-SessionAnalytics across repositories' {
    It 'matches -Repository wildcards with PowerShell rules against the owner''s repositories' {
        $records = Get-SessionAnalytics -Repository 'acme/service-0[02]' @common -CacheDirectory (Join-Path $TestDrive 'c1')
        ($records.Repository | Sort-Object -Unique) | Should -Be @('acme/service-00', 'acme/service-02')
        $records | Should -HaveCount (@($records | Where-Object Repository -in 'acme/service-00', 'acme/service-02')).Count
    }

    It 'takes several names and patterns from the pipeline, each repository once' {
        $records = 'acme/SERVICE-*', 'acme/service-01', 'acme/web?ite' | Get-SessionAnalytics @common -NoCache
        ($records.Repository | Sort-Object -Unique) | Should -Be @('acme/service-00', 'acme/service-01', 'acme/service-02', 'acme/service-03')
        @($records | Group-Object Repository, PrNumber, SessionId | Where-Object Count -gt 1) | Should -HaveCount 0
    }

    It 'reports a pattern that matches nothing and a wildcard in the owner' {
        $none = Get-SessionAnalytics -Repository 'acme/nothing-*' @common -NoCache -ErrorVariable problems -ErrorAction SilentlyContinue
        $none | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'GitHubRepositoryPatternMatchedNothing,*'
        { Get-SessionAnalytics -Repository 'ac*/service-00' @common -NoCache -ErrorAction Stop } | Should -Throw -ErrorId 'GitHubRepositoryInvalid,SessionAnalytics.PowerShell.Commands.GetSessionAnalyticsCommand'
    }

    It 'reads a whole organization, and a second run takes the unchanged PRs from its state' {
        $cache = Join-Path $TestDrive 'org'
        $first = Get-SessionAnalytics -Organization acme @common -CacheDirectory $cache
        $second = Get-SessionAnalytics -Organization acme @common -CacheDirectory $cache -InformationVariable runInfo
        @($first).Count | Should -Be $info.sessions
        ($second | ForEach-Object SessionId) | Should -Be ($first | ForEach-Object SessionId)
        $summary = ($runInfo | Where-Object { $_.Tags -contains 'ExtractionSummary' }).MessageData
        $summary.ItemsUnchanged | Should -Be $summary.ItemsRead
        $summary.Requests | Should -BeLessThan 5
    }
}

Describe 'Export-SessionAnalytics -Format Parquet' {
    BeforeAll {
        $records = Get-SessionAnalytics -Organization acme @common -NoCache
    }

    It 'writes the Hive-partitioned dataset with the repository escaped' {
        $out = Join-Path $TestDrive 'dataset'
        $records | Export-SessionAnalytics -OutputDirectory $out -Format Parquet, Csv
        Test-Path (Join-Path $out 'sessions' 'repository=acme%2Fservice-00') | Should -BeTrue
        (Get-ChildItem (Join-Path $out 'session_models') -Recurse -Filter 'part-*.parquet') | Should -Not -BeNullOrEmpty
        (Import-Csv (Join-Path $out 'analytics.csv'))[0].PSObject.Properties.Name[-1] | Should -Be 'repository'
    }

    It '-WhatIf writes nothing, not even the folder' {
        $out = Join-Path $TestDrive 'whatif'
        $records | Export-SessionAnalytics -OutputDirectory $out -Format Parquet, Csv -WhatIf
        Test-Path $out | Should -BeFalse
    }

    It '-WhatIf over an existing dataset neither writes nor deletes a part file' {
        $out = Join-Path $TestDrive 'existing'
        $records | Export-SessionAnalytics -OutputDirectory $out -Format Parquet
        $before = Get-ChildItem $out -Recurse -File | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }
        $records | Select-Object -First 1 | Export-SessionAnalytics -OutputDirectory $out -Format Parquet -WhatIf
        $records | Select-Object -First 1 | Export-SessionAnalytics -OutputDirectory $out -Format Parquet -Append -WhatIf
        Get-ChildItem $out -Recurse -File | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" } | Should -Be $before
    }

    It 'regenerates the CSV and dashboard from the dataset alone' {
        $out = Join-Path $TestDrive 'dataset'
        $files = Export-SessionAnalytics -DatasetPath $out -OutputDirectory (Join-Path $TestDrive 'fromdataset') -Format Csv, Html -PassThru
        $files.Name | Should -Be @('analytics.csv', 'dashboard.html')
        @(Import-Csv $files[0].FullName).Count | Should -Be @($records).Count
    }

    It 'loads Parquet.Net in the module''s private load context' {
        $out = Join-Path $TestDrive 'alc'
        $lines = Invoke-FreshPwsh -Script @"
Import-Module '$(Get-BuiltModulePath)'
[pscustomobject]@{ session_id = 'x1'; repository = 'acme/widget'; pr_number = '1'; target_type = 'pr' } | Export-SessionAnalytics -OutputDirectory '$out' -Format Parquet
foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Parquet' }) { "parquet=`$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name)" }
"@
        $lines | Should -Contain 'parquet=SessionAnalytics'
    }
}
