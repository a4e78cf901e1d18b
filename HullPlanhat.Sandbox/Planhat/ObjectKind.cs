namespace HullPlanhat.Sandbox.Planhat;

/// <summary>The Planhat object types the sandbox stores.</summary>
public enum ObjectKind
{
    Companies,
    Endusers,
    Licenses,
    Users,
}

public static class ObjectKinds
{
    public static bool TryParse(string? value, out ObjectKind kind)
    {
        switch (value?.ToLowerInvariant())
        {
            case "companies": kind = ObjectKind.Companies; return true;
            case "endusers": kind = ObjectKind.Endusers; return true;
            case "licenses": kind = ObjectKind.Licenses; return true;
            case "users": kind = ObjectKind.Users; return true;
            default: kind = default; return false;
        }
    }

    public static string RouteName(this ObjectKind kind) => kind switch
    {
        ObjectKind.Companies => "companies",
        ObjectKind.Endusers => "endusers",
        ObjectKind.Licenses => "licenses",
        _ => "users",
    };
}
