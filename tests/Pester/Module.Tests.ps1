#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5' }
# The module as a pwsh user meets it, with what the hosted engine of the xunit suite lacks: Get-Help rendered as
# text, Format-Table/Format-List, Export-Csv, -WhatIf. Imports the BUILT module (build.ps1 passes its path in
# SESSIONANALYTICS_MODULE; the default is out/SessionAnalytics).

BeforeDiscovery {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $manifest = if ($env:SESSIONANALYTICS_MODULE) { $env:SESSIONANALYTICS_MODULE } else { Join-Path $repo 'out' 'SessionAnalytics' 'SessionAnalytics.psd1' }
    # Every promised cmdlet gets its rows, so one that is not written yet fails by name.
    $commands = @((Import-PowerShellDataFile -LiteralPath $manifest).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    $writerVerbs = @('Add', 'Clear', 'Copy', 'Export', 'Install', 'Move', 'New', 'Publish', 'Register', 'Remove', 'Rename',
        'Reset', 'Restore', 'Save', 'Send', 'Set', 'Submit', 'Sync', 'Uninstall', 'Unregister', 'Update', 'Write')
    $writers = @($commands | Where-Object { $writerVerbs -contains ($_.Name -split '-')[0] })
}

BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $manifest = if ($env:SESSIONANALYTICS_MODULE) { $env:SESSIONANALYTICS_MODULE } else { Join-Path $repo 'out' 'SessionAnalytics' 'SessionAnalytics.psd1' }
    Import-Module $manifest -Force
    $module = Get-Module SessionAnalytics
    $samples = Join-Path $repo 'samples' 'claude'
    $skills = Join-Path $repo 'samples' 'skills'

    # The views of the built format file, by type name: what Format-Table/Format-List must show.
    [xml]$format = Get-Content -Raw -LiteralPath (Join-Path $module.ModuleBase 'SessionAnalytics.format.ps1xml')
    $views = foreach ($view in $format.Configuration.ViewDefinitions.View) {
        $kind = if ($view.TableControl) { 'Table' } elseif ($view.ListControl) { 'List' } else { 'Other' }
        $labels = if ($kind -eq 'Table') {
            $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
            $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
            for ($i = 0; $i -lt $items.Count; $i++) {
                $label = if ($i -lt $headers.Count -and $headers[$i] -is [System.Xml.XmlElement] -and $headers[$i].Label) { $headers[$i].Label } else { $items[$i].PropertyName }
                $label
            }
        }
        elseif ($kind -eq 'List') {
            foreach ($item in @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem)) { if ($item.Label) { $item.Label } else { $item.PropertyName } }
        }
        [pscustomobject]@{ Name = $view.Name; Kind = $kind; TypeNames = @($view.ViewSelectedBy.TypeName); Labels = @($labels | Where-Object { $_ }) }
    }

    # Real objects of every output type the sample pipeline can make; other output types are built empty.
    $sampleObjects = @(
        $sessions = @(Get-ClaudeSession -Path $samples)
        $sessions
        $stats = @($sessions | ConvertTo-SessionStats)
        $stats
        $stats | ForEach-Object { $_.Models }
        if (Get-Command ConvertTo-SessionMermaid -Module SessionAnalytics -ErrorAction SilentlyContinue) {
            $stats | ConvertTo-SessionMermaid -SkillsPath $skills
        }
    )
    function Get-SampleObject([type]$Type) {
        $real = @($sampleObjects | Where-Object { $_ -is $Type })
        if ($real.Count -gt 0) { return $real }
        , [Activator]::CreateInstance($Type)
    }
    $outputTypes = @(Get-Command -Module SessionAnalytics | ForEach-Object { $_.OutputType.Type } |
            Where-Object { $_ -and $_.FullName -like 'SessionAnalytics.*' } | Sort-Object FullName -Unique)
}

