using Bot.Adapters.Config;

namespace Bot.Adapters.Tests.Config;

public sealed class ReleaseBotCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("releasebot-cli-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(params string[] args) => ReleaseBotCli.Run(args, _out, _err);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Validate_ValidFile_Exit0WithOkLine()
    {
        var file = Write("checkout.yaml", ReleaseConfigParserTests.Complete);
        Assert.Equal(0, Run("validate", file));
        Assert.Equal("OK: 1 file(s), service(s): checkout" + Environment.NewLine, _out.ToString());
        Assert.Empty(_err.ToString());
    }

    [Fact]
    public void Validate_FileWithErrors_PrintsFileLineMessagesAndExit1()
    {
        var file = Write("checkout.yaml", ReleaseConfigCatalogTests.Minimal("checkout") + "steps:\n  - setWeight: 150\n  - pause: soon\n");

        Assert.Equal(1, Run("validate", file));

        var lines = _out.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            $"{file}:5: steps[0].setWeight: 150 is out of range 0-100; use a percentage 0-100",
            $"{file}:6: steps[1].pause: 'soon' is not a duration; write it like 30s, 10m, 2h, 1d or 1h30m",
            "2 error(s) in 1 of 1 file(s)",
        ], lines);
    }

    [Fact]
    public void Validate_NoDeployments_Exit1WithFileLineFieldAndFix()
    {
        var file = Write("checkout.yaml", ReleaseConfigCatalogTests.Minimal("checkout"));

        Assert.Equal(1, Run("validate", file));

        Assert.StartsWith($"{file}:1: deployments: is required: promote", _out.ToString());
        Assert.Contains("; add deployments: {canary: <canary Deployment>, stable: <stable Deployment>, image: <registry/name>:{version}}", _out.ToString());
    }

    [Fact]
    public void Validate_DirectoryAndFile_DuplicateServiceAcrossInputsIsAnError()
    {
        Write("checkout.yaml", ReleaseConfigCatalogTests.Valid("checkout"));
        Write("payments.yaml", ReleaseConfigCatalogTests.Valid("payments"));
        var other = Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName;
        var dup = Path.Combine(other, "checkout.yaml");
        File.WriteAllText(dup, ReleaseConfigCatalogTests.Valid("checkout"));

        Assert.Equal(0, Run("validate", _dir));
        Assert.Contains("OK: 2 file(s), service(s): checkout, payments", _out.ToString());
        Assert.Equal(1, Run("validate", _dir, dup));
        Assert.Contains($"{dup}:1: service: service 'checkout' is also defined in {Path.Combine(_dir, "checkout.yaml")}", _out.ToString());
    }

    [Theory]
    [InlineData(new string[0], "usage: releasebot validate")]
    [InlineData(new[] { "validate" }, "give at least one file or folder")]
    [InlineData(new[] { "valdate", "x.yaml" }, "unknown command 'valdate'; did you mean 'validate'?")]
    [InlineData(new[] { "validate", "/no/such/file.yaml" }, "no such file or folder")]
    public void Run_UsageErrors_Exit2WithMessage(string[] args, string expected)
    {
        Assert.Equal(2, Run(args));
        Assert.Contains(expected, _err.ToString());
        Assert.Empty(_out.ToString());
    }

    [Fact]
    public void Run_Help_Exit0() => Assert.Equal(0, Run("--help"));
}
