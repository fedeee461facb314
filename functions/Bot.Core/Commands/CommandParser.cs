using System.Globalization;
using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Core.Text;
using Bot.Core.Freezes;

namespace Bot.Core.Commands;

/// <summary>
/// The one <c>/release</c> grammar, shared by Slack (text without the <c>/release</c> prefix), GitHub PR comments (with it)
/// and anything else that takes text. Verbs are case-insensitive; arguments may be quoted with "…" or '…' (Slack's
/// curly quotes too).
/// </summary>
public static class CommandParser
{
    /// <summary>Usage line of each verb, in help order.</summary>
    public static IReadOnlyDictionary<string, string> Usages { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["deploy"] = "/release deploy <service> <version>",
        ["status"] = "/release status [service]",
        ["approve"] = "/release approve <service|rollout-id>",
        ["rollback"] = "/release rollback <service|rollout-id> [reason…]",
        ["pause"] = "/release pause <service|rollout-id>",
        ["resume"] = "/release resume <service|rollout-id>",
        ["promote"] = "/release promote <service|rollout-id>",
        ["abort"] = "/release abort <service|rollout-id>",
        ["restore"] = "/release restore <service> [reason…]",
        ["history"] = "/release history <service> [n]",
        ["freeze"] = "/release freeze <service|all> [for <duration>] [reason…]",
        ["unfreeze"] = "/release unfreeze <service|all>",
        ["help"] = "/release help [command]",
    };

    /// <summary>Every usage line, one per line.</summary>
    public static string Help => string.Join("\n", Usages.Values);

    public static CommandParseResult Parse(string? text, CommandParseOptions? options = null)
    {
        options ??= new CommandParseOptions();
        var body = (text ?? "").Trim();
        if (body.StartsWith("/release", StringComparison.OrdinalIgnoreCase) && (body.Length == 8 || char.IsWhiteSpace(body[8])))
            body = body[8..];

        if (Tokenize(body, out var tokens) is { } tokenError)
            return new(null, tokenError, Help);
        if (tokens.Count == 0) return new(new HelpCommand(null));

        var verb = tokens[0].ToLowerInvariant();
        var args = tokens.Skip(1).ToList();
        if (!Usages.TryGetValue(verb, out var usage))
            return new(null, $"unknown command '{tokens[0]}'{Suggestions.DidYouMean(verb, Usages.Keys)}", Help);

        return new Context(verb, usage, args, options).Run();
    }

    private sealed class Context(string verb, string usage, List<string> args, CommandParseOptions options)
    {
        private CommandParseResult Fail(string error) => new(null, error, usage);

        private static CommandParseResult Ok(ReleaseCommand c) => new(c);

        public CommandParseResult Run() => verb switch
        {
            "deploy" => Deploy(),
            "status" => args.Count switch
            {
                0 => Ok(new StatusCommand(options.DefaultService)),
                1 => WithService(args[0], s => new StatusCommand(s)),
                _ => TooMany(1),
            },
            "approve" => Single(s => new ApproveCommand(s)),
            "pause" => Single(s => new PauseCommand(s)),
            "resume" => Single(s => new ResumeCommand(s)),
            "promote" => Single(s => new PromoteCommand(s)),
            "abort" => Single(s => new AbortCommand(s)),
            "rollback" => Rollback(),
            "restore" => Restore(),
            "history" => History(),
            "freeze" => Freeze(),
            "unfreeze" => args.Count switch
            {
                0 when options.DefaultService is { } d => Ok(new UnfreezeCommand(d)),
                0 => Fail("missing <service|all>"),
                1 when IsAll(args[0]) => Ok(new UnfreezeCommand(null)),
                1 => WithService(args[0], s => new UnfreezeCommand(s)),
                _ => TooMany(1),
            },
            _ => args.Count switch
            {
                0 => Ok(new HelpCommand(null)),
                1 when Usages.ContainsKey(args[0].ToLowerInvariant()) => Ok(new HelpCommand(args[0].ToLowerInvariant())),
                1 => Fail($"no help for '{args[0]}'{Suggestions.DidYouMean(args[0], Usages.Keys)}"),
                _ => TooMany(1),
            },
        };

        private CommandParseResult TooMany(int max) =>
            Fail($"too many arguments: expected at most {max}, got {args.Count} ('{string.Join("' '", args)}'); quote an argument that has spaces");

        private CommandParseResult Missing() => Fail("missing <service>");

        private CommandParseResult Single(Func<string, RolloutCommand> make) => args.Count switch
        {
            0 when options.DefaultService is { } d => Ok(make(d)),
            0 => Missing(),
            1 => WithTarget(args[0], make),
            _ => TooMany(1),
        };

        private CommandParseResult Deploy() => args.Count switch
        {
            0 => Fail("missing <service> and <version>"),
            1 when options.DefaultService is { } d && !IsKnown(args[0]) => Version(args[0]) is { } e ? Fail(e) : Ok(new DeployCommand(d, args[0])),
            1 => Fail($"missing <version> for {args[0]}"),
            2 => Version(args[1]) is { } e ? Fail(e) : WithService(args[0], s => new DeployCommand(s, args[1])),
            _ => TooMany(2),
        };

        private static string? Version(string v) =>
            v.Any(char.IsWhiteSpace) || v.Length > 128 ? $"'{v}' is not a version: a tag, digest or commit without spaces" : null;

        private CommandParseResult Rollback()
        {
            if (args.Count == 0) return options.DefaultService is { } d0 ? Ok(new RollbackCommand(d0, null)) : Missing();
            // With a default service (PR comment), a first word that is not a service starts the reason.
            if (options.DefaultService is { } d && !IsServiceToken(args[0], d) && RolloutIdService(args[0]) is null)
                return Ok(new RollbackCommand(d, Join(args)));
            return WithTarget(args[0], s => new RollbackCommand(s, Join(args.Skip(1))));
        }

