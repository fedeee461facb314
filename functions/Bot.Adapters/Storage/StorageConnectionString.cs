namespace Bot.Adapters.Storage;

/// <summary>
/// A parsed Azure Storage connection string: the account, its key and the Queue and Table endpoints.
/// Accepts <c>UseDevelopmentStorage=true</c> (Azurite on 127.0.0.1, queue port 10001, table port 10002,
/// account <c>devstoreaccount1</c>), <c>DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…;EndpointSuffix=…</c>
/// (suffix defaults to <c>core.windows.net</c>, protocol to <c>https</c>), and explicit
/// <c>QueueEndpoint=</c>/<c>TableEndpoint=</c> (path-style emulator URLs end with the account name).
/// <see cref="ToString"/> never prints the key.
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public; documented by Microsoft).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "DefaultEndpointsProtocol", "AccountName", "AccountKey",
        "EndpointSuffix", "QueueEndpoint", "TableEndpoint", "BlobEndpoint", "FileEndpoint",
        "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "BlobSecondaryEndpoint", "FileSecondaryEndpoint",
    };

    private readonly byte[] _key;

    private StorageConnectionString(string accountName, byte[] key, Uri queueEndpoint, Uri tableEndpoint)
    {
        AccountName = accountName;
        _key = key;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
    }

    public string AccountName { get; }

    /// <summary>Queue service root, no trailing slash (e.g. <c>http://127.0.0.1:10001/devstoreaccount1</c>).</summary>
    public Uri QueueEndpoint { get; }

    /// <summary>Table service root, no trailing slash.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>The decoded account key, for signing.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>Builds one from parts (used by tests and the Azurite fixture).</summary>
    public static StorageConnectionString Create(string accountName, string accountKey, Uri queueEndpoint, Uri tableEndpoint) =>
        new(accountName, DecodeKey(accountKey), Trim(queueEndpoint), Trim(tableEndpoint));

    /// <summary>Parses a connection string. Throws <see cref="FormatException"/> naming the wrong or missing key; values are never echoed.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new FormatException("The storage connection string is empty: set it to 'UseDevelopmentStorage=true' for Azurite, or 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…'.");

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var raw in connectionString.Split(';'))
        {
            index++;
            var segment = raw.Trim();
            if (segment.Length == 0) continue;
            var eq = segment.IndexOf('=');
            if (eq <= 0)
                throw new FormatException($"Storage connection string segment {index} is not 'Key=Value'.");
            var name = segment[..eq].Trim();
            if (name.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("Storage connection string key 'SharedAccessSignature' is not supported: use AccountName and AccountKey.");
            if (!KnownKeys.Contains(name))
                throw new FormatException($"Storage connection string key '{name}' is unknown; expected one of {string.Join(", ", KnownKeys.Order())}.");
            if (!parts.TryAdd(name, segment[(eq + 1)..].Trim()))
                throw new FormatException($"Storage connection string key '{name}' appears twice.");
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev))
        {
            if (!dev.Equals("true", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("Storage connection string key 'UseDevelopmentStorage' must be 'true' when present.");
            if (parts.ContainsKey("DevelopmentStorageProxyUri"))
                throw new FormatException("Storage connection string key 'DevelopmentStorageProxyUri' is not supported.");
            var others = parts.Keys.Where(k => !k.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)).ToList();
            if (others.Count > 0)
                throw new FormatException($"Storage connection string key '{others[0]}' cannot be combined with 'UseDevelopmentStorage=true'.");
            return Development();
        }

        var account = Required(parts, "AccountName");
        var key = DecodeKey(Required(parts, "AccountKey"));
        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") ?? "https";
        if (protocol is not ("https" or "http"))
            throw new FormatException("Storage connection string key 'DefaultEndpointsProtocol' must be 'https' or 'http'.");
        var suffix = parts.GetValueOrDefault("EndpointSuffix") ?? "core.windows.net";
        if (suffix.Length == 0 || suffix.Contains('/'))
            throw new FormatException("Storage connection string key 'EndpointSuffix' must be a DNS suffix such as 'core.windows.net'.");

        var queue = Endpoint(parts, "QueueEndpoint") ?? new Uri($"{protocol}://{account}.queue.{suffix}");
        var table = Endpoint(parts, "TableEndpoint") ?? new Uri($"{protocol}://{account}.table.{suffix}");
        return new StorageConnectionString(account, key, Trim(queue), Trim(table));
    }

    /// <summary>Azurite on its default ports with the development account.</summary>
    public static StorageConnectionString Development() =>
        Create(DevelopmentAccountName, DevelopmentAccountKey,
            new Uri($"http://127.0.0.1:10001/{DevelopmentAccountName}"), new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"));

    /// <summary>A connection string with explicit endpoints that <see cref="Parse"/> reads back. Contains the key: do not log it.</summary>
    public string ToConnectionString() =>
        $"DefaultEndpointsProtocol={QueueEndpoint.Scheme};AccountName={AccountName};AccountKey={Convert.ToBase64String(_key)};" +
        $"QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public override string ToString() => $"AccountName={AccountName};AccountKey=***;QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint}";

    private static string Required(Dictionary<string, string> parts, string name) =>
        parts.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"Storage connection string key '{name}' is missing: add '{name}=…' (or use 'UseDevelopmentStorage=true' for Azurite).");

    private static Uri? Endpoint(Dictionary<string, string> parts, string name)
    {
        if (!parts.TryGetValue(name, out var value)) return null;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new FormatException($"Storage connection string key '{name}' must be an absolute http(s) URL.");
    }

    private static byte[] DecodeKey(string key)
    {
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var written) && written > 0
            ? buffer[..written]
            : throw new FormatException("Storage connection string key 'AccountKey' is not valid Base64: copy the key from the storage account's access keys.");
    }

    private static Uri Trim(Uri uri) => new(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
}
