using System.Globalization;
using System.Net;
using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Pages;

/// <summary>One point of the traffic chart: the canary weight the cluster accepted from <see cref="At"/> on.</summary>
public sealed record WeightPoint(DateTimeOffset At, int Weight);
