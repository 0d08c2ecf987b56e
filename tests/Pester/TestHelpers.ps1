# Shared by the Pester tests.

# The built module's manifest: build.ps1 passes it in SESSIONANALYTICS_MODULE; the default is out/SessionAnalytics.
function Get-BuiltModulePath {
    if ($env:SESSIONANALYTICS_MODULE) { return $env:SESSIONANALYTICS_MODULE }
    Join-Path (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath 'out' 'SessionAnalytics' 'SessionAnalytics.psd1'
}

# An assembly with a given name and version and one type, <Name>.DecoyMarker: what another module's copy of one of our
# dependencies looks like to the runtime. Compiled with the Roslyn compiler that PowerShell ships for Add-Type
# (Add-Type itself gives its output a random assembly name).
function New-DecoyAssembly {
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [version] $Version, [Parameter(Mandatory)] [string] $Path)
    Add-Type -AssemblyName Microsoft.CodeAnalysis.CSharp
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $Path)
    $source = "[assembly: System.Reflection.AssemblyVersion(""$Version"")] namespace $Name { public static class DecoyMarker { public static int Value => 42; } }"
    $runtime = [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
    $references = [Microsoft.CodeAnalysis.MetadataReference[]]@(
        [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)
        [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile((Join-Path $runtime 'System.Runtime.dll')))
    $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create($Name,
        [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)), $references,
        [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
    $stream = [System.IO.File]::Create($Path)
    try { $result = $compilation.Emit($stream) } finally { $stream.Dispose() }
    if (-not $result.Success) { throw "Could not compile the decoy ${Name}: $($result.Diagnostics -join '; ')" }
    $Path
}

# Runs a script in a new pwsh process (load contexts are per process) and returns what it printed, one string per line.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Script, [string] $WorkingDirectory = $PWD.ProviderPath)
    # pwsh installed as a dotnet tool (tools/pwsh.sh) runs as 'dotnet pwsh.dll'.
    $exe = [Environment]::ProcessPath
    [string[]] $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
    Push-Location -LiteralPath $WorkingDirectory
    try { $output = & $exe @prefix -NoProfile -NonInteractive -Command $Script 2>&1 }
    finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { throw "pwsh exited with $LASTEXITCODE`n$($output -join "`n")" }
    @($output | ForEach-Object { "$_" })
}
