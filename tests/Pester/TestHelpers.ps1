# Shared by the Pester tests. The module loads its engine (SessionAnalytics.Core) into a private
# AssemblyLoadContext, and PowerShell does not resolve type literals such as [SessionAnalytics.Core.Stats.SessionStats]
# from such a context: tests (and users) reach those types through the module's objects instead.

function Get-SessionAnalyticsType {
    param([Parameter(Mandatory)] [string] $FullName)
    # Asking for a cmdlet's output type makes the module load its engine assembly.
    $null = Get-Command -Module SessionAnalytics | ForEach-Object { $_.OutputType.Type }
    foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
        foreach ($assembly in $context.Assemblies) {
            if ($assembly.GetName().Name -notlike 'SessionAnalytics*') { continue }
            $type = $assembly.GetType($FullName)
            if ($type) { return $type }
        }
    }
    throw "No type $FullName in the SessionAnalytics assemblies."
}

# The equivalent of [TypeName]@{ ... } for the module's engine types.
function New-SessionAnalyticsObject {
    param([Parameter(Mandatory)] [string] $TypeName, [hashtable] $Property = @{})
    [System.Management.Automation.LanguagePrimitives]::ConvertTo($Property, (Get-SessionAnalyticsType $TypeName))
}
