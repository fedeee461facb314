using Bot.Adapters.Config;

namespace Bot.Adapters.Tests.Config;

public sealed class ReleaseConfigCatalogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("releasebot-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary><see cref="Minimal"/> plus the deployments section every runnable plan needs (promote moves stable).</summary>
    internal static string Valid(string service) =>
        Minimal(service) + $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\n";

    internal static string Minimal(string service) =>
        $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\n";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void LoadDirectory_ValidFiles_KeyedByService()
    {
        Write("checkout.yaml", Valid("checkout"));
        Write("payments.yml", Valid("payments"));
        Write("notes.txt", "not a config");

        var r = ReleaseConfigCatalog.LoadDirectory(_dir);

        Assert.Empty(r.Errors);
        Assert.Equal(["checkout", "payments"], r.Catalog.Services.Order());
        Assert.Equal(Path.Combine(_dir, "payments.yml"), r.Catalog.Find("payments")!.Source);
        Assert.Null(r.Catalog.Find("search"));
    }

    [Fact]
    public void LoadDirectory_DuplicateService_ErrorNamesBothFiles()
    {
        var a = Write("a-checkout.yaml", Valid("checkout"));
        var b = Write("b-checkout.yaml", Valid("checkout"));

        var r = ReleaseConfigCatalog.LoadDirectory(_dir);

        var e = Assert.Single(r.Errors);
        Assert.Equal(b, e.File);
        Assert.Contains(a, e.Message);
        Assert.Equal(a, r.Catalog.Find("checkout")!.Source);
    }

    [Fact]
    public void LoadDirectory_BrokenFile_ReportedAndLeftOut()
    {
        Write("checkout.yaml", Valid("checkout"));
        Write("payments.yaml", Minimal("payments") + "steps:\n  - setWeight: 101\n");

        var r = ReleaseConfigCatalog.LoadDirectory(_dir);

        Assert.Equal(["checkout"], r.Catalog.Services);
        Assert.Equal($"{Path.Combine(_dir, "payments.yaml")}:5: steps[0].setWeight: 101 is out of range 0-100; use a percentage 0-100", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void LoadDirectory_Missing_ErrorSaysWhichSetting()
    {
        var r = ReleaseConfigCatalog.LoadDirectory(Path.Combine(_dir, "nope"));
        Assert.Contains("ReleaseConfig:Directory", Assert.Single(r.Errors).Fix);
    }
}