Describe 'Help of <Name>' -ForEach $commands {
    BeforeAll {
        $command = Get-Command -Name $Name -Module SessionAnalytics -ErrorAction SilentlyContinue
        $help = if ($command) { Get-Help -Name $Name -Full }
        $text = if ($command) { Get-Help -Name $Name -Full | Out-String -Width 200 }
    }

    It 'is exported by the module' {
        $command | Should -Not -BeNullOrEmpty -Because "$Name is in CmdletsToExport"
    }

    It 'shows the synopsis and description from docs/<Name>.md' {
        $command | Should -Not -BeNullOrEmpty -Because "$Name is in CmdletsToExport"
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *" -Because 'a made-up help has the syntax as its synopsis'
        $text | Should -Match 'DESCRIPTION'
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter in the -Full text' {
        $command | Should -Not -BeNullOrEmpty -Because "$Name is in CmdletsToExport"
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $text | Should -Match "-$parameter\b" -Because "-$parameter must appear in Get-Help $Name -Full"
            $doc = $help.parameters.parameter | Where-Object name -eq $parameter
            ($doc.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'shows at least two examples that parse' {
        $command | Should -Not -BeNullOrEmpty -Because "$Name is in CmdletsToExport"
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $errors = $null
            [void][System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.title.Trim('- '))' must parse"
            $text | Should -Match ([regex]::Escape(($example.code -split "`n")[0].Trim()))
        }
    }
}

Describe 'about_SessionAnalytics' {
    It 'is found by Get-Help and fits 80 columns' {
        $about = Get-Help about_SessionAnalytics | Out-String
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'LONG DESCRIPTION'
        $file = Join-Path $module.ModuleBase 'en-US' 'about_SessionAnalytics.help.txt'
        Get-Content -LiteralPath $file | Where-Object Length -gt 80 | Should -BeNullOrEmpty
    }
}

Describe 'Format views' {
    It 'every output type has a table and a list view that render' {
        $outputTypes | Should -Not -BeNullOrEmpty
        foreach ($type in $outputTypes) {
            $typeViews = @($views | Where-Object { $_.TypeNames -contains $type.FullName })
            $table = $typeViews | Where-Object Kind -eq 'Table' | Select-Object -First 1
            $list = $typeViews | Where-Object Kind -eq 'List' | Select-Object -First 1
            $table | Should -Not -BeNullOrEmpty -Because "$($type.FullName) needs a table view"
            $list | Should -Not -BeNullOrEmpty -Because "$($type.FullName) needs a list view"

            $objects = Get-SampleObject $type
            $rendered = $objects | Format-Table -View $table.Name | Out-String -Width 250
            foreach ($label in $table.Labels) { $rendered | Should -Match ([regex]::Escape($label)) -Because "the table view of $($type.Name) shows $label" }
            $rendered = $objects | Format-List -View $list.Name | Out-String -Width 250
            foreach ($label in $list.Labels) { $rendered | Should -Match ([regex]::Escape($label)) -Because "the list view of $($type.Name) shows $label" }
        }
    }

    It 'the default view of sessions and stats is the table' {
        $text = $sampleObjects | Where-Object { $_ -is [SessionAnalytics.Core.Stats.SessionStats] } | Out-String -Width 250
        $header = $views | Where-Object { $_.Kind -eq 'Table' -and $_.TypeNames -contains 'SessionAnalytics.Core.Stats.SessionStats' } | Select-Object -First 1
        $text | Should -Match ([regex]::Escape($header.Labels[0]))
    }
}

Describe 'Export-Csv of the output objects' {
    It 'has exactly the type''s properties as columns: nothing added by script or note properties' {
        foreach ($type in $outputTypes) {
            $objects = Get-SampleObject $type
            $objects[0] | Get-Member -MemberType ScriptProperty, CodeProperty, NoteProperty | Should -BeNullOrEmpty -Because "$($type.Name) gains no extra members"
            $csv = Join-Path $TestDrive "$($type.Name).csv"
            $objects | Export-Csv -LiteralPath $csv -NoTypeInformation
            $columns = (Get-Content -LiteralPath $csv -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') }
            $expected = $type.GetProperties([System.Reflection.BindingFlags]'Public,Instance').Name
            @($columns | Sort-Object) | Should -Be @($expected | Sort-Object) -Because "$($type.Name) exports its own properties only"
        }
    }
}

Describe '-WhatIf on <Name>' -ForEach $writers {
    BeforeAll {
        $command = Get-Command -Name $Name -Module SessionAnalytics -ErrorAction SilentlyContinue
    }

    It 'offers -WhatIf and -Confirm' {
        $command | Should -Not -BeNullOrEmpty -Because "$Name is in CmdletsToExport"
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe '-WhatIf needs no token, no network and writes nothing' {
    BeforeAll {
        $saved = @{}
        foreach ($name in 'GH_TOKEN', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $null)
        }
        # Nothing listens on port 9 (discard): any request fails, so a -WhatIf that goes online shows up as an error.
        $env:GITHUB_API_URL = 'http://127.0.0.1:9'
        $stats = @(Get-ClaudeSession -Path $samples | ConvertTo-SessionStats)
    }
    AfterAll {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }

    It 'Publish-SessionComment -WhatIf' {
        { $stats | Publish-SessionComment -Repository 'octo-org/widget' -Pr 1 -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }

    It 'Export-SessionAnalytics -WhatIf' {
        $out = Join-Path $TestDrive 'whatif'
        { $stats | Export-SessionAnalytics -OutputDirectory $out -WhatIf -ErrorAction Stop } | Should -Not -Throw
        Test-Path -LiteralPath $out | Should -BeFalse -Because '-WhatIf writes nothing'
    }
}
