namespace Bot.Core.Ports;

/// <summary>
/// The edge's one rule for "the infrastructure failed, not the canary": such a failure makes a rollout wait and retry
/// (<see cref="Rollouts.EffectFailed.IsTransient"/>); it never rolls a release back. Transient: an
/// <see cref="ITransientFailure"/> that says so, a dropped connection (<see cref="HttpRequestException"/>,
/// <see cref="IOException"/>), a timeout (<see cref="TimeoutException"/>, or a cancellation nobody asked for).
/// Everything else, including <see cref="RouteCheckFailedException"/> (objects or subsets missing) and
/// <see cref="TrafficDriftException"/>, is not.
/// </summary>
public static class TransientFailures
{
    public static bool Is(Exception error, CancellationToken ct = default)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RouteCheckFailedException or TrafficDriftException:
                    return false;
                case ITransientFailure t:
                    return t.IsTransient;
                case HttpRequestException or IOException or TimeoutException:
                    return true;
                case OperationCanceledException when !ct.IsCancellationRequested:
                    return true; // HttpClient.Timeout surfaces as a TaskCanceledException
            }
        }
        return false;
    }
}
