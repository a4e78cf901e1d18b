using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HullPlanhat.Core;
using HullPlanhat.Core.Hosting;
using HullPlanhat.Core.Hull;
using HullPlanhat.Core.Install;
using HullPlanhat.Core.Planhat;

namespace HullPlanhat.Tests.Unit;

/// <summary>The manifest Hull installs from declares exactly the settings the code reads, with the code's defaults.</summary>
public sealed class ManifestTests
{
    private static readonly JsonObject Manifest = ConnectorManifest.Parse();

    [Fact]
    public void Every_setting_the_code_reads_is_declared_in_the_manifest_and_vice_versa()
    {
        var read = typeof(ConnectorSettings).GetProperties()
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>()
            .Order()
            .ToArray();
        var declared = ConnectorManifest.ValueSettings().Select(s => s["name"]!.GetValue<string>()).Order().ToArray();

        Assert.Equal(read, declared);
    }

    [Fact]
    public void The_manifest_defaults_are_the_codes_defaults()
    {
        var defaults = new JsonObject();
        foreach (var setting in ConnectorManifest.ValueSettings().Where(s => s.ContainsKey("default")))
        {
            defaults[setting["name"]!.GetValue<string>()] = setting["default"]!.DeepClone();
        }

        var fromManifest = JsonSerializer.Serialize(ConnectorSettingsParser.Parse(defaults), CoreJsonContext.Default.ConnectorSettings);
        var fromCode = JsonSerializer.Serialize(new ConnectorSettings(), CoreJsonContext.Default.ConnectorSettings);
        Assert.Equal(fromCode, fromManifest);
    }

    [Fact]
    public void Default_mappings_write_keys_planhat_accepts()
    {
        // The original's default contact mapping wrote "fullName", which Planhat refuses (bug 12.8).
        foreach (var (setting, fields) in new[] { ("contact_attributes_outbound", PlanhatSchema.Contacts), ("account_attributes_outbound", PlanhatSchema.Companies) })
        {
            var mappings = Setting(setting)["default"]!.AsArray();
            Assert.NotEmpty(mappings);
            Assert.All(mappings, m => Assert.NotNull(PlanhatSchema.KeyOf(fields, m!["service_field_name"]!.GetValue<string>())));
        }
    }

    [Fact]
    public void Field_pickers_load_their_options_from_schema_routes_that_answer()
    {
        var loadOptions = ConnectorManifest.ValueSettings()
            .Select(s => s["items"]?["properties"]?["service_field_name"]?["options"]?["loadOptions"]?.GetValue<string>())
            .OfType<string>()
            .Distinct()
            .Order()
            .ToArray();

        Assert.Equal(["/schema/companies", "/schema/contacts", "/schema/licenses"], loadOptions);
        Assert.All(loadOptions, path => Assert.True(SchemaHandler.Answer(path["/schema/".Length..]).Ok, path));
    }

    [Fact]
    public void Sections_cover_every_setting_once()
    {
        var inSections = Manifest["settings_sections"]!.AsArray()
            .SelectMany(s => s!["properties"]!.AsArray().Select(p => p!.GetValue<string>()))
            .ToArray();
        var declared = ConnectorManifest.ValueSettings().Select(s => "private_settings." + s["name"]!.GetValue<string>());

        Assert.Equal(declared.Order(), inSections.Order());
    }

    [Fact]
    public void Subscriptions_schedules_and_tags_name_routes_the_product_serves()
    {
        Assert.Equal("/smart-notifier", Assert.Single(Manifest["subscriptions"]!.AsArray())!["url"]!.GetValue<string>());
        var tags = Manifest["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        Assert.Contains("smart-notifier", tags);
        Assert.Contains("batch", tags);
        Assert.Contains("batch-accounts", tags);

        var schedules = Manifest["schedules"]!.AsArray().Select(s => (Url: s!["url"]!.GetValue<string>(), Type: s["type"]!.GetValue<string>(), Value: s["value"]!.GetValue<string>())).ToArray();
        Assert.Contains(("/status", "interval", "30"), schedules);
        Assert.Contains(schedules, s => s.Url == "/fetch/accounts");
        Assert.Contains(schedules, s => s.Url == "/fetch/users");

        // Hull POSTs to every schedule, subscription and batch route.
        string[] posted = [.. schedules.Select(s => s.Url), "/smart-notifier", "/batch", "/batch-accounts"];
        foreach (var url in posted)
        {
            Assert.Contains(TriggerTable.All, t => "/" + t.Route == url && t.Methods!.Contains("POST"));
        }

        Assert.Contains(TriggerTable.All, t => t.Route == Manifest["readme"]!.GetValue<string>());
    }

    private static JsonObject Setting(string name) => ConnectorManifest.ValueSettings().Single(s => s["name"]!.GetValue<string>() == name);
}