        private CommandParseResult Restore()
        {
            if (args.Count == 0) return options.DefaultService is { } d0 ? Ok(new RestoreCommand(d0, null)) : Missing();
            if (options.DefaultService is { } d && !IsServiceToken(args[0], d))
                return Ok(new RestoreCommand(d, Join(args)));
            return WithService(args[0], s => new RestoreCommand(s, Join(args.Skip(1))));
        }

        private CommandParseResult History()
        {
            string? service = null;
            var rest = args;
            if (rest.Count > 0 && !(options.DefaultService is not null && IsCount(rest[0])))
            {
                service = rest[0];
                rest = rest.Skip(1).ToList();
            }
            service ??= options.DefaultService;
            if (service is null) return Missing();
            if (rest.Count > 1) return TooMany(2);
            var count = RolloutDefaults.HistoryCount;
            if (rest.Count == 1 && !(int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= RolloutDefaults.MaxHistoryCount))
                return Fail($"'{rest[0]}' is not a count: give a whole number from 1 to {RolloutDefaults.MaxHistoryCount}");
            return WithService(service, s => new HistoryCommand(s, count));
        }

        private CommandParseResult Freeze()
        {
            var rest = args;
            string? service;
            var all = false;
            if (rest.Count > 0 && IsAll(rest[0])) { all = true; service = null; rest = rest.Skip(1).ToList(); }
            else if (rest.Count > 0 && (options.DefaultService is null || IsServiceToken(rest[0], options.DefaultService))) { service = rest[0]; rest = rest.Skip(1).ToList(); }
            else service = options.DefaultService;
            if (!all && service is null) return Fail("missing <service|all>");

            TimeSpan? duration = null;
            if (rest.Count > 0 && rest[0].Equals("for", StringComparison.OrdinalIgnoreCase))
            {
                if (rest.Count < 2) return Fail("missing <duration> after 'for' (e.g. for 2h)");
                if (!Durations.TryParse(rest[1], out var d)) return Fail($"'{rest[1]}' is not a duration: write it like 30m, 2h, 1d or 1h30m");
                duration = d;
                rest = rest.Skip(2).ToList();
            }
            var reason = Join(rest);
            return all ? Ok(new FreezeCommand(null, duration, reason)) : WithService(service!, s => new FreezeCommand(s, duration, reason));
        }

        private static bool IsAll(string token) => token.Equals("all", StringComparison.OrdinalIgnoreCase);

        private static bool IsCount(string token) => token.All(char.IsAsciiDigit) && token.Length > 0;

        private static string? Join(IEnumerable<string> words)
        {
            var s = string.Join(" ", words).Trim();
            return s.Length == 0 ? null : s;
        }

        private bool IsKnown(string token) => options.KnownServices?.Contains(token, StringComparer.OrdinalIgnoreCase) ?? false;

        private bool IsServiceToken(string token, string defaultService) =>
            IsKnown(token) || token.Equals(defaultService, StringComparison.OrdinalIgnoreCase);

        /// <summary>A service, or a rollout id <c>&lt;known service&gt;-&lt;n&gt;</c> (binds the command to that rollout).</summary>
        private CommandParseResult WithTarget(string token, Func<string, RolloutCommand> make) =>
            !IsKnown(token) && RolloutIdService(token) is { } service
                ? Ok(make(service) with { RolloutId = token.ToLowerInvariant() })
                : WithService(token, make);

        /// <summary>The known service whose rollout id <paramref name="token"/> is (<c>checkout-12</c>: checkout), else null.</summary>
        private string? RolloutIdService(string token)
        {
            if (options.KnownServices is not { } known || RolloutIds.ServiceOf(token) is not { } service) return null;
            return known.FirstOrDefault(k => k.Equals(service, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Checks the service against the known list, using its known spelling, or fails with a did-you-mean.</summary>
        private CommandParseResult WithService(string token, Func<string, ReleaseCommand> make)
        {
            if (options.KnownServices is not { } known) return Ok(make(token.ToLowerInvariant()));
            var match = known.FirstOrDefault(k => k.Equals(token, StringComparison.OrdinalIgnoreCase));
            if (match is not null) return Ok(make(match));
            var hint = Suggestions.Closest(token, known) is { } s
                ? $"; did you mean '{s}'?"
                : known.Count is > 0 and <= 10 ? $"; known services: {string.Join(", ", known.Order(StringComparer.Ordinal))}" : "";
            return Fail($"unknown service '{token}'{hint}");
        }
    }

    /// <summary>Splits on whitespace; "…", '…', “…” and ‘…’ group words. Returns an error for an unclosed quote.</summary>
    private static string? Tokenize(string text, out List<string> tokens)
    {
        tokens = [];
        var current = new StringBuilder();
        var inToken = false;
        char? close = null;
        foreach (var c in text)
        {
            if (close is { } q)
            {
                if (c == q) close = null;
                else current.Append(c);
                continue;
            }
            // A quote opens only at the start of a word, so "don't" stays one word.
            if (!inToken && c is '"' or '\'' or '“' or '‘')
            {
                close = c switch { '“' => '”', '‘' => '’', _ => c };
                inToken = true;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inToken) tokens.Add(current.ToString());
                current.Clear();
                inToken = false;
                continue;
            }
            current.Append(c);
            inToken = true;
        }
        if (close is { } open) return $"unclosed quote: add the closing {open}";
        if (inToken) tokens.Add(current.ToString());
        return null;
    }
}
