using PuppeteerSharp;

namespace Bot.Functions.Tests.Pages;

/// <summary>Debian's headless Chromium (<c>CHROMIUM_BIN</c>, else <c>/usr/bin/chromium</c>, which <c>scripts/test.sh</c>
/// installs when missing), driven by PuppeteerSharp with <c>ExecutablePath</c>: no browser download.</summary>
internal static class ChromiumBrowser
{
    public static string ExecutablePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("CHROMIUM_BIN") is { Length: > 0 } env ? env : "/usr/bin/chromium";
            return File.Exists(path) ? path
                : throw new FileNotFoundException($"{path} is missing: run scripts/test.sh (it installs Debian's chromium) or set CHROMIUM_BIN");
        }
    }

    public static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        // Root in CI containers: Chromium's sandbox needs user namespaces it does not get there.
        Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });

    /// <summary>Screenshots go to the test output folder (<c>bin/…/screenshots</c>).</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        return Path.Combine(dir, name + ".png");
    }
}
