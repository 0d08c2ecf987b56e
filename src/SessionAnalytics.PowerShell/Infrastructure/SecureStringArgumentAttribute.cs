using System.Management.Automation;
using System.Security;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// Lets a SecureString parameter (-Token) take a plain string too (<c>-Token $env:GH_TOKEN</c>, <c>-Token 'ghp_…'</c>),
/// as users expect; a SecureString passes unchanged. The text is copied into a read-only SecureString and written
/// nowhere.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecureStringArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if ((inputData is PSObject ps ? ps.BaseObject : inputData) is not string text) return inputData;
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
