using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Bot.Functions.Hosting;

/// <summary>The isolated worker's counterpart of <see cref="ProblemAnswerExtensions.UseProblemAnswers"/>: an exception an HTTP
/// function did not handle becomes the same problem document (<see cref="ProblemAnswers"/>: 503 + Retry-After when storage
/// is down, 400 for an undecodable body), written on the request. Queue and timer failures still throw, so the host retries
/// and poisons.</summary>
public sealed class ProblemAnswersMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { } http
            && http.RequestServices.GetServices<IExceptionHandler>().OfType<ProblemAnswers>().FirstOrDefault() is { } answers)
        {
            if (!await answers.TryHandleAsync(http, ex, http.RequestAborted)) throw;
        }
    }
}
