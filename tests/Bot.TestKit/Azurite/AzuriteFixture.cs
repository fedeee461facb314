using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Core.Pipeline;
using Bot.Adapters.Storage;
using Xunit;

namespace Bot.TestKit.Azurite;

/// <summary>
/// A real Azurite (from the repository's <c>node_modules</c>) on free ports with in-memory persistence and
/// <c>--skipApiVersionCheck</c> (the queue SDK sends a newer API version than Azurite 3.37 knows), one per fixture
/// instance, so parallel test assemblies never share one. Use it as an xUnit collection fixture: in each test project
/// declare <c>[CollectionDefinition(AzuriteFixture.Collection)] public sealed class AzuriteCollection : ICollectionFixture&lt;AzuriteFixture&gt;;</c>
/// and mark test classes <c>[Collection(AzuriteFixture.Collection)]</c>. Give each test its own queue/table via <see cref="NewName"/>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Suggested collection name.</summary>
    public const string Collection = "azurite";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _process;
    private string? _location;
    private readonly List<string> _output = [];

    /// <summary>Azurite's well-known development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public; documented by Microsoft).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    /// <summary>A connection string with explicit (path-style) endpoints, as the app reads it from settings.</summary>
    public string ConnectionString => ConnectionStringFor(QueuePort, TablePort);

    /// <summary>The development account on 127.0.0.1 with these ports (a port nothing listens on makes storage "down").</summary>
    public static string ConnectionStringFor(int queuePort, int tablePort, string accountKey = DevelopmentAccountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};AccountKey={accountKey};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{DevelopmentAccountName};TableEndpoint=http://127.0.0.1:{tablePort}/{DevelopmentAccountName};";

    /// <summary>Starts Azurite. Called by xUnit for fixtures; call it yourself elsewhere (benchmarks).</summary>
    public async Task InitializeAsync()
    {
        var bin = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
            throw new InvalidOperationException($"Azurite is not installed ({bin} is missing): run `npm ci` in {RepoPaths.Root}.");

        Exception? last = null;
        // Free ports are picked by binding port 0; another process may grab one before Azurite binds it, so retry.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await StartAsync(bin).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                last = e;
                StopProcess();
            }
        }
        throw new InvalidOperationException("Azurite did not start: " + last?.Message, last);
    }

    /// <summary>A unique, valid queue/table name (lowercase letters and digits, starts with a letter).</summary>
    public static string NewName(string prefix = "t") =>
        prefix.Length is >= 1 and <= 20 && char.IsAsciiLetterLower(prefix[0]) && prefix.All(char.IsAsciiLetterOrDigit)
            ? prefix.ToLowerInvariant() + Guid.NewGuid().ToString("N")
            : throw new ArgumentException("prefix: 1-20 ASCII letters/digits starting with a lowercase letter", nameof(prefix));

    /// <summary>A queue service on the SDK client the app builds (default retries, or <paramref name="retry"/>).</summary>
    public AzureQueueService CreateQueueService(StorageRetryOptions? retry = null, HttpPipelineTransport? transport = null) =>
        new(StorageClients.CreateQueueServiceClient(ConnectionString, retry, transport));

    /// <summary>A table service on the SDK client the app builds (default retries, or <paramref name="retry"/>).</summary>
    public AzureTableService CreateTableService(StorageRetryOptions? retry = null, HttpPipelineTransport? transport = null) =>
        new(StorageClients.CreateTableServiceClient(ConnectionString, retry, transport));

    public Task DisposeAsync()
    {
        StopProcess();
        return Task.CompletedTask;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    private async Task StartAsync(string bin)
    {
        // In-memory persistence refuses --location; a temp working directory keeps any stray files out of the repo.
        _location = Directory.CreateTempSubdirectory("azurite-").FullName;
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _location,
        };
        foreach (var arg in new[]
                 {
                     "--inMemoryPersistence", "--silent", "--disableTelemetry", "--skipApiVersionCheck",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
                 })
            info.ArgumentList.Add(arg);

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {bin}");
        _process = process;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!(await AcceptsAsync(queue).ConfigureAwait(false) && await AcceptsAsync(table).ConfigureAwait(false)))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"azurite exited with code {process.ExitCode}: {Output()}");
            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException($"azurite did not accept connections on ports {queue}/{table} within {StartTimeout.TotalSeconds} s: {Output()}");
            await Task.Delay(100).ConfigureAwait(false);
        }

        QueuePort = queue;
        TablePort = table;
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 50) _output.RemoveAt(0);
        }
    }

    private string Output()
    {
        lock (_output) return _output.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _output);
    }

    private void StopProcess()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        var location = Interlocked.Exchange(ref _location, null);
        if (location is not null)
        {
            try { Directory.Delete(location, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
